"""MLO3xx behaviour the fixtures cannot express: options and message contents."""

from __future__ import annotations

from harness import found, lint_text

GRID = """\
from sklearn.model_selection import GridSearchCV
search = GridSearchCV(SVC(), {"C": [1, 10, 100], "kernel": ["rbf", "linear"], "tol": range(4)})
"""


def test_exhaustive_grid_message_states_the_count():
    diagnostics = lint_text(GRID, {"MLO303"}, options={"MLO303": {"max-combinations": 20}})
    assert found(diagnostics) == {("MLO303", None, 2)}
    assert "24 combinations (limit 20)" in diagnostics[0].message


def test_exhaustive_grid_default_limit_is_silent_on_small_grid():
    assert found(lint_text(GRID, {"MLO303"})) == set()
