"""The prefilter never hides a finding of an analysis rule, and really skips files without ML code."""

from __future__ import annotations

import ast
import dataclasses
import sys

import pytest
from hypothesis import given, strategies as st

from harness import found
from mlops_lint.catalog import ApiEntry, Catalog, load_catalog
from mlops_lint.engine.lint import LintOptions
from mlops_lint.engine.parallel import lint_source
from mlops_lint.engine.prefilter import Prefilter, api_packages, build_prefilter
from mlops_lint.engine.registry import ENGINE_CODES
from sample_tree import LEAKY, source_cases

CATALOG = load_catalog()
ALL = frozenset(CATALOG.rules)
CASES = source_cases()


def lint(name: str, data: bytes, selected: frozenset[str], prefilter: Prefilter | None):
    return lint_source(name, data, CATALOG, LintOptions(selected=selected), prefilter)


def test_there_are_cases_to_compare():
    assert any(name.startswith("MLO101_bad") for name, _ in CASES)


@pytest.mark.parametrize("selected", [ALL, *(frozenset({code}) for code in sorted(ALL))], ids=lambda s: ",".join(sorted(s)))
def test_every_example_and_fixture_keeps_its_findings(selected):
    prefilter = build_prefilter(CATALOG, selected)
    for name, data in CASES:
        without = found(lint(name, data, selected, None))
        with_prefilter = found(lint(name, data, selected, prefilter))
        analysis_findings = {f for f in without if f[0] not in ENGINE_CODES}
        assert analysis_findings <= with_prefilter, name
        # What the prefilter may hide is the engine's own report on a file no rule looks at.
        assert without - with_prefilter <= {f for f in without if f[0] in ENGINE_CODES}, name


THIRD_PARTY_API = sorted(
    q for q, entry in CATALOG.api.items()
    if "receiver" not in entry.facts and q.split(".")[0] not in sys.stdlib_module_names and entry.role != "plot"
)


def test_stdlib_and_method_keys_bring_no_trigger():
    # Every rule needs a third-party library call to fire; print/json/os alone must not cost a parse.
    triggers = build_prefilter(CATALOG, ALL).triggers
    assert not {"print", "open", "json", "os", "logging", "time"} & set(triggers)
    # A method matched by name is reached through an object some library call made: its owner's
    # package is a trigger only through that library's own entries.
    method = ApiEntry("onlymethods.Model.predict", "prediction", {"receiver": "any"})
    assert api_packages(Catalog(rules={}, api={method.qualname: method})) == set()
    # Drawing alone trains nothing: a plotting library is no trigger.
    assert not {"matplotlib", "seaborn"} & set(triggers)


def test_every_third_party_api_package_is_a_trigger():
    prefilter = build_prefilter(CATALOG, ALL)
    assert prefilter is not None
    for qualname in THIRD_PARTY_API:
        package = qualname.split(".")[0]
        assert any(trigger in package for trigger in prefilter.triggers), qualname
    assert api_packages(CATALOG) and all("." not in package for package in api_packages(CATALOG))


_IMPORT_FORMS = [
    "import {module}\n{module}.{name}(X)",
    "import {module} as alias\nalias.{name}(X)",
    "from {module} import {name}\n{name}(X)",
    "from {module} import {name} as other\nother(X)",
    "import {top}\n{module}.{name}(X)",
    "from {module} import (\n    {name},\n)\n{name}(X)",
    "from {module} \\\n    import {name}\n{name}(X)",
    "import os, \\\r\n    {top}; {module}.{name}(X)",
    "x = 1; import {top}\n{module}.{name}(X)",
]


@given(
    entry=st.sampled_from(THIRD_PARTY_API),
    form=st.sampled_from(_IMPORT_FORMS),
    filler=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
)
def test_any_import_of_any_catalog_api_is_kept(entry, form, filler):
    module, _, name = entry.rpartition(".")
    code = f"# {filler!r}\n" + form.format(module=module or name, name=name, top=entry.split(".")[0])
    assert build_prefilter(CATALOG, ALL).keeps(code)


def test_fullwidth_identifiers_are_read_as_python_reads_them():
    code = "from ｓｋｌｅａｒｎ.preprocessing import StandardScaler\n"
    assert ast.parse(code).body[0].module == "sklearn.preprocessing"
    assert build_prefilter(CATALOG, ALL).keeps(code)


def test_file_without_trigger_is_never_parsed(monkeypatch):
    import mlops_lint.engine.lint as engine

    def refuse(*_args, **_kwargs):
        raise AssertionError("parsed a file the prefilter should have dropped")

    monkeypatch.setattr(engine, "parse_document", refuse)
    monkeypatch.setattr(engine, "_run_rules", refuse)
    source = b"import os\nprint(os.sep)\n"
    assert lint("plain.py", source, ALL, build_prefilter(CATALOG, ALL)) == []


def test_syntax_error_is_reported_in_ml_files_and_everywhere_when_mlo001_runs_alone():
    default = frozenset(code for code, spec in CATALOG.rules.items() if spec.default)
    prefilter = build_prefilter(CATALOG, default)
    assert found(lint("a.py", b"import sklearn\nprint 'x'\n", default, prefilter)) == {("MLO001", None, 2)}
    # semgrep-style: a file that mentions no ML library is not parsed, so its syntax is not checked.
    assert lint("b.py", b"print 'x'\n", default, prefilter) == []
    assert build_prefilter(CATALOG, {"MLO001"}) is None
    assert found(lint("b.py", b"print 'x'\n", {"MLO001"}, None)) == {("MLO001", None, 1)}


def test_undecodable_file_is_reported_before_the_prefilter():
    selected = frozenset({"MLO002", "MLO101"})
    diagnostics = lint("bad.py", b"# coding: nope\nx = 1\n", selected, build_prefilter(CATALOG, selected))
    assert [d.code for d in diagnostics] == ["MLO002"]


def _with_triggers(code: str, triggers: tuple[str, ...]):
    rules = {**CATALOG.rules, code: dataclasses.replace(CATALOG.rules[code], triggers=triggers)}
    return dataclasses.replace(CATALOG, rules=rules)


def test_rule_triggers_extend_the_set_and_empty_string_means_every_file():
    catalog = _with_triggers("MLO101", (".fit_transform(",))
    prefilter = build_prefilter(catalog, {"MLO101"})
    assert prefilter.keeps("X = scaler.fit_transform(X)") and not prefilter.keeps("print(1)")
    assert build_prefilter(_with_triggers("MLO101", ("",)), {"MLO101"}) is None


def test_rule_substrings_contained_in_a_shorter_one_are_dropped():
    catalog = _with_triggers("MLO101", (".fit(", "model.fit("))
    assert build_prefilter(catalog, {"MLO101"}).substrings == (".fit(",)


def test_a_package_counts_only_where_an_import_can_name_it():
    prefilter = build_prefilter(CATALOG, ALL)
    imports = ["import sklearn", "import os, sklearn.svm", "import os,sklearn", "x = 1; from sklearn import svm",
               "import os, \\\n    sklearn", "from\\\r\nsklearn import svm", "import numpy as np, torch"]
    assert all(prefilter.keeps(code) for code in imports), [c for c in imports if not prefilter.keeps(c)]
    # Prose, longer identifiers and attribute names are not imports: "HTTP requests", "claim" ('aim').
    prose = ["# sends HTTP requests", "def claim(): pass", "import sklearnish", "importsklearn", "x.sklearn = 1"]
    assert not any(prefilter.keeps(code) for code in prose), [c for c in prose if prefilter.keeps(c)]


def test_bad_triggers_key_names_the_file(tmp_path):
    import shutil

    from mlops_lint.catalog import CatalogError
    from mlops_lint.catalog.load import load_catalog as load
    from mlops_lint.catalog.locate import catalog_dir

    shutil.copytree(catalog_dir(), tmp_path / "rules")
    rule = tmp_path / "rules" / "MLO101.toml"
    rule.write_text('triggers = "sklearn"\n' + rule.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(CatalogError, match="MLO101.toml: key 'triggers' must be a list of strings"):
        load(tmp_path / "rules")


def test_leaky_file_is_kept_and_reported():
    prefilter = build_prefilter(CATALOG, ALL)
    assert found(lint("t.py", LEAKY.encode(), ALL, prefilter)) == {("MLO101", None, 5)}
