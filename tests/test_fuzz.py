"""Property tests: no input makes the engine raise or report MLO003, and the same input gives the same findings.

The normal suite runs a few seconds of examples. The long run is a documented command:

    MLOPS_LINT_FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz.py -p no:cacheprovider --hypothesis-show-statistics

(``MLOPS_LINT_FUZZ_EXAMPLES`` sets ``max_examples`` of every test here.)
"""

from __future__ import annotations

import json
import os

import hypothesmith
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlops_lint.catalog import load_catalog
from mlops_lint.engine.lint import LintOptions, lint_document
from mlops_lint.source import SourceError, document_from_bytes

CATALOG = load_catalog()
ALL = LintOptions(selected=frozenset(CATALOG.rules))
EXAMPLES = int(os.environ.get("MLOPS_LINT_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=EXAMPLES or 10,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,  # examples are not remembered between runs: each run explores afresh
)

# Bind names hypothesmith may generate (a, b, ...) to library APIs the rules know, so generated
# programs reach the rules' library-aware paths and not only their early exits.
HEADER = "".join(
    f"from {qualname.rsplit('.', 1)[0]} import {qualname.rsplit('.', 1)[1]} as {alias}\n"
    # Only importable names: the catalog also keys methods ("method:predict") and module prefixes.
    for alias, qualname in zip("abcdefgh", sorted(q for q in CATALOG.api if "." in q and ":" not in q))
)
EXAMPLE_LINES = sorted({line for spec in CATALOG.rules.values() for example in spec.examples for line in example.code.splitlines()})


def lint_source(source: str, filename: str = "fuzzed.py"):
    try:
        document = document_from_bytes(filename, source.encode("utf-8", "surrogatepass"))
    except SourceError:
        return None
    return lint_document(document, CATALOG, ALL)


def assert_sound(source: str, filename: str = "fuzzed.py") -> None:
    first = lint_source(source, filename)
    second = lint_source(source, filename)
    assert first == second, "findings differ between two runs on the same input"
    internal = [d for d in first or () if d.code == "MLO003"]
    assert internal == [], internal


@FUZZ
@given(hypothesmith.from_grammar())
def test_generated_programs_never_break_a_rule(program):
    assert_sound(program)
    assert_sound(HEADER + program)


@FUZZ
@given(st.lists(st.sampled_from(EXAMPLE_LINES), max_size=30), st.sampled_from(["", "    ", "\t"]))
def test_shuffled_catalog_example_lines_never_break_a_rule(lines, indent):
    body = "\n".join(lines)
    assert_sound(body)
    assert_sound("def f():\n" + "\n".join(indent + line for line in lines) + "\n" if indent else body)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
IPYTHON_LINES = st.sampled_from([
    "%matplotlib inline", "!pip install x", "files = !ls", "%%bash", "%%writefile a.py", "%%time", "?len",
    "len?", "x??", "%time y = f(x)", "  != 0)", "    % y)", "print 'x'", "X = StandardScaler().fit_transform(X)",
    "X_train, X_test = train_test_split(X)", "from sklearn.preprocessing import StandardScaler", "if x:", "    pass",
    "x = (", ")", "'''", "\r", "\r\n", "\x00", "\ufeff", "é = 'ü'",
])
SOURCE = st.one_of(
    st.lists(IPYTHON_LINES, max_size=6).map("\n".join),
    st.lists(IPYTHON_LINES.map(lambda line: line + "\n"), max_size=6),
    JSON,
)
CELL = st.fixed_dictionaries(
    {"cell_type": st.sampled_from(["code", "markdown", "raw", "heading"]) | JSON, "source": SOURCE},
    optional={"metadata": JSON, "outputs": JSON, "input": SOURCE, "execution_count": JSON},
)
NOTEBOOK = st.one_of(
    JSON,
    st.fixed_dictionaries({"cells": st.lists(CELL | JSON, max_size=6)}, optional={"nbformat": JSON, "metadata": JSON}),
    st.fixed_dictionaries({"worksheets": st.lists(st.fixed_dictionaries({"cells": st.lists(CELL, max_size=4)}) | JSON, max_size=3)}),
)


@FUZZ
@given(NOTEBOOK)
def test_generated_notebook_json_is_a_notebook_or_mlo002(notebook):
    data = json.dumps(notebook)
    try:
        document = document_from_bytes("fuzzed.ipynb", data.encode())
    except SourceError as error:
        assert str(error).startswith("not a valid notebook: ")
        return
    assert document.cell_map is not None
    assert_sound(data, "fuzzed.ipynb")


@FUZZ
@given(st.binary(max_size=200) | st.text(max_size=200).map(lambda text: text.encode("utf-8", "surrogatepass")))
def test_arbitrary_bytes_never_break_the_loader(data):
    for name in ("fuzzed.py", "fuzzed.ipynb"):
        try:
            document = document_from_bytes(name, data)
        except SourceError:
            continue
        first = lint_document(document, CATALOG, ALL)
        assert first == lint_document(document, CATALOG, ALL)
        assert not any(d.code == "MLO003" for d in first)
