"""Suppression: ``# noqa`` (blanket and with codes) and ``# mlops-lint: skip-file``, through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import notebook_json, run_check, without_summary
from mlops_lint.engine.suppression import read_suppressions, skips_file

HEADER = """\
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

X = StandardScaler().fit_transform(X)
"""
SPLIT = "X_train, X_test, y_train, y_test = train_test_split(X, y)"
MULTILINE_SPLIT = "X_train, X_test, y_train, y_test = train_test_split({comment}\n    X,\n    y,\n)"


def concise(tmp_path: Path, source: str, name: str = "train.py") -> tuple[int, list[str]]:
    (tmp_path / name).write_text(source)
    result = run_check(name, cwd=tmp_path)
    assert without_summary(result.stderr) == ""
    return result.returncode, [line.split(": ")[0] + " " + line.split(": ")[1].split()[0] for line in result.stdout.splitlines()]


def test_unsuppressed_baseline(tmp_path):
    assert concise(tmp_path, HEADER + SPLIT + "\n") == (1, ["train.py:5:36 MLO101"])


@pytest.mark.parametrize("comment", ["# noqa", "# NOQA", "#noqa:MLO101", "# noqa: MLO101", "# noqa: E501,MLO101",
                                     "# noqa: E501 MLO101", "# noqa: MLO1", "# type: ignore  # noqa: MLO101"])
def test_noqa_on_the_reported_line(tmp_path, comment):
    assert concise(tmp_path, HEADER + SPLIT + f"  {comment}\n") == (0, [])


@pytest.mark.parametrize("comment", ["# noqa: E501", "# noqa: MLO102", "# noqa: MLO1011", "# no qa"])
def test_noqa_for_other_codes_keeps_the_finding(tmp_path, comment):
    assert concise(tmp_path, HEADER + SPLIT + f"  {comment}\n") == (1, ["train.py:5:36 MLO101"])


def test_unknown_codes_in_noqa_are_not_an_error(tmp_path):
    assert concise(tmp_path, HEADER + SPLIT + "  # noqa: XYZ999, MLO101\n") == (0, [])


def test_noqa_on_another_line_does_not_count(tmp_path):
    assert concise(tmp_path, HEADER.replace("(X)\n", "(X)  # noqa: MLO101\n") + SPLIT + "\n") == (1, ["train.py:5:36 MLO101"])


def test_noqa_anywhere_on_the_logical_line_as_flake8_reads_it(tmp_path):
    plain = HEADER + MULTILINE_SPLIT.format(comment="") + "\n"
    assert concise(tmp_path, plain) == (1, ["train.py:5:36 MLO101"])
    assert concise(tmp_path, HEADER + MULTILINE_SPLIT.format(comment="  # noqa: MLO101") + "\n") == (0, [])
    # The finding is reported on line 6, a later line of the statement that starts on line 5.
    later = HEADER + "X_train, X_test, y_train, y_test = ({comment}\n    train_test_split(X, y)\n)\n"
    assert concise(tmp_path, later.format(comment="")) == (1, ["train.py:6:5 MLO101"])
    assert concise(tmp_path, later.format(comment="  # noqa: MLO101")) == (0, [])
    assert concise(tmp_path, later.format(comment="  # noqa: MLO2")) == (1, ["train.py:6:5 MLO101"])
    # black puts a trailing comment on the closing line: flake8 honours it there, and so do we.
    assert concise(tmp_path, HEADER + MULTILINE_SPLIT.format(comment="") + "  # noqa: MLO101\n") == (0, [])
    closing = HEADER + "X_train, X_test, y_train, y_test = train_test_split(\n    X, y{comment}\n)\n"
    assert concise(tmp_path, closing.format(comment="  # noqa: MLO101")) == (0, [])
    # A comment line of its own is no part of a logical line; the next statement is another one.
    above = HEADER + "# noqa: MLO101\n" + SPLIT + "\n"
    assert concise(tmp_path, above) == (1, ["train.py:6:36 MLO101"])
    after = HEADER + SPLIT + "\nprint(X_train)  # noqa: MLO101\n"
    assert concise(tmp_path, after) == (1, ["train.py:5:36 MLO101"])


def test_a_loop_body_comment_does_not_cover_its_header(tmp_path):
    source = HEADER + "for X_train, X_test, y_train, y_test in [train_test_split(\n    X, y)]:{head}\n    print(X_train){body}\n"
    assert concise(tmp_path, source.format(head="", body="  # noqa: MLO101")) == (1, ["train.py:5:42 MLO101"])
    assert concise(tmp_path, source.format(head="  # noqa: MLO101", body="")) == (0, [])


def test_skip_file(tmp_path):
    assert concise(tmp_path, "# mlops-lint: skip-file\n" + HEADER + SPLIT + "\n") == (0, [])
    assert concise(tmp_path, HEADER + SPLIT + "\n# MLOPS-LINT:  skip-file\n") == (0, [])
    assert concise(tmp_path, "x = '# mlops-lint: skip-file'\n" + HEADER + SPLIT + "\n")[0] == 1


def test_skip_file_is_read_before_the_parse(tmp_path):
    # The file is skipped before it is parsed: not even its syntax error is reported.
    assert concise(tmp_path, "# mlops-lint: skip-file\nimport sklearn\nx = (\n") == (0, [])
    assert concise(tmp_path, "import sklearn\nx = (\n")[1] == ["train.py:2:5 MLO001"]


def test_skips_file_reads_comments_only():
    assert skips_file("import numpy\n# Mlops-Lint: skip-file\n")
    assert not skips_file("x = '# mlops-lint: skip-file'\n")  # inside a string: not a comment
    assert not skips_file("x = 1  # noqa\n")


def test_noqa_in_a_notebook_cell(tmp_path):
    suppressed = notebook_json("%matplotlib inline", HEADER + SPLIT + "  # noqa: MLO101")
    assert concise(tmp_path, suppressed, name="nb.ipynb") == (0, [])
    kept = notebook_json("%matplotlib inline", HEADER + SPLIT)
    assert concise(tmp_path, kept, name="nb.ipynb") == (1, ["nb.ipynb:cell_2:5:36 MLO101"])


def test_read_suppressions_parses_codes():
    found = read_suppressions("a = 1  # noqa\nb = 2  # noqa: MLO101, e501\nc = 3  # noqa:XYZ\n")
    assert found.noqa == {1: None, 2: frozenset({"MLO101", "E501"}), 3: None}
    assert not found.skip_file


def test_prefilter_keeps_every_spelling_that_suppresses():
    assert read_suppressions("x = 1  #NoQa\n").noqa == {1: None}
    assert read_suppressions("# MLOPS-LINT: skip-file\n").skip_file
    assert read_suppressions("x = '# noqa'\n").noqa == {}  # inside a string: not a comment
    assert read_suppressions("x = 1  # a plain comment\n").noqa == {}
