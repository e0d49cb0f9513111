"""Replace a file's content all at once: a crash or a concurrent reader never sees half a file."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path


def replace_file(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it over ``path``."""
    import tempfile  # only when writing: a warm run never does

    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- a user's source file (--fix) -----------------------------------------------------------------
#
# Stricter than replace_file: the file must still hold the bytes the fix was computed from, keeps
# its mode and owner, is never a symlink, a hard link or read-only, and the new bytes reach the
# disk (fsync of the file before the rename, of its folder after). Its temporary file is locked
# while it lives, so a later run can tell one left by a killed process from one being written.

_TEMPORARY = re.compile(r"^\..+\.mlops-lint-[0-9a-f]{16}\.tmp$")


class ReplaceRefused(Exception):
    """The file was left exactly as it was; the message says why."""


def _lock(handle: int) -> bool:
    """An exclusive lock on an open file; False if another process holds one, or locks do not exist."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no stale-file detection, so nothing is cleaned
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _check_replaceable(status: os.stat_result, path: Path) -> None:
    if stat.S_ISLNK(status.st_mode):
        raise ReplaceRefused("it became a symlink after it was read")
    if not stat.S_ISREG(status.st_mode):
        raise ReplaceRefused("it is not a regular file")
    if status.st_nlink > 1:
        raise ReplaceRefused(f"it has {status.st_nlink} hard links, and replacing it would split them")
    # Root may write anything, but a file without write permission says "do not change me".
    if not status.st_mode & 0o222 or not os.access(path, os.W_OK):
        raise ReplaceRefused("it is read-only")


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino, a.st_size, a.st_mtime_ns) == (b.st_dev, b.st_ino, b.st_size, b.st_mtime_ns)


def _read_all(handle: int, limit: int) -> bytes:
    chunks, size = [], 0
    while size <= limit and (chunk := os.read(handle, 1 << 20)):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _unchanged(directory: int, name: str, before: os.stat_result, expected: bytes) -> None:
    """The file on disk is still the one read: same inode, size, mtime and bytes (symlinks not followed)."""
    try:
        handle = os.open(name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0), dir_fd=directory)
    except FileNotFoundError:
        raise ReplaceRefused("it was deleted after it was read") from None
    except OSError as error:
        raise ReplaceRefused(f"it cannot be opened again ({error.strerror or error})") from None
    try:
        now = os.fstat(handle)
        if not _same_file(before, now) or _read_all(handle, len(expected)) != expected:
            raise ReplaceRefused("it changed on disk after it was read")
    finally:
        os.close(handle)
    if not _same_file(now, os.stat(name, dir_fd=directory, follow_symlinks=False)):
        raise ReplaceRefused("it changed on disk after it was read")


def _keep_owner_and_mode(handle: int, status: os.stat_result) -> None:
    new = os.fstat(handle)
    if hasattr(os, "fchown") and (status.st_uid, status.st_gid) != (new.st_uid, new.st_gid):
        try:
            os.fchown(handle, status.st_uid, status.st_gid)
        except PermissionError:
            raise ReplaceRefused(f"it belongs to user {status.st_uid}, group {status.st_gid}, and replacing it would change that") from None
    if hasattr(os, "fchmod"):  # after chown, which may clear set-id bits
        os.fchmod(handle, stat.S_IMODE(status.st_mode))


def _sync_folder(directory: int) -> None:
    try:
        os.fsync(directory)
    except OSError:  # pragma: no cover - file systems (and Windows) that cannot sync a folder
        pass


def replace_source_file(path: Path, expected: bytes, data: bytes) -> None:
    """Replace ``path`` (symlinks already resolved by the caller) by ``data`` if it still holds ``expected``.

    Raises ReplaceRefused (file untouched) or OSError (file untouched, e.g. an unwritable folder).
    """
    directory = os.open(path.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        # Every step below names the file relative to this open folder; it must be the folder the
        # caller resolved, not one a symlink swapped in since.
        if os.path.realpath(path.parent) != str(path.parent) or not os.path.samestat(os.fstat(directory), os.stat(path.parent)):
            raise ReplaceRefused("its folder changed while it was being fixed")
        before = os.stat(path.name, dir_fd=directory, follow_symlinks=False)
        _check_replaceable(before, path)
        temporary = f".{path.name[:180]}.mlops-lint-{os.urandom(8).hex()}.tmp"
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600,
                         dir_fd=directory)
        try:
            _lock(handle)  # held until the rename is done: a cleaner never takes a live temporary
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view):]
            _keep_owner_and_mode(handle, before)
            os.fsync(handle)
            _unchanged(directory, path.name, before, expected)  # right before the rename
            os.replace(temporary, path.name, src_dir_fd=directory, dst_dir_fd=directory)
        except BaseException:
            try:
                os.unlink(temporary, dir_fd=directory)
            except OSError:
                pass
            raise
        finally:
            os.close(handle)
        _sync_folder(directory)
    finally:
        os.close(directory)


def remove_stale_temporaries(folder: Path) -> list[str]:
    """Delete this user's temporaries that a killed ``--fix`` left in ``folder`` (unlocked ones); return their names."""
    removed: list[str] = []
    try:
        entries = [entry for entry in os.scandir(folder) if _TEMPORARY.match(entry.name)]
    except OSError:
        return removed
    for entry in entries:
        try:
            handle = os.open(entry.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue
        try:
            status = os.fstat(handle)
            mine = stat.S_ISREG(status.st_mode) and status.st_uid == (os.geteuid() if hasattr(os, "geteuid") else status.st_uid)
            if mine and _lock(handle) and _same_file(status, os.stat(entry.path, follow_symlinks=False)):
                os.unlink(entry.path)
                removed.append(entry.name)
        except OSError:
            pass
        finally:
            os.close(handle)
    return removed
