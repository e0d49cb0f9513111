"""MLO501/MLO502 read their path and URL patterns from rule options, so users can extend them."""

from __future__ import annotations

from harness import found, lint_text

CODE = """\
import pandas as pd
a = pd.read_csv("/data/shared/x.csv")
b = pd.read_csv("/home/al/x.csv")
c = pd.read_csv("https://data.example.org/snapshots/week-12/x.csv")
"""


def test_default_patterns():
    assert found(lint_text(CODE, {"MLO501", "MLO502"})) == {("MLO501", None, 3), ("MLO502", None, 4)}


def test_configured_patterns_replace_the_defaults():
    options = {
        "MLO501": {"path-patterns": ["^/data/"]},
        "MLO502": {"pin-patterns": [r"/snapshots/week-\d+/"]},
    }
    assert found(lint_text(CODE, {"MLO501", "MLO502"}, options=options)) == {("MLO501", None, 2)}
