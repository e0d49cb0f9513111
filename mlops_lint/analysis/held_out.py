"""Which held-out data is the test set and which is a validation set (issue 15, "validation sets are not test sets").

The dataflow gives the two parts of every split the roles ``"train"`` and ``"test"``: the second
one is *held out*. Whether held-out data is the **test set** (the data the final score is reported
on, which nothing may learn from, stop on or select by) or a **validation set** (held out to tune,
stop or calibrate on, which is the safe practice) is decided here, once per module, for the rules
of the MLO2xx family:

- the held-out part of a CV splitter (``for tr, te in kf.split(X)``) is a validation fold;
- the held-out part of a split of training data (``train_test_split(X_train)``) is a validation set;
- a held-out part named as validation data (``X_val``, ``X_valid``, ``valid_df``, ``X_dev``,
  ``val_idx``, ``X_cal``: ``naming.VALIDATION_WORDS``) or as a second training set (``X_train2``)
  is a validation set, one named as test data (``X_test``) a test set;
- a held-out part named neither way is a validation set when a separate test set exists (the
  held-out part of another split named as test data, or a file read as test data that is graded),
  else the test set.

A value that is no part of any split is a test set when it was read from a file named as test data
(``X_test.csv``, ``fraudTest.csv``, or a loader bound to ``df_test``) and something grades on that
file's data (a metric or score: positive evidence, so that the unlabelled ``test.csv`` of a Kaggle
competition is not one), or, when nothing says where it came from (a function's parameter, a
name defined elsewhere), when it is named as test data where it is used.

Splits are read from the dataflow's ``"split"`` events and the values' ``split_nodes``, whatever
the call or subscript that split: splits by position or mask count as soon as the dataflow
publishes them as split events. Rules ask ``held_out(module)``.
"""

from __future__ import annotations

import ast
from functools import cached_property

from mlops_lint.analysis.arguments import argument
from mlops_lint.analysis.grading import gradings
from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.naming import (
    NamesByContext,
    TEST_WORDS,
    TRAIN_WORDS,
    VALIDATION_WORDS,
    names_in,
    words,
)
from mlops_lint.analysis.values import EMPTY, TEST, TRAIN, Value, join
from mlops_lint.analysis.walk import walk

TEST_SET = "test"
VALIDATION_SET = "validation"
_MAX_DEPTH = 8  # splits of splits followed when asking whether data holds a test set's rows


def _position(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


def _named(name_words: frozenset[str], vocabulary: frozenset[str]) -> bool:
    return bool(name_words & vocabulary)


def _binding_names(module: AnalyzedModule, node: ast.AST) -> list[str]:
    """The names the statement holding ``node`` binds (``df_test = pd.read_csv(...)`` -> df_test)."""
    parents = module.parents
    current: ast.AST | None = node
    while current is not None and not isinstance(current, ast.stmt):
        current = parents.get(current)
    targets: list[ast.expr] = []
    if isinstance(current, ast.Assign):
        targets = list(current.targets)
    elif isinstance(current, (ast.AnnAssign, ast.AugAssign)):
        targets = [current.target]
    return [name for target in targets for name in names_in(target)]


class HeldOut:
    """The test and validation sets of one module; see the module docstring."""

    def __init__(self, module: AnalyzedModule) -> None:
        self._module = module
        flow = module.dataflow
        self._order: dict[ast.AST, int] = {}
        inputs: dict[ast.AST, list[Value]] = {}
        self._cv: set[ast.AST] = set()
        for event in flow.events_of("split"):
            self._order.setdefault(event.node, event.seq)
            inputs.setdefault(event.node, []).extend(arg.value for arg in event.data)
            if event.entry is not None and event.entry.role == "cv-splitter":
                self._cv.add(event.node)
        self._inputs = {node: join(values) for node, values in inputs.items()}
        self._loaders = frozenset(call for call, _ in module.calls_with_role("loader"))
        self._train_files, test_files = self._named_files()
        self.graded_test_files = self._graded(test_files)
        self._kinds = self._classify()

    # --- public -------------------------------------------------------------------------------
    def kind(self, split: ast.AST) -> str:
        """``TEST_SET`` or ``VALIDATION_SET``: what the held-out part of ``split`` is."""
        return self._kinds.get(split, TEST_SET)

    @cached_property
    def test_splits(self) -> tuple[ast.AST, ...]:
        """The splits whose held-out part is a test set, in flow order."""
        return tuple(sorted((node for node, kind in self._kinds.items() if kind == TEST_SET), key=self._order.__getitem__))

    def is_test_split(self, split: ast.AST) -> bool:
        """Whether ``split`` is one of ``test_splits`` (asked per grading: a set, not the tuple)."""
        return split in self._test_split_set

    @cached_property
    def _test_split_set(self) -> frozenset[ast.AST]:
        return frozenset(self.test_splits)

    def split_input(self, split: ast.AST) -> Value:
        """The data a split was given (joined over its evaluations)."""
        return self._inputs.get(split, EMPTY)

    def latest_split(self, value: Value) -> ast.AST | None:
        """The split that gave ``value`` its role: the last one it went through."""
        known = [node for node in value.split_nodes if node in self._order]
        return max(known, key=self._order.__getitem__) if known else None

    def test_origin(self, value: Value, expr: ast.AST | None = None, only: bool = True, folds: bool = False,
                    by_name: bool = False) -> ast.AST | None:
        """Where ``value`` became (part of) the test set: the split whose test part it is, the loader
        of the test file it comes from; None when it is not the test set. ``only``: the test set
        alone, not mixed with training data; ``folds``: the held-out fold of a CV split counts too
        (nothing may be fitted on it); ``by_name``: data whose origin the module does not show (a
        parameter, a name defined elsewhere) counts when ``expr`` names it as test data (then the
        parameter or ``expr`` is the answer), unless it is cut by a ``split`` method of an object
        the catalog does not know (the folds of a home-made CV splitter)."""
        if value.roles:
            if TEST not in value.roles or (only and value.roles != frozenset({TEST})):
                return None
            split = self.latest_split(value)
            if split is None:
                return None
            return split if self.kind(split) == TEST_SET or (folds and split in self._cv) else None
        loaders = value.sources & self._loaders
        if loaders:
            graded = loaders & self.graded_test_files
            if not graded:
                return None
            # Test data imputed or encoded with training statistics also derives from the training
            # file; so does both files stacked together: then the name it is used under decides.
            if loaders & self._train_files and (expr is None or not self.named_test(expr)):
                return None
            return min((call for call in self._loaders if call in graded), key=_position)
        if by_name and expr is not None and self.named_test(expr) and not value.derives_from(".split"):
            return self._parameter(value) or expr
        return None

    @staticmethod
    def named_test(expr: ast.AST) -> bool:
        """Some data ``expr`` is made of is named as test data (and not as training or validation data)."""
        for name in names_in(expr):
            name_words = words(name)
            if _named(name_words, TEST_WORDS) and not _named(name_words, VALIDATION_WORDS | TRAIN_WORDS):
                return True
        return False

    def holds_rows_of(self, value: Value, split: ast.AST) -> bool:
        """Whether ``value`` holds rows of the test part of ``split`` without being that part: all the
        data the split was given (``model.fit(X, y)`` after ``train_test_split(X, y)``), a fold of a
        CV over it, or both parts stacked back together."""
        return self._holds(value, split, 0)

    # --- computing ----------------------------------------------------------------------------
    def _holds(self, value: Value, split: ast.AST, depth: int) -> bool:
        if split in value.split_nodes:
            return TEST in value.roles and TRAIN in value.roles  # both parts stacked back together
        if value.split_nodes:
            if depth >= _MAX_DEPTH:
                return False
            return all(self._holds(self.split_input(node), split, depth + 1) for node in value.split_nodes)
        return not value.sources.isdisjoint(self.split_input(split).sources)

    def _parameter(self, value: Value) -> ast.arg | None:
        for source in value.sources:
            if isinstance(source, tuple) and len(source) == 3 and source[0] == "param":
                function, name = source[1], source[2]
                arguments = function.args
                for parameter in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
                    if parameter.arg == name:
                        return parameter  # type: ignore[no-any-return]  # ast.arg, read from a FunctionDef
        return None

    def _held_out_names(self) -> dict[ast.AST, list[str]]:
        """For each split, the names bound to its held-out part (``X_test``, ``val_idx``, ``X_val_s``)."""
        flow = self._module.dataflow
        found: dict[ast.AST, list[str]] = {}
        if not self._order:
            return found  # no split: nothing is held out
        value_of, only_test = flow.value_of, frozenset({TEST})  # read once: the test runs on every bound name
        # A comprehension picks the few test names among all bound names: cheaper than a loop's body per name.
        tested = [(node, value) for node in self._module.shared(NamesByContext).stored if (value := value_of(node)).roles == only_test]
        for node, value in tested:
            split = self.latest_split(value)
            if split is not None:
                found.setdefault(split, []).append(node.id)
        return found

    def _classify(self) -> dict[ast.AST, str]:
        named = self._held_out_names()
        kinds: dict[ast.AST, str] = {}
        neutral: list[ast.AST] = []
        test_named = False
        for split in self._order:
            name_words = [words(name) for name in named.get(split, ())]
            tested = any(_named(w, TEST_WORDS) for w in name_words)
            # X_val, X_cal; and a second training set (X_train2: stacking) is no test set either
            validated = any(_named(w, VALIDATION_WORDS | TRAIN_WORDS) for w in name_words)
            if split in self._cv or self.split_input(split).roles == frozenset({TRAIN}) or (validated and not tested):
                kinds[split] = VALIDATION_SET
            elif tested:
                kinds[split] = TEST_SET
                test_named = True
            else:
                neutral.append(split)
        separate_test_set = test_named or bool(self.graded_test_files)
        for split in neutral:
            kinds[split] = VALIDATION_SET if separate_test_set else TEST_SET
        return kinds

    def _named_files(self) -> tuple[frozenset[ast.Call], frozenset[ast.Call]]:
        """Loaders of files named as training data, and of files named as test data (by the file's
        name, else the name the data is bound to)."""
        train, test = set(), set()
        for call, entry in self._module.calls_with_role("loader"):
            path = argument(call, entry.get("path-arg", 0), entry.get("path-keyword"))
            pieces = [n.value.rsplit("/", 1)[-1] for n in walk(path)
                      if isinstance(n, ast.Constant) and isinstance(n.value, str)] if path is not None else []
            name_words = frozenset().union(*(words(p) for p in pieces))
            if not name_words & (TEST_WORDS | TRAIN_WORDS):
                # The file's name says nothing (f"{base}/data.csv"): the name it is bound to decides.
                name_words = frozenset().union(*(words(n) for n in _binding_names(self._module, call)))
            is_test, is_train = _named(name_words, TEST_WORDS), _named(name_words, TRAIN_WORDS)
            if is_test and not is_train:
                test.add(call)
            elif is_train and not is_test:
                train.add(call)
        return frozenset(train), frozenset(test)

    def _graded(self, test_files: frozenset[ast.Call]) -> frozenset[ast.Call]:
        """The test files something grades on (positive evidence that they are the test set)."""
        if not test_files:
            return frozenset()
        graded: set[ast.Call] = set()
        for grading in gradings(self._module):
            if grading.kind == "predict":
                continue
            for arg in grading.data:
                value = arg.value
                if not value.roles and not value.sources & self._train_files:
                    graded.update(call for call in test_files if call in value.sources)
        return frozenset(graded)


def held_out(module: AnalyzedModule) -> HeldOut:
    """The module's test and validation sets, computed once for every rule that asks."""
    return module.shared(HeldOut)
