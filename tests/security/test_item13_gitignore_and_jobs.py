"""Item 13: a .gitignore cannot hang the walk, and ``-j`` cannot fork hundreds of workers.

The attacks: a ``.gitignore`` line with many ``*`` (``*a*a*a*a*a*a*a*a*a*a*a*a*b*.py``) made the
regex behind it backtrack for hours on a long file name (30 characters: 2.5 s, 40: minutes);
``-j 300`` on 40 files forked 300 processes. Patterns with more than one quantifier spanning
folders, or more than two quantifiers, now run on a Pike VM that gives the regex's exact answer in
time linear in the path (checked here against ``re`` on generated patterns); workers are capped
at the cores and the files.
"""

from __future__ import annotations

import concurrent.futures
import random
import re

import pytest
from click.testing import CliRunner

from mlops_lint.cli import main
from mlops_lint.engine import parallel
from mlops_lint.gitignore import GitIgnore, _compile_vm, _Discard, _regex, _vm_search, pattern_nodes
from harness import without_summary
from security_harness import LEAK, LEAKY, hang_guard, run_concise, write_tree

STARS = "*a*a*a*a*a*a*a*a*a*a*a*a*b*.py"


def test_a_gitignore_pattern_with_many_stars_does_not_hang_the_walk(tmp_path):
    slow_name = "a" * 200 + ".py"  # no 'b': re would try every way to place twelve 'a's
    ignored_name = "a" * 12 + "b.py"
    write_tree(tmp_path, {".gitignore": STARS + "\n", slow_name: LEAKY, ignored_name: LEAKY})
    result = run_concise(".", cwd=tmp_path)  # under the hang guard
    assert result.stdout.splitlines() == [slow_name + LEAK]
    assert (result.returncode, without_summary(result.stderr)) == (1, "")


def test_many_double_stars_on_a_deep_path_are_linear():
    ignore = GitIgnore(["**/a/**/a/**/a/**/a/**/a/**/b"])
    deep = "/".join(["a"] * 2000) + "/x.py"
    with hang_guard():
        assert ignore.check(deep) is None
    assert ignore.check("a/a/a/a/a/x/b/") is True


def _random_line(rng: random.Random) -> str:
    pieces = ["*", "*", "**", "/", "a", "b", "?", "[ab]", "[!a]", ".", "\\*"]
    return "".join(rng.choice(pieces) for _ in range(rng.randint(1, 9)))


def _random_path(rng: random.Random) -> str:
    segments = ["a", "b", "ab", "ba", "aab", "a.b", "*", "bb", "a\nb"]
    return "/".join(rng.choice(segments) for _ in range(rng.randint(1, 5))) + rng.choice(["", "/"])


def test_the_vm_gives_the_same_answer_as_re():
    # Seeded: the same 20,000 comparisons every run, on paths short enough for re to finish.
    rng = random.Random(13)
    compared = 0
    while compared < 20_000:
        line = _random_line(rng)
        try:
            nodes = pattern_nodes(line)
            regex = re.compile(_regex(nodes))
        except (_Discard, re.error):
            continue
        vm = _vm_search(_compile_vm(nodes), anchored=nodes[0][0] == "bol")
        for _ in range(10):
            path = _random_path(rng)
            match = regex.search(path)
            expected = None if match is None else (match.start("d") if "d" in regex.groupindex else -1)
            assert vm(path) == expected, (line, path)
            compared += 1


class _RecordingPool(concurrent.futures.ProcessPoolExecutor):
    sizes: list[int] = []

    def __init__(self, max_workers=None, *args, **kwargs):
        _RecordingPool.sizes.append(max_workers)
        super().__init__(max_workers, *args, **kwargs)


def _lint_with_j300(tmp_path, monkeypatch, files: int, cores: int) -> list[int]:
    write_tree(tmp_path, {f"train_{i:02d}.py": LEAKY for i in range(files)})
    _RecordingPool.sizes = []
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", _RecordingPool)
    monkeypatch.setattr(parallel, "default_jobs", lambda: cores)
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", min(files, parallel.PARALLEL_THRESHOLD))
    result = CliRunner().invoke(main, ["check", "-j", "300", "--no-cache", "--output-format", "concise", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert len(result.stdout.splitlines()) == files
    return _RecordingPool.sizes


@pytest.mark.integration  # forks the pool's workers
def test_jobs_are_capped_at_the_cores(tmp_path, monkeypatch):
    assert _lint_with_j300(tmp_path, monkeypatch, files=40, cores=2) == [2]


@pytest.mark.integration  # forks the pool's workers
def test_jobs_are_capped_at_the_files(tmp_path, monkeypatch):
    # A 64-core machine and 3 files (the pool threshold lowered to 3): 3 workers, not 64 nor 300.
    assert _lint_with_j300(tmp_path, monkeypatch, files=3, cores=64) == [3]
