"""fixed_source for editors: fix given diagnostics in a buffer's text, keeping its newlines."""

from __future__ import annotations

from typing import Any

from mlops_lint.diagnostics import Diagnostic
from mlops_lint.source import SourceDocument


def fixed_source(text: str, diagnostics: list[Diagnostic], unsafe: bool, path: str, rule_options: dict[str, dict[str, Any]]) -> str | None:
    from mlops_lint.catalog import load_catalog
    from mlops_lint.engine.lint import LintOptions, lint_document
    from mlops_lint.engine.registry import rule_classes
    from mlops_lint.fixes.apply import fix_text
    from mlops_lint.fixes.session import rule_options as options_for
    from mlops_lint.fixes.write import splice

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
    return splice(text, normal, outcome.text)
