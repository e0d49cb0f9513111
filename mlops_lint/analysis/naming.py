"""What the names people give their data say about it: ``X_test`` is a test set, ``X_val`` a validation set.

A name is cut into lower-case words at underscores, digits and camel-case humps (``fraudTest`` ->
``fraud``, ``test``; ``X_val_90`` -> ``x``, ``val``); a leading ``x``, ``y`` or ``d`` glued to a
word counts as that word (``xtest``, ``yVal``, ``dtest`` for an XGBoost DMatrix). These are conventions of the code being linted, not library
knowledge, so they live here rather than in the catalog. ``held_out.py`` asks them about the parts of
a split, the files a module reads and the parameters of its functions; ``grading.py`` about calls
the catalog does not know.
"""

from __future__ import annotations

import ast
import re
from functools import cached_property, lru_cache
from itertools import groupby
from typing import TYPE_CHECKING, Callable, Iterable

from mlops_lint.analysis.names import dotted_name

if TYPE_CHECKING:
    from mlops_lint.analysis.module import AnalyzedModule

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")

TEST_WORDS = frozenset({"test", "tests", "testing", "tst"})
VALIDATION_WORDS = frozenset({"val", "vali", "valid", "validation", "validate", "dev", "eval", "cv",
                              "cal", "calib", "calibration"})
# Said of data given to training as validation data: a hold-out kept to watch training (issue 15).
HOLDOUT_WORDS = frozenset({"holdout", "hold"})
TRAIN_WORDS = frozenset({"train", "training", "trn"})
# A call whose name says it grades (``calculate_metrics``, ``evaluate_model``, ``print_score``).
GRADING_WORDS = frozenset({"evaluate", "evaluation", "evaluator", "eval", "metric", "metrics", "score", "scores",
                           "scoring", "accuracy", "performance", "perf"})


@lru_cache(maxsize=4096)  # the same few names (np.array, plt.plot, X_train) are asked about in every module
def words(name: str) -> frozenset[str]:
    """The lower-case words of an identifier or a file name."""
    found = set()
    for word in _WORD.findall(name):
        word = word.lower()
        found.add(word)
        if len(word) > 1 and word[0] in "xyd":
            found.add(word[1:])  # xtest, yval, dtest (an XGBoost DMatrix)
    return frozenset(found)


def leaf_name(node: ast.AST) -> str | None:
    """The name an expression is known by: ``X_test``, ``self.X_test`` -> ``X_test``, ``df_test["y"]`` -> ``df_test``."""
    while isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Attribute) and node.attr in ("values", "loc", "iloc"):
        node = node.value
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.arg):
        return node.arg
    return None


def names_in(node: ast.AST) -> list[str]:
    """The names of the data an expression is made of (``[(X_val, y_val)]`` -> X_val, y_val), not of
    the functions it calls."""
    found: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.Call):
            stack.extend(current.args)
            stack.extend(keyword.value for keyword in current.keywords)
            if isinstance(current.func, ast.Attribute):
                stack.append(current.func.value)  # the data a method is called on: X_test.values()
            continue
        name = leaf_name(current)
        if name is not None:
            found.append(name)
            continue
        stack.extend(ast.iter_child_nodes(current))
    return found


def says(node: ast.AST, vocabulary: frozenset[str]) -> bool:
    """Whether the data ``node`` spells is named with a word of ``vocabulary``."""
    return any(words(name) & vocabulary for name in names_in(node))


def callee_words(call: ast.Call) -> frozenset[str]:
    """The words of the name a call spells (``ModelEvaluator.calculate_metrics`` -> calculate, metrics)."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else dotted_name(func)
    return words(name) if name else frozenset()


class CallsByName:
    """A module's calls by the name they spell last (``np.max(x)`` -> ``max``, ``evaluate(m)`` ->
    ``evaluate``; not ``f()()`` nor ``fs[0]()``), each with its place in the walk: several rules ask
    for the calls of a few names, and one pass over the calls answers them all."""

    def __init__(self, module: AnalyzedModule) -> None:
        # Each name's calls as their indexes in the walk (ints sort and merge cheaper than pairs),
        # grouped by sorting the indexes by name: the per-call work runs in C, not in a Python loop
        # (a stable sort keeps each name's calls in walk order). "" stands for no name.
        attribute, name = ast.Attribute, ast.Name
        calls = self._calls = module.nodes_of(ast.Call)
        keys = [func.attr if func.__class__ is attribute else func.id if func.__class__ is name else ""
                for func in [call.func for call in calls]]
        spelt = keys.__getitem__
        by_name = {key: list(group) for key, group in groupby(sorted(range(len(keys)), key=spelt), key=spelt)}
        by_name.pop("", None)
        self._by_name = by_name

    def named(self, names: Iterable[str]) -> list[ast.Call]:
        """The calls spelling one of ``names``, in walk order."""
        return self._in_walk_order([self._by_name[n] for n in names if n in self._by_name])

    def matching(self, test: Callable[[str], bool]) -> list[ast.Call]:
        """The calls whose spelt name passes ``test`` (asked once per distinct name), in walk order."""
        return self._in_walk_order([calls for n, calls in self._by_name.items() if test(n)])

    def _in_walk_order(self, groups: list[list[int]]) -> list[ast.Call]:
        calls = self._calls
        if len(groups) == 1:
            return [calls[index] for index in groups[0]]
        return [calls[index] for index in sorted(index for group in groups for index in group)]


class NamesByContext:
    """A module's names that are bound (``stored``) and those that are read (``loaded``), each in
    walk order: several rules ask about the bindings or the reads of a few names, and one pass over
    the names (a fifth of all nodes) answers them all."""

    def __init__(self, module: AnalyzedModule) -> None:
        self._names = module.nodes_of(ast.Name)

    # Each list is one comprehension over the names, built when first asked: cheaper than one loop
    # filing every name, and most modules' rules ask only for the bound ones.
    @cached_property
    def stored(self) -> list[ast.Name]:
        store = ast.Store
        return [name for name in self._names if name.ctx.__class__ is store]

    @cached_property
    def loaded(self) -> list[ast.Name]:
        load = ast.Load
        return [name for name in self._names if name.ctx.__class__ is load]
