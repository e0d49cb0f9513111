"""Fixes for findings: fixers by rule code, applied with libcst only for files that have a fixable finding.

Importing this package stays cheap: libcst is imported by ``apply``/``locate`` and the fixers,
which load only once a fix is actually attempted.
"""

from __future__ import annotations

from typing import Any, Iterable

from mlops_lint.diagnostics import Diagnostic, TextEdit


def fixed_source(
    document_text: str,
    diagnostics: Iterable[Diagnostic],
    unsafe: bool = False,
    path: str = "untitled.py",
    rule_options: dict[str, dict[str, Any]] | None = None,
) -> str | None:
    """The text with the fixes of ``diagnostics`` applied, or None when nothing could be fixed.

    For editors (the language server's code actions): ``document_text`` is the buffer (any
    newlines, which are kept), ``diagnostics`` those to fix, in the coordinates of that text. One
    diagnostic gives exactly its fix; several give up to that many fixes of those rules.
    """
    from mlops_lint.fixes.editor import fixed_source as implementation

    return implementation(document_text, list(diagnostics), unsafe, path, rule_options or {})


def fix_edits(
    document_text: str,
    diagnostics: Iterable[Diagnostic],
    unsafe: bool = False,
    path: str = "untitled.py",
    rule_options: dict[str, dict[str, Any]] | None = None,
) -> tuple[TextEdit, ...]:
    """The same fixes as ``fixed_source``, as whole-line TextEdits (1-based lines, column 0) for an LSP WorkspaceEdit."""
    from mlops_lint.fixes.editor import line_edits

    fixed = fixed_source(document_text, diagnostics, unsafe, path, rule_options)
    return () if fixed is None else line_edits(document_text, fixed)
