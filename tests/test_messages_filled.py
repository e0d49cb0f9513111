"""Every finding of every fixture renders its full message: no `{field}` left unfilled."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlops_lint.catalog import load_catalog
from mlops_lint.engine.lint import LintOptions, lint_path

FIXTURES = Path(__file__).parent / "fixtures"
CASES = [
    pytest.param(path, id=str(path.relative_to(FIXTURES)))
    for path in sorted(FIXTURES.glob("MLO*/*"))
    if path.suffix in (".py", ".ipynb")
]


@pytest.mark.parametrize("path", CASES)
def test_messages_have_every_field(path: Path):
    diagnostics = lint_path(str(path), load_catalog(), LintOptions(selected=frozenset({path.parent.name})))
    unfilled = [d.message for d in diagnostics if "{" in d.message]
    assert unfilled == []
