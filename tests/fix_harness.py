"""Fix tests: the real engine's finding at a `# fix-here:` marker, and the fixed text of LEAKY."""

from __future__ import annotations

import re

from harness import lint_text
from mlops_lint.diagnostics import Diagnostic

MARKER = re.compile(r"#\s*fix-here:\s*(MLO\d{3})")

LEAKY_FIXED = """\
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

X_train, X_test, y_train, y_test = train_test_split(X, y)
standard_scaler = StandardScaler()
X_train = standard_scaler.fit_transform(X_train)
X_test = standard_scaler.transform(X_test)
"""


def marked(text: str) -> tuple[str, int]:
    for number, line in enumerate(text.split("\n"), start=1):
        match = MARKER.search(line)
        if match:
            return match.group(1), number
    raise AssertionError("fixture has no '# fix-here: MLOnnn' marker")


def diagnostic_at_marker(text: str, filename: str = "example.py", options: dict | None = None) -> Diagnostic | None:
    """The finding to fix: the real rule's finding on the marked line."""
    code, line = marked(text)
    return next((d for d in lint_text(text, {code}, filename=filename, options=options) if d.location.start.line == line), None)
