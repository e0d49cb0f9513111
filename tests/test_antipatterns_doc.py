"""docs/antipatterns.md covers every antipattern of the catalogue and names every rule under it."""

from __future__ import annotations

import re
from pathlib import Path

from mlops_lint.catalog import load_catalog
from mlops_lint.catalog.schema import ANTIPATTERNS

PAGE = (Path(__file__).resolve().parents[1] / "docs" / "antipatterns.md").read_text(encoding="utf-8")
SECTIONS = {
    chunk.splitlines()[0].strip().lower(): chunk for chunk in re.split(r"^## ", PAGE, flags=re.MULTILINE)[1:]
}


def _section(antipattern: str) -> str:
    short = ANTIPATTERNS[antipattern].split(" (")[0]  # "perceived empirical superiority (PEST)"
    matches = [text for heading, text in SECTIONS.items() if short in heading]
    assert len(matches) == 1, antipattern
    return matches[0]


def test_every_antipattern_has_one_section():
    for antipattern in set(ANTIPATTERNS) - {"tool"}:
        _section(antipattern)


def test_every_rule_is_named_under_its_antipattern():
    for spec in load_catalog().rules.values():
        if spec.antipattern != "tool":
            assert spec.code in _section(spec.antipattern), spec.code


def test_off_by_default_rules_are_marked_off_in_the_table():
    for spec in load_catalog().rules.values():
        if spec.antipattern != "tool" and not spec.default:
            assert re.search(rf"{spec.code} \*\(off\)\*", PAGE), spec.code
