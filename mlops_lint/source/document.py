"""SourceDocument: the Python text of one file, decoded, with its notebook cell map if any."""

from __future__ import annotations

import codecs
import io
import tokenize
from dataclasses import dataclass
from pathlib import Path

from mlops_lint.source.reading import DEFAULT_MAX_FILE_SIZE, FileReadError, read_bytes_limited, read_limit
from mlops_lint.source.source_map import CellMap


class SourceError(Exception):
    """A file that cannot be read or decoded; becomes an MLO002 diagnostic."""


@dataclass(frozen=True, slots=True)
class SourceDocument:
    path: str
    text: str
    cell_map: CellMap | None = None

    @property
    def is_notebook(self) -> bool:
        return self.cell_map is not None


def _byte_error(data: bytes, encoding: str, error: UnicodeDecodeError) -> SourceError:
    line = data.count(b"\n", 0, error.start) + 1
    return SourceError(f"could not decode file: invalid {encoding} byte 0x{data[error.start]:02x} on line {line}")


def decode_python(data: bytes) -> str:
    """Decode Python source the way the interpreter does (BOM, coding cookie), with universal newlines."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except (SyntaxError, LookupError) as error:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as undecodable:
            # detect_encoding says "invalid or missing encoding declaration" for a stray byte in
            # the first two lines; the byte and its line are what the user needs.
            raise _byte_error(data, "utf-8", undecodable) from None
        if "encoding problem" in str(error):
            raise SourceError("could not decode file: the UTF-8 BOM contradicts the coding cookie") from None
        raise SourceError(f"could not decode file: {error}") from None
    if not getattr(codecs.lookup(encoding), "_is_text_encoding", True):
        # rot13, hex, base64, zlib, bz2, quopri, uu: bytes-to-bytes or str-to-str transforms that
        # Python itself refuses as a source encoding ("is not a text encoding").
        raise SourceError(f"could not decode file: the coding cookie names '{encoding}', which is not a text encoding")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise _byte_error(data, encoding, error) from None
    except (UnicodeError, LookupError) as error:  # 'undefined', punycode and other codecs' own refusals
        cause = error.__cause__ or error  # Python wraps the codec's own error: "decoding with ... failed (...)"
        raise SourceError(f"could not decode file: the '{encoding}' codec failed: {cause}") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    # Python reads \r\n and a lone \r as line ends; positions are counted on \n only from here on.
    return text.replace("\r\n", "\n").replace("\r", "\n")


# The last document read from bytes, with its format and those bytes. The same bytes are often
# read again at once: a run reads stdin's to lint them, then to show its findings' lines; the
# language server's forked lint reads what its server read before the fork (to reuse the last
# parse, engine/reuse.py). A 5k-line notebook's JSON took 2 ms to read each time.
_last_read: tuple[object, bytes, SourceDocument] | None = None


def document_from_bytes(path: str, data: bytes) -> SourceDocument:
    global _last_read
    from mlops_lint.source.formats import format_of  # formats imports this module

    source_format = format_of(path)
    last = _last_read
    if last is not None and last[0] is source_format and last[1] == data:
        document = last[2]
        return document if document.path == path else SourceDocument(path, document.text, document.cell_map)
    document = source_format.read(path, data)
    _last_read = (source_format, data, document)
    return document


def remember_read(path: str, data: bytes, document: SourceDocument) -> None:
    """Take ``document`` as what ``document_from_bytes(path, data)`` reads, without reading it
    (the caller built it otherwise, equal to what reading gives): the next read of ``data`` finds it."""
    global _last_read
    from mlops_lint.source.formats import format_of

    _last_read = (format_of(path), data, document)


def document_from_text(path: str, text: str) -> SourceDocument:
    # surrogateescape gives back the bytes of a non-UTF-8 stdin, so decoding names the bad byte
    # (SourceError) instead of encoding raising UnicodeEncodeError.
    return document_from_bytes(path, text.encode("utf-8", "surrogateescape"))


def read_bytes(path: str | Path, max_size: int = DEFAULT_MAX_FILE_SIZE) -> bytes:
    """A file's bytes, as every reader of a user's file gets them: a regular file, within the size
    limit (a notebook's is larger, reading.NOTEBOOK_SIZE_FACTOR); anything else is a SourceError
    (MLO002). Never blocks, never reads past the limit: see mlops_lint/source/reading.py."""
    try:
        return read_bytes_limited(path, read_limit(str(path), max_size))
    except FileReadError as error:
        raise SourceError(str(error)) from None


def read_document(path: str | Path, max_size: int = DEFAULT_MAX_FILE_SIZE) -> SourceDocument:
    """Read a file from disk (read_bytes); every failure is a SourceError (MLO002)."""
    return document_from_bytes(str(path), read_bytes(path, max_size))
