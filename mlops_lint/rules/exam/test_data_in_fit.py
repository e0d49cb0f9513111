"""MLO201: rows of the test set reach a fit, fit_resample or a search's fit.

Two shapes, one finding per fit:

- the test set itself (the test part of a split, or a value computed from it; a held-out CV fold;
  a graded test file) is the data of a fit. Data that mixes both parts (``np.vstack([X_train,
  X_test])`` for a final refit on everything) is not the test set, and a validation set
  (``analysis/held_out.py``) may be fitted on (stacking, calibration);
- a model is fitted on data that holds the test part's rows without being it (all the data the
  split was given, a CV fold of it, both parts stacked back together) and is then graded on that
  test part: the search tuned on ``X`` after ``train_test_split(X)``, the K-fold model of the full
  data scored on the earlier split's ``X_test``.

Inspection calls named ``fit`` (``PermutationImportance``, ``LazyClassifier``) are not fits.
"""

from __future__ import annotations

import ast
from typing import Iterator

from mlops_lint.analysis.arguments import argument
from mlops_lint.analysis.grading import Grading, gradings, upstream_calls
from mlops_lint.analysis.held_out import HeldOut, held_out
from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.names import dotted_name
from mlops_lint.analysis.values import Fit, Value
from mlops_lint.engine.message import LineRef
from mlops_lint.engine.rule import Finding, Options, Rule

_KINDS = ("fit", "search-fit", "resample")


def _method(call: ast.Call) -> str:
    return call.func.attr if isinstance(call.func, ast.Attribute) else "fit"


def _model_fits(module: AnalyzedModule, model: Value, before: int) -> list[Fit]:
    """The fits that trained ``model`` before flow position ``before``: its own, and those of the
    search whose outcome it is (``search.best_estimator_``)."""
    fits = [fit for fit in model.fitted if fit.seq < before]
    searches = {source[1] for source in model.sources if isinstance(source, tuple) and len(source) == 2 and source[0] == "outcome"}
    if searches:
        by_search = module.shared(_search_fits_by_search)
        earlier = [pair for search in searches for pair in by_search.get(search, ()) if pair[0] < before]
        fits += [fit for _, fit in sorted(earlier, key=lambda pair: pair[0])]  # in flow order, as the events are
    return fits


def _search_fits_by_search(module: AnalyzedModule) -> dict[object, list[tuple[int, Fit]]]:
    """The fits of each search (keyed by the call that built it), found once per module rather
    than once per grading."""
    found: dict[object, list[tuple[int, Fit]]] = {}
    for event in module.dataflow.events_of("search-fit"):
        if event.fit is not None and event.receiver is not None and event.receiver.made_by is not None:
            found.setdefault(event.receiver.made_by, []).append((event.seq, event.fit))
    return found


class TestDataInFit(Rule):
    code = "MLO201"
    fields = ("var", "method", "split_line")
    related = ("split", "evaluation")

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        facts = held_out(module)
        splits = _GradedSplits(facts)
        reported: set[ast.AST] = set()
        for event in module.dataflow.events_of(*_KINDS):
            if event.node in reported or (event.fit is not None and event.fit.kind == "select"):
                continue  # one finding per fit; a score function called on data is no model trained on it
            for arg in event.data:
                origin = facts.test_origin(arg.value, arg.node, folds=True)
                if origin is None:
                    continue
                reported.add(event.node)
                yield Finding(
                    event.node,
                    {"var": arg.node, "method": _method(event.call), "split_line": LineRef(origin)},
                    related=(("split", origin),),
                )
                break
        yield from self._graded_after_fit_on_test_rows(module, facts, splits, reported)
        yield from self._settings_of_a_search_on_test_rows(module, facts, splits, reported)

    def _graded_after_fit_on_test_rows(self, module: AnalyzedModule, facts: HeldOut, splits: _GradedSplits,
                                       reported: set[ast.AST]) -> Iterator[Finding]:
        found = gradings(module)
        # Predictions grade a model only when a metric reads them.
        scored = upstream_calls(arg.value for g in found if g.kind == "metric" for arg in g.data)
        for grading in found:
            if grading.kind == "predict" and grading.node not in scored:
                continue
            split = splits.of(grading)
            if split is None or grading.model is None or grading.seq is None:
                continue
            for fit in _model_fits(module, grading.model, grading.seq):
                if fit.node in reported or fit.kind != "fit" or fit.data_node is None:
                    continue
                if not facts.holds_rows_of(fit.data, split):
                    continue
                reported.add(fit.node)
                yield _graded_on_its_own_rows(fit.node, fit.node, fit, split, grading)


    def _settings_of_a_search_on_test_rows(self, module: AnalyzedModule, facts: HeldOut, splits: _GradedSplits,
                                           reported: set[ast.AST]) -> Iterator[Finding]:
        """A search tuned on data holding the test rows, whose estimator is then rebuilt with the grid's
        parameters typed in as literals and graded on that test set (``GridSearchCV(SVC(), {"C": ...})
        .fit(X, y)``, then ``SVC(C=0.1).fit(X_train, y_train)`` scored on ``X_test``)."""
        flow = module.dataflow
        graded: list[tuple[Grading, ast.AST]] | None = None  # each grading's test split, found once for all searches
        signatures: dict[tuple[ast.Call, frozenset[str]], object] = {}
        by_signature: dict[frozenset[str], dict[object, list[tuple[Grading, ast.AST, ast.Call]]]] = {}

        def signature(model: ast.Call, keys: frozenset[str]) -> object:
            if (model, keys) not in signatures:
                signatures[model, keys] = _signature(module, model, keys, 0)
            return signatures[model, keys]

        for event in flow.events_of("search-fit"):
            search, fit = event.entry, event.fit
            if event.node in reported or search is None or fit is None or fit.data_node is None or event.receiver is None:
                continue
            constructor = event.receiver.made_by
            estimator = argument(constructor, 0, "estimator") if constructor is not None else None
            if constructor is None or estimator is None:
                continue
            grid_node = argument(constructor, search.get("grid-position"), search.get("grid-param"))
            grid = grid_node if isinstance(grid_node, (ast.Dict, ast.List, ast.Tuple)) else flow.value_of(grid_node).origin if grid_node is not None else None
            keys = _grid_keys(grid)
            built = flow.value_of(estimator).made_by
            if not keys or built is None:
                continue
            wanted = signature(built, keys)
            if graded is None:
                graded = [
                    (grading, split) for grading in gradings(module)
                    if grading.model is not None and grading.model.made_by is not None and grading.seq is not None
                    and (split := splits.of(grading)) is not None
                ]
            if keys not in by_signature:
                # The gradings by how their model is built (under these keys), in order: a search then
                # meets only those built like its estimator, not every later grading (quadratic).
                index: dict[object, list[tuple[Grading, ast.AST, ast.Call]]] = {}
                for grading, split in graded:
                    model = grading.model.made_by if grading.model is not None else None
                    if model is not None:
                        index.setdefault(signature(model, keys), []).append((grading, split, model))
                by_signature[keys] = index
            holds: dict[ast.AST, bool] = {}
            for grading, split, model in by_signature[keys].get(wanted, ()):
                if grading.seq is None or grading.seq < event.seq:
                    continue  # graded before the search could tell anything
                # Whether the search's data holds the split's test rows is a walk over the dataflow: last.
                if model is built or not _sets_a_key(model, keys, module):
                    continue
                if split not in holds:
                    holds[split] = facts.holds_rows_of(fit.data, split)
                if not holds[split]:
                    continue
                reported.add(event.node)
                yield _graded_on_its_own_rows(event.node, event.call, fit, split, grading)
                break


def _graded_on_its_own_rows(node: ast.AST, call: ast.Call, fit: Fit, split: ast.AST, grading: Grading) -> Finding:
    """MLO201 at ``node``: ``fit`` (made by ``call``) trained on rows of the test part of ``split``,
    which ``grading`` then scores."""
    return Finding(
        node,
        {"var": fit.data_node, "method": _method(call), "split_line": LineRef(split)},
        related=(("split", split), ("evaluation", grading.node)),
    )


def _grid_keys(grid: ast.AST | None) -> frozenset[str]:
    """The parameter names a literal grid tunes (``svc__C`` -> ``C``)."""
    dicts = [grid] if isinstance(grid, ast.Dict) else [e for e in grid.elts if isinstance(e, ast.Dict)] if isinstance(grid, (ast.List, ast.Tuple)) else []
    return frozenset(k.value.rsplit("__", 1)[-1] for d in dicts for k in d.keys if isinstance(k, ast.Constant) and isinstance(k.value, str))


def _signature(module: AnalyzedModule, call: ast.Call, keys: frozenset[str], depth: int) -> object:
    """How a model is built, its tuned parameters left out: callee, literal settings, the steps' own."""
    if depth > 4:
        return "?"

    def part(node: ast.expr) -> object:
        if isinstance(node, ast.Constant):
            return repr(node.value)
        if isinstance(node, (ast.Tuple, ast.List)):
            return tuple(part(e) for e in node.elts)
        if isinstance(node, ast.Call):
            return _signature(module, node, keys, depth + 1)
        made_by = module.dataflow.value_of(node).made_by
        return _signature(module, made_by, keys, depth + 1) if made_by is not None else "?"

    settings = tuple(sorted((k.arg, part(k.value)) for k in call.keywords if k.arg is not None and k.arg not in keys))
    # A dotted callee spells as ast.unparse would, without its visitor's cost.
    return dotted_name(call.func) or ast.unparse(call.func), tuple(part(a) for a in call.args), settings


def _sets_a_key(call: ast.Call, keys: frozenset[str], module: AnalyzedModule, depth: int = 0) -> bool:
    """Some tuned parameter is set by hand where the model is built (``SVC(C=0.1)``)."""
    if depth > 4:
        return False
    if any(k.arg in keys for k in call.keywords):
        return True
    for node in [*call.args, *(k.value for k in call.keywords)]:
        for inner in ([node] if not isinstance(node, (ast.Tuple, ast.List)) else list(ast.walk(node))):
            made_by = inner if isinstance(inner, ast.Call) else module.dataflow.value_of(inner).made_by if isinstance(inner, ast.expr) else None
            if made_by is not None and made_by is not call and _sets_a_key(made_by, keys, module, depth + 1):
                return True
    return False


class _GradedSplits:
    """Each grading's test split (``_graded_test_split``), found once: both shapes of the rule ask
    for the gradings' splits."""

    def __init__(self, facts: HeldOut) -> None:
        self._facts = facts
        self._found: dict[Grading, ast.AST | None] = {}

    def of(self, grading: Grading) -> ast.AST | None:
        found = self._found
        if grading not in found:
            found[grading] = _graded_test_split(self._facts, grading)
        return found[grading]


def _graded_test_split(facts: HeldOut, grading: Grading) -> ast.AST | None:
    """The test split whose test part ``grading`` grades a model on (splits only: files and names say
    nothing of which rows a fit saw)."""
    if grading.kind == "metric" and grading.model is None:
        return None
    for arg in grading.data:
        origin = facts.test_origin(arg.value, only=False)
        if origin is not None and facts.is_test_split(origin):
            return origin
    return None
