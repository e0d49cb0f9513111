"""What a cached result depends on besides its file: the tool; and how a file is known unchanged.

A file is unchanged when its content digest matches. Reading every file to hash it is most of a
warm run's input work, so an entry also keeps the file's ``stat`` signature (size, mtime, ctime,
inode, device): any write changes the ctime (which no program can set back), a replacement changes
the inode. File systems stamp times with a coarse clock, though, so a file written twice within
one tick keeps its signature; like git's "racy" index entries, a signature taken less than
``SETTLE_SECONDS`` after the file's last change is never trusted alone, and such a file is hashed
again on the next run.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # neither typing nor pathlib is loaded on a replayed warm run (replay.py)
if TYPE_CHECKING:
    from mlops_lint.cache.folder import StrPath

try:  # hashlib's own blake2b, without loading OpenSSL: a replayed run (replay.py) needs nothing else
    from _blake2 import blake2b as blake2b
except ImportError:  # pragma: no cover - an interpreter without the builtin module
    from hashlib import blake2b

FORMAT = 3  # of every cache file; bump when a layout changes
SETTLE_SECONDS = 2
PACKAGE = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))


def digest(data: bytes) -> str:
    return blake2b(data, digest_size=16).hexdigest()


def hash_parts(*parts: bytes) -> str:
    hasher = blake2b(digest_size=16)
    for part in parts:
        hasher.update(len(part).to_bytes(8, "little"))
        hasher.update(part)
    return hasher.hexdigest()


def signature(info: os.stat_result) -> list[int]:
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


def settled(info: os.stat_result, now_ns: int) -> bool:
    """Whether a later write is sure to change the signature (the file's last change is old enough)."""
    return max(info.st_mtime_ns, info.st_ctime_ns) < now_ns - SETTLE_SECONDS * 1_000_000_000


def tree_fingerprint(root: StrPath, suffixes: tuple[str, ...], now_ns: int) -> str:
    """A hash of every file under ``root`` with one of ``suffixes``: by stat signature when it is
    settled at ``now_ns``, else by bytes (a file changed twice within one clock tick can keep its
    signature: the rule above, as for linted files).

    Each file's path relative to ``root`` goes into the hash, then its signature or bytes, in the
    order of a top-down ``os.walk`` with sorted names (a folder's files, then its sub-folders').
    The relative paths are built while descending: ``os.path.relpath`` per file was a fifth of a
    replayed warm run's own work (replay.py), which fingerprints the tool every time.
    """
    parts: list[bytes] = []
    _fingerprint_folder(os.fspath(root), "", suffixes, now_ns, parts)
    return hash_parts(*parts)


def _fingerprint_folder(folder: str, relative: str, suffixes: tuple[str, ...], now_ns: int, parts: list[bytes]) -> None:
    try:
        with os.scandir(folder) as entries:
            listed = sorted(entries, key=lambda entry: entry.name)
    except OSError:
        return  # as os.walk: an unreadable folder is skipped
    folders = []
    for entry in listed:
        try:
            is_folder = entry.is_dir()
        except OSError:
            is_folder = False
        if is_folder:
            folders.append(entry)
        elif entry.name.endswith(suffixes):
            parts.append(os.fsencode(relative + entry.name))
            info = os.stat(entry.path)
            if settled(info, now_ns):
                parts.append(b"signature %d %d %d %d %d" % (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev))
            else:
                with open(entry.path, "rb") as handle:
                    parts.append(b"bytes " + handle.read())
    for entry in folders:
        if entry.name != "__pycache__" and not entry.is_symlink():  # os.walk follows no links to folders
            _fingerprint_folder(entry.path, relative + entry.name + os.sep, suffixes, now_ns, parts)


def tool_fingerprint(catalog_dir: StrPath) -> str:
    """The hash of the tool: its version, its own code, the Python that runs it, and its catalog.

    An edited rule in a development checkout keeps the version: its sources' fingerprint changes.
    The catalog's files counted by their bytes until this version, a fifth of a replayed warm run's
    own work: a stat signature is as good a proof that a file is unchanged (above).
    """
    import time

    from mlops_lint import __version__

    now_ns = time.time_ns()
    return hash_parts(
        str(FORMAT).encode(),
        __version__.encode(),
        sys.version.encode(),
        tree_fingerprint(PACKAGE, (".py",), now_ns).encode(),
        tree_fingerprint(catalog_dir, (".toml",), now_ns).encode(),
    )
