"""fixed_source for editors: fix given diagnostics in a buffer's text, keeping its newlines."""

from __future__ import annotations

import difflib
import re
from typing import Any

from mlops_lint.diagnostics import Diagnostic, Position, TextEdit
from mlops_lint.source import SourceDocument


def fixed_source(text: str, diagnostics: list[Diagnostic], unsafe: bool, path: str, rule_options: dict[str, dict[str, Any]]) -> str | None:
    from mlops_lint.catalog import load_catalog
    from mlops_lint.engine.lint import LintOptions, lint_document
    from mlops_lint.engine.registry import rule_classes
    from mlops_lint.fixes.apply import changed_lines, fix_text
    from mlops_lint.fixes.fixer import rule_options as options_for
    from mlops_lint.source.write_back import WriteBackError, splice

    if not diagnostics:
        return None
    normal = text.replace("\r\n", "\n").replace("\r", "\n")
    catalog = load_catalog()
    codes = frozenset(d.code for d in diagnostics)
    options = LintOptions(selected=codes, rule_options=rule_options)

    def lint(new: str) -> list[Diagnostic]:
        return lint_document(SourceDocument(path, new), catalog, options)

    # Verification re-lints with the diagnostics' own rules; a diagnostic of a rule this build
    # does not implement can still be fixed, checked by parsing only.
    verify = lint if codes <= set(rule_classes()) else None
    outcome = fix_text(normal, diagnostics, verify, catalog, options_for(catalog, options), unsafe, max_fixes=len(diagnostics))
    if outcome.text == normal:
        return None
    try:
        return splice(text, normal, changed_lines(normal, outcome.text))
    except WriteBackError:
        return None  # a fix that cannot keep the buffer's other bytes is no quick fix


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
