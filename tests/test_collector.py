"""The engine pauses the cyclic garbage collector during one document's lint (engine/collector.py)."""

from __future__ import annotations

import gc

from mlops_lint.catalog import load_catalog
from mlops_lint.engine import collector
from mlops_lint.engine.lint import LintOptions, lint_document
from mlops_lint.source import SourceDocument

LEAKY = """\
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
X = StandardScaler().fit_transform(X)
X_train, X_test = train_test_split(X)
"""


def test_the_collector_is_paused_inside_and_left_as_it_was():
    assert gc.isenabled()
    with collector.young_garbage_only():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector.young_garbage_only():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_lint_runs_with_the_collector_paused_and_reenables_it(monkeypatch):
    import mlops_lint.engine.lint as engine

    states: list[bool] = []
    real = engine._lint_document

    def watched(*args):
        states.append(gc.isenabled())
        return real(*args)

    monkeypatch.setattr(engine, "_lint_document", watched)
    found = lint_document(SourceDocument("leaky.py", LEAKY), load_catalog(), LintOptions(selected=frozenset({"MLO101"})))
    assert [(d.code, d.location.start.line) for d in found] == [("MLO101", 4)]
    assert states == [False]
    assert gc.isenabled()
