"""The catalog's schema is enforced when it loads, and rules/README.md's tables are generated from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlops_lint.catalog import CatalogError
from mlops_lint.catalog.conditions import Condition
from mlops_lint.catalog.load import _parse
from mlops_lint.catalog.render import render_readme

ROOT = Path(__file__).resolve().parents[1]
RULE = (ROOT / "rules" / "MLO101.toml").read_bytes()


def parse_api(text: str):
    return _parse([(Path("MLO101.toml"), RULE)], [(Path("api/extra.toml"), text.encode())])


def test_readme_tables_are_generated_from_the_schema():
    readme = (ROOT / "rules" / "README.md").read_text(encoding="utf-8")
    assert render_readme(readme) == readme, "run: python -m mlops_lint.catalog.render"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"a.B" = { role = "transformer", learns-from = "X" }', "api/extra.toml: key 'a.B': unknown key 'learns-from'"),
        ('"a.B" = { role = "scaler" }', "api/extra.toml: key 'a.B': unknown role 'scaler'"),
        ('"a.B" = { prefix = true }', "api/extra.toml: key 'a.B': needs a string 'role'"),
        ('"a.B" = { role = "estimator", seed-param = 0 }', "api/extra.toml: key 'a.B': key 'seed-param' must be a string"),
        ('"a.B" = { role = "loader", trains = ["fit"] }', "api/extra.toml: key 'a.B': key 'trains' does not apply to role 'loader'"),
        ('"a.B.m" = { role = "sink", receiver = "self" }', "api/extra.toml: key 'a.B.m': key 'receiver' must be one of 'any', 'data'"),
        ('"a.f" = { role = "resample", resamples-when = ["replace"] }', "api/extra.toml: key 'a.f': key 'resamples-when' condition 'replace' is not"),
        ('"a.f" = { role = "resample", resamples-when = ["n>many"] }', "compares with something other than a number"),
        ('"a.B.to_csv" = { role = "recorder", receiver = "any" }', "api/extra.toml: key 'a.B.to_csv': method 'to_csv' is already matched by name as"),
        ('"a.old.f" = { same-as = "a.new.f" }', "api/extra.toml: key 'a.old.f': 'same-as' names 'a.new.f', which is no entry"),
        ('"a.old.f" = { same-as = "a.new.f", role = "splitter" }', "api/extra.toml: key 'a.old.f': key 'same-as' must be the entry's only key"),
    ],
)
def test_an_entry_outside_the_schema_is_an_error_naming_file_and_entry(text, message):
    # The last case clashes with a method of the real catalog: one method name, one meaning.
    api = [(path, path.read_bytes()) for path in sorted((ROOT / "rules" / "api").glob("*.toml"))]
    with pytest.raises(CatalogError) as caught:
        _parse([(Path("MLO101.toml"), RULE)], [*api, (Path("api/extra.toml"), text.encode())])
    assert message in str(caught.value)


def test_methods_sharing_a_name_with_one_meaning_are_accepted():
    catalog = parse_api('"a.Run.log" = { role = "recorder", receiver = "any" }\n"b.Module.log" = { role = "recorder", receiver = "any" }')
    assert catalog.methods["log"].role == "recorder"


def test_an_alias_finds_its_target_entry_itself():
    catalog = parse_api('"a.new.Split" = { role = "cv-splitter", x-position = 0 }\n"a.old.Split" = { same-as = "a.new.Split" }')
    assert catalog.api["a.old.Split"] is catalog.api["a.new.Split"]
    assert [entry.qualname for entry in catalog.apis_with_role("cv-splitter")].count("a.new.Split") == 1


def test_conditions_are_parsed_when_the_catalog_loads():
    catalog = parse_api('"a.f" = { role = "resample", resamples-when = ["replace!=False", "frac>1", "periods[0]<0", "method=bfill"] }')
    assert catalog.api["a.f"].get("resamples-when") == (
        Condition("replace", None, "!=", False), Condition("frac", None, ">", 1),
        Condition("periods", 0, "<", 0), Condition("method", None, "=", "bfill"),
    )


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (('severity = "error"', 'severity = "fatal"'), "MLO101.toml: key 'severity' must be one of"),
        (('default = true', 'default = true\nowner = "me"'), "MLO101.toml: unknown key 'owner'"),
        (("what = '''", "wat = '''"), "MLO101.toml: unknown key 'docs.wat'"),
        (('kind = "bad"', 'kind = "ugly"'), "MLO101.toml: key 'examples[1].kind' must be one of"),
        (('safety = "unsafe"', 'safety = "risky"'), "MLO101.toml: key 'fix.safety' must be one of"),
    ],
)
def test_a_rule_file_outside_the_schema_is_an_error_naming_file_and_key(edit, message):
    broken = RULE.decode().replace(*edit, 1).encode()
    with pytest.raises(CatalogError) as caught:
        _parse([(Path("MLO101.toml"), broken)], [])
    assert message in str(caught.value)
