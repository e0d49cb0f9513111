"""Fixes for findings: fixers by rule code, which the engine runs when it makes a finding.

A finding of a rule whose catalog declares a ``fix`` carries the edits of its fix (``Fix.edits``,
module coordinates), computed by the fixer from the syntax tree the analysis already built; the
finding is labelled fixable only then. ``--fix`` applies them in rounds (``apply.py``), editors
through ``fixed_source``. Importing this package is cheap: no fixer loads until a finding needs one.
"""

from __future__ import annotations

from typing import Iterable

from mlops_lint.diagnostics import Diagnostic, TextEdit


def fixed_source(document_text: str, diagnostics: Iterable[Diagnostic], unsafe: bool = False) -> str | None:
    """The text with the fixes of ``diagnostics`` applied, or None when nothing could be fixed.

    For editors (the language server's code actions): ``document_text`` is the buffer (any
    newlines, which are kept), ``diagnostics`` those to fix, in the coordinates of that text.
    Their edits are applied as the first round of ``--fix`` would apply them.
    """
    from mlops_lint.fixes.editor import fixed_source as implementation

    return implementation(document_text, list(diagnostics), unsafe)


def fix_edits(document_text: str, diagnostics: Iterable[Diagnostic], unsafe: bool = False) -> tuple[TextEdit, ...]:
    """The same fixes as ``fixed_source``, as whole-line TextEdits (1-based lines, column 0) for an LSP WorkspaceEdit."""
    from mlops_lint.fixes.editor import line_edits

    fixed = fixed_source(document_text, diagnostics, unsafe)
    return () if fixed is None else line_edits(document_text, fixed)
