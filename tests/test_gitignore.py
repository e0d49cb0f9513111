"""mlops_lint.gitignore decides as git does: pinned decisions of `git check-ignore`, and git itself.

The reference is git, not another library: ``tests/data/gitignore-git-decisions.json`` holds
cases drawn with a fixed seed (patterns and paths from a small alphabet full of gitignore's
special characters) and the decision `git check-ignore --no-index` gave for each. The quick test
compares our matcher with the pins; the integration test asks the installed git again, so a pin
can never drift from what git does. Refresh the pins with ``python tests/test_gitignore.py``.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from mlops_lint.gitignore import GitIgnore

PINS = Path(__file__).parent / "data" / "gitignore-git-decisions.json"
SEED = 20261207
GROUPS = 2000  # pattern lists; each is asked about PATHS_PER_GROUP paths
PATHS_PER_GROUP = 8
PATTERN_ALPHABET = "ab*?/!#[]^\\. "
SEGMENTS = ["a", "b", "ab", "ba", "a.b", "[a]", "*", "!a", "#a", " a", "a ", ".a", "\\"]

Case = tuple[list[str], str, bool]  # .gitignore lines, a path relative to its folder, is it a folder


def generate_cases(seed: int = SEED) -> list[Case]:
    rng = random.Random(seed)
    cases: list[Case] = []
    for _ in range(GROUPS):
        lines = ["".join(rng.choice(PATTERN_ALPHABET) for _ in range(rng.randint(0, 8))) for _ in range(rng.randint(0, 5))]
        for _ in range(PATHS_PER_GROUP):
            path = "/".join(rng.choice(SEGMENTS) for _ in range(rng.randint(1, 4)))
            cases.append((lines, path, rng.random() < 0.5))
    return cases


def walk_excludes(spec: GitIgnore, path: str, is_dir: bool) -> bool:
    """What discovery's walk does: a folder it excludes is never entered, else the entry's own decision."""
    parts = path.split("/")
    for depth in range(1, len(parts)):
        if spec.check("/".join(parts[:depth]) + "/") is True:
            return True
    return spec.check(path + "/" if is_dir else path) is True


def git_decisions(cases: list[Case]) -> list[bool]:
    """`git check-ignore --no-index` for each case, one git call per pattern list."""
    decisions: list[bool] = []
    with tempfile.TemporaryDirectory() as repo:
        subprocess.run(["git", "init", "-q", repo], check=True)
        start = 0
        while start < len(cases):
            lines = cases[start][0]
            end = start
            while end < len(cases) and cases[end][0] is lines:
                end += 1
            Path(repo, ".gitignore").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
            asked = b"".join((path + ("/" if is_dir else "")).encode() + b"\0" for _, path, is_dir in cases[start:end])
            answer = subprocess.run(
                ["git", "check-ignore", "--no-index", "--verbose", "--non-matching", "-z", "--stdin"],
                cwd=repo, input=asked, capture_output=True, check=False,
            ).stdout.split(b"\0")
            # Four fields per path: source, line number, pattern ("" when none matched), path.
            patterns = answer[2::4][: end - start]
            decisions.extend(bool(pattern) and not pattern.startswith(b"!") for pattern in patterns)
            start = end
    return decisions


def _pinned() -> list[bool]:
    """The pinned decisions, one character per generated case: "1" excluded, "0" not."""
    pins = json.loads(PINS.read_text(encoding="utf-8"))
    assert pins["seed"] == SEED
    return [bit == "1" for bit in pins["decisions"]]


def test_walk_decides_like_the_pinned_git_decisions():
    cases, pinned = generate_cases(), _pinned()
    assert len(pinned) == len(cases) == GROUPS * PATHS_PER_GROUP
    ours = [walk_excludes(GitIgnore(lines), path, is_dir) for lines, path, is_dir in cases]
    assert [(case, git) for case, mine, git in zip(cases, ours, pinned) if mine != git] == []


@pytest.mark.integration
def test_the_pins_are_what_git_decides():
    assert git_decisions(generate_cases()) == _pinned()


CASES = [
    (["*.pyc"], "pkg/m.pyc", True),
    (["build/"], "build/", True),
    (["build/"], "build", None),  # a file named build: the pattern is for folders
    (["build/"], "src/build/x.py", True),
    (["/build"], "src/build/", None),  # anchored to the .gitignore's folder
    (["doc/*.txt"], "doc/notes.txt", True),
    (["doc/*.txt"], "doc/server/arch.txt", None),
    (["**/logs"], "a/b/logs/", True),
    (["a/**/b"], "a/x/y/b", True),
    (["a/**/b"], "a/b", True),
    (["*.py", "!keep.py"], "keep.py", False),
    (["out/", "!out/keep.py"], "out/keep.py", False),  # the file's own match wins; the walk never enters out/
    (["\\#notes"], "#notes", True),
    (["[abc"], "[abc", None),  # an unclosed class: the pattern is discarded, as git does
    (["trailing\\"], "trailing\\", None),  # a lone trailing backslash: discarded, not an error
    (["# comment", "", "   "], "x", None),
    (["!*", "?"], "a/", True),  # as git check-ignore decides (pathspec 0.12 said False)
]


@pytest.mark.parametrize("lines,path,expected", CASES)
def test_documented_gitignore_behaviour(lines, path, expected):
    assert GitIgnore(lines).check(path) is expected


if __name__ == "__main__":
    drawn = generate_cases()
    version = subprocess.run(["git", "--version"], capture_output=True, text=True, check=True).stdout.strip()
    decisions = "".join("1" if excluded else "0" for excluded in git_decisions(drawn))
    PINS.write_text(json.dumps({"git": version, "seed": SEED, "decisions": decisions}, indent=1) + "\n", encoding="utf-8")
    sys.exit(f"pinned {len(decisions)} decisions of {version} in {PINS}")
