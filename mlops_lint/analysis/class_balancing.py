"""Classes balanced by hand: rows drawn from one class, stacked with the rows of another class.

    legit, fraud = df[df.Class == 0], df[df.Class == 1]
    balanced = pd.concat([legit.sample(n=len(fraud)), fraud])

does what ``RandomUnderSampler().fit_resample`` does: the draw resamples, whatever its arguments
(MLO103 reports it when the balanced rows are split or cross-validated afterwards). Read from the
syntax once per module (``class_draws``); the dataflow treats each call it returns as a resampling.

- A *class part* is a subscript of some data by a comparison of a class column with a constant:
  ``df[df["y"] == 1]``, ``df.loc[df.y == "no"]``, ``X[y == 0]`` (the column may be any
  expression: it is the same one in every part), or a name bound once in the module to one.
- A *draw* is a call of a catalog entry with ``resamples-per-class`` (``part.sample(...)``,
  ``resample(part, ...)``) whose data is a class part (inline, or a name bound once to one).
- A *stack* is a call of a ``row-stacker`` (``pd.concat``, ``np.vstack``) along the rows
  (``stacks-columns-when`` does not hold), whose first argument is a list or tuple literal. Its
  elements that are class parts or draws (inline, or names bound once) are grouped by data and
  column; a group with parts of at least two classes balances them when its parts are not all drawn
  alike: one drawn and another taken whole, draws of different sizes, or draws of a count (``n=``).
  Parts drawn with the same fraction keep the class balance (a stratified subsample), and a draw
  of the whole part (``frac=1``) only shuffles it: neither balances anything.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Iterator

from mlops_lint.analysis.arguments import any_holds, keyword, literal

if TYPE_CHECKING:
    from mlops_lint.analysis.module import AnalyzedModule

_CLASS_TESTS = (ast.Eq,)
# Arguments of a draw that do not change how many rows of the class it keeps.
_NOT_SIZE = frozenset({"random_state", "axis", "ignore_index", "stratify"})

_ClassKey = tuple[str, str]  # (the data, the class column), as source text


def _class_part(node: ast.expr, label_indexers: frozenset[str]) -> tuple[_ClassKey, object] | None:
    """``(data, column), class`` of ``df[df.y == c]`` / ``df.loc[df.y == c]`` / ``X[y == c]``, else None
    (``label_indexers``: the catalog's frame fact, ``loc``)."""
    if not isinstance(node, ast.Subscript):
        return None
    base = node.value
    if isinstance(base, ast.Attribute) and base.attr in label_indexers:
        base = base.value
    test = node.slice
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], _CLASS_TESTS)):
        return None
    left, right = test.left, test.comparators[0]
    if isinstance(left, ast.Constant) and not isinstance(right, ast.Constant):
        left, right = right, left
    value = literal(right)
    if not isinstance(right, (ast.Constant, ast.UnaryOp)) or not isinstance(value, (int, str, bool)):
        return None
    return (ast.unparse(base), ast.unparse(left)), value


class _Syntax:
    """What the module's names are bound to, for names bound exactly once."""

    def __init__(self, module: AnalyzedModule) -> None:
        self.module = module
        stores: dict[str, int] = {}
        for name in module.nodes_of(ast.Name):
            if isinstance(name.ctx, ast.Store):
                stores[name.id] = stores.get(name.id, 0) + 1
        self.bound: dict[str, ast.expr] = {}
        for statement in module.nodes_of(ast.Assign):
            if len(statement.targets) == 1 and isinstance(target := statement.targets[0], ast.Name) and stores.get(target.id) == 1:
                self.bound[target.id] = statement.value

    def resolve(self, node: ast.expr) -> ast.expr:
        """The expression a name bound once stands for (one step), else the node itself."""
        if isinstance(node, ast.Name):
            return self.bound.get(node.id, node)
        return node

    def draw_data(self, call: ast.Call) -> ast.expr | None:
        """The data a draw takes rows from: the object of a method (``part.sample(n)``, matched by
        its name alone: what it is called on is a class part, so it is data), or the first argument
        of a function (``resample(part, ...)``); None when the call is no draw (``resamples-per-class``)."""
        func = call.func
        entry = self.module.resolver.named(func)  # by import only: the dataflow is not there yet
        if entry is not None:
            return call.args[0] if entry.get("resamples-per-class") and call.args else None
        if isinstance(func, ast.Attribute):
            entry = self.module.catalog.methods.get(func.attr)
            if entry is not None and entry.get("receiver") == "data" and entry.get("resamples-per-class"):
                return func.value
        return None

    def part_or_draw(self, node: ast.expr) -> tuple[_ClassKey, object, ast.Call | None] | None:
        """``(data, column), class, draw`` of a stacked element: a class part (draw None) or a draw of one."""
        node = self.resolve(node)
        found = _class_part(node, self.module.catalog.frames.label_indexers)
        if found is not None:
            return found[0], found[1], None
        data = self.draw_data(node) if isinstance(node, ast.Call) else None
        found = _class_part(self.resolve(data), self.module.catalog.frames.label_indexers) if data is not None else None
        return (found[0], found[1], node) if found is not None and isinstance(node, ast.Call) else None


def _size(draw: ast.Call | None) -> str | None:
    """How a part is taken, as text: None for the whole part (or a mere shuffle, ``frac=1``)."""
    if draw is None:
        return None
    frac = keyword(draw, "frac")
    if frac is not None and literal(frac) == 1 and not draw.args and keyword(draw, "replace") is None:
        return None
    kept = [ast.unparse(arg) for arg in draw.args[1:]] if isinstance(draw.func, ast.Name) else [ast.unparse(arg) for arg in draw.args]
    kept += [f"{k.arg}={ast.unparse(k.value)}" for k in draw.keywords if k.arg not in _NOT_SIZE]
    return ", ".join(sorted(kept))


def _counts(draw: ast.Call) -> bool:
    """The draw takes a count of rows (``n=``, ``n_samples=``, the first positional argument of a method)."""
    if keyword(draw, "n") is not None or keyword(draw, "n_samples") is not None:
        return True
    return isinstance(draw.func, ast.Attribute) and bool(draw.args)


def _balancing(parts: list[tuple[object, ast.Call | None]]) -> Iterator[ast.Call]:
    if len({value for value, _ in parts}) < 2:
        return
    draws = [draw for _, draw in parts if draw is not None and _size(draw) is not None]
    if not draws:
        return
    sizes = {_size(draw) for _, draw in parts}
    if len(sizes) > 1 or any(_counts(draw) for draw in draws):
        yield from draws


def class_draws(module: AnalyzedModule) -> frozenset[ast.Call]:
    """The draws that balance classes by hand (see the module docstring): one pass over the stacks."""
    syntax: _Syntax | None = None
    found: set[ast.Call] = set()
    for call in module.nodes_of(ast.Call):
        # by import only (resolver.named): this runs while the dataflow is being built
        entry = module.resolver.named(call.func)
        if entry is None or entry.role != "row-stacker":
            continue
        syntax = syntax or _Syntax(module)
        if not call.args or not isinstance(call.args[0], (ast.List, ast.Tuple)):
            continue
        if any_holds(call, entry.get("stacks-columns-when", ())):
            continue
        groups: dict[_ClassKey, list[tuple[object, ast.Call | None]]] = {}
        for element in call.args[0].elts:
            part = syntax.part_or_draw(element)
            if part is not None:
                groups.setdefault(part[0], []).append((part[1], part[2]))
        for parts in groups.values():
            found.update(_balancing(parts))
    return frozenset(found)
