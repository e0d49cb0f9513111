"""Parse Python text with the stdlib ast, turning every failure into an MLO001 description."""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ParseFailure:
    message: str
    line: int
    column: int  # 0-based


def parse(text: str, filename: str) -> ast.Module | ParseFailure:
    try:
        with warnings.catch_warnings():
            # Invalid escape sequences etc. are the user's business, not ours to print.
            warnings.simplefilter("ignore")
            return ast.parse(text, filename=filename)
    except SyntaxError as error:
        line = error.lineno or 1
        column = max((error.offset or 1) - 1, 0)
        return ParseFailure(f"SyntaxError: {error.msg}", line, column)
    except (RecursionError, MemoryError):
        return ParseFailure("SyntaxError: too deeply nested to parse", 1, 0)
    except ValueError as error:  # e.g. NUL bytes on Python < 3.12
        return ParseFailure(f"SyntaxError: {error}", 1, 0)
