"""Fixers: exact before/after pairs, idempotence, the catalog pairing, declined shapes, the editor API.

A finding carries its fix's edits only when its fixer made them; these tests read findings from
the real engine, so "labelled fixable" and "fixed" are checked together.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fix_harness import LEAKY_FIXED, diagnostic_at_marker, marked
from harness import LEAKY, found, lint_text
from mlops_lint.catalog import load_catalog
from mlops_lint.fixes import fixed_source

PAIRS_DIR = Path(__file__).parent / "fixtures" / "fix"
PAIRS = sorted(PAIRS_DIR.glob("*.before.py"))


def _after(before: Path) -> str:
    return before.with_name(before.name.replace(".before.py", ".after.py")).read_text()


@pytest.mark.parametrize("before", PAIRS, ids=lambda p: p.name.removesuffix(".before.py"))
def test_fix_pair(before: Path):
    text, expected = before.read_text(), _after(before)
    code, line = marked(text)
    diagnostic = diagnostic_at_marker(text)
    assert diagnostic is not None, f"{code} does not report line {line}"
    assert diagnostic.fix is not None and diagnostic.fix.edits, f"{code} on line {line} is not labelled fixable"
    assert fixed_source(text, [diagnostic], unsafe=True) == expected
    # Fixed: the rule no longer reports the marked line, and has nothing left to fix there.
    marker_line = marked(expected)[1]
    assert (code, None, marker_line) not in found(lint_text(expected, {code}))
    again = diagnostic_at_marker(expected)
    assert again is None or fixed_source(expected, [again], unsafe=True) is None


def test_every_declared_fix_has_a_fixer_and_a_pair_and_vice_versa():
    from mlops_lint.fixes.registry import fixers

    catalog = load_catalog()
    paired = {path.name.split("_", 1)[0] for path in PAIRS}
    registered = set(fixers())
    declared = {code for code, spec in catalog.rules.items() if spec.fix is not None}
    assert registered == declared
    assert registered <= paired


def test_every_fix_title_kind_a_fixer_names_is_declared():
    catalog = load_catalog()
    for before in PAIRS:
        diagnostic = diagnostic_at_marker(before.read_text())
        spec = catalog.rules[diagnostic.code]
        templates = [spec.fix.title, *spec.fix.titles.values()]
        patterns = [re.escape(t).replace(r"\{", "{").replace(r"\}", "}") for t in templates]
        assert any(re.fullmatch(re.sub(r"\{\w+\}", ".+", p), diagnostic.fix.title) for p in patterns), diagnostic.fix.title


def _fixable(text: str, code: str, options: dict | None = None) -> list:
    return [d for d in lint_text(text, {code}, options=options) if d.fix is not None]


@pytest.mark.parametrize("between", ["print(X.shape)", "X = X[:100]"])
def test_fit_move_is_not_offered_when_the_data_is_touched_in_between(between):
    text = LEAKY.replace("X_train,", f"{between}\nX_train,")
    [finding] = lint_text(text, {"MLO101"})
    assert (finding.location.start.line, finding.fix) == (6, None)


def test_fit_move_is_not_offered_when_transformed_data_is_read_after_the_split():
    text = LEAKY + "model.fit(X, y)\n"
    [finding] = lint_text(text, {"MLO101"})
    assert (finding.location.start.line, finding.fix) == (5, None)


@pytest.mark.parametrize("text", [
    # a function defined earlier reads the global X, and may run after the split
    "def show():\n    print(X[0])\n\n" + LEAKY + "show()\n",
    # inside an if-block: later statements of the enclosing scope are not all visible here
    LEAKY.replace("\nX = ", "\nif True:\n    X = ").replace("\nX_train,", "\n    X_train,"),
    # the transformed name appears in the split beside the data argument
    LEAKY.replace("train_test_split(X, y)", "train_test_split(X, y, stratify=X[:, 0])"),
])
def test_fit_move_is_not_offered_when_the_scaled_data_may_still_be_read(text):
    diagnostics = lint_text(text, {"MLO101"})
    assert len(diagnostics) == 1
    assert diagnostics[0].fix is None


def test_fit_move_ignores_a_later_function_whose_parameter_has_the_same_name():
    text = LEAKY + "\n\ndef plot(X, title):\n    return X\n"
    assert fixed_source(text, lint_text(text, {"MLO101"}), unsafe=True) == LEAKY_FIXED + "\n\ndef plot(X, title):\n    return X\n"


CV = """\
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.preprocessing import StandardScaler

X = StandardScaler().fit_transform(X)
model = LogisticRegression()
cross_val_score(model, X, y)
"""


@pytest.mark.parametrize("later", [
    "for train, test in KFold(5).split(X):\n    pass\n",  # a fold loop cannot take a pipeline
    "model.fit(X, y)\n",  # the scaled data trains a model outside cross-validation
    "search = GridSearchCV(model, grid)\nsearch.fit(X, y)\n",  # a space that is not a literal: its keys cannot be renamed
    "search = GridSearchCV(model, {'C': [1]})\nsearch.fit(X, y)\nprint(search.best_params_)\n",  # keys read back
])
def test_pipeline_is_not_offered_when_another_read_of_the_scaled_data_would_change(later):
    diagnostics = lint_text(CV + later, {"MLO101"})
    assert diagnostics and all(d.fix is None for d in diagnostics)


def test_pipeline_is_offered_for_every_cross_validation_of_one_fit():
    # One leak, one finding (issue 15): reported at the first cross-validation, the second is a
    # related place, and the fix puts the scaler into a pipeline in both.
    text = CV + "cross_val_score(model, X, y, cv=3)\n"
    (only,) = lint_text(text, {"MLO101"})
    assert only.location.start.line == 7
    assert fixed_source(text, [only], unsafe=True).split("\n")[3:8] == [
        "from sklearn.pipeline import make_pipeline",
        "",
        "model = LogisticRegression()",
        "cross_val_score(make_pipeline(StandardScaler(), model), X, y)",
        "cross_val_score(make_pipeline(StandardScaler(), model), X, y, cv=3)",
    ]


def test_a_sampler_goes_into_an_imblearn_pipeline_under_another_name_when_make_pipeline_is_sklearns():
    text = (
        "from imblearn.over_sampling import SMOTE\n"
        "from sklearn.model_selection import cross_val_score\n"
        "from sklearn.pipeline import make_pipeline\n"
        "\n"
        "X, y = SMOTE().fit_resample(X, y)\n"
        "cross_val_score(make_pipeline(scaler, model), X, y)\n"
    )
    [finding] = lint_text(text, {"MLO103"})
    assert fixed_source(text, [finding], unsafe=True).split("\n")[2:7] == [
        "from sklearn.pipeline import make_pipeline",
        "from imblearn.pipeline import make_pipeline as imblearn_make_pipeline",
        "",
        "cross_val_score(imblearn_make_pipeline(SMOTE(), make_pipeline(scaler, model)), X, y)",
        "",
    ]


TIME_ORDERED = "import pandas as pd\nfrom sklearn.model_selection import train_test_split\n\ndf = pd.read_csv('s.csv', parse_dates=['day'], index_col='day')\n"


def test_split_with_stratify_is_not_unshuffled():
    text = TIME_ORDERED + "parts = train_test_split(df, stratify=df['y'])\n"
    [finding] = lint_text(text, {"MLO104"})
    assert (finding.location.start.line, finding.fix) == (5, None)


# 11 x 11 = 121 combinations: over MLO303's default limit of 100.
BIG_GRID = "{'C': [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 'gamma': [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]}"


def test_configured_seed_and_n_iter_are_used():
    text = "from sklearn.model_selection import GridSearchCV\nsearch = GridSearchCV(model, GRID)\n".replace("GRID", BIG_GRID)
    [finding] = lint_text(text, {"MLO303"}, options={"MLO303": {"seed": 42, "n-iter": 25}})
    assert fixed_source(text, [finding], unsafe=True) == (
        "from sklearn.model_selection import RandomizedSearchCV\n"
        "search = RandomizedSearchCV(model, GRID, n_iter=25, random_state=42)\n".replace("GRID", BIG_GRID)
    )


def test_the_replaced_class_keeps_its_import_while_something_else_uses_it():
    text = (
        "from sklearn.model_selection import GridSearchCV as GS\n"
        "search = GS(model, GRID)\n"
        "other = GS(model, {'C': [1]})\n"
    ).replace("GRID", BIG_GRID)
    [finding] = lint_text(text, {"MLO303"})
    assert fixed_source(text, [finding], unsafe=True).splitlines()[:3] == [
        "from sklearn.model_selection import GridSearchCV as GS",
        "from sklearn.model_selection import RandomizedSearchCV",
        "search = RandomizedSearchCV(model, GRID, n_iter=60, random_state=0)".replace("GRID", BIG_GRID),
    ]


@pytest.mark.parametrize("text", [
    "from sklearn.svm import SVC\nmodel = SVC(**params)\nmodel.fit(X, y)\n",  # the seed may hide in **params
    "from sklearn.model_selection import train_test_split\nparts = train_test_split(X, y, random_state=rng)\nSVC().fit(X, y)\n",
])
def test_seed_fix_is_not_offered_when_the_seed_may_be_there(text):
    assert _fixable(text, "MLO304") == []


def test_seed_fix_on_a_shuffled_kfold():
    # The fit makes it a training module, where MLO304 reports the KFold (and stops once fixed).
    fit = "from sklearn.svm import SVC\nSVC(random_state=0).fit(X, y)\n"
    text = "from sklearn.model_selection import KFold\ncv = KFold(5, shuffle=True)\n" + fit
    [finding] = _fixable(text, "MLO304")
    assert fixed_source(text, [finding], unsafe=True) == (
        "from sklearn.model_selection import KFold\ncv = KFold(5, shuffle=True, random_state=0)\n" + fit
    )


def test_fixed_source_keeps_crlf_of_an_editor_buffer():
    [diagnostic] = lint_text(LEAKY, {"MLO101"})
    assert fixed_source(LEAKY.replace("\n", "\r\n"), [diagnostic], unsafe=True) == LEAKY_FIXED.replace("\n", "\r\n")


@pytest.mark.parametrize("text", [LEAKY, LEAKY.rstrip("\n"), LEAKY.replace("\n", "\r\n")])
def test_fix_edits_for_editors_reproduce_fixed_source(text):
    from mlops_lint.fixes import fix_edits

    diagnostics = lint_text(text.replace("\r\n", "\n"), {"MLO101"})
    edits = fix_edits(text, diagnostics, unsafe=True)
    lines = re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    result = text
    for edit in reversed(edits):
        start = offsets[edit.start.line - 1] + edit.start.column
        end = offsets[edit.end.line - 1] + edit.end.column if edit.end.line <= len(lines) else len(text)
        result = result[:start] + edit.new_text + result[end:]
    assert result == fixed_source(text, diagnostics, unsafe=True)
    assert all(edit.start.column == 0 for edit in edits)


def test_unsafe_fix_needs_unsafe_flag():
    [diagnostic] = lint_text(LEAKY, {"MLO101"})
    assert diagnostic.fix is not None and diagnostic.fix.applicability.value == "unsafe"
    assert fixed_source(LEAKY, [diagnostic], unsafe=False) is None
