"""docs/safety.md, "What --fix guarantees": each test reproduces one situation of issue 13 (items 2, 10,
13-18) and asserts the safe outcome, through the command line's entry point (in this process; in a
real one, marked ``integration``, where only a process shows the trouble: a real stdin, a kill)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from fix_harness import LEAKY_FIXED
from harness import LEAKY, notebook_json, run_cli, without_summary
from mlops_lint.cli import main

LEAK = ":5:36: MLO101 StandardScaler fitted on 'X' (line 4) before 'X' is split (line 5)"
FIX = ("check", "--fix", "--unsafe-fixes", "--no-cache", "--output-format", "concise")


def run_bytes(*args: str, cwd: Path, stdin: bytes) -> subprocess.CompletedProcess:
    """The entry point with bytes in and out, as an editor pipes a buffer (in this process)."""
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner(env={"NO_COLOR": "1"}).invoke(main, list(args), input=stdin, catch_exceptions=False)
    finally:
        os.chdir(previous)
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout_bytes, result.stderr_bytes)


def run_bytes_process(*args: str, cwd: Path, stdin: bytes) -> subprocess.CompletedProcess:
    """The same with a real stdin and stdout: a process (mark the test ``integration``)."""
    return subprocess.run([sys.executable, "-m", "mlops_lint", *args], cwd=cwd, input=stdin,
                          capture_output=True, env={**os.environ, "NO_COLOR": "1"})


def invoke(*args: str):
    """The same command in this process, where a test can stand between the fixer and the disk."""
    return CliRunner().invoke(main, list(args))


# --- item 2: no write follows a symlink out of the project ------------------------------------------


@pytest.mark.parametrize("layout", ["symlinked file", "symlinked folder"])
def test_item2_fix_refuses_to_write_through_a_symlink_out_of_the_project(tmp_path, layout):
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    repo.mkdir()
    outside.mkdir()
    (repo / "pyproject.toml").write_text("")
    victim = outside / "victim.py"
    victim.write_text(LEAKY)
    if layout == "symlinked file":
        (repo / "link.py").symlink_to(victim)
        named = "link.py"
    else:
        (repo / "data").symlink_to(outside, target_is_directory=True)
        named = "data/victim.py"
    result = run_cli(*FIX, named, cwd=repo)
    assert victim.read_text() == LEAKY
    assert without_summary(result.stderr) == (f"mlops-lint: {named}: fixes not written: a symlink leads it to {victim.resolve()}, "
                             f"outside the project ({repo.resolve()})\n"
                             "1 fix(es) skipped, each named above with its reason.\n")
    assert (result.returncode, result.stdout.split(";")[0]) == (1, named + LEAK)


def test_item2_a_symlink_inside_the_project_has_its_target_fixed_and_stays_a_link(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "real.py").write_text(LEAKY)
    (tmp_path / "link.py").symlink_to(Path("src") / "real.py")
    result = run_cli(*FIX, "link.py", cwd=tmp_path)
    assert (result.returncode, without_summary(result.stderr)) == (0, "Fixed 1 finding(s) in 1 file(s).\n")
    assert (tmp_path / "link.py").is_symlink()
    assert (tmp_path / "src" / "real.py").read_text() == LEAKY_FIXED


# --- item 10: stdin in, the same bytes out; never an empty buffer -----------------------------------

NOT_UTF8 = b"# donn\xe9es\n" + LEAKY.encode()  # latin-1 without a coding cookie
CRLF_BOM = b"\xef\xbb\xbf" + LEAKY.replace("\n", "\r\n").encode()  # only an unsafe fix: nothing is fixed


@pytest.mark.integration  # the crash came from decoding the real sys.stdin
def test_item10_non_utf8_stdin_with_fix_comes_back_byte_for_byte(tmp_path):
    result = run_bytes_process("check", "--fix", "--unsafe-fixes", "--output-format", "concise", "-", cwd=tmp_path, stdin=NOT_UTF8)
    assert result.stdout == NOT_UTF8
    assert without_summary(result.stderr.decode()) == "-:1:1: MLO002 could not decode file: invalid utf-8 byte 0xe9 on line 1\n"
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


@pytest.mark.integration
def test_item10_non_utf8_stdin_in_full_output_is_a_finding_not_a_crash(tmp_path):
    result = run_bytes_process("check", "--output-format", "full", "-", cwd=tmp_path, stdin=NOT_UTF8)
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


# --- item 13: a temporary file left by a killed --fix ----------------------------------------------

KILLED_AT_THE_RENAME = "import os, sys\nos.replace = lambda *a, **k: os._exit(9)\nfrom mlops_lint.cli import main\nmain(sys.argv[1:])\n"


@pytest.mark.integration  # a process killed at the rename
def test_item13_temporary_left_by_a_fix_killed_at_the_rename_is_removed_by_the_next_fix(tmp_path):
    path = tmp_path / "train.py"
    path.write_text(LEAKY)
    killed = subprocess.run([sys.executable, "-c", KILLED_AT_THE_RENAME, *FIX, "train.py"], cwd=tmp_path, capture_output=True)
    assert killed.returncode == 9
    assert path.read_text() == LEAKY  # entirely old ...
    [stale] = [p for p in tmp_path.iterdir() if p != path]
    assert stale.name.startswith(".train.py.mlops-lint-") and stale.name.endswith(".tmp")
    assert stale.read_text() == LEAKY_FIXED  # ... beside an entirely new copy, never half a file
    run_cli("check", "--no-cache", "train.py", cwd=tmp_path)
    assert stale.exists()  # without --fix nothing is written, nor deleted
    result = run_cli(*FIX, "train.py", cwd=tmp_path)
    assert (result.returncode, without_summary(result.stderr)) == (0, "Fixed 1 finding(s) in 1 file(s).\n")
    assert [p.name for p in tmp_path.iterdir()] == ["train.py"]
    assert path.read_text() == LEAKY_FIXED


@pytest.mark.skipif(sys.platform == "win32", reason="stale temporaries are told by their lock, which needs flock")
def test_item13_a_temporary_another_fix_is_still_writing_is_left_alone(tmp_path):
    import fcntl

    (tmp_path / "train.py").write_text(LEAKY)
    live = tmp_path / ".train.py.mlops-lint-0123456789abcdef.tmp"
    live.write_text("being written")
    with open(live, "rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # what a running --fix holds on its temporary
        assert run_cli(*FIX, "train.py", cwd=tmp_path).returncode == 0
        assert live.read_text() == "being written"


# --- item 14: a change saved between read and write --------------------------------------------------


def _saved_while_fixing(monkeypatch, path: Path, saved: bytes, same_size_and_mtime: bool = False) -> None:
    """The user saves ``saved`` in an editor after the fixer read the file and before it is written."""
    from mlops_lint.fixes import fixer

    compute = fixer.fix_files

    def fix_files(*args, **kwargs):
        result = compute(*args, **kwargs)
        before = path.stat()
        path.write_bytes(saved)
        if same_size_and_mtime:
            os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        return result

    monkeypatch.setattr(fixer, "fix_files", fix_files)


@pytest.mark.parametrize(("saved", "same_size_and_mtime"), [
    (LEAKY + "print('saved in the editor')\n", False),
    (LEAKY.replace("y)\n", "z)\n"), True),  # only the content tells
])
def test_item14_change_between_read_and_write_is_refused(tmp_path, monkeypatch, saved, same_size_and_mtime):
    path = tmp_path / "train.py"
    path.write_text(LEAKY)
    _saved_while_fixing(monkeypatch, path, saved.encode(), same_size_and_mtime)
    result = invoke(*FIX, str(path))
    assert path.read_text() == saved
    assert without_summary(result.stderr) == (f"mlops-lint: {path}: fixes not written: it changed on disk after it was read\n"
                                              "1 fix(es) skipped, each named above with its reason.\n")
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{path}:5:36: MLO101 ")  # the findings of the saved text
    assert [p.name for p in tmp_path.iterdir()] == ["train.py"]


# --- item 15: fsync ---------------------------------------------------------------------------------


def test_item15_fixed_file_is_fsynced_before_the_rename_and_its_folder_after(tmp_path, monkeypatch):
    path = tmp_path / "train.py"
    path.write_text(LEAKY)
    events: list[tuple] = []
    fsync, rename = os.fsync, os.replace

    def recording_fsync(fd):
        status = os.fstat(fd)
        events.append(("fsync", "folder" if stat.S_ISDIR(status.st_mode) else "file", status.st_ino))
        return fsync(fd)

    def recording_rename(source, target, **kwargs):
        events.append(("rename", os.fspath(target)))
        return rename(source, target, **kwargs)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    monkeypatch.setattr(os, "replace", recording_rename)
    assert invoke(*FIX, str(path)).exit_code == 0
    assert path.read_text() == LEAKY_FIXED
    ours = {("file", path.stat().st_ino), ("folder", tmp_path.stat().st_ino)}
    assert [e for e in events if e[0] == "rename" and e[1] == "train.py" or e[1:] in ours] == [
        ("fsync", "file", path.stat().st_ino),  # the new bytes, under their temporary name
        ("rename", "train.py"),
        ("fsync", "folder", tmp_path.stat().st_ino),
    ]


# --- item 16: ownership, hard links, read-only files -------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give a file to another user")
def test_item16_root_keeps_the_owner_group_and_mode_of_a_fixed_file(tmp_path):
    path = tmp_path / "train.py"
    path.write_text(LEAKY)
    os.chown(path, 12345, 23456)
    path.chmod(0o640)
    assert run_cli(*FIX, "train.py", cwd=tmp_path).returncode == 0
    status = path.stat()
    assert (status.st_uid, status.st_gid, stat.S_IMODE(status.st_mode)) == (12345, 23456, 0o640)
    assert path.read_text() == LEAKY_FIXED


def test_item16_a_hard_linked_file_is_refused_not_split(tmp_path):
    (tmp_path / "a.py").write_text(LEAKY)
    os.link(tmp_path / "a.py", tmp_path / "b.py")
    result = run_cli(*FIX, "a.py", cwd=tmp_path)
    assert without_summary(result.stderr) == ("mlops-lint: a.py: fixes not written: it has 2 hard links, and replacing it would split them\n"
                                              "1 fix(es) skipped, each named above with its reason.\n")
    assert result.returncode == 1
    assert os.path.samefile(tmp_path / "a.py", tmp_path / "b.py")
    assert (tmp_path / "a.py").read_text() == LEAKY


def test_item16_a_read_only_file_is_refused_with_a_message(tmp_path):
    path = tmp_path / "train.py"
    path.write_text(LEAKY)
    path.chmod(0o444)
    result = run_cli(*FIX, "train.py", cwd=tmp_path)
    assert without_summary(result.stderr) == "mlops-lint: train.py: fixes not written: it is read-only\n" "1 fix(es) skipped, each named above with its reason.\n"
    assert (result.returncode, path.read_text(), stat.S_IMODE(path.stat().st_mode)) == (1, LEAKY, 0o444)


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
    assert (result.returncode, without_summary(result.stderr)) == (0, "Fixed 1 finding(s) in 1 file(s).\n")
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


def _unwritable_folder(monkeypatch, folder: Path) -> None:
    """Make creating a file in ``folder`` fail as the kernel does for a user without write permission."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return
    # root writes into any folder: fail the creation itself, the way the kernel would for a user.
    opening, inode = os.open, folder.stat().st_ino

    def os_open(path, flags, mode=0o777, *, dir_fd=None):
        if flags & os.O_CREAT and dir_fd is not None and os.fstat(dir_fd).st_ino == inode:
            raise PermissionError(13, "Permission denied", path)
        return opening(path, flags, mode, dir_fd=dir_fd)

    monkeypatch.setattr(os, "open", os_open)


def test_item18_an_unwritable_folder_is_a_per_file_error_and_the_run_goes_on(tmp_path, monkeypatch):
    (tmp_path / "locked").mkdir()
    (tmp_path / "open").mkdir()
    (tmp_path / "locked" / "a.py").write_text(LEAKY)
    (tmp_path / "open" / "b.py").write_text(LEAKY)
    _unwritable_folder(monkeypatch, tmp_path / "locked")
    try:
        result = invoke(*FIX, str(tmp_path))
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert without_summary(result.stderr) == (f"mlops-lint: {tmp_path}/locked/a.py: fixes not written: could not write it: Permission denied\n"
                             "Fixed 1 finding(s) in 1 file(s).\n" "1 fix(es) skipped, each named above with its reason.\n")
    assert (tmp_path / "locked" / "a.py").read_text() == LEAKY
    assert (tmp_path / "open" / "b.py").read_text() == LEAKY_FIXED
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{tmp_path}/locked/a.py{LEAK}")


def test_item18_the_summary_counts_only_the_fixes_that_were_written(tmp_path):
    cells = ["from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler",
             "X = StandardScaler().fit_transform(X)\nX_train, X_test, y_train, y_test = train_test_split(X, y)"]
    # A notebook whose JSON layout no writer reproduces: its fixes are computed, then refused.
    odd = json.dumps(json.loads(notebook_json(*cells)), indent=3, separators=(",", " : ")).encode()
    (tmp_path / "odd.ipynb").write_bytes(odd)
    (tmp_path / "read_only.py").write_text(LEAKY)
    (tmp_path / "read_only.py").chmod(0o444)
    (tmp_path / "train.py").write_text(LEAKY)
    result = run_cli(*FIX, ".", cwd=tmp_path)
    assert without_summary(result.stderr).splitlines() == [
        "mlops-lint: odd.ipynb: fixes not written: the notebook's JSON layout cannot be reproduced, so it is left as it is",
        "mlops-lint: read_only.py: fixes not written: it is read-only",
        "Fixed 1 finding(s) in 1 file(s).",
        "2 fix(es) skipped, each named above with its reason.",  # counted apart from the one written
    ]
    assert (tmp_path / "odd.ipynb").read_bytes() == odd
    assert (tmp_path / "train.py").read_text() == LEAKY_FIXED
    assert result.returncode == 1
