"""The engine pauses the cyclic garbage collector during one document's lint (engine/collector.py)."""

from __future__ import annotations

import ast
import contextlib
import gc
import weakref
from typing import Callable

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


def _lint_without_collections(monkeypatch, on_parse: Callable[[ast.Module], None]) -> None:
    """Lint LEAKY without the engine's collection, handing the parsed tree to ``on_parse`` first;
    the caller keeps the collector disabled around it and its checks, so what is freed was freed
    by reference counting. Asserts the lint's own finding."""
    import mlops_lint.engine.lint as engine

    real = engine.parse_document

    def watched(document):
        parsed = real(document)
        on_parse(parsed.tree)
        return parsed

    monkeypatch.setattr(engine, "parse_document", watched)
    monkeypatch.setattr(engine, "young_garbage_only", contextlib.nullcontext)
    found = lint_document(SourceDocument("leaky.py", LEAKY), load_catalog(), LintOptions(selected=frozenset({"MLO101"})))
    assert [(d.code, d.location.start.line) for d in found] == [("MLO101", 4)]


def test_a_linted_tree_is_freed_by_reference_counting_not_left_to_the_collector(monkeypatch):
    """The module, its dataflow and its indexes refer to each other; the engine releases them
    (``AnalyzedModule.release``) so the tree does not wait for a collection of every object."""
    trees: list[weakref.ref[ast.Module]] = []
    gc.disable()
    try:
        _lint_without_collections(monkeypatch, lambda tree: trees.append(weakref.ref(tree)))
        assert len(trees) == 1
        assert trees[0]() is None  # no collection ran: reference counting freed it
    finally:
        gc.enable()


def test_a_tree_still_held_after_the_lint_does_not_keep_its_statements(monkeypatch):
    """Something may outlive the lint holding the tree's root: a recursive closure of the analysis
    (a cycle, freed only by a collection) holding a scope whose owner is the module. Its
    statements are still freed at release, not left for the collector to walk."""
    held: list[ast.Module] = []  # the stand-in for the cycle: outlives the lint
    statements: list[weakref.ref[ast.stmt]] = []

    def watch(tree: ast.Module) -> None:
        held.append(tree)
        statements.extend(weakref.ref(statement) for statement in tree.body)

    gc.disable()
    try:
        _lint_without_collections(monkeypatch, watch)
        assert len(statements) == 4
        assert [ref() for ref in statements] == [None] * 4
    finally:
        gc.enable()
