"""The language server's lint jobs (mlops_lint/integrations/lint_jobs.py): off the loop, debounced, cancellable."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from harness import LEAKY, lint_text
from mlops_lint.integrations import lint_jobs
from mlops_lint.integrations.lint_jobs import Debouncer, Job, Outcome, size_above_limit, start

ALL_DEFAULT = {"MLO101"}


def test_size_above_limit_counts_utf8_bytes():
    assert size_above_limit("a" * 10, 10) is None
    assert size_above_limit("a" * 11, 10) == 11
    assert size_above_limit("é" * 5, 10) is None  # 10 bytes
    assert size_above_limit("é" * 6, 10) == 12  # 6 characters, 12 bytes
    assert size_above_limit("𝒳" * 3, 10) == 12
    assert size_above_limit("", 0) is None


@pytest.mark.integration
def test_a_job_returns_the_lints_diagnostics():
    expected = lint_text(LEAKY, ALL_DEFAULT)

    async def scenario():
        job = start(lambda: lint_text(LEAKY, ALL_DEFAULT))
        return await job.future

    outcome = asyncio.run(scenario())
    assert outcome == Outcome(diagnostics=expected) and expected


@pytest.mark.integration
def test_a_job_that_fixes_returns_its_edits():
    from mlops_lint.diagnostics import Position, TextEdit

    edits = (TextEdit(Position(2, 0), Position(3, 0), "folds = KFold(random_state=0)  # é𝒳\n"), TextEdit(Position(9, 4), Position(9, 4), ""))

    async def scenario():
        return await start(lambda: edits).future

    assert asyncio.run(scenario()) == Outcome(edits=edits)


@pytest.mark.integration
def test_a_job_reports_a_configuration_error_and_a_failure():
    from mlops_lint.run import RunError

    def bad_config():
        raise RunError("pyproject.toml: key 'tool.mlops-lint.x': unknown key")

    def broken():
        raise ValueError("boom")

    async def scenario():
        return await start(bad_config).future, await start(broken).future

    configuration, failure = asyncio.run(scenario())
    assert configuration == Outcome(run_error="pyproject.toml: key 'tool.mlops-lint.x': unknown key")
    assert failure == Outcome(failure="ValueError: boom")


@pytest.mark.integration
@pytest.mark.skipif(not lint_jobs._FORK, reason="lints run in a killable child only where fork is safe")
def test_cancelling_a_running_job_kills_its_process():
    async def scenario():
        job = start(lambda: time.sleep(600) or [])
        pid = job.pid
        await asyncio.sleep(0.05)
        job.cancel()
        outcome = await job.future
        for _ in range(200):  # reaped by the loop shortly after the kill
            if job.pid is None:
                break
            await asyncio.sleep(0.01)
        return pid, outcome, job.pid

    pid, outcome, left = asyncio.run(scenario())
    assert outcome is None and left is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped: no zombie left


class FakeJobs:
    """Jobs whose completion the test decides, to follow the debouncer step by step."""

    def __init__(self) -> None:
        self.started: list[tuple[str, Job]] = []
        self.finished: list[tuple[str, Outcome]] = []

    def begin(self, key: str) -> Job:
        job = Job(asyncio.get_running_loop())
        self.started.append((key, job))
        return job

    def finish(self, key: str, outcome: Outcome) -> None:
        self.finished.append((key, outcome))


def test_a_burst_of_changes_is_linted_once():
    jobs = FakeJobs()

    async def scenario():
        debouncer = Debouncer(jobs.begin, jobs.finish, delay=0.02)
        for _ in range(5):
            debouncer.request("a.py")
        await asyncio.sleep(0.1)
        [(_, job)] = jobs.started
        job._resolve(Outcome())
        await asyncio.sleep(0)

    asyncio.run(scenario())
    assert [key for key, _ in jobs.started] == ["a.py"] and jobs.finished == [("a.py", Outcome())]


def test_a_newer_change_cancels_the_running_lint_and_only_its_result_is_published():
    jobs = FakeJobs()
    newest = Outcome(failure="the newest")

    async def scenario():
        debouncer = Debouncer(jobs.begin, jobs.finish, delay=0.01)
        debouncer.request("a.py")
        await asyncio.sleep(0.05)
        (_, older), = jobs.started
        debouncer.request("a.py")  # a keystroke while the first lint runs
        assert older.future.done() and older.future.result() is None  # cancelled
        older._resolve(Outcome(failure="stale"))  # a late answer of the old lint changes nothing
        await asyncio.sleep(0.05)
        (_, _), (_, newer) = jobs.started
        newer._resolve(newest)
        await asyncio.sleep(0)

    asyncio.run(scenario())
    assert jobs.finished == [("a.py", newest)]


def test_closing_a_document_cancels_its_pending_lint():
    jobs = FakeJobs()

    async def scenario():
        debouncer = Debouncer(jobs.begin, jobs.finish, delay=0.02)
        debouncer.request("a.py")
        debouncer.forget("a.py")
        await asyncio.sleep(0.06)

    asyncio.run(scenario())
    assert jobs.started == [] and jobs.finished == []


@pytest.mark.integration
def test_a_job_returns_publications_larger_than_the_pipe_whole_and_in_order():
    from mlops_lint.integrations.lint_jobs import Publication, Publications

    # 3 MB: more than the pipe holds, so the server reads while the child still writes.
    published = Publications((Publication("file:///a.py", b'{"x": "' + b"a" * 3_000_000 + b'"}'), Publication("file:///b.py", b"{}")))

    async def scenario():
        return await start(lambda: published).future

    assert asyncio.run(scenario()) == Outcome(publications=published.items)


def test_an_answer_cut_short_is_no_answer():
    from mlops_lint.integrations.lint_jobs import Publication, Publications

    whole = lint_jobs._answer(lambda: Publications((Publication("file:///a.py", b"{}"),)))
    assert lint_jobs._outcome_from_answer(whole) == Outcome(publications=(Publication("file:///a.py", b"{}"),))
    for cut in range(len(whole)):
        assert lint_jobs._outcome_from_answer(whole[:cut]) is None
