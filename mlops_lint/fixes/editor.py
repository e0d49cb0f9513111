"""Fixes for editors: a buffer's text with the fixes of some findings, or of all, keeping its newlines."""

from __future__ import annotations

import difflib
import re
from typing import Sequence

from mlops_lint.diagnostics import Diagnostic, Position, TextEdit
from mlops_lint.fixes.edits import apply_edits, overlaps
from mlops_lint.fixes.registry import is_selected
from mlops_lint.source.notebook import parses


def _normal(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _back(text: str, normal: str, fixed: str) -> str | None:
    """``fixed`` (made from ``normal``) with ``text``'s own newlines outside the changed lines."""
    from mlops_lint.source.write_back import WriteBackError, line_changes, splice

    try:
        return splice(text, normal, line_changes(normal, fixed))
    except WriteBackError:
        return None  # a fix that cannot keep the buffer's other bytes is no quick fix


def fixed_source(text: str, diagnostics: Sequence[Diagnostic], unsafe: bool) -> str | None:
    """The text with the fixes of ``diagnostics`` applied as ``--fix``'s first round would (those
    that overlap an earlier one wait), or None when none applies or the result does not parse."""
    normal = _normal(text)
    taken: list[TextEdit] = []
    for diagnostic in diagnostics:
        if is_selected(diagnostic, unsafe) and not overlaps(diagnostic.fix.edits, taken):  # type: ignore[union-attr]
            taken.extend(diagnostic.fix.edits)  # type: ignore[union-attr]
    if not taken:
        return None
    fixed = apply_edits(normal, taken)
    if fixed == normal or (parses(normal) and not parses(fixed)):
        return None
    return _back(text, normal, fixed)


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def line_edits(old: str, new: str) -> tuple[TextEdit, ...]:
    """Whole-line edits turning ``old`` into ``new`` (column 0 only, so UTF-16 columns never matter)."""
    old_lines, new_lines = _LINE.findall(old), _LINE.findall(new)
    edits = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        end = Position(i2 + 1, 0)
        if i2 == len(old_lines) and old_lines and not old_lines[-1].endswith(("\n", "\r")):
            end = Position(i2, len(old_lines[-1]))  # no line after an unterminated last line
        edits.append(TextEdit(Position(i1 + 1, 0), end, "".join(new_lines[j1:j2])))
    return tuple(edits)
