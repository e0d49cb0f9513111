"""Fixers: exact before/after pairs, idempotence, the catalog pairing, declined shapes, the editor API."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fix_harness import LEAKY_FIXED, built_diagnostic, diagnostic_at_marker, marked
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
    code, _ = marked(text)
    diagnostic = diagnostic_at_marker(text)
    assert diagnostic is not None, f"{code} does not report the marked line"
    assert fixed_source(text, [diagnostic], unsafe=True) == expected
    # Idempotent: on the fixed text the same fixer has nothing left to do.
    again = diagnostic_at_marker(expected)
    assert again is None or fixed_source(expected, [again], unsafe=True) is None
    marker_line = marked(expected)[1]
    assert (code, None, marker_line) not in found(lint_text(expected, {code}))


def test_every_declared_fix_has_a_fixer_and_a_pair_and_vice_versa():
    from mlops_lint.fixes.registry import fixers

    catalog = load_catalog()
    paired = {path.name.split("_", 1)[0] for path in PAIRS}
    registered = set(fixers())
    declared = {code for code, spec in catalog.rules.items() if spec.fix is not None}
    assert registered == declared
    assert registered <= paired


@pytest.mark.parametrize("between", ["print(X.shape)", "X = X[:100]"])
def test_fit_move_declines_when_the_data_is_touched_in_between(between):
    text = LEAKY.replace("fit_transform(X)", "fit_transform(X)  # related: fit").replace(
        "X_train,", f"{between}\nX_train,").replace("train_test_split(X, y)", "train_test_split(X, y)  # fix-here: MLO101")
    assert fixed_source(text, [built_diagnostic(text, "MLO101", 6)], unsafe=True) is None


def test_fit_move_declines_when_transformed_data_is_read_after_the_split():
    text = LEAKY + "model.fit(X, y)\n"
    [diagnostic] = lint_text(text, {"MLO101"})
    assert fixed_source(text, [diagnostic], unsafe=True) is None


@pytest.mark.parametrize("text", [
    # a function defined earlier reads the global X, and may run after the split
    "def show():\n    print(X[0])\n\n" + LEAKY + "show()\n",
    # inside an if-block: later statements of the enclosing scope are not all visible here
    LEAKY.replace("\nX = ", "\nif True:\n    X = ").replace("\nX_train,", "\n    X_train,"),
    # the transformed name appears in the split beside the data argument
    LEAKY.replace("train_test_split(X, y)", "train_test_split(X, y, stratify=X[:, 0])"),
])
def test_fit_move_declines_when_the_scaled_data_may_still_be_read(text):
    diagnostics = lint_text(text, {"MLO101"})
    assert len(diagnostics) == 1
    assert fixed_source(text, diagnostics, unsafe=True) is None


def test_fit_move_ignores_a_later_function_whose_parameter_has_the_same_name():
    text = LEAKY + "\n\ndef plot(X, title):\n    return X\n"
    assert fixed_source(text, lint_text(text, {"MLO101"}), unsafe=True) == LEAKY_FIXED + "\n\ndef plot(X, title):\n    return X\n"


def test_split_with_stratify_is_not_unshuffled():
    text = "from sklearn.model_selection import train_test_split\nparts = train_test_split(X, y, stratify=y)\n"
    assert fixed_source(text, [built_diagnostic(text, "MLO104", 2)], unsafe=True) is None


# 11 x 11 = 121 combinations: over MLO303's default limit of 100.
BIG_GRID = "{'C': [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 'gamma': [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]}"


def test_configured_seed_and_n_iter_are_used():
    text = "from sklearn.model_selection import GridSearchCV\nsearch = GridSearchCV(model, GRID)\n".replace("GRID", BIG_GRID)
    options = {"MLO303": {"seed": 42, "n-iter": 25}}
    fixed = fixed_source(text, [built_diagnostic(text, "MLO303", 2)], unsafe=True, rule_options=options)
    assert fixed == (
        "from sklearn.model_selection import RandomizedSearchCV\n"
        "search = RandomizedSearchCV(model, GRID, n_iter=25, random_state=42)\n".replace("GRID", BIG_GRID)
    )


def test_the_replaced_class_keeps_its_import_while_something_else_uses_it():
    text = (
        "from sklearn.model_selection import GridSearchCV as GS\n"
        "search = GS(model, GRID)\n"
        "other = GS(model, {'C': [1]})\n"
    ).replace("GRID", BIG_GRID)
    fixed = fixed_source(text, [built_diagnostic(text, "MLO303", 2)], unsafe=True, rule_options={"MLO303": {"seed": 0}})
    assert fixed.splitlines()[:2] == [
        "from sklearn.model_selection import RandomizedSearchCV, GridSearchCV as GS",
        "search = RandomizedSearchCV(model, GRID, n_iter=60, random_state=0)".replace("GRID", BIG_GRID),
    ]


def test_seed_fix_declines_outside_known_libraries_and_hidden_kwargs():
    for text in ("import optuna\nstudy = optuna.create_study()\n",
                 "from sklearn.svm import SVC\nmodel = SVC(**params)\n",
                 "from sklearn.model_selection import KFold\ncv = KFold(5)\n",  # unshuffled: a seed would raise
                 "from sklearn.model_selection import GridSearchCV\nsearch = GridSearchCV(m, g)\n"):
        assert fixed_source(text, [built_diagnostic(text, "MLO304", 2)], unsafe=True) is None


def test_seed_fix_on_a_shuffled_kfold():
    # The fit makes it a training module, where MLO304 reports the KFold (and stops once fixed).
    fit = "from sklearn.svm import SVC\nSVC().fit(X, y)\n"
    text = "from sklearn.model_selection import KFold\ncv = KFold(5, shuffle=True)\n" + fit
    assert fixed_source(text, [built_diagnostic(text, "MLO304", 2)], unsafe=True) == (
        "from sklearn.model_selection import KFold\ncv = KFold(5, shuffle=True, random_state=0)\n" + fit
    )


def test_fixed_source_keeps_crlf_of_an_editor_buffer():
    [diagnostic] = lint_text(LEAKY, {"MLO101"})
    assert fixed_source(LEAKY.replace("\n", "\r\n"), [diagnostic], unsafe=True) == LEAKY_FIXED.replace("\n", "\r\n")


@pytest.mark.parametrize("text", [LEAKY, LEAKY.rstrip("\n"), LEAKY.replace("\n", "\r\n")])
def test_fix_edits_for_editors_reproduce_fixed_source(text):
    from mlops_lint.fixes import fix_edits

    diagnostics = lint_text(text, {"MLO101"})
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
