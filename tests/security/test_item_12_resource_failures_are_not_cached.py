"""Issue 13, item 12: a result that came from a resource failure is never cached.

The bug: a ``MemoryError``/``RecursionError`` reported as MLO001 "too deeply nested" was cached,
and kept being reported after memory was back. Such results (MLO001 "too deeply nested", from the
parser or from a rule's stack overflow, and any MLO003 internal error) are neither stored in the
results index nor answered from a run record: the next run analyses the file again.
"""

from __future__ import annotations

import ast

import pytest

from harness import LEAKY
from mlops_lint.engine.registry import rule_classes
from mlops_lint.run import RunRequest, run


def _run(cache) -> list[tuple[str, int, str]]:
    found = run(RunRequest(paths=(".",), use_cache=cache is not None, cache_dir=cache, jobs=1))
    return [(d.code, d.location.start.line, d.message) for d in found]


def _rule_overflows(monkeypatch, error: type[BaseException]) -> None:
    def overflow(self, *_args):
        raise error()

    monkeypatch.setattr(rule_classes()["MLO101"], "check", overflow)


def _parser_runs_out_of_memory(monkeypatch) -> None:
    def out_of_memory(*_args, **_kwargs):
        raise MemoryError()

    monkeypatch.setattr(ast, "parse", out_of_memory)


@pytest.mark.parametrize("failure, expected", [
    ("a rule's stack overflow", ("MLO001", 1, "too deeply nested for MLO101 to analyse")),
    ("the parser out of memory", ("MLO001", 1, "too deeply nested to parse")),
    ("a rule out of memory", ("MLO003", 1, "internal error in MLO101 (MemoryError")),
])
def test_item_12_a_resource_failure_is_reported_once_then_analysed_again(tmp_path, monkeypatch, failure, expected):
    (tmp_path / "train.py").write_text(LEAKY)
    monkeypatch.chdir(tmp_path)
    with monkeypatch.context() as during_the_failure:
        if failure == "a rule's stack overflow":
            _rule_overflows(during_the_failure, RecursionError)
        elif failure == "a rule out of memory":
            _rule_overflows(during_the_failure, MemoryError)
        else:
            _parser_runs_out_of_memory(during_the_failure)
        failed = _run(tmp_path / "cache")
    code, line, message = expected
    assert [(c, n) for c, n, m in failed if message in m] == [(code, line)]
    # Memory is back: the file is analysed again, by the results cache and by the run record alike.
    assert _run(tmp_path / "cache") == [("MLO101", 5, _run(None)[0][2])] == _run(tmp_path / "cache")
