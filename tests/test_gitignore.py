"""mlops_lint.gitignore decides like pathspec's GitIgnoreSpec (git's behaviour), without its import cost."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlops_lint.gitignore import GitIgnore

pathspec = pytest.importorskip("pathspec")


def reference(lines: list[str], path: str) -> bool | None:
    """pathspec's decision; a line it rejects outright (a trailing lone backslash) git ignores."""
    accepted = []
    for line in lines:
        try:
            pathspec.GitIgnoreSpec.from_lines([line])
        except ValueError:
            continue
        accepted.append(line)
    return pathspec.GitIgnoreSpec.from_lines(accepted).check_file(path).include


LINE = st.text(alphabet="ab*?/!#[]^\\. ", min_size=0, max_size=8)
SEGMENT = st.sampled_from(["a", "b", "ab", "ba", "a.b", "[a]", "*", "!a", "#a", " a", "a ", ".a", "\\"])
PATH = st.builds(
    lambda parts, folder: "/".join(parts) + ("/" if folder else ""),
    st.lists(SEGMENT, min_size=1, max_size=4),
    st.booleans(),
)


@settings(max_examples=3000, deadline=None)
@given(lines=st.lists(LINE, max_size=5), path=PATH)
def test_same_decision_as_pathspec(lines, path):
    assert GitIgnore(lines).check(path) == reference(lines, path)


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
    (["out/", "!out/keep.py"], "out/keep.py", False),  # git re-includes through a file match
    (["\\#notes"], "#notes", True),
    (["[abc"], "[abc", None),  # an unclosed class: the pattern is discarded, as git does
    (["trailing\\"], "trailing\\", None),  # a lone trailing backslash: discarded, not an error
    (["# comment", "", "   "], "x", None),
]


@pytest.mark.parametrize("lines,path,expected", CASES)
def test_documented_gitignore_behaviour(lines, path, expected):
    assert GitIgnore(lines).check(path) is expected
