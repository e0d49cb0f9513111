"""lint_document: parse one document, run the selected rules, suppress, map to the user's file."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from mlops_lint.catalog import Catalog, RuleSpec
from mlops_lint.diagnostics import Diagnostic, Location, Position, Related, Severity
from mlops_lint.engine.collector import young_garbage_only
from mlops_lint.engine.parse import parse_document
from mlops_lint.engine.registry import rule_classes
from mlops_lint.engine.message import LineRef, field_text, placeholders
from mlops_lint.engine.rule import Finding
from mlops_lint.engine.suppression import Suppressions, read_suppressions, skips_file
from mlops_lint.source import SourceDocument, SourceError, read_document
from mlops_lint.source.source_map import CellMap

if TYPE_CHECKING:
    from mlops_lint.analysis.module import AnalyzedModule
    from mlops_lint.project import ProjectOptions


def _debug(message: str, *args: object) -> None:
    """Details for ``--verbose``, with the traceback; logging is imported only when one is needed."""
    import logging

    logging.getLogger(__name__).debug(message, *args, exc_info=True)


@dataclass(frozen=True)
class LintOptions:
    """What one lint run needs to know besides the file: the rules on, and their options."""

    selected: frozenset[str]
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    honour_noqa: bool = True
    # The run's projects: a file's imports of its project's other modules are read and followed
    # (mlops_lint/project/). None: each file alone.
    project: ProjectOptions | None = None
    # False: findings come without their fixes (a fix is proposed per finding, a sixth of a lint);
    # the language server asks for them only when the editor asks for code actions.
    propose_fixes: bool = True


def engine_diagnostic(catalog: Catalog, code: str, path: str, message: str, line: int = 1, column: int = 0) -> Diagnostic:
    spec = catalog.rules[code]
    position = Position(line, column)
    return Diagnostic(
        code=code,
        name=spec.name,
        message=spec.message.format(detail=message),
        severity=Severity(spec.severity),
        location=Location(path, position, position),
        url=spec.url,
    )


def _column(lines: list[str], line: int, byte_offset: int) -> int:
    """ast columns are UTF-8 byte offsets; diagnostics speak code points."""
    if 1 <= line <= len(lines):
        text = lines[line - 1]
        if not text.isascii():
            return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))
    return byte_offset


def _location(path: str, lines: list[str] | None, node: ast.AST) -> Location:
    """``lines``: the file's, to count a column in code points; None for an ASCII file, where a byte is one."""
    line = getattr(node, "lineno", 1)
    end_line = getattr(node, "end_lineno", None) or line
    column, end_column = getattr(node, "col_offset", 0), getattr(node, "end_col_offset", None) or 0
    if lines is not None:
        column, end_column = _column(lines, line, column), _column(lines, end_line, end_column)
    return Location(path, Position(line, column), Position(end_line, end_column))


class _Fields(dict[str, str]):
    """Leave an unknown ``{field}`` visible rather than raising; the catalog tests catch it."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _message_fields(template: str) -> frozenset[str]:
    """The fields a message template reads (``{a.b}`` reads ``a``)."""
    from _string import formatter_field_name_split  # type: ignore[import-not-found]  # what str.format splits with

    return frozenset(formatter_field_name_split(name)[0] for name in placeholders(template))


class _Reporter:
    """Turns one module's findings into diagnostics.

    A long module's thousand findings made this a twelfth of a keystroke's lint in the language
    server: what every finding of a rule shares (its severity, the fields its message shows) is
    read once per rule, and what every finding of a module shares (its lines, whether it is ASCII,
    the link to its project) once per module.
    """

    def __init__(self, module: AnalyzedModule, document: SourceDocument, options: LintOptions) -> None:
        self.module = module
        self.document = document
        self.propose_fixes = options.propose_fixes
        self.honour_noqa = options.honour_noqa
        self._suppressions: Suppressions | None = None
        self.lines = None if module.text.isascii() else module.lines  # an ASCII text's byte columns are code points
        # A notebook's findings are placed in its cells at once, not moved there afterwards.
        self.cells = _CellPlaces(module.path, module.cell_map) if module.cell_map is not None else None
        # The attribute that marks a node of another module of the project (analysis/project.py),
        # and how a line there reads; None when the module is linted alone.
        self.owner_key: str | None = None
        self.other_file_line: Callable[[AnalyzedModule, ast.AST], str | None] | None = None
        if module.project is not None:  # its findings may reach into other files of the project
            from mlops_lint.analysis.project import OWNER
            from mlops_lint.engine.elsewhere import other_file_line

            self.owner_key, self.other_file_line = OWNER, other_file_line

    def _owner(self, node: ast.AST) -> AnalyzedModule | None:
        """The other module of the project a node is of; None for this module's own."""
        return getattr(node, self.owner_key, None) if self.owner_key is not None else None

    def suppressed(self, code: str, line: int) -> bool:
        """Whether a ``# noqa`` comment silences ``code`` on this line of the module."""
        if not self.honour_noqa:
            return False
        if self._suppressions is None:
            # Tokenizing costs about as much as parsing: only for the few files with findings.
            self._suppressions = read_suppressions(self.document.text)
        return bool(self._suppressions.noqa) and self._suppressions.covers(code, line)

    def engine_diagnostic(self, diagnostic: Diagnostic) -> Diagnostic | None:
        """One of the engine's own diagnostics about the module (a rule that failed), placed as a finding is."""
        if self.suppressed(diagnostic.code, diagnostic.location.start.line):
            return None
        return _to_cells(self.document, [diagnostic])[0]

    def _here(self, node: ast.AST) -> Location:
        """Where a node of this module is, in the document's coordinates."""
        line = getattr(node, "lineno", 1)
        end_line = getattr(node, "end_lineno", None) or line
        column, end_column = getattr(node, "col_offset", 0), getattr(node, "end_col_offset", None) or 0
        if self.lines is not None:
            column, end_column = _column(self.lines, line, column), _column(self.lines, end_line, end_column)
        if self.cells is not None:
            return self.cells.location(line, column, end_line, end_column)
        return Location(self.module.path, Position(line, column), Position(end_line, end_column))

    def _place(self, node: ast.AST) -> Location:
        """Where a node is: in this module, or in another module of the project its dataflow followed."""
        other = self._owner(node)
        if other is None or other is self.module:
            return self._here(node)
        return _location(other.path, other.lines, node)

    def _text(self, value: Any) -> str:
        """A field's value as the message shows it; a line of another file reads "8 of features.py"."""
        if self.other_file_line is not None and isinstance(value, LineRef) and self._owner(value.node) is not None:
            elsewhere = self.other_file_line(self.module, value.node)
            if elsewhere is not None:
                return elsewhere
        return field_text(value, self.module.line_label)

    def diagnostics(self, spec: RuleSpec, findings: list[Finding], options: dict[str, Any]) -> Iterator[Diagnostic]:
        module = self.module
        severity, url, labels = Severity(spec.severity), spec.url, spec.related
        fixable = self.propose_fixes and spec.fix is not None
        # Without a fix to title, only the fields of the message are written out.
        shown = None if fixable else _message_fields(spec.message)
        for finding in findings:
            if self.suppressed(spec.code, getattr(finding.node, "lineno", 1)):
                continue
            fields = _Fields()
            for name, value in finding.fields.items():
                if shown is None or name in shown:
                    fields[name] = self._text(value)
            related = tuple([Related(self._place(node), labels.get(key, key)) for key, node in finding.related]) \
                if finding.related else ()
            fix = None
            # The catalog's `fix` declares that the rule has a fixer (mlops_lint/fixes/, a registry test
            # pairs them); the finding is fixable only when the fixer hands over its edits, here and now.
            # A fixer edits this file: a finding with a place in another file is not offered one.
            if fixable and all(r.location.path == module.path for r in related):
                from mlops_lint.fixes.propose import propose

                if self.other_file_line is not None and any(isinstance(value, LineRef) for value in finding.fields.values()):
                    finding = replace(finding, fields={  # the fixer sees the fields as the message shows them
                        name: (self.other_file_line(module, value.node) or value) if isinstance(value, LineRef) else value
                        for name, value in finding.fields.items()})
                fix = propose(spec, module, finding, options, fields)
            yield Diagnostic(spec.code, spec.name, spec.message.format_map(fields), severity,
                             self._here(finding.node), related, fix, url)


def _own_findings(catalog: Catalog, code: str, options: LintOptions) -> Callable[[AnalyzedModule, ast.AST], bool]:
    """Whether another module of the project, linted on its own, reports ``code`` on a node's line
    (then a finding there is that module's business, not its caller's: engine/elsewhere.py)."""
    from mlops_lint.project.model import project_for

    assert options.project is not None
    project = project_for(options.project, catalog)
    alone = replace(options, selected=frozenset({code}), honour_noqa=False)

    def its_own(owner: AnalyzedModule, node: ast.AST) -> bool:
        key = (owner.path, owner.text, code)
        lines = project.own_findings.get(key)
        if lines is None:
            project.own_findings[key] = set()  # an import cycle asking again meanwhile: not (yet) its own
            found = lint_document(SourceDocument(owner.path, owner.text), catalog, alone)
            lines = project.own_findings[key] = {d.location.start.line for d in found if d.code == code}
        return getattr(node, "lineno", 0) in lines

    return its_own


def _run_rules(module: AnalyzedModule, document: SourceDocument, options: LintOptions) -> list[Diagnostic]:
    """The findings of the selected rules, but those a ``# noqa`` silences, in the document's coordinates."""
    diagnostics: list[Diagnostic | None] = []
    catalog = module.catalog
    reporter = _Reporter(module, document, options)  # the module linked to its project by now
    for code, cls in sorted(rule_classes().items()):
        if code not in options.selected or code not in catalog.rules:
            continue
        spec = catalog.rules[code]
        rule_options = {**spec.option_defaults(), **options.rule_options.get(code, {})}
        try:
            findings = list(cls().check(module, rule_options))
            if findings and module.project is not None:
                from mlops_lint.engine.elsewhere import localise

                its_own = _own_findings(catalog, code, options)
                findings = [f for f in (localise(module, found, its_own) for found in findings) if f is not None]
        except RecursionError:
            # A tree ast could build (up to ~3000 levels) can still be too deep for a recursive
            # visitor; that is the input's limit, not a bug in the rule.
            _debug("rule %s overflowed the stack on %s", code, module.path)
            if "MLO001" in options.selected:
                diagnostics.append(reporter.engine_diagnostic(
                    engine_diagnostic(catalog, "MLO001", module.path, f"too deeply nested for {code} to analyse")))
            continue
        except Exception as error:  # a broken rule must not take the other rules or files down
            _debug("rule %s failed on %s", code, module.path)
            diagnostics.append(reporter.engine_diagnostic(
                engine_diagnostic(catalog, "MLO003", module.path, f"internal error in {code} ({type(error).__name__}: {error})")))
            continue
        diagnostics.extend(reporter.diagnostics(spec, findings, rule_options))
    return [d for d in diagnostics if d is not None]


class _CellPlaces:
    """Places of a notebook's module text in its cells' coordinates."""

    def __init__(self, path: str, cell_map: CellMap) -> None:
        self.path = path
        self.to_cell = cell_map.to_cell
        # CellMap.to_cell_column reads every shift of the notebook per position: a long notebook's
        # thousand findings made that ten milliseconds. The same answers, by line.
        self.shifts: dict[int, list[tuple[int, int]]] = {}
        for shifted_line, start_column, shift in cell_map.shifts:
            self.shifts.setdefault(shifted_line, []).append((start_column, shift))

    def _column(self, line: int, at: int) -> int:
        for start_column, shift in self.shifts.get(line, ()):
            if at >= start_column:
                return at + shift
        return at

    def location(self, line: int, column: int, end_line: int, end_column: int) -> Location:
        """The span from (line, column) to (end_line, end_column) of the module text, in its cell."""
        cell, line_in_cell = self.to_cell(line)
        end_cell, end_line_in_cell = self.to_cell(end_line)
        start = Position(line_in_cell, self._column(line, column))
        end = Position(end_line_in_cell, self._column(end_line, end_column)) if end_cell == cell else start
        return Location(self.path, start, end, cell)

    def convert(self, location: Location) -> Location:
        if location.path != self.path:
            return location  # a place in another file of the project (a .py file beside the notebook)
        return self.location(location.start.line, location.start.column, location.end.line, location.end.column)


def _to_cells(document: SourceDocument, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics with their places in cell coordinates (a notebook), else as they are."""
    if document.cell_map is None:
        return diagnostics
    convert = _CellPlaces(document.path, document.cell_map).convert
    # Built field by field: ``dataclasses.replace`` cost half of this for a thousand findings
    # (tests/test_front_reuse.py checks that every field is carried over).
    return [Diagnostic(d.code, d.name, d.message, d.severity, convert(d.location),
                       tuple([Related(convert(r.location), r.label) for r in d.related]) if d.related else (),
                       d.fix, d.url)
            for d in diagnostics]


# False in a process that exits right after its lint (the language server's forked child): the
# release of a long module's analysis cost 20 ms that the exit frees for nothing. Only the
# outermost lint's: the lints of a project's other modules made during it still release theirs.
_release_after_lint = True
_nesting = 0


def exit_after_lint() -> None:
    """This process ends right after its next lint: let the exit free that lint's analysis (never
    call it in a process that lints again)."""
    global _release_after_lint
    _release_after_lint = False


def lint_document(document: SourceDocument, catalog: Catalog, options: LintOptions) -> list[Diagnostic]:
    global _nesting
    _nesting += 1
    try:
        with young_garbage_only():
            return _lint_document(document, catalog, options)
    finally:
        _nesting -= 1


def _lint_document(document: SourceDocument, catalog: Catalog, options: LintOptions) -> list[Diagnostic]:
    if options.honour_noqa and skips_file(document.text):
        return []
    parsed = parse_document(document)
    syntax = [
        engine_diagnostic(catalog, "MLO001", document.path, failure.message, failure.line, failure.column)
        for failure in parsed.failures
        if "MLO001" in options.selected
    ]
    if parsed.tree is None:
        return _to_cells(document, syntax)
    # Imported here, not at start-up: a warm run or a tree without ML code analyses nothing.
    from mlops_lint.analysis.module import AnalyzedModule

    # A notebook's broken cells are blanked in parsed.text; the other cells are still analysed.
    analyzed = AnalyzedModule(
        path=document.path, text=parsed.text, tree=parsed.tree, catalog=catalog, cell_map=document.cell_map,
        index=parsed.index,
    )
    try:
        if options.project is None:
            diagnostics = _run_rules(analyzed, document, options)
        else:
            from mlops_lint.project.model import project_for

            project = project_for(options.project, catalog)
            with project.session(document.path) as reads:
                analyzed.project = link = project.link(document.path)
                link.module = analyzed
                diagnostics = _run_rules(analyzed, document, options)
            project.found[document.path] = project.dependencies(reads, document.path)
    finally:
        if _release_after_lint or _nesting > 1:
            analyzed.release()  # freed by reference counting, not by a collection (engine/collector.py)
    return sorted([*_to_cells(document, syntax), *diagnostics], key=Diagnostic.sort_key)


def lint_path(path: str, catalog: Catalog, options: LintOptions) -> list[Diagnostic]:
    """Lint one file; whatever goes wrong stays in this file's diagnostics and the run goes on."""
    try:
        document = read_document(path)
    except SourceError as error:
        return [engine_diagnostic(catalog, "MLO002", path, str(error))] if "MLO002" in options.selected else []
    except Exception as error:  # a bug in a loader must not end the run for the other files
        return [_internal_error(catalog, path, "the source loader", error)]
    return lint_document_safely(document, catalog, options)


def lint_document_safely(document: SourceDocument, catalog: Catalog, options: LintOptions) -> list[Diagnostic]:
    """lint_document, with a bug outside the rules (parse, suppression, mapping) kept to this file as MLO003."""
    try:
        return lint_document(document, catalog, options)
    except Exception as error:
        return [_internal_error(catalog, document.path, "the engine", error)]


def _internal_error(catalog: Catalog, path: str, where: str, error: Exception) -> Diagnostic:
    _debug("%s failed on %s", where, path)
    return engine_diagnostic(catalog, "MLO003", path, f"internal error in {where} ({type(error).__name__}: {error})")


def lint_paths(paths: Iterable[str], catalog: Catalog, options: LintOptions) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for path in paths:
        found.extend(lint_path(path, catalog, options))
    return sorted(found, key=Diagnostic.sort_key)
