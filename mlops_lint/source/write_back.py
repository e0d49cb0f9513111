"""Put a changed module text back into the file's bytes: same encoding, BOM, line endings, notebook JSON.

The inverse of reading (``document.py``, ``notebook.py``). A change arrives as ``LineChange``s in
module-line coordinates; every line outside them is copied from the file as it was, byte for
byte, and ``python_bytes`` checks that on the encoded result before anything is written.
"""

from __future__ import annotations

import codecs
import difflib
import io
import json
import re
import tokenize
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterator, Sequence

from mlops_lint.source.notebook import neutralise_cell

_NEWLINE = re.compile(r"(\r\n|\r|\n)")
_NEWLINE_BYTES = re.compile(rb"(\r\n|\r|\n)")


class WriteBackError(Exception):
    """The changed text cannot be put back into the file without touching bytes outside the change."""


@dataclass(frozen=True, slots=True)
class LineChange:
    """Module lines ``start`` to ``stop`` (0-based, ``stop`` excluded; ``start == stop`` inserts) become ``lines``."""

    start: int
    stop: int
    lines: tuple[str, ...]


def line_changes(old: str, new: str) -> tuple[LineChange, ...]:
    """The changes turning ``old`` into ``new`` (both ``\\n`` texts), line by line."""
    matcher = difflib.SequenceMatcher(None, old.split("\n"), new.split("\n"), autojunk=False)
    new_lines = new.split("\n")
    return tuple(LineChange(i1, i2, tuple(new_lines[j1:j2])) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal")


def _segments(changes: Sequence[LineChange], count: int) -> Iterator[tuple[int, int, LineChange | None]]:
    """``(start, stop, change)`` covering lines ``0..count``: kept runs (change None) and changed runs, in order."""
    position = 0
    for change in changes:
        if change.start < position or change.stop > count or change.stop < change.start:
            raise WriteBackError("overlapping or out-of-range line changes")
        if position < change.start:
            yield position, change.start, None
        yield change.start, change.stop, change
        position = change.stop
    if position < count:
        yield position, count, None


def splice(raw: str, old: str, changes: Sequence[LineChange]) -> str:
    """Apply ``changes`` (made to ``old``, the ``\\n`` form of ``raw``) to ``raw``, which may use any newlines.

    Unchanged lines are copied from ``raw`` with their own line endings; new lines take the
    file's most common ending, so a CRLF (or mixed) file keeps every byte outside the change.
    """
    parts = _NEWLINE.split(raw)
    lines, endings = parts[0::2], [*parts[1::2], ""]
    if lines != old.split("\n"):
        raise WriteBackError("the file changed while it was being fixed")
    newline = Counter(parts[1::2]).most_common(1)[0][0] if len(parts) > 1 else "\n"
    out: list[tuple[str, str]] = []
    for start, stop, change in _segments(changes, len(lines)):
        if change is None:
            out.extend(zip(lines[start:stop], endings[start:stop]))
        else:
            out.extend((line, newline) for line in change.lines)
    return "".join(line + (ending or newline) for line, ending in out[:-1]) + (out[-1][0] if out else "")


def _byte_lines(data: bytes) -> list[bytes]:
    """Lines with their endings; the last one may have none."""
    parts = _NEWLINE_BYTES.split(data)
    return [line + ending for line, ending in zip(parts[0::2], [*parts[1::2], b""])]


def check_kept(before: bytes, after: bytes, changes: Sequence[LineChange]) -> None:
    """Every line of ``before`` outside ``changes`` is in ``after``, byte for byte and in order.

    The one byte that may differ: an unterminated last line that is no longer last gains the
    file's line ending. A BOM stays at the start of the file, whatever line comes first.
    """
    bom = codecs.BOM_UTF8 if before.startswith(codecs.BOM_UTF8) else b""
    if not after.startswith(bom):
        raise WriteBackError("the fixed file lost its byte order mark")
    old, new = _byte_lines(before[len(bom):]), _byte_lines(after[len(bom):])
    position = 0
    for start, stop, change in _segments(changes, len(old)):
        if change is not None:
            position += len(change.lines)
            continue
        for index in range(start, stop):
            kept = new[position] if position < len(new) else None
            line = old[index]
            ends = line.endswith((b"\n", b"\r"))
            if kept != line and not (not ends and index == len(old) - 1 and kept is not None and kept.rstrip(b"\r\n") == line):
                raise WriteBackError(f"line {index + 1} would change outside the fix; nothing is written")
            position += 1


def _changed_text(old: str, changes: Sequence[LineChange]) -> str:
    lines = old.split("\n")
    out: list[str] = []
    for start, stop, change in _segments(changes, len(lines)):
        out.extend(lines[start:stop] if change is None else change.lines)
    return "\n".join(out)


def python_bytes(data: bytes, old: str, changes: Sequence[LineChange]) -> bytes:
    """The bytes of a changed .py file: lines outside ``changes`` are the file's own bytes (never
    decoded and encoded again, which some codecs do not round-trip); new lines are encoded in the
    file's encoding and end with its most common line ending; the BOM stays."""
    from mlops_lint.source.document import decode_python

    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    parts = _NEWLINE_BYTES.split(data[len(bom):])
    lines, endings = parts[0::2], [*parts[1::2], b""]
    if len(lines) != old.count("\n") + 1:
        raise WriteBackError("the file changed while it was being fixed")
    newline = Counter(parts[1::2]).most_common(1)[0][0] if len(parts) > 1 else b"\n"
    out: list[tuple[bytes, bytes]] = []
    try:
        for start, stop, change in _segments(changes, len(lines)):
            if change is None:
                out.extend(zip(lines[start:stop], endings[start:stop]))
            else:
                out.extend((line.encode("utf-8" if bom else encoding), newline) for line in change.lines)
    except UnicodeEncodeError:
        raise WriteBackError(f"the fixed text cannot be encoded as {encoding}") from None
    result = bom + b"".join(line + (ending or newline) for line, ending in out[:-1]) + (out[-1][0] if out else b"")
    check_kept(data, result, changes)
    if decode_python(result) != _changed_text(old, changes):  # e.g. a stateful codec spliced mid-state
        raise WriteBackError("the fixed file would not read back as the fixed text")
    return result


_STYLES: list[dict[str, Any]] = [
    {"indent": indent, "sort_keys": sort_keys, "ensure_ascii": ensure_ascii}
    for indent in (1, 2, 4, None)
    for sort_keys in (True, False)
    for ensure_ascii in (False, True)
]


def _json_style(notebook: dict[str, Any], text: str) -> tuple[dict[str, Any], str] | None:
    """The json.dumps settings (and final newline) that reproduce the notebook exactly, if any do."""
    for style in _STYLES:
        dumped = json.dumps(notebook, **style)
        for end in ("\n", ""):
            if dumped + end == text:
                return style, end
    return None


_NOT_REPRODUCIBLE = "the notebook's JSON layout cannot be reproduced, so it is left as it is"


def _reproducible(data: bytes) -> tuple[dict[str, Any], tuple[dict[str, Any], str]]:
    """The notebook's JSON and the style its text was written in, or WriteBackError when the text
    is not UTF-8 JSON or its layout could not be written back byte for byte."""
    try:
        text = data.decode("utf-8")
        notebook = json.loads(text)
    except (UnicodeDecodeError, ValueError):
        raise WriteBackError("the notebook is not plain UTF-8 JSON") from None
    style = _json_style(notebook, text) if isinstance(notebook, dict) else None
    if style is None:
        raise WriteBackError(_NOT_REPRODUCIBLE)
    return notebook, style


def notebook_bytes(data: bytes, old: str, changes: Sequence[LineChange]) -> bytes:
    """Rewrite only the sources of the code cells the change touches; everything else stays byte-identical.

    ``old`` is the joined module text (one line per cell line). A change must stay inside one
    cell and may not touch a line that stood in for an IPython magic.
    """
    notebook, style = _reproducible(data)
    if not isinstance(notebook.get("cells"), list):
        raise WriteBackError(_NOT_REPRODUCIBLE)
    cells = [cell for cell in notebook["cells"] if isinstance(cell, dict) and cell.get("cell_type") == "code"]
    sources: list[list[str]] = []
    owner: list[int] = []  # module line index → index of its code cell
    firsts: list[int] = []  # code cell index → its first module line index
    module_lines: list[str] = []
    stand_ins: list[bool] = []
    for number, cell in enumerate(cells):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if "\r" in source:
            raise WriteBackError("a cell uses carriage returns")
        body = source[:-1] if source.endswith("\n") else source
        original = body.split("\n")
        neutral = neutralise_cell(body)
        sources.append(original)
        firsts.append(len(owner))
        module_lines.extend(neutral)
        stand_ins.extend(line != kept for line, kept in zip(neutral, original))
        owner.extend([number] * len(original))
    old_lines = old.split("\n")[:-1]
    if not owner or old_lines != module_lines or not old.endswith("\n"):
        raise WriteBackError("the notebook changed while it was being fixed")
    if any(change.stop > len(old_lines) for change in changes):  # it would drop the text's final newline
        raise WriteBackError("the notebook changed while it was being fixed")
    cell_lines: list[list[str]] = [[] for _ in cells]
    changed: set[int] = set()
    for start, stop, change in _segments(changes, len(old_lines)):
        if change is None:
            for i in range(start, stop):
                cell_lines[owner[i]].append(sources[owner[i]][i - firsts[owner[i]]])
            continue
        touched = {owner[i] for i in range(start, stop)} or {owner[max(start - 1, 0)]}
        if len(touched) != 1 or any(stand_ins[i] for i in range(start, stop)):
            raise WriteBackError("the fix spans several cells or touches an IPython line")
        target = touched.pop()
        changed.add(target)
        cell_lines[target].extend(change.lines)
    for number in changed:
        cell = cells[number]
        was = cell.get("source", "")
        text_was = "".join(was) if isinstance(was, list) else was
        source = "\n".join(cell_lines[number]) + ("\n" if text_was.endswith("\n") else "")
        # Jupyter stores a source as a list of lines, each keeping its "\n"; keep whichever form it had.
        cell["source"] = [line for line in re.split(r"(?<=\n)", source) if line] if isinstance(was, list) else source
    settings, end = style
    return (json.dumps(notebook, **settings) + end).encode("utf-8")


def notebook_with_sources(data: bytes, sources: dict[int, str]) -> bytes:
    """The notebook with the code cells numbered in ``sources`` (1-based among all cells, as
    findings number them) given those sources; every other byte of the JSON stays as it was."""
    from mlops_lint.source.notebook import _cells

    notebook, style = _reproducible(data)
    cells = _cells(notebook)
    for number, new_source in sources.items():
        cell = cells[number - 1] if 0 < number <= len(cells) else None
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            raise WriteBackError("the notebook changed while it was being fixed")
        key = "source" if "source" in cell or "input" not in cell else "input"
        was = cell.get(key, "")
        text_was = "".join(was) if isinstance(was, list) else was
        if "\r" in text_was:
            raise WriteBackError(f"cell {number} uses carriage returns")
        source = new_source + ("\n" if text_was.endswith("\n") else "")
        # Jupyter stores a source as a list of lines, each keeping its "\n"; keep whichever form it had.
        cell[key] = [line for line in re.split(r"(?<=\n)", source) if line] if isinstance(was, list) else source
    settings, end = style
    return (json.dumps(notebook, **settings) + end).encode("utf-8")
