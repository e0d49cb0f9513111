"""Item 11: what the walk cannot enter is reported, never skipped with exit status 0.

The attacks (or accidents): a folder with mode 000, and a tree nested deeper than ``PATH_MAX``
(4096 bytes on Linux) where ``os.scandir`` fails with "File name too long". Both were skipped
silently: the run said "No findings" and exited 0 with a leak inside.
"""

from __future__ import annotations

import errno
import os
import sys

import pytest

from harness import without_summary
from security_harness import LEAK, LEAKY, run_concise, write_tree


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a mode-000 folder; the simulated test below covers it")
def test_unreadable_folder_is_reported(tmp_path):
    write_tree(tmp_path, {"private/train.py": LEAKY, "ok.py": "x = 1\n"})
    (tmp_path / "private").chmod(0)
    try:
        result = run_concise(".", cwd=tmp_path)
    finally:
        (tmp_path / "private").chmod(0o755)
    assert result.stdout.splitlines() == [
        "private:1:1: MLO002 could not read folder: Permission denied; the files in it were not checked"
    ]
    assert result.returncode == 1


def test_unreadable_folder_simulated_for_root(tmp_path, monkeypatch):
    # CI runs as root, which lists any folder: make the listing itself fail as the kernel would.
    write_tree(tmp_path, {"private/train.py": LEAKY, "ok.py": LEAKY})
    real_scandir = os.scandir

    def scandir(path="."):
        if os.path.basename(os.path.normpath(os.fspath(path))) == "private":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = run_concise(".", cwd=tmp_path)
    assert result.stdout.splitlines() == [
        "ok.py" + LEAK,
        "private:1:1: MLO002 could not read folder: Permission denied; the files in it were not checked",
    ]
    assert (result.returncode, without_summary(result.stderr)) == (1, "")


def _deep_tree(root, depth: int, name_length: int) -> str:
    """Folders nested past PATH_MAX, made relative to open descriptors (no path that long is ever passed)."""
    relative = []
    descriptor = os.open(root, os.O_RDONLY)
    try:
        for level in range(depth):
            name = f"{level:02d}" + "d" * (name_length - 2)
            os.mkdir(name, dir_fd=descriptor)
            inner = os.open(name, os.O_RDONLY, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = inner
            relative.append(name)
        leak = os.open("train.py", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=descriptor)
        os.write(leak, LEAKY.encode())
        os.close(leak)
    finally:
        os.close(descriptor)
    return "/".join(relative)


@pytest.mark.skipif(sys.platform != "linux", reason="PATH_MAX is 4096 on Linux")
def test_a_folder_deeper_than_path_max_is_reported(tmp_path):
    write_tree(tmp_path, {"shallow.py": LEAKY})
    deep = _deep_tree(tmp_path, depth=20, name_length=250)  # ~5000 bytes of path
    result = run_concise(".", cwd=tmp_path)
    lines = result.stdout.splitlines()
    assert lines[-1] == "shallow.py" + LEAK
    [too_long] = lines[:-1]
    folder, _, message = too_long.partition(":1:1: ")
    assert message == "MLO002 could not read folder: File name too long; the files in it were not checked"
    # The first folder whose path (as walked, relative to the current folder) no longer fits PATH_MAX.
    assert deep.startswith(folder) and len(folder) >= 4096 > len(os.path.dirname(folder))
    assert result.returncode == 1
