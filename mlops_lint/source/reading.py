"""Read a file of the linted tree: regular files only, never more than a size limit.

The tree is untrusted: a ``*.py`` may be a FIFO (opening it for reading waits for a writer
forever), a link to ``/dev/zero`` (reading it never ends), or simply enormous. So the kind is
checked before opening (opening some devices has effects) and again on the open descriptor (the
path may have been swapped in between); the descriptor is opened non-blocking, so even a FIFO
swapped in at the last moment cannot block; and at most ``limit + 1`` bytes are read.
"""

from __future__ import annotations

import os
import re
import stat

# Like other linters' limits: generated or vendored files above this are not training code.
DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024
# A notebook carries its outputs (plots as base64 images) in the file; only its code is analysed,
# and that code must fit ``max-file-size`` like a .py file.
NOTEBOOK_SIZE_FACTOR = 10

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
_KINDS = (
    (stat.S_ISDIR, None),  # reported with the system's own words, "Is a directory"
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
_UNITS = {"": 1, "b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3, "kib": 1024, "mib": 1024**2, "gib": 1024**3}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$", re.IGNORECASE)


class FileReadError(Exception):
    """The file was not read; the message says why ("could not read file: ...", "file too large ...")."""


def format_size(size: int) -> str:
    """``5 MiB``, ``300 KB``, ``1234 bytes``: the way the limit was most likely written."""
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024), ("GB", 1000**3), ("MB", 1000**2), ("KB", 1000)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size:,} bytes"


def parse_size(text: str | int) -> int:
    """A size in bytes from ``5242880``, ``"5MiB"``, ``"5 MB"`` (1000²), ``"500KiB"``; ValueError when not one."""
    if isinstance(text, bool):
        raise ValueError("a size is a number of bytes or a string such as '5MiB'")
    if isinstance(text, int):
        size = text
    else:
        match = _SIZE.match(text)
        factor = _UNITS.get(match.group(2).lower()) if match else None
        if match is None or factor is None:
            raise ValueError(f"'{text}' is not a size (a number of bytes, or e.g. '5MiB', '500KB')")
        size = int(float(match.group(1)) * factor)
    if size <= 0:
        raise ValueError("a size must be above 0")
    return size


def too_large(size: int | None, limit: int, unit: str = "bytes") -> str:
    """The MLO002 detail for a file (or an editor's buffer) over the limit; ``size`` None: not known exactly."""
    amount = f"{size:,} {unit}" if size is not None else f"more than {limit:,} {unit}"
    return f"file too large ({amount}; the limit is {format_size(limit)}, see max-file-size): not checked"


def read_limit(path: str, max_size: int) -> int:
    return max_size * NOTEBOOK_SIZE_FACTOR if str(path).endswith(".ipynb") else max_size


def _refuse_kind(mode: int) -> None:
    for is_kind, name in _KINDS:
        if is_kind(mode):
            if name is None:
                raise FileReadError(f"could not read file: {os.strerror(21)}")  # EISDIR
            raise FileReadError(f"could not read file: not a regular file but {name}")


def read_bytes_limited(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of the regular file ``path``, or FileReadError when it is not one or holds more than ``limit`` bytes.

    Symbolic links are followed (a file named by the user is read as asked; the folder walk decides
    which links it yields). Never blocks on a FIFO, never reads more than ``limit + 1`` bytes.
    """
    try:
        _refuse_kind(os.stat(path).st_mode)
        descriptor = os.open(path, _FLAGS)
    except OSError as error:
        raise FileReadError(f"could not read file: {error.strerror or error}") from None
    try:
        info = os.fstat(descriptor)
        _refuse_kind(info.st_mode)  # the path may have been swapped for a FIFO since the stat above
        if info.st_size > limit:
            raise FileReadError(too_large(info.st_size, limit))
        chunks, remaining = [], limit + 1
        while remaining > 0:
            # /proc files report size 0 and a file may grow while read: the limit counts what is read.
            chunk = os.read(descriptor, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as error:
        raise FileReadError(f"could not read file: {error.strerror or error}") from None
    finally:
        os.close(descriptor)
    data = b"".join(chunks)
    if len(data) > limit:
        raise FileReadError(too_large(None, limit))
    return data
