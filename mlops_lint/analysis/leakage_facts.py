"""Facts about fits that the leakage rules (MLO101-MLO103) share: does a fit learn from the rows, does
its output reach a model.

- ``learns_from_data(fit)``: False for a transformer whose constructor fixed what it learns
  (catalog ``fixed-by``: ``OneHotEncoder(categories=...)``, ``CountVectorizer(vocabulary=...)``)
  and for one that learns only the set of categories it meets (``vocabulary-only-unless``: an
  ``OrdinalEncoder`` without ``min_frequency``/``max_categories``).
- ``feature_fits(flow)``: the fits whose output is in the features a model is fitted or
  cross-validated on (not only its target).
- ``only_shown_fits(flow)``: the fits whose output is printed, drawn (catalog role ``plot``) or
  displayed, and reaches nothing else that may use it (a model, a cross-validation, a file). Column
  writes and returns pass it on: the frame or the caller's value has events of its own. A PCA or t-SNE fitted on all rows only to draw them grades nothing.
"""

from __future__ import annotations

from mlops_lint.analysis.arguments import is_none, keyword
from mlops_lint.analysis.dataflow import DataFlow
from mlops_lint.analysis.values import Event, Fit

# Fits that prepare data rather than model it: their output still has to reach a model.
_PREPARING = frozenset({"transformer", "transform-function", "stateless-transformer", "target-encoder", "supervised-selector"})
# Calls that only show values, and calls that only look at them (their result is no use of the data).
_SHOWING = frozenset({"stdout", "plot"})
_LOOKING = frozenset({"statistic", "spread", "data-check", "labels", "time-evidence", "look-ahead"})
# Calls that pass the data on: where their result goes next is an event of its own.
_PASSING = frozenset({"row-stacker"})


def _given(fit: Fit, names: list[str]) -> bool:
    made_by = fit.made_by
    if made_by is None:
        return False
    return any((value := keyword(made_by, name)) is not None and not is_none(value) for name in names)


def learns_from_data(fit: Fit) -> bool:
    """Whether the fit learns something from the rows it is given (see the module docstring)."""
    entry = fit.entry
    if entry is None:
        return True
    fixed_by = entry.get("fixed-by")
    if fixed_by and _given(fit, fixed_by):
        return False
    counts_with = entry.get("vocabulary-only-unless")
    if counts_with is not None and not _given(fit, counts_with):
        return False
    return True


def _use(event: Event) -> str | None:
    """``"show"`` for a print, a plot or a notebook display, ``"model"`` for any other use that may
    grade or keep the data, None for steps that pass data on (splits, preparing fits, checks)."""
    kind, entry = event.kind, event.entry
    if kind == "expression" or (kind == "call" and entry is not None and entry.role in _SHOWING):
        return "show"
    if kind in ("split", "check", "transform", "resample", "store", "return", "statistic"):
        return None  # passes the data on: where it goes next is an event of its own
    if kind == "call" and entry is not None and (entry.role in _LOOKING or entry.role in _PASSING):
        return None
    if kind == "fit" and entry is not None and entry.role in _PREPARING:
        return None
    return "model"


def only_shown_fits(flow: DataFlow) -> frozenset[Fit]:
    """The fits whose output is printed, drawn or displayed and used for nothing else (see the
    module docstring): one pass over the events."""
    shown: set[Fit] = set()
    modelled: set[Fit] = set()
    for event in flow.events:
        use = _use(event)
        if use is not None:
            into = shown if use == "show" else modelled
            for value in event.values:
                into.update(value.fits)
    return frozenset(shown - modelled)


def feature_fits(flow: DataFlow) -> frozenset[Fit]:
    """The fits whose output is in the features (``X``) some fit or cross-validation is given: a
    statistic that only scaled the target (``y / y.max()``) is not among them."""
    found: set[Fit] = set()
    for event in flow.events_of("fit", "search-fit", "cross-validate"):
        for arg in event.data:
            if arg.name == "X":
                found.update(arg.value.fits)
    return frozenset(found)
