"""Frames whose columns are written by label: which columns a later read takes.

``df["a_s"] = StandardScaler().fit_transform(df[["a"]])`` adds a column; ``X = df[["b", "c"]]`` reads
two others, which hold nothing of the scaler. The dataflow (``dataflow.py`` for writes,
``expressions.py`` for reads) keeps, on the frame's value, what each column written by label holds
(``Value.columns``, a ``Columns`` record) apart from the rest of the frame (its ``base``):

- reading columns by label (``df["b"]``, ``df[["b", "c"]]``, ``df.loc[:, cols]`` with ``cols`` bound
  to a literal list, ``df.b`` for a written label) reads ``base`` and the written columns named;
- reading columns by position (``df.iloc[:, [0, 3]]``) reads ``base`` and the columns that replaced
  one the frame already had (a new column's position is not known: silence over a guess);
- selecting rows (``df[df.age < 80]``, ``df[:n]``, ``df.loc[mask]``) keeps the knowledge, row by row;
- dropping columns by label (``df.drop(columns=[...])``, ``df.drop(labels, axis=1)``, ``del df[c]``)
  leaves the others, each holding what it held;
- anything else (``df`` itself, ``df.values``, ``df.fillna(0)``) reads the whole frame: the value of
  the frame is always everything it holds.

Labels are literal strings, literal lists of them, or names bound to such a list.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Callable

from mlops_lint.analysis.values import EMPTY, Columns, Value, derive, evolve
from mlops_lint.analysis.walk import walk

if TYPE_CHECKING:
    from mlops_lint.catalog.model import FrameFacts

# Reads a label list from a name: the expression the name was bound from (``Value.origin``).
Origin = Callable[[ast.expr], ast.expr | None]


def _literal_labels(node: ast.expr | None) -> list[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.List, ast.Tuple)) and node.elts and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
        return [e.value for e in node.elts]  # type: ignore[attr-defined]  # checked just above
    return None


def labels(node: ast.expr, origin: Origin) -> list[str] | None:
    """The column labels an index expression names, or None when it names none for certain."""
    found = _literal_labels(node)
    if found is None and isinstance(node, ast.Name):
        found = _literal_labels(origin(node))
    return found


def _is_everything(node: ast.expr) -> bool:
    return isinstance(node, ast.Slice) and node.lower is None and node.upper is None and node.step is None


def _is_positions(node: ast.expr) -> bool:
    if isinstance(node, ast.Slice):
        return True
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int)
    return isinstance(node, (ast.List, ast.Tuple)) and bool(node.elts) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, int) for e in node.elts)


def is_row_selection(node: ast.expr) -> bool:
    """``df[mask]``-like index expressions that pick rows, not columns: a comparison, a boolean
    combination of them, a negation, a slice."""
    if isinstance(node, (ast.Compare, ast.BoolOp, ast.Slice)):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Invert, ast.Not)):
        return True
    return isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.BitOr))


def selects_rows(index: ast.expr, accessor: str | None) -> bool:
    """``frame[index]`` (or ``frame.loc[index]``/``.iloc``) picks rows and keeps every column."""
    if accessor is None:
        return is_row_selection(index)
    if isinstance(index, ast.Tuple):
        return len(index.elts) == 2 and _is_everything(index.elts[1])
    return True


# --- writes -------------------------------------------------------------------------------------

def written_labels(target: ast.Subscript, origin: Origin, frames: FrameFacts) -> tuple[list[str], bool] | None:
    """For ``df[labels] = v`` / ``df.loc[rows, labels] = v``: the labels and whether the write
    certainly replaces existing columns (a partial ``loc`` write); None for other writes."""
    base = target.value
    if isinstance(base, ast.Attribute) and base.attr in frames.indexers:
        if base.attr not in frames.label_indexers or not isinstance(target.slice, ast.Tuple) or len(target.slice.elts) != 2:
            return None
        rows, columns = target.slice.elts
        found = labels(columns, origin)
        return (found, not _is_everything(rows)) if found is not None else None
    if not isinstance(base, (ast.Name, ast.Attribute)):
        return None
    found = labels(target.slice, origin)
    return (found, False) if found is not None else None


def reads_labels(expression: ast.expr, frame: str, wanted: list[str], origin: Origin, frames: FrameFacts) -> bool:
    """Whether ``expression`` reads one of ``wanted`` from ``frame`` (``df[c] = f(df[c])``)."""
    from mlops_lint.analysis.names import dotted_name

    for node in walk(expression):  # the fast walk: the same subscripts and attributes as ast.walk
        if isinstance(node, ast.Subscript):
            base = node.value
            index = node.slice
            if isinstance(base, ast.Attribute) and base.attr in frames.indexers and isinstance(index, ast.Tuple) and len(index.elts) == 2:
                base, index = base.value, index.elts[1]
            if dotted_name(base) == frame and set(labels(index, origin) or ()) & set(wanted):
                return True
        elif isinstance(node, ast.Attribute) and node.attr in wanted and dotted_name(node.value) == frame:
            return True
    return False


def write(frame: Value | None, written: list[str], value: Value, replaced: bool) -> Value:
    """The frame after ``frame[written] = value``."""
    data = value.as_data()
    kept: tuple[tuple[str, Value, bool], ...]
    if frame is None:
        base, kept = EMPTY, ()
    elif frame.columns is not None:
        base, kept = frame.columns.base, tuple(c for c in frame.columns.written if c[0] not in written)
    else:
        base, kept = frame.as_data(), ()
    columns = kept + tuple((label, data, replaced) for label in written)
    whole = derive([base, *(v for _, v, _ in columns)])
    return evolve(whole, columns=Columns(base, columns))


# --- reads --------------------------------------------------------------------------------------

def read_labels(columns: Columns, wanted: list[str]) -> Value:
    written = {label: value for label, value, _ in columns.written}
    return derive([columns.base, *(written[label] for label in wanted if label in written)])


def read_positions(columns: Columns) -> Value:
    return derive([columns.base, *(value for _, value, replaced in columns.written if replaced)])


def select_rows(columns: Columns, whole: Value, pick: Callable[[Value], Value]) -> Value:
    """The rows ``pick`` selects from every part: the frame keeps its column knowledge."""
    base = pick(columns.base)
    written = tuple((label, pick(value), replaced) for label, value, replaced in columns.written)
    return evolve(whole, columns=Columns(base, written))


def column_read(frame: Value, index: ast.expr, accessor: str | None, origin: Origin, frames: FrameFacts) -> Value | None:
    """What ``frame[index]`` (``accessor``: ``frame.loc[index]``/``frame.iloc[index]``) reads when it
    reads columns of a frame with written columns; None when it is not such a read."""
    columns = frame.columns
    if columns is None:
        return None
    column_index = index
    if accessor is not None:
        if not isinstance(index, ast.Tuple) or len(index.elts) != 2:
            return None
        column_index = index.elts[1]
    if accessor in frames.position_indexers:
        return read_positions(columns) if _is_positions(column_index) else None
    found = labels(column_index, origin)
    return read_labels(columns, found) if found is not None else None


def attribute_read(frame: Value, name: str) -> Value | None:
    """``df.a_s`` for a label written to the frame: that column alone."""
    columns = frame.columns
    if columns is None or all(label != name for label, _, _ in columns.written):
        return None
    return read_labels(columns, [name])



def dropped_labels(call: ast.Call, origin: Origin) -> list[str] | None:
    """The labels ``frame.drop(...)`` removes as columns: ``columns=labels``, or ``labels`` (by keyword
    or first) with ``axis=1``/``axis="columns"``; None for a drop of rows or of unknown labels."""
    for keyword in call.keywords:
        if keyword.arg == "columns":
            return labels(keyword.value, origin)
    axis = next((k.value for k in call.keywords if k.arg == "axis"), call.args[1] if len(call.args) > 1 else None)
    if not (isinstance(axis, ast.Constant) and axis.value in (1, "columns")):
        return None
    named = next((k.value for k in call.keywords if k.arg == "labels"), call.args[0] if call.args else None)
    return labels(named, origin) if named is not None else None


def drop(frame: Value, dropped: list[str]) -> Value:
    """The frame without the written columns ``dropped`` (the others are ``base``'s: unchanged)."""
    assert frame.columns is not None
    kept = tuple(c for c in frame.columns.written if c[0] not in dropped)
    whole = derive([frame.columns.base, *(v for _, v, _ in kept)])
    return evolve(whole, columns=Columns(frame.columns.base, kept))
