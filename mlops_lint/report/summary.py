"""The summary line a person reads on stderr after the findings: what was checked, how long it took, what was found.

``Checked 297 files (1,790 without ML imports skipped) in 4.7 s: 147 findings, 61 fixable with --fix (37 more with --unsafe-fixes).``

Every count is of this run: a file without any import the rule catalog knows is skipped (not
parsed: no rule could fire), and a file unchanged since a run that cached its findings is counted
apart, since it was not checked again. So an empty folder ("Checked 0 files") is told apart from a
clean project ("Checked 12 files ...: no findings").
"""

from __future__ import annotations

from typing import Sequence

from mlops_lint.diagnostics import Applicability, Diagnostic
from mlops_lint.observer import CACHED, NO_ML_IMPORTS


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _fixable(diagnostics: Sequence[Diagnostic], unsafe_shown: bool, attempted: Applicability | None) -> str:
    """How many findings a --fix run would fix; ``attempted``: what the --fix that just ran tried (and left)."""
    safe = sum(d.fix is not None and d.fix.applicability is Applicability.SAFE for d in diagnostics)
    unsafe = sum(d.fix is not None and d.fix.applicability is Applicability.UNSAFE for d in diagnostics)
    if attempted is not None:  # what a --fix tried and could not fix is no longer offered
        safe = 0
        unsafe = 0 if attempted is Applicability.UNSAFE else unsafe
    if unsafe_shown:
        return f"{safe + unsafe:,} fixable with --fix --unsafe-fixes" if safe + unsafe else "none fixable"
    if safe and unsafe:
        return f"{safe:,} fixable with --fix ({unsafe:,} more with --unsafe-fixes)"
    if safe:
        return f"{safe:,} fixable with --fix"
    if unsafe:
        return f"{unsafe:,} fixable with --fix --unsafe-fixes"
    return "none fixable"


def summary(
    outcomes: dict[str, int],
    diagnostics: Sequence[Diagnostic],
    seconds: float,
    unsafe_shown: bool = False,
    attempted: Applicability | None = None,
) -> str:
    """The line, with its newline.

    ``outcomes``: files per outcome (observer.py); ``unsafe_shown``: --unsafe-fixes was given, so
    unsafe fixes count as fixable; ``attempted``: after --fix, the widest kind of fix it applied.
    """
    skipped, cached = outcomes.get(NO_ML_IMPORTS, 0), outcomes.get(CACHED, 0)
    checked = sum(outcomes.values()) - skipped - cached
    apart = [f"{skipped:,} without ML imports skipped"] if skipped else []
    if cached:
        apart.append(f"{cached:,} unchanged since the last run")
    files = _count(checked, "file") + (f" ({', '.join(apart)})" if apart else "")
    if not outcomes:
        found = "no Python file or notebook found"
    elif not diagnostics:
        found = "no findings"
    else:
        found = f"{_count(len(diagnostics), 'finding')}, {_fixable(diagnostics, unsafe_shown, attempted)}"
    return f"Checked {files} in {seconds:.1f} s: {found}.\n"
