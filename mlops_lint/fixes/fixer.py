"""Fix files: compute each file's fixed bytes and what was and was not fixed. Never writes (``run.py`` does)."""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Callable, Iterable

from mlops_lint.diagnostics import Diagnostic
from mlops_lint.fixes.registry import is_selected
from mlops_lint.fixes.result import FileFix, FixResult, SkippedFix
from mlops_lint.source import SourceDocument, SourceError, read_bytes
from mlops_lint.source.formats import format_of

if TYPE_CHECKING:
    from mlops_lint.catalog import Catalog
    from mlops_lint.engine.lint import LintOptions
    from mlops_lint.engine.prefilter import Prefilter

Keep = Callable[[Diagnostic], bool]


def rule_options(catalog: "Catalog", options: "LintOptions") -> Callable[[str], dict[str, Any]]:
    def for_code(code: str) -> dict[str, Any]:
        spec = catalog.rules.get(code)
        return {**(spec.option_defaults() if spec else {}), **options.rule_options.get(code, {})}

    return for_code


def fix_bytes(
    path: str, data: bytes, catalog: "Catalog", options: "LintOptions", unsafe: bool, keep: Keep, prefilter: "Prefilter | None" = None
) -> FileFix | None:
    """The fixes of one file's bytes; None when the bytes cannot be decoded (the lint reports MLO002)."""
    from mlops_lint.engine.lint import lint_document

    form = format_of(path)
    try:
        document = form.read(path, data)
    except SourceError:
        return None
    if prefilter is not None and not prefilter.keeps(document.text):
        return FileFix(path, data, findings=(), no_ml_imports=True)  # no selected rule can fire here, as the lint decides too
    reported = tuple(lint_document(document, catalog, options))
    # `keep` drops what the report drops too (per-file-ignores): no fix for a hidden finding.
    kept = [d for d in reported if keep(d)]
    if not any(is_selected(d, unsafe) for d in kept):
        return FileFix(path, data, findings=reported)  # the common case

    def lint(document: SourceDocument) -> list[Diagnostic]:
        return [d for d in lint_document(document, catalog, options) if keep(d)]

    from mlops_lint.fixes.apply import fix_all
    from mlops_lint.fixes.texts import NotebookText, ScriptText
    from mlops_lint.source.write_back import WriteBackError

    start: ScriptText | NotebookText
    if document.cell_map is not None:
        from mlops_lint.source.notebook import code_cell_sources

        start = NotebookText.of(document, code_cell_sources(data))
    else:
        start = ScriptText(path, document.text)
    outcome = fix_all(start, kept, lint, unsafe)
    fixed = FileFix(
        path, data,
        applied=outcome.applied,
        skipped=tuple(SkippedFix(f.diagnostic, f.reason) for f in outcome.failures),
        findings=reported,
    )
    if outcome.fixed.text == start.text:
        return fixed
    try:
        if isinstance(outcome.fixed, NotebookText):
            from mlops_lint.source.write_back import notebook_with_sources

            assert isinstance(start, NotebookText)
            new = notebook_with_sources(data, outcome.fixed.changed_sources(start))
        else:
            from mlops_lint.source.write_back import line_changes

            new = form.write_back(data, start.text, line_changes(start.text, outcome.fixed.text))
            ast.parse(form.read(path, new).text)  # what reaches the disk decodes and parses, or nothing does
    except (WriteBackError, SourceError, SyntaxError, ValueError) as error:
        return replace(fixed, not_written=str(error))
    return replace(fixed, new=new)


def _guarded(
    path: str, data: bytes, catalog: "Catalog", options: "LintOptions", unsafe: bool, keep: Keep, prefilter: "Prefilter | None"
) -> FileFix | None:
    try:
        return fix_bytes(path, data, catalog, options, unsafe, keep, prefilter)
    except (RecursionError, MemoryError) as error:
        return FileFix(path, data, not_written=f"too large or too deeply nested to fix ({type(error).__name__})", findings=None)
    except Exception as error:  # a bug while fixing one file must not cost the others their fixes
        return FileFix(path, data, not_written=f"internal error in the fixer ({type(error).__name__}: {error}); please report it",
                       findings=None)


def fix_files(
    paths: Iterable[str],
    stdin: tuple[str, bytes] | None,
    catalog: "Catalog",
    options: "LintOptions",
    unsafe: bool,
    keep: Keep = lambda d: True,
    prefilter: "Prefilter | None" = None,
) -> FixResult:
    """The fixes of every readable, decodable file (and of ``stdin``: its name and bytes). Writes nothing."""
    files = []
    for path in paths:
        try:
            data = read_bytes(path)
        except SourceError:
            continue  # the lint reports it (MLO002)
        fixed = _guarded(path, data, catalog, options, unsafe, keep, prefilter)
        if fixed is not None:
            files.append(fixed)
    fixed_stdin = _guarded(stdin[0], stdin[1], catalog, options, unsafe, keep, prefilter) if stdin is not None else None
    return FixResult(tuple(files), fixed_stdin)
