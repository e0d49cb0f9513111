"""Turn a fixed module text back into the file's bytes (encoding, BOM, newlines, notebook JSON) and write it atomically."""

from __future__ import annotations

import codecs
import difflib
import io
import json
import re
import tokenize
from collections import Counter
from pathlib import Path

from mlops_lint.atomic import replace_file
from mlops_lint.source.notebook import neutralise_cell

_NEWLINE = re.compile(r"(\r\n|\r|\n)")


class WriteError(Exception):
    """The fixed text cannot be put back into the file without touching bytes outside the edit."""


def splice(raw: str, old: str, new: str) -> str:
    """Apply the line changes from ``old`` to ``new`` (both ``\\n`` text) to ``raw``, which may use any newlines.

    Unchanged lines are copied from ``raw`` with their own line endings; new lines take the
    file's most common ending, so a CRLF (or mixed) file keeps every byte outside the edit.
    """
    parts = _NEWLINE.split(raw)
    lines, endings = parts[0::2], [*parts[1::2], ""]
    if lines != old.split("\n"):
        raise WriteError("the file changed while it was being fixed")
    newline = Counter(parts[1::2]).most_common(1)[0][0] if len(parts) > 1 else "\n"
    new_lines = new.split("\n")
    out: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(zip(lines[i1:i2], endings[i1:i2]))
        else:
            out.extend((line, newline) for line in new_lines[j1:j2])
    return "".join(line + (ending or newline) for line, ending in out[:-1]) + (out[-1][0] if out else "")


def python_bytes(data: bytes, old: str, new: str) -> bytes:
    """The bytes of a fixed .py file: same encoding, same BOM, same newlines outside the edit."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    bom = data.startswith(codecs.BOM_UTF8)
    raw = data[len(codecs.BOM_UTF8):].decode("utf-8") if bom else data.decode(encoding)
    fixed = splice(raw, old, new)
    try:
        return (codecs.BOM_UTF8 if bom else b"") + fixed.encode("utf-8" if bom else encoding)
    except UnicodeEncodeError:
        raise WriteError(f"the fixed text cannot be encoded as {encoding}") from None


_STYLES = [
    {"indent": indent, "sort_keys": sort_keys, "ensure_ascii": ensure_ascii}
    for indent in (1, 2, 4, None)
    for sort_keys in (True, False)
    for ensure_ascii in (False, True)
]


def _json_style(notebook: dict, text: str) -> tuple[dict, str] | None:
    """The json.dumps settings (and final newline) that reproduce the notebook exactly, if any do."""
    for style in _STYLES:
        dumped = json.dumps(notebook, **style)
        for end in ("\n", ""):
            if dumped + end == text:
                return style, end
    return None


def notebook_bytes(data: bytes, old: str, new: str) -> bytes:
    """Rewrite only the sources of the code cells the fix touched; everything else stays byte-identical.

    ``old``/``new`` are the joined module texts (one line per cell line). An edit must stay inside
    one cell and may not touch a line that stood in for an IPython magic.
    """
    try:
        text = data.decode("utf-8")
        notebook = json.loads(text)
    except (UnicodeDecodeError, ValueError):
        raise WriteError("the notebook is not plain UTF-8 JSON") from None
    style = _json_style(notebook, text) if isinstance(notebook, dict) else None
    if style is None or not isinstance(notebook.get("cells"), list):
        raise WriteError("the notebook's JSON layout cannot be reproduced, so it is left as it is")
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
            raise WriteError("a cell uses carriage returns")
        body = source[:-1] if source.endswith("\n") else source
        original = body.split("\n")
        neutral = neutralise_cell(body)
        sources.append(original)
        firsts.append(len(owner))
        module_lines.extend(neutral)
        stand_ins.extend(line != kept for line, kept in zip(neutral, original))
        owner.extend([number] * len(original))
    old_lines, new_lines = old.split("\n")[:-1], new.split("\n")[:-1]
    if not owner or old_lines != module_lines or not new.endswith("\n"):
        raise WriteError("the notebook changed while it was being fixed")
    cell_lines: list[list[str]] = [[] for _ in cells]
    changed: set[int] = set()
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for i in range(i1, i2):
                cell_lines[owner[i]].append(sources[owner[i]][i - firsts[owner[i]]])
            continue
        touched = {owner[i] for i in range(i1, i2)} or {owner[max(i1 - 1, 0)]}
        if len(touched) != 1 or any(stand_ins[i] for i in range(i1, i2)):
            raise WriteError("the fix spans several cells or touches an IPython line")
        cell = touched.pop()
        changed.add(cell)
        cell_lines[cell].extend(new_lines[j1:j2])
    for number in changed:
        cell = cells[number]
        was = cell.get("source", "")
        text_was = "".join(was) if isinstance(was, list) else was
        source = "\n".join(cell_lines[number]) + ("\n" if text_was.endswith("\n") else "")
        # Jupyter stores a source as a list of lines, each keeping its "\n"; keep whichever form it had.
        cell["source"] = [line for line in re.split(r"(?<=\n)", source) if line] if isinstance(was, list) else source
    settings, end = style
    return (json.dumps(notebook, **settings) + end).encode("utf-8")


def file_bytes(path: str, data: bytes, old: str, new: str) -> bytes:
    return notebook_bytes(data, old, new) if path.endswith(".ipynb") else python_bytes(data, old, new)


def write_atomically(path: str, data: bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it over, so a crash never leaves half a file."""
    target = Path(path).resolve()  # through a symlink, not over it
    replace_file(target, data, mode=target.stat().st_mode & 0o7777)
