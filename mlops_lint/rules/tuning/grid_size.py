"""Count the combinations of a literal parameter grid statically (None when any part is not literal)."""

from __future__ import annotations

import ast
import math

from mlops_lint.analysis.arguments import argument
from mlops_lint.analysis.module import AnalyzedModule

_MAX_DEPTH = 8
# A count beyond this is not a real grid (and its decimal text would pass Python's 4300-digit limit).
_UNCOUNTABLE = 10**1000
# Builtins that keep the number of elements of the iterable they wrap.
_SAME_LENGTH = {"list", "tuple", "sorted", "reversed"}


def _number(node: ast.AST | None) -> float | None:
    if node is None:
        return None
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return None
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


class GridCounter:
    def __init__(self, module: AnalyzedModule) -> None:
        self.module = module

    def combinations(self, grid: ast.AST, line: int, depth: int = 0) -> int | None:
        """A dict of axes multiplies; a list of dicts adds up."""
        if depth > _MAX_DEPTH:
            return None
        grid = self._follow(grid, line)
        if isinstance(grid, ast.Dict):
            if any(key is None for key in grid.keys):  # {**other}
                return None
            return self._product([self.axis(value, line, depth + 1) for value in grid.values])
        if isinstance(grid, ast.Call) and isinstance(grid.func, ast.Name) and grid.func.id == "dict" and not grid.args:
            if any(keyword.arg is None for keyword in grid.keywords):
                return None
            return self._product([self.axis(keyword.value, line, depth + 1) for keyword in grid.keywords])
        if isinstance(grid, (ast.List, ast.Tuple)):
            parts = [self.combinations(element, line, depth + 1) for element in grid.elts]
            return None if not parts or None in parts else sum(parts)  # type: ignore[arg-type]
        return None

    def axis(self, node: ast.AST, line: int, depth: int = 0) -> int | None:
        """The number of values one hyper-parameter takes."""
        if depth > _MAX_DEPTH:
            return None
        node = self._follow(node, line)
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return None if any(isinstance(e, ast.Starred) for e in node.elts) else len(node.elts)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.axis(node.left, line, depth + 1), self.axis(node.right, line, depth + 1)
            return None if left is None or right is None else left + right
        if isinstance(node, ast.ListComp) and len(node.generators) == 1 and not node.generators[0].ifs:
            return self.axis(node.generators[0].iter, line, depth + 1)
        if isinstance(node, ast.Call):
            return self._call_axis(node, line, depth)
        return None

    def _call_axis(self, call: ast.Call, line: int, depth: int) -> int | None:
        builtin = call.func.id if isinstance(call.func, ast.Name) and not self.module.qualified_names(call.func) else None
        if builtin in _SAME_LENGTH and len(call.args) == 1 and not call.keywords:
            return self.axis(call.args[0], line, depth + 1)
        if builtin == "range" and not call.keywords:
            bounds = [_number(arg) for arg in call.args]
            if 1 <= len(bounds) <= 3 and all(isinstance(b, int) for b in bounds) and bounds[-1] != 0:
                return _range_length(*bounds)  # type: ignore[arg-type]
            return None
        entry = self.module.callee(call)
        if entry is None or entry.role != "grid-axis":
            return None
        if entry.get("count") == "arange":
            return self._arange(call)
        count = argument(call, entry.get("count-position"), entry.get("count-param"))
        number = entry.get("count-default") if count is None else _number(count)
        return number if isinstance(number, int) and number >= 0 else None

    def _arange(self, call: ast.Call) -> int | None:
        if call.keywords:
            return None
        bounds = [_number(arg) for arg in call.args]
        if not 1 <= len(bounds) <= 3 or None in bounds:
            return None
        start, stop, step = (0, bounds[0], 1) if len(bounds) == 1 else (bounds[0], bounds[1], bounds[2] if len(bounds) == 3 else 1)
        if step == 0:
            return None
        try:
            steps = (stop - start) / step  # type: ignore[operator]
        except OverflowError:  # integers too large for a float
            return None
        # np.arange(1e309) (inf) or np.arange(0, 1, 1e-320) (1/1e-320 is inf): not a countable grid.
        return max(0, math.ceil(steps)) if math.isfinite(steps) else None

    def _follow(self, node: ast.AST, line: int) -> ast.AST:
        """A name stands for the expression the dataflow says it was last bound from."""
        for _ in range(_MAX_DEPTH):
            origin = self.module.dataflow.value_of(node).origin if isinstance(node, ast.Name) else None
            if origin is None:
                return node
            node = origin
        return node

    @staticmethod
    def _product(sizes: list[int | None]) -> int | None:
        if None in sizes:
            return None
        product = math.prod(sizes)  # type: ignore[arg-type]
        return product if product <= _UNCOUNTABLE else None


def _range_length(start: int, stop: int | None = None, step: int = 1) -> int | None:
    """len(range(...)) without its OverflowError past sys.maxsize (range(10**30) is a valid axis)."""
    if stop is None:
        start, stop = 0, start
    length = max(0, (stop - start + step - (1 if step > 0 else -1)) // step)
    return length if length <= _UNCOUNTABLE else None
