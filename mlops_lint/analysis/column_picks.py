"""Which columns of a frame a value holds, by label: the facts behind "the target is a feature".

``y = df["price"]`` holds the column ``price`` of ``df``; ``X = df[["rooms", "price"]]`` holds it too,
``X = df.drop(columns=["price"])`` holds every column of ``df`` but that one. The dataflow puts a
``Picked`` record (``analysis/values.py``) on such values:

- a loader's result holds every column of what it loaded (``whole``);
- reading columns by label (``df["a"]``, ``df[["a", "b"]]``, ``df.loc[:, cols]``, ``df.a``) holds those;
- dropping by label (``df.drop(columns=[...])``, ``df.drop(c, axis=1)``, ``del df[c]``, ``df.pop(c)``),
  ``df.loc[:, df.columns != c]``, ``~df.columns.isin([...])`` and ``[c for c in df.columns if c != t]``
  hold the frame's columns but those;
- selecting rows, splitting, ``df.values``, ``df.copy()`` and the other methods of the catalog's
  frame fact ``keeps-columns`` (``rules/frames.toml``) keep the record; a column written by label
  adds its label; anything else forgets it (silence).

A column written by label also records the frame's columns its value reads *at the same row*
(``df["roll"] = df["load"].rolling(24).mean()`` reads ``load``, window and all, current row
included), unless a lag stands between (``df["load"].shift(1)``, ``rolling(..., closed="left")``).
Only the written expression itself is read: a column read through another variable is not seen.

Which attribute and method names mean what (``values``, ``shape``, ``shift``, ``rolling`` …) is
library knowledge: the catalog's ``FrameFacts``, passed in by the dataflow.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from mlops_lint.analysis.columns import Origin, is_row_selection, labels
from mlops_lint.analysis.names import dotted_name
from mlops_lint.analysis.values import Derivation, Picked, Value
from mlops_lint.analysis.walk import children

if TYPE_CHECKING:
    from mlops_lint.catalog.model import FrameFacts


def loaded(call: ast.Call) -> Picked:
    """What a loader returns: every column of what it read."""
    return Picked(frozenset({call}), None, True, frozenset(), call)


def read(frame: Value, wanted: list[str], node: ast.expr) -> Picked:
    """``frame[wanted]``: those columns, with what the frame knows of how each was written."""
    same_row = frame.picked.same_row if frame.picked is not None else ()
    return Picked(frame.sources, frozenset(wanted), False, frozenset(), node,
                  tuple(entry for entry in same_row if entry[0] in wanted))


def without(frame: Value, dropped: list[str], node: ast.expr | None) -> Picked:
    """``frame`` without the columns ``dropped``: known only as far as the frame's columns were."""
    before = frame.picked
    if before is None:
        return Picked(frame.sources, None, False, frozenset(dropped), node)
    kept = before.labels - set(dropped) if before.labels is not None else None
    return Picked(before.frame, kept, before.whole, before.dropped | set(dropped), node,
                  tuple(entry for entry in before.same_row if entry[0] not in dropped))


def written(frame: Value | None, new: Value, labels_written: list[str], derived: tuple[frozenset[str], bool], write: ast.expr) -> Picked:
    """The frame ``new`` after ``frame[labels_written] = expression``, whose value reads the columns
    ``derived[0]`` at the same row (``derived[1]``: and shifts rows somewhere)."""
    reads, shifted = derived
    before = frame.picked if frame is not None else None
    same_row = tuple(entry for entry in (before.same_row if before is not None else ()) if entry[0] not in labels_written)
    if len(labels_written) == 1 and reads - set(labels_written):
        # Several columns written at once (``df[cols] = sc.fit_transform(df[cols])``) each come from
        # their own input, not knowable here: only a single column's reads are recorded.
        same_row += (Derivation(labels_written[0], reads, write, shifted),)
    if before is None:
        return Picked(new.sources, None, False, frozenset(), None, same_row)
    kept = before.labels | set(labels_written) if before.labels is not None else None
    return Picked(before.frame, kept, before.whole, before.dropped - set(labels_written), before.node, same_row)


def _taken_whole(picked: Picked | None, node: ast.expr) -> Picked | None:
    """Every column of a frame taken at ``node`` (``df.values``, ``df.iloc[:, :]``): named there."""
    if picked is None or picked.labels is not None or not picked.whole:
        return picked
    return Picked(picked.frame, None, True, picked.dropped, node, picked.same_row)


def of_subscript(frame: Value, node: ast.Subscript, accessor: str | None, origin: Origin, frames: FrameFacts) -> Picked | None:
    """What ``frame[index]`` (``frame.loc[index]``, ``frame.iloc[index]``) holds, where known."""
    index = node.slice
    if accessor is not None:
        if not isinstance(index, ast.Tuple) or len(index.elts) != 2:
            return frame.picked  # rows only
        index = index.elts[1]
        if isinstance(index, ast.Slice) and index.lower is None and index.upper is None and index.step is None:
            return _taken_whole(frame.picked, node)
        if accessor not in frames.label_indexers:
            return None
    elif is_row_selection(index):
        return frame.picked  # df[mask], df[:n]: rows
    found = labels(index, origin)
    if found is not None:
        return read(frame, found, node)
    excluded = excluded_labels(index, origin)
    if excluded is not None:
        return without(frame, excluded, node)
    return None


def of_attribute(frame: Value, node: ast.Attribute, frames: FrameFacts) -> Picked | None:
    """``df.values`` holds every column of ``df``; ``df.price`` the column ``price``."""
    if node.attr in frames.all_columns:
        return _taken_whole(frame.picked, node)
    if node.attr in frames.not_columns or not frame.sources or frame.instance_of is not None or frame.made_by is not None:
        return None
    return read(frame, [node.attr], node)


def _label_list(node: ast.expr, origin: Origin) -> list[str] | None:
    found = labels(node, origin)
    if found is None and isinstance(node, (ast.List, ast.Tuple, ast.Set)) and node.elts:
        found = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        return found if len(found) == len(node.elts) else None
    return found


def _is_columns(node: ast.expr) -> bool:
    """``df.columns`` (or ``df.columns.tolist()``, ``list(df.columns)``)."""
    if isinstance(node, ast.Call) and not node.keywords:
        if isinstance(node.func, ast.Attribute) and not node.args:
            return _is_columns(node.func.value)
        if isinstance(node.func, ast.Name) and node.func.id == "list" and len(node.args) == 1:
            return _is_columns(node.args[0])
    return isinstance(node, ast.Attribute) and node.attr == "columns"


def excluded_labels(index: ast.expr, origin: Origin) -> list[str] | None:
    """The labels a column index leaves out of every column: ``df.columns != "y"``,
    ``~df.columns.isin(["y"])``, ``[c for c in df.columns if c not in ["y", "id"]]`` (directly or
    through a name bound to it); None when the index is not such an exclusion."""
    if isinstance(index, ast.Name):
        bound = origin(index)
        return excluded_labels(bound, origin) if bound is not None and not isinstance(bound, ast.Name) else None
    if isinstance(index, ast.Compare) and len(index.ops) == 1 and isinstance(index.ops[0], ast.NotEq) and _is_columns(index.left):
        return _label_list(index.comparators[0], origin)
    if isinstance(index, ast.UnaryOp) and isinstance(index.op, ast.Invert) and isinstance(index.operand, ast.Call):
        call = index.operand
        if isinstance(call.func, ast.Attribute) and call.func.attr == "isin" and _is_columns(call.func.value) and len(call.args) == 1:
            return _label_list(call.args[0], origin)
    if isinstance(index, ast.ListComp) and len(index.generators) == 1:
        generator = index.generators[0]
        variable = generator.target
        if not (isinstance(variable, ast.Name) and isinstance(index.elt, ast.Name) and index.elt.id == variable.id
                and _is_columns(generator.iter) and generator.ifs):
            return None
        excluded: list[str] = []
        for condition in generator.ifs:
            if not (isinstance(condition, ast.Compare) and len(condition.ops) == 1 and isinstance(condition.left, ast.Name)
                    and condition.left.id == variable.id and isinstance(condition.ops[0], (ast.NotEq, ast.NotIn))):
                return None
            found = _label_list(condition.comparators[0], origin)
            if found is None:
                return None
            excluded += found
        return excluded
    return None


def _label_read(node: ast.AST, frame: str, origin: Origin, frames: FrameFacts) -> list[str]:
    """The labels ``node`` reads from the frame variable ``frame`` (``df["a"]``, ``df.loc[:, "a"]``, ``df.a``)."""
    if isinstance(node, ast.Subscript):
        base, index = node.value, node.slice
        if isinstance(base, ast.Attribute) and base.attr in frames.label_indexers and isinstance(index, ast.Tuple) and len(index.elts) == 2:
            base, index = base.value, index.elts[1]
        if dotted_name(base) == frame:
            return labels(index, origin) or []
    elif isinstance(node, ast.Attribute) and node.attr not in frames.not_columns and dotted_name(node.value) == frame:
        return [node.attr]
    return []


def _lags(call: ast.Call, frames: FrameFacts) -> bool:
    """A call on a column that leaves out the current row: ``shift(k)`` (k > 0 or not a literal,
    a negative k reads later rows: not the same row either), a window closed on the left."""
    assert isinstance(call.func, ast.Attribute)
    if call.func.attr in frames.lags:
        return True
    if call.func.attr in frames.windows:
        closed = next((k.value for k in call.keywords if k.arg == "closed"), None)
        return isinstance(closed, ast.Constant) and closed.value in ("left", "neither")
    return False


def same_row_reads(expression: ast.expr, frame: str, origin: Origin, frames: FrameFacts) -> tuple[frozenset[str], bool]:
    """The columns of ``frame`` that ``expression`` reads at the same row, not through a lag; and
    whether it shifts rows anywhere (a label built with ``shift(-1)``)."""
    found: set[str] = set()
    shifted = False

    def visit(node: ast.AST, lagged: bool) -> None:
        nonlocal shifted
        if not lagged:
            read_here = _label_read(node, frame, origin, frames)
            if read_here:
                found.update(read_here)
                return
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in frames.lags:
                shifted = True
            visit(node.func.value, lagged or _lags(node, frames))
            for argument in [*node.args, *(k.value for k in node.keywords)]:
                visit(argument, lagged)
            return
        if isinstance(node, (ast.Lambda, ast.FunctionDef)):
            return
        for child in children(node):  # contexts and operators left out: they read nothing
            visit(child, lagged)

    try:
        visit(expression, False)
    except RecursionError:  # an expression nested beyond the stack: nothing known
        return frozenset(), True
    return frozenset(found), shifted
