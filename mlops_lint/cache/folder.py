"""Where the caches live, and whether a folder there may be trusted with them.

The caches live outside the linted tree, in the user's cache folder, one subfolder per project::

    $MLOPS_LINT_CACHE_DIR, else $XDG_CACHE_HOME/mlops-lint, else ~/.cache/mlops-lint   (the base)
        <hash of the project root's resolved path>/results-<configuration key>.json
        runs/<hash of one command line and its working folder>.json

so a repository can neither plant a cache nor redirect one, and a run without ``--fix`` writes
nothing inside the linted tree. A folder is trusted only when another user cannot have put or
changed anything in it: it must be a real folder (not a symlink, nor under a symlink that someone
other than root made), owned by the current user, and writable by nobody else (the base may also
be a root-owned folder such as ``/tmp``, which only needs the sticky bit). An untrusted folder is
not used: the run goes on uncached and ``--verbose`` says why.
"""

from __future__ import annotations

import os
import stat
import sys

# Neither typing nor pathlib is loaded on a replayed warm run (cache/replay.py): pathlib alone
# (with urllib.parse, ipaddress and fnmatch) cost a fifth of the replay's own time, so the replay
# works with ``str`` paths (``base_path``, ``trusted_path``) and the Path functions wrap them.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, Union

    StrPath = Union[str, "os.PathLike[str]"]

ENVIRONMENT_VARIABLE = "MLOPS_LINT_CACHE_DIR"
RUNS = "runs"
_GITIGNORE = b"# Created by mlops-lint: a cache, never to be committed\n*\n"
# A cache file larger than this is not ours (a whole-corpus index is a few MB): never read into memory.
MAX_FILE_SIZE = 256 * 1024 * 1024
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)


class UntrustedFolder(Exception):
    """The cache folder may not be used; the message says which folder and why."""


def base_folder(explicit: StrPath | None = None) -> Path | None:
    """``--cache-dir``, else the environment's choice, else the platform's user cache folder."""
    from pathlib import Path

    base = base_path(explicit)
    return None if base is None else Path(base)


def base_path(explicit: StrPath | None = None) -> str | None:
    """``base_folder`` as a ``str``."""
    if explicit is not None:
        return os.path.abspath(explicit)
    for variable, suffix in ((ENVIRONMENT_VARIABLE, ""), ("XDG_CACHE_HOME", "mlops-lint")):
        value = os.environ.get(variable)
        # The XDG specification says a relative path there is invalid and must be ignored.
        if value and (os.path.isabs(value) or variable == ENVIRONMENT_VARIABLE):
            return os.path.join(os.path.abspath(value), suffix) if suffix else os.path.abspath(value)
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return os.path.join(os.environ["LOCALAPPDATA"], "mlops-lint", "Cache")
    home = os.path.expanduser("~")
    if home[:1] == "~":  # no home folder at all: no cache
        return None
    return os.path.join(home, ".cache", "mlops-lint")


def project_name(root: Path) -> str:
    """The subfolder of one project: a hash of its root's resolved path."""
    from mlops_lint.cache.fingerprint import blake2b

    return blake2b(os.fsencode(os.path.realpath(root)), digest_size=10).hexdigest()


def _current_user() -> int | None:
    getuid = getattr(os, "getuid", None)  # absent on Windows, where only the symlink checks apply
    return getuid() if getuid is not None else None


def _check_symlinks(path: str) -> None:
    """No component of ``path`` (absolute) is a symlink, except root's (a system's layout: /tmp on macOS)."""
    drive, rest = os.path.splitdrive(path)
    if os.altsep:
        rest = rest.replace(os.altsep, os.sep)
    current = drive + os.sep
    parts = [part for part in rest.split(os.sep) if part and part != "."]  # as pathlib reads them
    for index, part in enumerate(parts):
        current = os.path.join(current, part)
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            return  # the rest is created by us, as real folders
        # Only root can have made a root-owned link, and only root could change where it leads.
        if stat.S_ISLNK(info.st_mode) and (info.st_uid != 0 or index == len(parts) - 1):
            raise UntrustedFolder(f"{current} is a symlink")


def _check_folder(path: str, shared_base: bool) -> None:
    # The symlinks on the way were judged by _check_symlinks: the base may be a root-owned link.
    info = os.stat(path) if shared_base else os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        raise UntrustedFolder(f"{path} is a symlink")
    if not stat.S_ISDIR(info.st_mode):
        raise UntrustedFolder(f"{path} is not a folder")
    user = _current_user()
    if user is None:
        return
    others_write = info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    if shared_base and info.st_uid == 0 and info.st_uid != user:
        if others_write and not info.st_mode & stat.S_ISVTX:
            raise UntrustedFolder(f"{path} is writable by other users")
        return
    if info.st_uid != user:
        raise UntrustedFolder(f"{path} is owned by another user (uid {info.st_uid})")
    if others_write and not (shared_base and info.st_mode & stat.S_ISVTX):
        raise UntrustedFolder(f"{path} is writable by other users")


def trusted_folder(base: Path, name: str, create: bool) -> Path:
    """``base/name``, checked (and created, private, when ``create``); raises UntrustedFolder or OSError."""
    from pathlib import Path

    return Path(trusted_path(os.fspath(base), name, create))


def project_folder(base: Path | None, project_root: Path) -> Path | None:
    """The project's cache folder under ``base``, created; None when there is no base or the folder
    may not be used (said with ``--verbose``: the run goes on uncached)."""
    if base is None:
        return None
    try:
        return trusted_folder(base, project_name(project_root), create=True)
    except (UntrustedFolder, OSError) as problem:
        explain(problem)
        return None


def trusted_path(base: str, name: str, create: bool) -> str:
    """``trusted_folder`` with ``str`` paths."""
    folder = os.path.join(base, name)
    _check_symlinks(folder)
    if create and not os.path.exists(base):
        os.makedirs(base, mode=0o700, exist_ok=True)
        _write_new(os.path.join(base, ".gitignore"), _GITIGNORE)  # in case the base was put inside a repository
    _check_folder(base, shared_base=True)
    if create:
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            pass
    _check_folder(folder, shared_base=False)
    return folder


def _write_new(path: str, data: bytes) -> None:
    """Create ``path``, never through an existing name (a symlink there is left alone)."""
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError:
        return
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)


def read_file(path: StrPath, owners: frozenset[int] | None = None) -> bytes | None:
    """The bytes of a regular file owned by the current user (or one of ``owners``), else None
    (missing, a symlink, someone else's, too large)."""
    try:
        handle = os.open(path, _OPEN_FLAGS)
    except OSError:
        return None
    try:
        info = os.fstat(handle)
        user = _current_user()
        trusted = owners if owners is not None else {user}
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_SIZE or (user is not None and info.st_uid not in trusted):
            return None
        with os.fdopen(handle, "rb", closefd=False) as stream:
            return stream.read(MAX_FILE_SIZE + 1)
    except OSError:
        return None
    finally:
        os.close(handle)


def read_json(path: StrPath) -> Any:
    """The JSON value of a cache file that ``read_file`` accepts, None when it is missing, not
    ours, truncated, not JSON, or nested beyond the parser's stack. Callers check every field."""
    data = read_file(path)
    if data is None:
        return None
    from mlops_lint.cache.jsontext import loads

    try:
        return loads(data.decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None


def write_json(path: StrPath, document: object) -> bool:
    """Replace a cache file with ``document`` as compact ASCII JSON (``write_file``); False when it
    could not be written (a full disk or a read-only home only loses the speed-up, said with -v)."""
    import json

    try:
        write_file(path, json.dumps(document, separators=(",", ":")).encode("ascii"))
    except OSError as problem:
        explain(problem)
        return False
    return True


def write_file(path: StrPath, data: bytes) -> None:
    """Replace ``path`` atomically (a concurrent reader sees the old or the new file, never half)."""
    from pathlib import Path

    from mlops_lint.atomic import replace_file

    replace_file(Path(path), data, mode=0o600)


def explain(problem: Exception) -> None:
    """Say why the cache is not used; shown with ``--verbose`` (logging is loaded only then)."""
    import logging

    logging.getLogger("mlops_lint.cache").info("results cache not used: %s; the run goes on uncached", problem)
