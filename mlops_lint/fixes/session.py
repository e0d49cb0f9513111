"""One ``check --fix`` / ``--diff`` run: fix every file, write it (or diff it), then report what remains."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from mlops_lint.diagnostics import Diagnostic, Location
from mlops_lint.fixes.registry import is_selected
from mlops_lint.source import SourceDocument, SourceError, document_from_bytes

if TYPE_CHECKING:
    from mlops_lint.catalog import Catalog
    from mlops_lint.engine.lint import LintOptions
    from mlops_lint.run import RunRequest


@dataclass
class FixSession:
    """What the user asked for, and what the run did (filled in by ``fix_run``)."""

    mode: str  # "write" | "diff"
    unsafe: bool = False
    fixed: int = 0
    files: list[str] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    stdin_text: str | None = None


def fix_session(fix: bool, diff: bool, unsafe: bool) -> FixSession | None:
    """None unless ``--fix`` or ``--diff`` was given (``--unsafe-fixes`` alone only widens them)."""
    if not (fix or diff):
        return None
    return FixSession("diff" if diff else "write", unsafe)


def rule_options(catalog: "Catalog", options: "LintOptions") -> Callable[[str], dict[str, Any]]:
    def for_code(code: str) -> dict[str, Any]:
        spec = catalog.rules.get(code)
        return {**(spec.option_defaults() if spec else {}), **options.rule_options.get(code, {})}

    return for_code


Keep = Callable[[Diagnostic], bool]


def _fixed_text(session: FixSession, document: SourceDocument, catalog: "Catalog", options: "LintOptions", keep: Keep) -> tuple[str | None, list[Diagnostic]]:
    """The fixed module text (None if unchanged), and the file's findings as the report shows them."""
    from mlops_lint.engine.lint import lint_document

    reported = lint_document(document, catalog, options)
    # `keep` drops what the report drops too (per-file-ignores): no fix for a hidden finding.
    if not any(is_selected(d, session.unsafe) and keep(d) for d in reported):
        return None, reported  # the common case: no libcst import, and the report reuses these

    def lint(text: str) -> list[Diagnostic]:
        # The joined module text itself, without the cell map: fixes work in module coordinates.
        return [d for d in lint_document(SourceDocument(document.path, text), catalog, options) if keep(d)]

    from mlops_lint.fixes.apply import fix_text

    outcome = fix_text(document.text, lint(document.text), lint, catalog, rule_options(catalog, options), session.unsafe)
    for failure in outcome.failures:
        session.failures.append(f"{_place(document, failure.diagnostic.location)}: {failure.diagnostic.code} fix dropped, file left as it was for this finding: {failure.reason}")
    if outcome.text == document.text:
        return None, reported
    session.fixed += len(outcome.applied)
    return outcome.text, reported


def _place(document: SourceDocument, location: Location) -> str:
    if document.cell_map is None:
        return f"{document.path}:{location.start.line}:{location.start.column + 1}"
    cell, line = document.cell_map.to_cell(location.start.line)
    return f"{document.path}:cell_{cell}:{line}:{location.start.column + 1}"


def _diff(path: str, old: str, new: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), path, path))


def _notebook_diff(path: str, data: bytes, fixed: bytes) -> str:
    """One diff per changed code cell, named as findings name it (``nb.ipynb:cell_3``), of the
    cell's own source: what Jupyter shows, not the JSON and not the joined module text."""
    from mlops_lint.source.notebook import code_cell_sources

    def lines(source: str) -> str:  # a cell's last line usually has no newline: diff it as if it had
        return source if source.endswith("\n") or not source else source + "\n"

    before, after = code_cell_sources(data), code_cell_sources(fixed)
    return "".join(_diff(f"{path}:cell_{number}", lines(source), lines(after[number]))
                   for number, source in before.items() if after.get(number, source) != source)


def fix_run(
    request: "RunRequest", paths: Iterable[str], catalog: "Catalog", options: "LintOptions", keep: Keep = lambda d: True
) -> tuple["RunRequest", list[str], list[Diagnostic]]:
    """Fix (or diff) each file. Returns the request to lint afterwards (stdin then reads the fixed
    text), the paths that still need linting (changed or unreadable) and the findings of the others."""
    from mlops_lint.fixes.write import WriteError, file_bytes, splice, write_atomically

    session: FixSession = request.fix
    relint: list[str] = []
    unchanged: list[Diagnostic] = []
    for path in paths:
        try:
            data = Path(path).read_bytes()
            document = document_from_bytes(path, data)
        except (OSError, SourceError):
            relint.append(path)  # the lint reports it (MLO002)
            continue
        new, reported = _fixed_text(session, document, catalog, options, keep)
        if new is None:
            unchanged.extend(reported)
            continue
        relint.append(path)
        try:
            fixed = file_bytes(path, data, document.text, new)
        except WriteError as error:
            session.failures.append(f"{path}: fixes not written: {error}")
            continue
        session.files.append(path)
        if session.mode == "diff":
            session.diffs.append(_notebook_diff(path, data, fixed) if document.is_notebook else _diff(path, document.text, new))
        else:
            write_atomically(path, fixed)
    if "-" in request.paths and request.read_stdin is not None:
        text = request.read_stdin()
        name = request.stdin_filename or "-"
        result = text
        try:
            document = document_from_bytes(name, text.encode("utf-8"))
            new, _ = _fixed_text(session, document, catalog, options, keep)
            if new is not None:
                if document.is_notebook:
                    result = file_bytes(name, text.encode("utf-8"), document.text, new).decode("utf-8")
                    session.diffs.append(_notebook_diff(name, text.encode("utf-8"), result.encode("utf-8")))
                else:
                    result = splice(text, document.text, new)
                    session.diffs.append(_diff(name, document.text, new))
                session.files.append(name)
        except (SourceError, WriteError) as error:
            session.failures.append(f"{name}: fixes not written: {error}")
        session.stdin_text = result
        request = replace(request, read_stdin=lambda: result)
    return request, relint, unchanged


def finish(session: FixSession, diagnostics: list[Diagnostic], render: Callable[[list[Diagnostic]], str], exit_zero: bool) -> int:
    """Print the diff, the fixed stdin text or the remaining findings; return the exit code."""
    import click

    for failure in session.failures:
        click.echo(f"mlops-lint: {failure}", err=True)
    files = len(session.files)
    if session.mode == "diff":
        click.echo("".join(session.diffs), nl=False)
        if session.fixed:
            click.echo(f"Would fix {session.fixed} finding(s) in {files} file(s).", err=True)
        return 1 if session.diffs else 0
    if session.stdin_text is not None:
        # Editors read the fixed source from stdout; the remaining findings go to stderr.
        click.echo(session.stdin_text, nl=False)
        click.echo(render(diagnostics), nl=False, err=True)
    else:
        click.echo(render(diagnostics), nl=False)
    if session.fixed:
        click.echo(f"Fixed {session.fixed} finding(s) in {files} file(s).", err=True)
    if any(d.code == "MLO003" for d in diagnostics):
        return 2
    return 1 if diagnostics and not exit_zero else 0
