"""The catalog is well formed and pairs 1:1 with the rule implementations; docs pages are fresh."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from mlops_lint.catalog import CatalogError, load_catalog
from mlops_lint.catalog.render import render_rule
from mlops_lint.engine.registry import ENGINE_CODES, check_pairing, rule_classes

ROOT = Path(__file__).resolve().parents[1]
CATALOG = load_catalog()


def test_every_rule_is_implemented_and_every_implementation_declared():
    check_pairing(CATALOG)
    assert set(rule_classes()) == set(CATALOG.rules) - ENGINE_CODES


def test_a_rule_whose_fields_differ_from_its_message_is_refused():
    from mlops_lint.engine.message import check_fields

    rule = rule_classes()["MLO101"]
    spec = CATALOG.rules["MLO101"]
    check_fields(rule, spec)
    renamed = replace(spec, message=spec.message.replace("{var}", "{data}"))
    with pytest.raises(CatalogError, match=r"MLO101.toml: key 'message' asks for fields .*missing \['data'\]"):
        check_fields(rule, renamed)
    with pytest.raises(CatalogError, match=r"MLO101.toml: key 'related'"):
        check_fields(rule, replace(spec, related={}))


def test_names_are_unique_kebab_case():
    names = [spec.name for spec in CATALOG.rules.values()]
    assert len(names) == len(set(names))
    assert all(name == name.lower() and " " not in name and "_" not in name for name in names)


def test_every_rule_has_a_bad_and_a_good_example_with_lines():
    for code, spec in CATALOG.rules.items():
        if code in ENGINE_CODES - {"MLO001"}:
            continue
        kinds = {example.kind for example in spec.examples}
        assert kinds == {"bad", "good"}, code
        assert all(example.expect for example in spec.examples if example.kind == "bad"), code


def test_every_rule_has_docs_sections():
    for code, spec in CATALOG.rules.items():
        assert spec.docs.get("what"), code
        assert spec.docs.get("why"), code
        assert spec.docs.get("known-limits"), code


def test_generated_docs_are_up_to_date():
    stale = []
    for code, spec in CATALOG.rules.items():
        page = ROOT / "docs" / "rules" / f"{code}.md"
        if not page.is_file() or page.read_text(encoding="utf-8") != render_rule(spec):
            stale.append(code)
    assert stale == [], "run `python -m mlops_lint.catalog.render` to regenerate docs/rules/"


def test_no_docs_page_without_a_rule():
    pages = {page.stem for page in (ROOT / "docs" / "rules").glob("MLO*.md")}
    assert pages == set(CATALOG.rules)
