"""Every [[examples]] entry of every rule in the catalog: bad ones report exactly their lines, good ones nothing."""

from __future__ import annotations

import pytest

from harness import lint_text
from mlops_lint.catalog import load_catalog

CATALOG = load_catalog()
CASES = [
    pytest.param(spec.code, example, id=f"{spec.code}-{example.kind}-{index}")
    for spec in CATALOG.rules.values()
    for index, example in enumerate(spec.examples, start=1)
]


@pytest.mark.parametrize(("code", "example"), CASES)
def test_catalog_example(code, example):
    # MLO001 too: a good example that does not parse would otherwise pass as "no finding".
    diagnostics = lint_text(example.code, {code, "MLO001"}, filename=example.filename)
    lines = sorted(d.location.start.line for d in diagnostics if d.code == code)
    assert [d.code for d in diagnostics if d.code != code] == []
    if example.kind == "bad":
        assert lines == sorted(example.expect), [d.message for d in diagnostics]
    else:
        assert lines == []
