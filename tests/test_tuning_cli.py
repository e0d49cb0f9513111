"""MLO3xx through the real CLI: the max-combinations option from pyproject, MLO304 off unless selected."""

from __future__ import annotations

from harness import run_check

TRAINING = """\
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GridSearchCV, train_test_split

X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
search = GridSearchCV(RandomForestClassifier(), {"max_depth": [2, 4, 8], "n_estimators": [10, 100]})
search.fit(X_train, y_train)
"""


def codes_and_lines(stdout: str) -> list[tuple[str, int]]:
    return [(line.split(" ")[1], int(line.split(":")[1])) for line in stdout.splitlines()]


def test_default_rules_report_unrecorded_search_but_not_unseeded_estimator(tmp_path):
    (tmp_path / "train.py").write_text(TRAINING)
    result = run_check("train.py", cwd=tmp_path)
    assert result.returncode == 1
    assert codes_and_lines(result.stdout) == [("MLO302", 5)]


def test_max_combinations_from_pyproject_and_mlo304_under_select(tmp_path):
    (tmp_path / "train.py").write_text(TRAINING)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.mlops-lint]\nselect = ["MLO3"]\n\n[tool.mlops-lint.exhaustive-grid]\nmax-combinations = 5\n'
    )
    result = run_check("train.py", cwd=tmp_path)
    assert codes_and_lines(result.stdout) == [("MLO302", 5), ("MLO303", 5), ("MLO304", 5)]
    assert "6 combinations (limit 5)" in result.stdout
