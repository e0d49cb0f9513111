"""Text edits on a module's source, placed by its syntax tree: what every fixer writes with.

A fixer never re-parses or re-prints the module: it reads positions off the ``ast`` nodes the
analysis already built and returns ``TextEdit``s (module coordinates: 1-based lines, 0-based
code-point columns), so every byte outside an edit stays as the user wrote it. Anything whose
layout is not plain (a statement sharing its line with another, a closing parenthesis that is not
where the call ends) makes the helper answer None, and the fixer declines.
"""

from __future__ import annotations

import ast
from typing import Sequence

from mlops_lint.diagnostics import Position, TextEdit


class Source:
    """The lines of one module and the positions of its nodes in code points."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = lines

    # --- positions ---------------------------------------------------------------------------

    def _column(self, line: int, byte_offset: int) -> int:
        text = self.lines[line - 1] if 1 <= line <= len(self.lines) else ""
        if text.isascii():
            return byte_offset
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))

    # ast.AST declares no positions (its subclasses do): getattr keeps mypy strict quiet.
    def start(self, node: ast.AST) -> Position:
        line: int = getattr(node, "lineno")  # noqa: B009
        return Position(line, self._column(line, getattr(node, "col_offset")))  # noqa: B009

    def end(self, node: ast.AST) -> Position:
        line: int = getattr(node, "end_lineno")  # noqa: B009
        return Position(line, self._column(line, getattr(node, "end_col_offset")))  # noqa: B009

    def between(self, start: Position, end: Position) -> str:
        if start.line == end.line:
            return self.lines[start.line - 1][start.column:end.column]
        middle = self.lines[start.line:end.line - 1]
        return "\n".join([self.lines[start.line - 1][start.column:], *middle, self.lines[end.line - 1][:end.column]])

    def text(self, node: ast.AST) -> str:
        """The node's source exactly as written (without enclosing parentheses)."""
        return self.between(self.start(node), self.end(node))

    def indent(self, line: int) -> str:
        text = self.lines[line - 1]
        return text[: len(text) - len(text.lstrip())]

    # --- statements --------------------------------------------------------------------------

    def owns_lines(self, statement: ast.stmt) -> bool:
        """The statement starts its first line and ends its last one (a trailing comment aside)."""
        start, end = self.start(statement), self.end(statement)
        if self.lines[start.line - 1][: start.column].strip():
            return False
        rest = self.lines[end.line - 1][end.column:].strip()
        return not rest or rest.startswith("#")

    def delete_statement(self, statement: ast.stmt) -> TextEdit | None:
        """Remove the statement's lines (its trailing comment goes with it; comments above stay)."""
        if not self.owns_lines(statement):
            return None
        return TextEdit(Position(statement.lineno, 0), Position(self.end(statement).line + 1, 0), "")

    def insert_after(self, statement: ast.stmt, code: Sequence[str]) -> TextEdit | None:
        """New statements after ``statement``, at its indentation.

        Inserted at the end of its last line rather than at the start of the next one, so in a
        notebook the new lines stay in the statement's cell even when it ends the cell.
        """
        if not self.owns_lines(statement):
            return None
        end_line = self.end(statement).line
        indent = self.indent(statement.lineno)
        at = Position(end_line, len(self.lines[end_line - 1]))
        return TextEdit(at, at, "".join(f"\n{indent}{line}" for line in code))

    def insert_before(self, statement: ast.stmt, code: Sequence[str]) -> TextEdit | None:
        if not self.owns_lines(statement):
            return None
        indent = self.indent(statement.lineno)
        at = Position(statement.lineno, 0)
        return TextEdit(at, at, "".join(f"{indent}{line}\n" for line in code))

    # --- expressions -------------------------------------------------------------------------

    def replace(self, node: ast.AST, new_text: str) -> TextEdit:
        return TextEdit(self.start(node), self.end(node), new_text)

    def _closing_parenthesis(self, call: ast.Call) -> Position | None:
        end = self.end(call)
        if end.column < 1 or self.lines[end.line - 1][end.column - 1] != ")":
            return None
        return Position(end.line, end.column - 1)

    def after_argument(self, argument: ast.AST, call: ast.Call) -> tuple[Position, bool] | None:
        """Where a new argument goes after ``argument`` of ``call`` (past parentheses around it), and
        whether a comma follows it; None when the layout is not understood."""
        closing = self._closing_parenthesis(call)
        if closing is None:
            return None
        position = self.end(argument)
        line, column = position.line, position.column
        after = position
        while (line, column) < (closing.line, closing.column):
            text = self.lines[line - 1]
            if column >= len(text) or text[column] == "#" or text[column:].strip() == "\\":
                line, column = line + 1, 0
                continue
            char = text[column]
            if char == ")":
                after = Position(line, column + 1)
            elif char == ",":
                return after, True
            elif not char.isspace():
                return None
            column += 1
        return after, False

    def add_keyword(self, call: ast.Call, name: str, value: str) -> TextEdit | None:
        """``name=value`` as the call's last argument, following its layout (one line, or one argument per line)."""
        closing = self._closing_parenthesis(call)
        if closing is None or any(isinstance(arg, ast.GeneratorExp) for arg in call.args):
            return None  # f(x for x in y) takes no second argument without parentheses of its own
        arguments: list[ast.AST] = [*call.args, *call.keywords]
        if not arguments:
            return TextEdit(closing, closing, f"{name}={value}")
        last = max(arguments, key=lambda node: (getattr(node, "lineno", 0), getattr(node, "col_offset", 0)))
        place = self.after_argument(last, call)
        if place is None:
            return None
        after, comma = place
        last_start = self.start(last)
        if closing.line > self.end(last).line and not self.lines[last_start.line - 1][: last_start.column].strip():
            # One argument per line: the new one gets its own line, after the last one's comma.
            indent = self.indent(last_start.line)
            if not comma:
                return TextEdit(after, after, f",\n{indent}{name}={value}")
            line = self.lines[after.line - 1]
            if "," not in line[after.column:]:
                return None
            at = Position(after.line, line.index(",", after.column) + 1)
            return TextEdit(at, at, f"\n{indent}{name}={value},")
        return TextEdit(after, after, f", {name}={value}")


def keyword_node(call: ast.Call, name: str) -> ast.keyword | None:
    return next((kw for kw in call.keywords if kw.arg == name), None)


def is_constant(node: ast.AST | None, value: object) -> bool:
    return isinstance(node, ast.Constant) and node.value is value


def names_in(node: ast.AST) -> set[str]:
    """Every plain name spelled inside a node (reads and writes alike)."""
    return {child.id for child in ast.walk(node) if isinstance(child, ast.Name)}
