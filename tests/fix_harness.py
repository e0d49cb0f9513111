"""Diagnostics for fix tests: the real engine's at a `# fix-here:` marker, or one built there for a fixer's edge case."""

from __future__ import annotations

import ast
import re

from harness import lint_text
from mlops_lint.diagnostics import Applicability, Diagnostic, Fix, Location, Position, Related, Severity

MARKER = re.compile(r"#\s*fix-here:\s*(MLO\d{3})")
RELATED = re.compile(r"#\s*related:\s*(\w+)")

LEAKY_FIXED = """\
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

X_train, X_test, y_train, y_test = train_test_split(X, y)
standard_scaler = StandardScaler()
X_train = standard_scaler.fit_transform(X_train)
X_test = standard_scaler.transform(X_test)
"""


def _code_points(line: str, byte_offset: int) -> int:
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8"))


def _call_location(text: str, line: int) -> Location:
    """The outermost call starting on ``line`` (ast spans, as the engine reports them)."""
    lines = text.split("\n")
    calls = [n for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Call) and n.lineno == line]
    call = min(calls, key=lambda n: n.col_offset)
    return Location(
        "example.py",
        Position(call.lineno, _code_points(lines[call.lineno - 1], call.col_offset)),
        Position(call.end_lineno, _code_points(lines[call.end_lineno - 1], call.end_col_offset)),
    )


def marked(text: str) -> tuple[str, int]:
    for number, line in enumerate(text.split("\n"), start=1):
        match = MARKER.search(line)
        if match:
            return match.group(1), number
    raise AssertionError("fixture has no '# fix-here: MLOnnn' marker")


def built_diagnostic(text: str, code: str, line: int) -> Diagnostic:
    """A diagnostic as the rule will report it: the marked call, related calls on `# related:` lines."""
    related = tuple(
        Related(_call_location(text, number), match.group(1))
        for number, source in enumerate(text.split("\n"), start=1)
        if (match := RELATED.search(source))
    )
    return Diagnostic(
        code=code, name="pending-rule", message="", severity=Severity.WARNING,
        location=_call_location(text, line), related=related, fix=Fix("fix", Applicability.UNSAFE),
    )


def diagnostic_at_marker(text: str, filename: str = "example.py") -> Diagnostic | None:
    """The finding to fix: the real rule's finding on the marked line."""
    code, line = marked(text)
    return next((d for d in lint_text(text, {code}, filename=filename) if d.location.start.line == line), None)
