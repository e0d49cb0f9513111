"""docs/safety.md, "What --fix guarantees": each test reproduces one situation of issue 13 (items 10,
17, 18) and asserts the safe outcome, through the real command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from fix_harness import LEAKY_FIXED
from harness import LEAKY, notebook_json, run_cli
from mlops_lint.cli import main

LEAK = ":5:36: MLO101 StandardScaler fitted on 'X' (line 4) before 'X' is split (line 5)"
FIX = ("check", "--fix", "--unsafe-fixes", "--no-cache", "--output-format", "concise")


def run_bytes(*args: str, cwd: Path, stdin: bytes) -> subprocess.CompletedProcess:
    """The real entry point with bytes in and out, as an editor pipes a buffer."""
    return subprocess.run([sys.executable, "-m", "mlops_lint", *args], cwd=cwd, input=stdin,
                          capture_output=True, env={**os.environ, "NO_COLOR": "1"})


def invoke(*args: str):
    """The same command in this process, where a test can stand between the fixer and the disk."""
    return CliRunner().invoke(main, list(args))


# --- item 10: stdin in, the same bytes out; never an empty buffer -----------------------------------

NOT_UTF8 = b"# donn\xe9es\n" + LEAKY.encode()  # latin-1 without a coding cookie
CRLF_BOM = b"\xef\xbb\xbf" + LEAKY.replace("\n", "\r\n").encode()  # only an unsafe fix: nothing is fixed


def test_item10_non_utf8_stdin_with_fix_comes_back_byte_for_byte(tmp_path):
    result = run_bytes("check", "--fix", "--unsafe-fixes", "--output-format", "concise", "-", cwd=tmp_path, stdin=NOT_UTF8)
    assert result.stdout == NOT_UTF8
    assert result.stderr == b"-:1:1: MLO002 could not decode file: invalid utf-8 byte 0xe9 on line 1\n"
    assert result.returncode == 1


def test_item10_stdin_with_nothing_fixed_comes_back_with_its_bom_and_line_endings(tmp_path):
    result = run_bytes("check", "--fix", "--output-format", "concise", "-", cwd=tmp_path, stdin=CRLF_BOM)
    assert result.stdout == CRLF_BOM
    assert result.stderr.decode().startswith("-" + LEAK)
    assert result.returncode == 1


def test_item10_stdin_with_a_coding_cookie_is_fixed_in_its_own_encoding(tmp_path):
    header = "# -*- coding: latin-1 -*-\n# donn\u00e9es\n"
    result = run_bytes("check", "--fix", "--unsafe-fixes", "-", cwd=tmp_path, stdin=(header + LEAKY).encode("latin-1"))
    assert (result.returncode, result.stdout) == (0, (header + LEAKY_FIXED).encode("latin-1"))


def test_item10_non_utf8_stdin_in_full_output_is_a_finding_not_a_crash(tmp_path):
    result = run_bytes("check", "--output-format", "full", "-", cwd=tmp_path, stdin=NOT_UTF8)
    assert result.returncode == 1, result.stderr
    assert result.stdout.decode().startswith("-:1:1: MLO002 unreadable-file\n  could not decode file: invalid utf-8 byte 0xe9 on line 1\n")


@pytest.mark.parametrize("problem", ["bad option", "bad configuration"])
def test_item10_fix_from_stdin_never_answers_with_an_empty_buffer(tmp_path, problem):
    if problem == "bad configuration":
        (tmp_path / "pyproject.toml").write_text("[tool.mlops-lint]\nno-such-key = 1\n")
        args = ("check", "--fix", "-")
    else:
        args = ("check", "--fix", "--select", "NOPE", "-")
    result = run_bytes(*args, cwd=tmp_path, stdin=NOT_UTF8)
    assert (result.returncode, result.stdout) == (2, NOT_UTF8)
    assert result.stderr.startswith(b"mlops-lint: error: ")


# --- item 17: every byte outside the edited lines --------------------------------------------------

IMPORTS, FIT_AND_SPLIT = LEAKY.split("\n\n", 1)
FIXED_FIT_AND_SPLIT = LEAKY_FIXED.split("\n\n", 1)[1]


def _file(head: str, tail: str, newline: str = "\n") -> tuple[bytes, bytes]:
    """(before, after) bytes of a leaky file whose lines around the fit and the split are ``head`` and ``tail``."""
    def joined(body: str) -> bytes:
        return (head + IMPORTS + "\n\n" + body + tail).replace("\n", newline).encode()

    return joined(FIT_AND_SPLIT), joined(FIXED_FIT_AND_SPLIT)


@pytest.mark.parametrize(("before", "after"), [
    # a form feed starting a statement line, which libcst drops whenever it prints the module
    _file("\x0c", "\x0cprint(1)\n"),
    # CRLF, a form feed on its own line, trailing blanks, a tab, no final newline
    _file("\x0c\n", "x = 1 \t \n\x0c  # page\nprint(2)", newline="\r\n"),
], ids=["form feed starting a line", "crlf form feed blanks no final newline"])
def test_item17_bytes_outside_the_edited_lines_are_kept(tmp_path, before, after):
    path = tmp_path / "train.py"
    path.write_bytes(before)
    result = run_cli(*FIX, "train.py", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "Fixed 1 finding(s) in 1 file(s).\n")
    assert path.read_bytes() == after


def test_item17_bytes_the_file_codec_does_not_round_trip_are_kept(tmp_path):
    # cp932 reads 0x87 0x90 as U+2252 but writes U+2252 as 0x81 0xE0: decoding and encoding the
    # whole file again would change a line the fix never touched.
    header = b"# -*- coding: cp932 -*-\n# \x87\x90\n"
    path = tmp_path / "train.py"
    path.write_bytes(header + LEAKY.encode())
    assert run_cli(*FIX, "train.py", cwd=tmp_path).returncode == 0
    assert path.read_bytes() == header + LEAKY_FIXED.encode()


def test_item17_the_check_before_writing_refuses_a_change_outside_the_edited_lines():
    from mlops_lint.source.write_back import LineChange, WriteBackError, check_kept

    before = b"a = 1\n\x0cb = 2\nc = 3\n"
    change = (LineChange(2, 3, ("c = 4",)),)
    check_kept(before, b"a = 1\n\x0cb = 2\nc = 4\n", change)
    with pytest.raises(WriteBackError, match="line 2 would change outside the fix"):
        check_kept(before, b"a = 1\nb = 2\nc = 4\n", change)


# --- item 18: per-file errors, honest counts -------------------------------------------------------


def test_item18_the_summary_counts_only_the_fixes_that_were_written(tmp_path):
    cells = ["from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler",
             "X = StandardScaler().fit_transform(X)\nX_train, X_test, y_train, y_test = train_test_split(X, y)"]
    # A notebook whose JSON layout no writer reproduces: its fixes are computed, then refused.
    odd = json.dumps(json.loads(notebook_json(*cells)), indent=3, separators=(",", " : ")).encode()
    (tmp_path / "odd.ipynb").write_bytes(odd)
    (tmp_path / "train.py").write_text(LEAKY)
    result = run_cli(*FIX, ".", cwd=tmp_path)
    assert result.stderr.splitlines() == [
        "mlops-lint: odd.ipynb: fixes not written: the notebook's JSON layout cannot be reproduced, so it is left as it is",
        "Fixed 1 finding(s) in 1 file(s).",
    ]
    assert (tmp_path / "odd.ipynb").read_bytes() == odd
    assert (tmp_path / "train.py").read_text() == LEAKY_FIXED
    assert result.returncode == 1
