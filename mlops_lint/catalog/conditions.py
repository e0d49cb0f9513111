"""The catalog's condition strings (``replace=True``, ``frac>1``, ``periods[0]<0``), parsed once at load.

A condition names a keyword argument, optionally the position it may also be passed at
(``periods[0]``), an operator (``=``, ``!=``, ``<``, ``>``) and a literal (``True``, ``False``,
``None``, a number, or a bare word such as ``bfill``). ``analysis/arguments.py`` evaluates them on
a call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CONDITION = re.compile(r"^\s*(?P<name>[A-Za-z_]\w*)(?:\[(?P<position>\d+)\])?\s*(?P<operator>!=|=|<|>)\s*(?P<literal>[^\s].*?)\s*$")
_WORDS = {"True": True, "False": False, "None": None}


class ConditionError(ValueError):
    """A condition string that does not parse."""


@dataclass(frozen=True, slots=True)
class Condition:
    name: str
    position: int | None
    operator: str  # "=", "!=", "<", ">"
    literal: bool | int | float | str | None

    def __str__(self) -> str:
        where = f"{self.name}[{self.position}]" if self.position is not None else self.name
        return f"{where}{self.operator}{self.literal}"


def _literal(text: str) -> bool | int | float | str | None:
    if text in _WORDS:
        return _WORDS[text]
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def parse_condition(text: str) -> Condition:
    match = _CONDITION.match(text)
    if match is None:
        raise ConditionError(f"condition '{text}' is not NAME[=|!=|<|>]LITERAL (NAME may be NAME[position])")
    literal = _literal(match["literal"])
    if match["operator"] in "<>" and (not isinstance(literal, (int, float)) or isinstance(literal, bool)):
        raise ConditionError(f"condition '{text}' compares with something other than a number")
    position = int(match["position"]) if match["position"] is not None else None
    return Condition(match["name"], position, match["operator"], literal)
