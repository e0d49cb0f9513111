"""Apply the fixes findings carry, in rounds until nothing is left to fix (as ruff does).

Each round takes every selected fix whose edits do not overlap a fix taken before it, applies
them together, and lints the result: the next round works on the new findings (a fix may make
another finding fixable, or move it). A round is kept when the result parses, each rule it
fixed is reported at least that many times fewer and no other rule more often; otherwise its fixes are tried one at a time,
and one that still fails is set aside with its reason. A fix the file cannot hold (a notebook
edit across cells) is set aside at once, named. The rounds stop when no fix is left, or after
``MAX_ROUNDS``; what is still fixable then is set aside too, never dropped silently.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Protocol, Sequence

from mlops_lint.diagnostics import Diagnostic, Location, Position, TextEdit
from mlops_lint.fixes.edits import overlaps
from mlops_lint.fixes.registry import is_selected
from mlops_lint.fixes.texts import NotExpressible
from mlops_lint.source import SourceDocument

MAX_ROUNDS = 100  # ruff's limit too: a normal file needs a handful


class Fixable(Protocol):
    """A file being fixed (ScriptText, NotebookText)."""

    @property
    def text(self) -> str: ...

    def document(self) -> SourceDocument: ...

    def check(self, edits: Sequence[TextEdit]) -> None: ...

    def edited(self, edits: Sequence[TextEdit]) -> "Fixable": ...

    def breaks_parse(self, before: Any) -> bool: ...


Lint = Callable[[SourceDocument], list[Diagnostic]]


@dataclass(frozen=True)
class Failure:
    """A fix that was set aside, and why (the diagnostic as reported when it was tried)."""

    diagnostic: Diagnostic
    reason: str


@dataclass(frozen=True)
class FixOutcome:
    fixed: Fixable
    applied: tuple[Diagnostic, ...] = ()
    failures: tuple[Failure, ...] = ()


def _module_location(document: SourceDocument, location: Location) -> Location:
    cells = document.cell_map
    if cells is None or location.cell is None:
        return location
    return Location(location.path, Position(cells.to_module(location.cell, location.start.line), location.start.column),
                    Position(cells.to_module(location.cell, location.end.line), location.end.column))


def _snippet(lines: list[str], location: Location) -> str:
    start, end = location.start, location.end
    if not 1 <= start.line <= end.line <= len(lines):
        return ""
    if start.line == end.line:
        return lines[start.line - 1][start.column:end.column]
    return "\n".join([lines[start.line - 1][start.column:], *lines[start.line:end.line - 1], lines[end.line - 1][:end.column]])


def _keys(diagnostics: Sequence[Diagnostic], document: SourceDocument) -> list[tuple[str, str, int]]:
    """Identify findings across rounds (lines shift): code, the text spanned, which occurrence of it."""
    lines = document.text.split("\n")
    seen: Counter[tuple[str, str]] = Counter()
    keys = []
    for diagnostic in diagnostics:
        base = (diagnostic.code, _snippet(lines, _module_location(document, diagnostic.location)))
        keys.append((*base, seen[base]))
        seen[base] += 1
    return keys


def _verified(before: Sequence[Diagnostic], after: Sequence[Diagnostic], fixed: Sequence[Diagnostic]) -> str | None:
    """Why the fixes of ``fixed`` did not do their job, or None when each rule lost its findings
    and no other rule gained one (a fix must not trade one finding for another)."""
    was, now = Counter(d.code for d in before), Counter(d.code for d in after)
    removed = Counter(d.code for d in fixed)
    for code, count in removed.items():
        if now[code] > was[code] - count:
            return f"{code} is still reported after the fix"
    for code in sorted(now):
        if code not in removed and now[code] > was[code]:
            return f"the fix adds a {code} finding"
    return None


def fix_all(
    start: Fixable, diagnostics: Sequence[Diagnostic], lint: Lint, unsafe: bool, max_rounds: int = MAX_ROUNDS,
) -> FixOutcome:
    """Fix ``diagnostics`` (those of ``start``) and every finding the fixes leave fixable, round by round."""
    current: Fixable = start
    findings = list(diagnostics)
    applied: list[Diagnostic] = []
    failures: list[Failure] = []
    set_aside: set[tuple[str, str, int]] = set()
    for _ in range(max_rounds):
        document = current.document()
        candidates = [(key, d) for key, d in zip(_keys(findings, document), findings) if is_selected(d, unsafe) and key not in set_aside]
        if not candidates:
            break
        chosen: list[tuple[tuple[str, str, int], Diagnostic]] = []
        taken: list[TextEdit] = []
        for key, diagnostic in candidates:
            edits = diagnostic.fix.edits  # type: ignore[union-attr]  # is_selected: it has a fix
            try:
                current.check(edits)
            except NotExpressible as refusal:
                set_aside.add(key)
                failures.append(Failure(diagnostic, str(refusal)))
                continue
            if overlaps(edits, taken):
                continue  # the next round, against the text this one leaves
            chosen.append((key, diagnostic))
            taken.extend(edits)
        if not chosen:
            continue
        outcome = _apply_round(current, [d for _, d in chosen], findings, lint)
        if outcome is not None:
            current, findings = outcome
            applied.extend(d for _, d in chosen)
            continue
        # Together they failed: one at a time, the first that passes wins this round.
        for key, diagnostic in chosen:
            reason, outcome = _apply_one(current, diagnostic, findings, lint)
            if outcome is not None:
                current, findings = outcome
                applied.append(diagnostic)
                break
            set_aside.add(key)
            failures.append(Failure(diagnostic, reason))
    else:
        document = current.document()
        failures.extend(Failure(d, f"still fixable after {max_rounds} rounds of fixes: they do not settle")
                        for key, d in zip(_keys(findings, document), findings) if is_selected(d, unsafe) and key not in set_aside)
    return FixOutcome(current, tuple(applied), tuple(failures))


def _apply_round(current: Fixable, chosen: list[Diagnostic], findings: list[Diagnostic], lint: Lint) -> tuple[Fixable, list[Diagnostic]] | None:
    new = current.edited([edit for d in chosen for edit in d.fix.edits])  # type: ignore[union-attr]
    if new.breaks_parse(current):
        return None
    relinted = lint(new.document())
    return None if _verified(findings, relinted, chosen) else (new, relinted)


def _apply_one(current: Fixable, diagnostic: Diagnostic, findings: list[Diagnostic], lint: Lint) -> tuple[str, tuple[Fixable, list[Diagnostic]] | None]:
    try:
        new = current.edited(diagnostic.fix.edits)  # type: ignore[union-attr]
    except (NotExpressible, ValueError) as error:
        return str(error), None
    if new.breaks_parse(current):
        return "the result does not parse", None
    relinted = lint(new.document())
    problem = _verified(findings, relinted, [diagnostic])
    return (problem, None) if problem else ("", (new, relinted))
