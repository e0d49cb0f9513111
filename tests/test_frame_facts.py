"""The frame facts of rules/frames.toml drive the column facts of the dataflow: each key, removed
from the catalog, changes a finding (MLO106 target-in-features), and the loader checks the file."""

from __future__ import annotations

import shutil
from dataclasses import fields, replace
from pathlib import Path

import pytest

from mlops_lint.catalog import CatalogError, load_catalog
from mlops_lint.catalog import load as catalog_load
from mlops_lint.catalog import snapshot
from mlops_lint.catalog.locate import catalog_dir
from mlops_lint.catalog.model import Catalog, FrameFacts
from mlops_lint.engine.parallel import lint_source
from mlops_lint.engine.lint import LintOptions

ONLY_MLO106 = LintOptions(selected=frozenset({"MLO106"}))

HEAD = '''import pandas as pd
from sklearn.linear_model import Ridge

houses = pd.read_csv("houses.csv")
'''

# Each case: the frame fact it depends on, code after HEAD, the MLO106 lines with the real catalog,
# and the lines once that fact is emptied.
CASES = {
    # dropna keeps every column: the whole frame still holds the target
    "keeps_columns": ('houses = houses.dropna()\nRidge().fit(houses, houses["price"])\n', [6], []),
    # df.values holds every column; without the fact it would read a column named "values"
    "all_columns": ('Ridge().fit(houses.values, houses["price"])\n', [5], []),
    # houses.index is the frame's index, not the column "index" that reset_index made
    "not_columns": ('houses = houses.reset_index()\nRidge().fit(houses[["rooms", "index"]], houses.index)\n', [], [6]),
    # a column written through .loc is a column of the frame itself, computed from the target at the same row
    "label_indexers": ('houses.loc[:, "copied"] = houses["price"] * 1\nRidge().fit(houses[["rooms", "copied"]], houses["price"])\n', [6], []),
    # .iloc[:, :] takes every column of the frame (without the fact: an attribute "iloc", no column)
    "position_indexers": ('Ridge().fit(houses.iloc[:, :], houses["price"])\n', [5], []),
    # shift(1) before the window: the feature reads past rows of the target only
    "lags": ('houses["before"] = houses["price"].shift(1).rolling(3).mean()\nRidge().fit(houses[["rooms", "before"]], houses["price"])\n', [], [6]),
    # a window closed on the left leaves out the current row
    "windows": ('houses["before"] = houses["price"].rolling(3, closed="left").max()\nRidge().fit(houses[["rooms", "before"]], houses["price"])\n', [], [6]),
}


def mlo106_lines(catalog: Catalog, body: str) -> list[int]:
    found = lint_source("train.py", (HEAD + body).encode(), catalog, ONLY_MLO106, None)
    assert all(d.code == "MLO106" for d in found)
    return sorted(d.location.start.line for d in found)


def without(catalog: Catalog, fact: str) -> Catalog:
    return replace(catalog, frames=replace(catalog.frames, **{fact: frozenset()}))


@pytest.mark.parametrize("fact", sorted(CASES))
def test_each_frame_fact_changes_a_finding(fact):
    body, with_fact, without_fact = CASES[fact]
    catalog = load_catalog()
    assert mlo106_lines(catalog, body) == with_fact
    assert mlo106_lines(without(catalog, fact), body) == without_fact


FILLED_THROUGH_AT = HEAD + '''from sklearn.model_selection import train_test_split

median = houses["age"].median()
missing = houses["age"].isna()
houses.at[missing.idxmax(), "age"] = median
X_train, X_test, y_train, y_test = train_test_split(houses[["age", "rooms"]], houses["price"], random_state=0)
Ridge().fit(X_train, y_train)
'''


def test_a_statistic_written_through_a_cell_indexer_is_put_into_the_rows():
    """``cell-indexers``: ``df.at[row, c] = median`` fills rows of the frame (MLO101)."""
    only_mlo101 = LintOptions(selected=frozenset({"MLO101"}))
    catalog = load_catalog()
    found = lint_source("train.py", FILLED_THROUGH_AT.encode(), catalog, only_mlo101, None)
    assert [(d.code, d.location.start.line) for d in found] == [("MLO101", 10)]
    assert lint_source("train.py", FILLED_THROUGH_AT.encode(), without(catalog, "cell_indexers"), only_mlo101, None) == []


def test_every_frame_fact_has_a_case():
    assert set(CASES) | {"cell_indexers"} == {f.name for f in fields(FrameFacts) if f.init}


@pytest.fixture
def rules(tmp_path, monkeypatch):
    monkeypatch.setattr(snapshot, "_FOLDER", tmp_path / "pycache")
    shutil.copytree(catalog_dir(), tmp_path / "rules")
    catalog_load.load_catalog.cache_clear()
    yield tmp_path / "rules"
    catalog_load.load_catalog.cache_clear()


def edit_frames(rules: Path, old: str, new: str) -> None:
    path = rules / "frames.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_frame_facts_come_from_frames_toml(rules):
    edit_frames(rules, 'lags = ["shift"]', 'lags = ["shift", "lag_by"]')
    assert load_catalog(rules).frames.lags == {"shift", "lag_by"}


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('lags = ["shift"]', 'lags = "shift"', "frames.toml: key 'lags' must be a list of strings"),
        ('lags = ["shift"]', 'lags = ["shift"]\nlag = ["shift"]', "frames.toml: unknown key 'lag'"),
        ('lags = ["shift"]', "", "frames.toml: missing key 'lags'"),
    ],
)
def test_a_malformed_frames_file_is_an_error_naming_the_key(rules, old, new, message):
    edit_frames(rules, old, new)
    with pytest.raises(CatalogError, match=message):
        load_catalog(rules)


def test_a_catalog_without_frames_file_is_an_error(rules):
    (rules / "frames.toml").unlink()
    with pytest.raises(CatalogError, match="frames.toml: missing"):
        load_catalog(rules)


BALANCED_THROUGH_LOC = '''import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.utils import resample

loans = pd.read_csv("loans.csv")
shrunk = resample(loans.loc[loans.defaulted == 0], replace=False, n_samples=2000, random_state=5)
mixed = pd.concat([loans[loans.defaulted == 1], shrunk])
cross_val_score(LogisticRegression(), mixed.drop(columns="defaulted"), mixed["defaulted"])
'''


def test_a_class_part_taken_through_a_label_indexer_is_a_class_part():
    """``label-indexers``: ``df.loc[df.y == c]`` is the rows of one class of ``df``, as ``df[df.y == c]``
    is: the two parts stack into hand-balanced classes (MLO103). Without the fact they are parts of
    two different data (``loans.loc`` and ``loans``), and nothing is balanced."""
    only_mlo103 = LintOptions(selected=frozenset({"MLO103"}))
    catalog = load_catalog()

    def lines(catalog: Catalog) -> list[tuple[str, int]]:
        found = lint_source("train.py", BALANCED_THROUGH_LOC.encode(), catalog, only_mlo103, None)
        return [(d.code, d.location.start.line) for d in found]

    assert lines(catalog) == [("MLO103", 9)]
    assert lines(without(catalog, "label_indexers")) == []
