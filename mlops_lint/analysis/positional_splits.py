"""Splits by position or by mask: ``X[:n]``/``X[n:]``, ``iloc``, ``head``/``tail``, date masks.

``train, test = data[:n], data[n:]`` is a train/test split as much as ``train_test_split`` is, and
one that keeps time order. Which subscripts take a part of such a split is read from the syntax
once per module (``PositionalSplits``); the dataflow then gives each part its role and emits a
``"split"`` event (``dataflow.py``'s docstring).

A part is one of:

- a row slice ``base[:k]`` (train), ``base[k:]`` (test), ``base[k:m]`` (validation), also as the
  first index of a tuple (``scaled[0:k, :]``) or through ``.iloc``/``.loc``, where ``k`` is a
  *split point*: a share of a length (``int(len(X) * 0.8)``, ``math.ceil(n * ratio)`` with
  ``n = len(...)`` and ``ratio = 0.8``), a name bound to one, or a sum with one; or where the module also slices
  the same base in the same scope on the other side of the same bound (``X[:n_train]`` and
  ``X[n_train:]``, ``X[:800]`` and ``X[800:]``, ``X[:n]`` and ``X[n - 60:]`` for windows that
  overlap, ``df.loc[:"2014"]`` and ``df.loc["2015":]``);
- ``base.head(k)`` (train) and ``base.tail(j)`` (test), assigned, on the same base in one scope;
- a boolean mask on the same base in one scope and its complement: ``df[df.date < t]`` (train) with
  ``df[df.date >= t]`` (test), ``df.loc[df.index < t]``, or ``df[m]`` with ``df[~m]`` (``m`` bound to
  a comparison: ``<`` is the earlier, training side; any other mask, ``m`` is the training side).

A part is bound to a name (an attribute only when its name says it holds a part: ``self.X_train``),
maybe through a method chain (``train = df.loc[mask].copy()``) or a conversion (catalog role
``conversion``: ``train = np.array(X[:n])``): slices passed straight to a call (``partial_fit(X[:k])`` in batches) or compared in an assertion split
nothing. A literal bound must be at least 2 away from 0 (``seq[:-1]``/``seq[-1:]`` cut a window, not data).
The part's role is its position's (the head trains, the tail tests, as time runs), unless the name
it is assigned to says otherwise (``X_train, X_test = X[50:], X[:50]``; ``validation_x = x[n:]``).
The parts of one split share its identity, the first part in source order (``Part.split``): the
values of every part carry it in ``Value.split_nodes``, and the split event is emitted where that
first part is evaluated. They are ordered by time or by an explicit mask: MLO104 never reports them.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Iterator

from mlops_lint.analysis.values import TEST, TRAIN, VALIDATION
from mlops_lint.analysis.walk import walk

if TYPE_CHECKING:
    from mlops_lint.analysis.module import AnalyzedModule

_LENGTHS = frozenset({"shape", "size"})
_EARLIER = (ast.Lt, ast.LtE)
_LATER = (ast.Gt, ast.GtE)
_MAX_NAME_DEPTH = 4


@dataclass(frozen=True)
class Part:
    """One part of a positional split: its role, the split's identity, and the data it is cut from."""

    role: str
    split: ast.expr
    base: ast.expr


@dataclass(frozen=True)
class _Candidate:
    node: ast.expr  # the subscript or the head/tail call
    base: ast.expr  # the data cut (``df`` for ``df.iloc[:n]``)
    scope: ast.AST
    kind: str  # "head", "tail", "middle", "mask", "not-mask"
    bound: ast.expr | None  # the slice bound that decides it (head: upper, tail/middle: lower), or the mask


_ROLE_WORDS = ((TEST, ("test",)), (VALIDATION, ("valid", "val_", "_val", "dev")), (TRAIN, ("train",)))


def _role_by_name(name: str | None) -> str | None:
    """The role a variable's name declares (``X_test``, ``validation_x``, ``train_df``), or None."""
    if name is None:
        return None
    lowered = name.lower()
    if lowered in ("val", "valid"):
        return VALIDATION
    named = [role for role, words in _ROLE_WORDS if any(word in lowered for word in words)]
    # X_train_valid: training and validation rows together, no one role: the position decides
    return named[0] if len(named) == 1 else None


def _text(node: ast.AST | None) -> str:
    return ast.unparse(node) if node is not None else ""


def _literal_int(node: ast.expr | None) -> int | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _literal_int(node.operand)
        return -inner if inner is not None else None
    return None


def _is_fraction(node: ast.AST) -> bool:
    """A literal share such as ``0.8`` (a name bound to one counts too: ``train_ratio = 0.8``)."""
    return isinstance(node, ast.Constant) and isinstance(node.value, float) and 0 < node.value < 1


def _is_zero(node: ast.expr | None) -> bool:
    return node is None or _literal_int(node) == 0


def _is_length_of(node: ast.expr | None, base: ast.expr) -> bool:
    """``len(base)`` or ``base.shape[0]`` as an upper bound: up to the end."""
    if node is None:
        return True
    text = _text(base)
    return _text(node) in (f"len({text})", f"{text}.shape[0]")


class PositionalSplits:
    """The parts of the module's positional splits, read once from the syntax (module docstring)."""

    def __init__(self, module: AnalyzedModule) -> None:
        self._module = module

    def part(self, node: ast.AST) -> Part | None:
        """The part of a positional split that ``node`` (a subscript or a head/tail call) takes."""
        return self._parts.get(node) if self._parts else None

    def parts_of(self, split: ast.expr) -> tuple[tuple[ast.expr, str], ...]:
        """Every part of the split ``split`` identifies, in source order, with its role."""
        return self._by_split.get(split, ())

    @cached_property
    def _by_split(self) -> dict[ast.expr, tuple[tuple[ast.expr, str], ...]]:
        found: dict[ast.expr, list[tuple[ast.expr, str]]] = {}
        for node, part in self._parts.items():
            found.setdefault(part.split, []).append((node, part.role))  # type: ignore[arg-type]  # parts are expressions
        return {split: tuple(parts) for split, parts in found.items()}

    # --- split points -------------------------------------------------------------------------
    @cached_property
    def _bindings(self) -> dict[str, list[ast.expr]]:
        """Every expression each plain name is bound from, anywhere in the module (``k = int(...)``)."""
        found: dict[str, list[ast.expr]] = {}
        for node in self._module.nodes_of(ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, []).append(node.value)
                elif isinstance(target, (ast.Tuple, ast.List)) and isinstance(node.value, (ast.Tuple, ast.List)) \
                        and len(target.elts) == len(node.value.elts):
                    for element, value in zip(target.elts, node.value.elts):
                        if isinstance(element, ast.Name):
                            found.setdefault(element.id, []).append(value)
        return found

    def _is_split_point(self, node: ast.expr | None, depth: int = 0) -> bool:
        if node is None or depth > _MAX_NAME_DEPTH:
            return False
        if isinstance(node, ast.Name):
            return any(self._is_split_point(value, depth + 1) for value in self._bindings.get(node.id, ()))
        if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords and self._is_split_point(node.args[0], depth):
            return True  # int(k), round(k), math.ceil(k)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)) and (
                self._is_split_point(node.left, depth) or self._is_split_point(node.right, depth)):
            return True
        return self._is_fraction_of_length(node, depth)

    def _is_fraction_of_length(self, node: ast.expr, depth: int) -> bool:
        has_length = has_fraction = False
        for child in walk(node):  # the fast walk: every node ast.walk gives but contexts and operators
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id == "len":
                has_length = True
            elif isinstance(child, ast.Attribute) and child.attr in _LENGTHS:
                has_length = True
            elif isinstance(child, ast.Name) and child is not node and self._is_length_name(child, depth):
                has_length = True
            if _is_fraction(child) or (isinstance(child, ast.Name) and any(_is_fraction(v) for v in self._bindings.get(child.id, ()))):
                has_fraction = True
        return has_length and has_fraction

    def _is_length_name(self, node: ast.Name, depth: int) -> bool:
        """``n`` bound to ``len(df)``: the length itself."""
        if depth >= _MAX_NAME_DEPTH:
            return False
        for value in self._bindings.get(node.id, ()):
            for child in walk(value):
                if (isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id == "len") or (
                        isinstance(child, ast.Attribute) and child.attr in _LENGTHS):
                    return True
        return False

    def _assigned_name(self, node: ast.expr) -> str | None:
        """The name a part is bound to: ``part = ...`` or its place in ``a, b = x[:n], x[n:]``."""
        parents = self._module.parents
        parent = parents.get(node)
        if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
            return parent.targets[0].id
        if isinstance(parent, (ast.Tuple, ast.List)):
            assign = parents.get(parent)
            if isinstance(assign, ast.Assign) and len(assign.targets) == 1 and isinstance(assign.targets[0], (ast.Tuple, ast.List)) \
                    and len(assign.targets[0].elts) == len(parent.elts):
                target = assign.targets[0].elts[parent.elts.index(node)]
                return target.id if isinstance(target, ast.Name) else None
        return None

    # --- candidates ---------------------------------------------------------------------------
    def _scope_of(self, node: ast.AST) -> ast.AST:
        parents = self._module.parents
        current = parents.get(node)
        while current is not None and not isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            current = parents.get(current)
        return current if current is not None else self._module.tree

    def _kept(self, node: ast.expr) -> bool:
        """Whether the part is bound to a name (``train = df[:n]``, ``a, b = x[:n], x[n:]``, through a
        chain such as ``df.loc[mask].copy()``): a slice passed straight to a call (``partial_fit(X[:k])``
        in batches) or compared in an assertion takes no part of a split."""
        parents = self._module.parents
        current: ast.AST = node
        parent = parents.get(current)
        while isinstance(parent, (ast.Attribute, ast.Call)) and (
                (isinstance(parent, ast.Attribute) and parent.value is current) or (isinstance(parent, ast.Call) and parent.func is current)
                or self._converts(parent, current)):
            current, parent = parent, parents.get(parent)
        element = current
        if isinstance(parent, (ast.Tuple, ast.List)):
            element, parent = parent, parents.get(parent)
        if not isinstance(parent, ast.Assign) or len(parent.targets) != 1:
            return False
        target = parent.targets[0]
        if isinstance(target, (ast.Tuple, ast.List)) and isinstance(element, (ast.Tuple, ast.List)) and len(target.elts) == len(element.elts):
            target = target.elts[next(i for i, e in enumerate(element.elts) if e is current)]
        # A name, or an attribute that says it holds a part (self.X_train); self.row_labels_ = labels[:n] is no split.
        return isinstance(target, ast.Name) or (isinstance(target, ast.Attribute) and _role_by_name(target.attr) is not None)

    def _converts(self, call: ast.AST, data: ast.AST) -> bool:
        """``np.array(X[:n])``: a catalog ``conversion`` given the part alone keeps its rows."""
        if not isinstance(call, ast.Call) or len(call.args) != 1 or call.args[0] is not data:
            return False
        entry = self._module.resolver.named(call.func)  # by name only: the dataflow is not built yet
        return entry is not None and entry.role == "conversion"

    def _candidates(self) -> Iterator[_Candidate]:
        for node in self._module.nodes_of(ast.Subscript):
            if not isinstance(node.ctx, ast.Load) or not self._kept(node):
                continue
            found = self._subscript_candidate(node)
            if found is not None:
                yield found
        for call in self._module.nodes_of(ast.Call):
            func = call.func
            if isinstance(func, ast.Attribute) and func.attr in ("head", "tail") and len(call.args) == 1 and not call.keywords \
                    and self._kept(call):
                yield _Candidate(call, func.value, self._scope_of(call), func.attr, call.args[0])

    def _subscript_candidate(self, node: ast.Subscript) -> _Candidate | None:
        base: ast.expr = node.value
        index = node.slice
        accessor = None
        frames = self._module.catalog.frames
        if isinstance(base, ast.Attribute) and base.attr in frames.indexers:
            accessor, base = base.attr, base.value
        if isinstance(index, ast.Tuple) and index.elts and isinstance(index.elts[0], ast.Slice):
            index = index.elts[0]  # scaled[0:k, :]: the rows
        if isinstance(index, ast.Slice):
            if index.step is not None:
                return None
            if _is_zero(index.lower) and not _is_length_of(index.upper, base):
                return _Candidate(node, base, self._scope_of(node), "head", index.upper)
            if index.lower is not None and _is_length_of(index.upper, base):
                return _Candidate(node, base, self._scope_of(node), "tail", index.lower)
            if index.lower is not None and index.upper is not None:
                # a middle part is a split's only when a head ends where it starts (_slices)
                return _Candidate(node, base, self._scope_of(node), "middle", index.lower)
            return None
        if accessor in frames.position_indexers:
            return None
        if isinstance(index, ast.Compare) and len(index.ops) == 1:
            return _Candidate(node, base, self._scope_of(node), "mask", index)
        if isinstance(index, ast.Name):
            return _Candidate(node, base, self._scope_of(node), "mask", index)
        if isinstance(index, ast.UnaryOp) and isinstance(index.op, ast.Invert) and isinstance(index.operand, ast.Name):
            return _Candidate(node, base, self._scope_of(node), "not-mask", index.operand)
        return None

    # --- parts --------------------------------------------------------------------------------
    @cached_property
    def _parts(self) -> dict[ast.AST, Part]:
        groups: dict[tuple[int, str], list[_Candidate]] = {}
        for candidate in self._candidates():
            groups.setdefault((id(candidate.scope), _text(candidate.base)), []).append(candidate)
        parts: dict[ast.AST, Part] = {}
        for members in groups.values():
            for split in (self._slices(members), self._head_tail(members), self._masks(members)):
                if not split:
                    continue
                ordered = sorted(split, key=lambda pair: (pair[0].node.lineno, pair[0].node.col_offset))
                identity = ordered[0][0].node
                for candidate, role in ordered:
                    named = _role_by_name(self._assigned_name(candidate.node))
                    parts.setdefault(candidate.node, Part(named or role, identity, candidate.base))
        return parts

    def _slices(self, members: list[_Candidate]) -> list[tuple[_Candidate, str]]:
        slices = [m for m in members if m.kind in ("head", "tail", "middle") and isinstance(m.node, ast.Subscript)]
        heads = {_text(m.bound) for m in slices if m.kind == "head"}
        tails = {_text(m.bound) for m in slices if m.kind == "tail"}
        # X[:600], X[600:1000], X[1000:]: the head ends where a middle part starts
        starts = tails | {_text(m.bound) for m in slices if m.kind == "middle"}
        found = []
        for member in slices:
            bound = member.bound
            literal = _literal_int(bound)
            if literal is not None and abs(literal) < 2:
                continue
            if isinstance(bound, ast.Constant) and isinstance(bound.value, str):
                paired = bool(tails if member.kind == "head" else heads) and all(
                    isinstance(m.bound, ast.Constant) and isinstance(m.bound.value, str) for m in slices)
            elif member.kind == "head":
                paired = _text(bound) in starts or any(t.startswith(_text(bound) + " -") for t in tails)
            else:
                overlap = bound.left if isinstance(bound, ast.BinOp) and isinstance(bound.op, ast.Sub) else None
                paired = _text(bound) in heads or (overlap is not None and _text(overlap) in heads)
            if paired or (literal is None and self._is_split_point(bound)):
                role = {"head": TRAIN, "tail": TEST, "middle": VALIDATION}[member.kind]
                found.append((member, role))
        # One side alone is a split only by its split point, and a train part needs a test part
        # or a split point: a middle part without the others is no split.
        if found and all(role == VALIDATION for _, role in found):
            return []
        return found

    def _head_tail(self, members: list[_Candidate]) -> list[tuple[_Candidate, str]]:
        heads = [m for m in members if m.kind == "head" and isinstance(m.node, ast.Call)]
        tails = [m for m in members if m.kind == "tail" and isinstance(m.node, ast.Call)]
        if heads and tails:
            return [(m, TRAIN) for m in heads] + [(m, TEST) for m in tails]
        return [(m, TRAIN) for m in heads if self._is_split_point(m.bound)] + [
            (m, TEST) for m in tails if self._is_split_point(m.bound)]

    def _masks(self, members: list[_Candidate]) -> list[tuple[_Candidate, str]]:
        found: list[tuple[_Candidate, str]] = []
        compares = [m for m in members if m.kind == "mask" and isinstance(m.bound, ast.Compare)]
        for member in compares:
            assert isinstance(member.bound, ast.Compare)
            side = self._side(member.bound)
            if side is None:
                continue
            key = (_text(member.bound.left), _text(member.bound.comparators[0]))
            if any((_text(o.bound.left), _text(o.bound.comparators[0])) == key  # type: ignore[union-attr]
                   and self._side(o.bound) not in (None, side) for o in compares):  # type: ignore[arg-type]
                found.append((member, side))
        names = {_text(m.bound): m for m in members if m.kind == "mask" and isinstance(m.bound, ast.Name)}
        for member in members:
            if member.kind != "not-mask" or _text(member.bound) not in names:
                continue
            positive = names[_text(member.bound)]
            test_side = any(self._side(value) == TEST for value in self._bindings.get(_text(member.bound), ())
                            if isinstance(value, ast.Compare))
            found += [(positive, TEST if test_side else TRAIN), (member, TRAIN if test_side else TEST)]
        return found

    @staticmethod
    def _side(compare: ast.expr) -> str | None:
        if not isinstance(compare, ast.Compare) or len(compare.ops) != 1:
            return None
        if isinstance(compare.ops[0], _EARLIER):
            return TRAIN
        if isinstance(compare.ops[0], _LATER):
            return TEST
        return None
