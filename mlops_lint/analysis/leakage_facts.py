"""Facts about fits that the leakage rules (MLO101-MLO103) share: does a fit learn from the rows, does
its output reach a model.

- ``learns_from_data(fit, module)``: False for a transformer whose constructor fixed what it learns
  (catalog ``fixed-by``: ``OneHotEncoder(categories=...)``, ``CountVectorizer(vocabulary=...)``),
  for one that learns only the set of categories it meets (``vocabulary-only-unless``: an
  ``OrdinalEncoder`` without ``min_frequency``/``max_categories``), and for a pipeline built from
  a literal list of steps (``stages-param``) none of which learns (``VectorAssembler``, ``Tokenizer``);
  for a transformer class of the module, whether its ``fit`` keeps a statistic of its data on
  ``self`` (``analysis/user_transformers.py``); a stateless transformer learns nothing, and a
  scikit-learn pipeline (``ColumnTransformer``, ``make_pipeline``) learns only when one of the steps
  found in its constructor's arguments does.
- ``feature_fits(flow)``: the fits whose output is in the features a model is fitted or
  cross-validated on (not only its target).
- ``only_shown(module, fits)``: those of the fits whose output is printed, drawn (catalog role ``plot``) or
  displayed, and reaches nothing else that may use it (a model, a cross-validation, a file). Column
  writes and returns pass it on: the frame or the caller's value has events of its own. A PCA or t-SNE fitted on all rows only to draw them grades nothing.
"""

from __future__ import annotations

import ast
from typing import Iterable

from mlops_lint.analysis.arguments import argument, is_none, keyword
from mlops_lint.analysis.call_events import call_events
from mlops_lint.analysis.dataflow import DataFlow
from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.user_transformers import user_transformers
from mlops_lint.analysis.values import Event, Fit, Value
from mlops_lint.catalog import ApiEntry

# Fits that prepare data rather than model it: their output still has to reach a model.
_PREPARING = frozenset({"transformer", "transform-function", "stateless-transformer", "target-encoder", "supervised-selector"})
# Calls that only show values, and calls that only look at them (their result is no use of the data).
_SHOWING = frozenset({"stdout", "plot"})
# The steps of a pipeline that learn from the rows they are fitted on (a nested pipeline may too).
_LEARNING_STEPS = frozenset({"transformer", "supervised-selector", "pipeline"})
_LOOKING = frozenset({"statistic", "spread", "data-check", "labels", "time-evidence", "look-ahead"})
# Calls that pass the data on: where their result goes next is an event of its own.
_PASSING = frozenset({"row-stacker"})
# Pipelines nested in pipelines, followed at most this deep.
_MAX_NESTING = 3


def _given(made_by: ast.Call | None, names: list[str]) -> bool:
    if made_by is None:
        return False
    return any((value := keyword(made_by, name)) is not None and not is_none(value) for name in names)


def _learns(entry: ApiEntry, made_by: ast.Call | None) -> bool:
    if entry.role == "stateless-transformer":
        return False
    fixed_by = entry.get("fixed-by")
    if fixed_by and _given(made_by, fixed_by):
        return False
    counts_with = entry.get("vocabulary-only-unless")
    if counts_with is not None and not _given(made_by, counts_with):
        return False
    return True


def _stages(entry: ApiEntry, made_by: ast.Call | None, flow: DataFlow) -> list[Value] | None:
    """The steps of a pipeline built with a literal list of them (``stages-param``), else None."""
    param = entry.get("stages-param")
    if param is None or made_by is None:
        return None
    stages = argument(made_by, entry.get("stages-position"), param)
    if not isinstance(stages, (ast.List, ast.Tuple)) or any(isinstance(stage, ast.Starred) for stage in stages.elts):
        return None
    return [flow.value_of(stage) for stage in stages.elts]


def learns_from_data(fit: Fit, module: AnalyzedModule) -> bool:
    """Whether the fit learns something from the rows it is given (see the module docstring)."""
    entry = fit.entry
    if entry is None:
        return True
    flow = module.dataflow
    classes = user_transformers(module)
    written = classes.of(entry)
    if written is not None:  # a transformer class of the module: what its own fit keeps on self
        return classes.learns_from_rows(flow, written)
    stages = _stages(entry, fit.made_by, flow)
    if stages is not None:
        # Pipeline(stages=[assembler, tokenizer, indexer]): only its preparing steps can leak, and
        # a step the catalog does not know (the model at its end) is not one of them.
        return any(
            stage.instance_of is not None and stage.instance_of.role in _LEARNING_STEPS and _learns(stage.instance_of, stage.made_by)
            for stage in stages
        )
    if entry.role == "pipeline" and fit.made_by is not None:
        return _parts_learn(fit.made_by, module, _MAX_NESTING)
    return _learns(entry, fit.made_by)


def _parts_learn(constructor: ast.Call, module: AnalyzedModule, depth: int) -> bool:
    """Whether one step given to a pipeline's constructor (``ColumnTransformer([("enc", OrdinalEncoder(),
    cols), ...])``, ``make_pipeline(...)``) learns from the rows: steps are the objects found in its
    arguments, built there or bound to a name; labels and column selections are no step. A step the
    catalog does not know learns, as far as anyone can tell."""
    pending: list[ast.AST] = [*constructor.args, *(k.value for k in constructor.keywords)]
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Tuple, ast.List)):
            pending.extend(node.elts)
            continue
        if isinstance(node, ast.Name):
            origin = module.dataflow.value_of(node).origin
            if not isinstance(origin, ast.Call):
                continue  # a list of columns, a mask: no step
            node = origin
        if not isinstance(node, ast.Call):
            continue
        entry = module.callee(node)
        if entry is None or depth == 0:
            return True
        if entry.role == "pipeline":
            if _parts_learn(node, module, depth - 1):
                return True
        elif _learns(entry, node):
            return True
    return False


# Events that pass the data on: where it goes next is an event of its own.
_PASSING_KINDS = frozenset({"split", "check", "transform", "resample", "store", "return", "statistic"})


def _shows(event: Event) -> bool:
    """A print, a plot or a notebook display."""
    return event.kind == "expression" or (event.kind == "call" and event.entry is not None and event.entry.role in _SHOWING)


def _models(event: Event) -> bool:
    """A use of the data that may grade or keep it: neither shown, nor passed on (splits, preparing
    fits, checks: where the data goes next is an event of its own), nor only looked at."""
    kind, entry = event.kind, event.entry
    if kind == "expression" or kind in _PASSING_KINDS:
        return False
    if kind == "call":
        return entry is None or not (entry.role in _SHOWING or entry.role in _LOOKING or entry.role in _PASSING)
    return not (kind == "fit" and entry is not None and entry.role in _PREPARING)


def _fits_among(event: Event, wanted: set[Fit]) -> set[Fit]:
    """The fits of ``wanted`` upstream of the event's data or object."""
    found: set[Fit] = set()
    for arg in event.data:  # event.values, without building the list
        if arg.value.fits:
            found.update(wanted.intersection(arg.value.fits))
    if event.receiver is not None and event.receiver.fits:
        found.update(wanted.intersection(event.receiver.fits))
    return found


class _ShownOnly:
    """Per fit asked about, whether it is only shown: decided once per module, for MLO101-MLO103."""

    def __init__(self, module: AnalyzedModule) -> None:
        self.verdicts: dict[Fit, bool] = {}
        # Every fit upstream of what the module shows: the showing events are read once for all the rules.
        shown: set[Fit] = set()
        for event in [*module.dataflow.events_of("expression"), *call_events(module).of(*_SHOWING)]:
            for arg in event.data:  # event.values, without building the list
                if arg.value.fits:
                    shown.update(arg.value.fits)
            if event.receiver is not None and event.receiver.fits:
                shown.update(event.receiver.fits)
        self.shown = shown


def only_shown(module: AnalyzedModule, fits: Iterable[Fit]) -> frozenset[Fit]:
    """Those of ``fits`` whose output is printed, drawn or displayed and used for nothing else (see
    the module docstring). The events that show are read first (the calls of a showing role and the
    notebook displays); only for a fit they show are the other events read, fits first (the usual
    use), and no further than until each such fit is found used."""
    fits = list(fits)
    known = module.shared(_ShownOnly)
    verdicts = known.verdicts
    missing = {fit for fit in fits if fit not in verdicts}
    if missing:
        flow = module.dataflow
        shown = missing & known.shown
        for fit in missing:
            verdicts[fit] = fit in shown
        pending = shown
        for events in (flow.events_of("fit"), flow.events):  # the second pass may meet the fits again: no matter
            for event in events:
                if not pending:
                    break
                if _models(event):
                    used = _fits_among(event, pending)
                    for fit in used:
                        verdicts[fit] = False
                    pending -= used
    return frozenset(fit for fit in fits if verdicts[fit])


def feature_fits(flow: DataFlow) -> frozenset[Fit]:
    """The fits whose output is in the features (``X``) some fit or cross-validation is given: a
    statistic that only scaled the target (``y / y.max()``) is not among them."""
    found: set[Fit] = set()
    for event in flow.events_of("fit", "search-fit", "cross-validate"):
        for arg in event.data:
            if arg.name == "X":
                found.update(arg.value.fits)
    return frozenset(found)
