"""Item 7: a FIFO (or any file that is not a regular file) named ``*.py`` never blocks the run.

The attack: ``mkfifo model.py`` in a repository (a tarball or a shared folder can carry one). Opening
a FIFO for reading waits for a writer for ever: the walk, or naming the file, hung the run. A FIFO
named ``.gitignore`` hung it the same way. Only regular files are opened, the kind is checked again
on the open descriptor, and the descriptor is opened non-blocking.
"""

from __future__ import annotations

import os
import socket
import stat

import pytest

from mlops_lint.source.reading import FileReadError, read_bytes_limited
from harness import without_summary
from security_harness import LEAK, LEAKY, hang_guard, run_concise, write_tree

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
FIFO = "could not read file: not a regular file but a named pipe (FIFO)"


def test_fifo_found_by_the_walk_is_mlo002(tmp_path):
    write_tree(tmp_path, {"train.py": LEAKY})
    os.mkfifo(tmp_path / "model.py")
    os.mkfifo(tmp_path / "report.ipynb")
    result = run_concise(".", cwd=tmp_path)
    assert result.stdout.splitlines() == [f"model.py:1:1: MLO002 {FIFO}", f"report.ipynb:1:1: MLO002 {FIFO}", "train.py" + LEAK]
    assert (result.returncode, without_summary(result.stderr)) == (1, "")


def test_fifo_named_on_the_command_line_is_mlo002(tmp_path):
    write_tree(tmp_path, {"train.py": LEAKY})
    os.mkfifo(tmp_path / "model.py")
    result = run_concise("model.py", "train.py", cwd=tmp_path)
    assert result.stdout.splitlines() == [f"model.py:1:1: MLO002 {FIFO}", "train.py" + LEAK]


def test_fifo_gitignore_and_socket_do_not_block_the_walk(tmp_path):
    write_tree(tmp_path, {"pkg/train.py": LEAKY})
    os.mkfifo(tmp_path / ".gitignore")
    os.mkfifo(tmp_path / "pkg" / ".gitignore")
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "served.py"))
        result = run_concise(".", cwd=tmp_path)
    finally:
        server.close()
    assert result.stdout.splitlines() == [
        "pkg/train.py" + LEAK,
        "served.py:1:1: MLO002 could not read file: not a regular file but a socket",
    ]


def test_a_fifo_swapped_in_after_the_check_is_caught_on_the_descriptor(tmp_path, monkeypatch):
    # The race: the path was a regular file when checked, and is a FIFO when opened.
    regular = tmp_path / "regular.py"
    regular.write_text("x = 1\n")
    fifo = tmp_path / "model.py"
    os.mkfifo(fifo)
    real_stat = os.stat
    monkeypatch.setattr(os, "stat", lambda path, *a, **k: real_stat(regular) if str(path) == str(fifo) else real_stat(path, *a, **k))
    assert stat.S_ISREG(os.stat(fifo).st_mode)
    with hang_guard(), pytest.raises(FileReadError, match="named pipe"):
        read_bytes_limited(fifo, 1024)  # returns at once: opened non-blocking, refused by fstat
