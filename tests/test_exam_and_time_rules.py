"""Messages and related locations of MLO104/105 and MLO201–204: both ends of each finding are named."""

from __future__ import annotations

from harness import lint_text, notebook_json
from mlops_lint.catalog import load_catalog

SPLIT = "from sklearn.model_selection import train_test_split\nX_train, X_test, y_train, y_test = train_test_split(X, y)\n"


def _one(code: str, source: str, filename: str = "example.py"):
    diagnostics = lint_text(source, {code}, filename=filename)
    assert [d.code for d in diagnostics] == [code], [d.message for d in diagnostics]
    return diagnostics[0]


def test_mlo201_names_the_test_variable_and_points_at_the_split():
    found = _one("MLO201", SPLIT + "X_test_s = sc.transform(X_test)\nmodel.fit(X_test_s, y_test)\n")
    assert found.location.start.line == 4
    assert found.message.startswith("'X_test_s' holds rows of the test set (line 2) and is passed to fit()")
    assert [(r.label, r.location.start.line) for r in found.related] == [("test set made here", 2)]


def test_mlo202_names_the_keyword():
    found = _one("MLO202", "import xgboost\n" + SPLIT + "xgboost.XGBRegressor(early_stopping_rounds=5).fit(X_train, y_train, eval_set=[(X_test, y_test)])\n")
    assert found.message.startswith("eval_set=[(X_test, y_test)] holds the test set (line 3) and early_stopping_rounds=5 stops or selects on it")
    assert [(r.label, r.location.start.line) for r in found.related] == [("test set made here", 3), ("stops or selects on it here", 4)]


def test_mlo203_points_at_the_test_score():
    source = SPLIT + (
        "from sklearn.metrics import accuracy_score\n"
        "best = 0\n"
        "for m in models:\n"
        "    acc = accuracy_score(y_test, m.fit(X_train, y_train).predict(X_test))\n"
        "    if acc > best:\n"
        "        best = acc\n"
    )
    found = _one("MLO203", source)
    assert found.location.start.line == 7
    assert "(accuracy_score, line 6)" in found.message
    assert [(r.label, r.location.start.line) for r in found.related] == [("test-set score", 6)]


def test_mlo203_sweep_names_the_loop_and_the_test_score():
    source = SPLIT + (
        "from sklearn.metrics import mean_squared_error\n"
        "from sklearn.tree import DecisionTreeRegressor\n"
        "errors = []\n"
        "for depth in range(1, 10):\n"
        "    tree = DecisionTreeRegressor(max_depth=depth).fit(X_train, y_train)\n"
        "    errors.append(mean_squared_error(y_test, tree.predict(X_test)))\n"
    )
    found = _one("MLO203", source)
    assert found.location.start.line == 8
    assert found.message.startswith("a loop trying one candidate per turn (line 6) chooses by test-set scores (mean_squared_error, line 8)")
    assert [(r.label, r.location.start.line) for r in found.related] == [("candidates tried here", 6)]


def test_mlo202_names_the_callback_that_stops():
    source = SPLIT + (
        "from tensorflow import keras\n"
        "net = keras.Sequential([keras.layers.Dense(1)])\n"
        "stop = keras.callbacks.EarlyStopping(patience=3)\n"
        "net.fit(X_train, y_train, validation_data=(X_test, y_test), callbacks=[stop])\n"
    )
    found = _one("MLO202", source)
    assert found.location.start.line == 6
    assert found.message.startswith("validation_data=(X_test, y_test) holds the test set (line 2) and keras.callbacks.EarlyStopping stops or selects on it")
    assert [(r.label, r.location.start.line) for r in found.related] == [("test set made here", 2), ("stops or selects on it here", 5)]

def test_mlo204_in_a_notebook_says_the_cell():
    source = notebook_json(SPLIT, "m = model.fit(X_train, y_train)\nprint(m.score(X_train, y_train))")
    found = _one("MLO204", source, filename="nb.ipynb")
    assert (found.location.cell, found.location.start.line) == (2, 2)
    assert "rows it was trained on (line 1 of cell 2)" in found.message


def test_mlo104_names_the_evidence_and_points_at_it():
    source = "import pandas as pd\n" + "df = pd.read_csv('a.csv')\ndf['t'] = pd.to_datetime(df['t'])\ndf = df.set_index('t')\n" \
        + SPLIT.replace("(X, y)", "(df, df['y'])")
    found = _one("MLO104", source)
    assert found.location.start.line == 6
    assert "(to_datetime() with rows ordered by set_index(), line 3)" in found.message and "train_test_split shuffles" in found.message
    assert [(r.label, r.location.start.line) for r in found.related] == [("time order shown here", 3)]


def test_mlo105_is_off_by_default_and_points_at_the_fit():
    source = "import pandas as pd\ndf = pd.read_csv('a.csv')\ndf['f'] = df['x'].shift(-1)\nmodel.fit(df[['f']], df['y'])\n"
    found = _one("MLO105", source)
    assert found.location.start.line == 3 and "fit at line 4" in found.message
    assert load_catalog().rules["MLO105"].default is False
