"""Refuse configured regular expressions that can backtrack for ever (``^(a+)+$``).

Python's ``re`` backtracks, has no time limit, and a rule option's pattern comes from the linted
repository's own configuration. A quantifier inside a repeated group (``(a+)+``, ``(a*)*``,
``(\\w+\\s?)*``) or an alternation inside one (``(a|a)*``) can take time exponential in the length of
the text; such a pattern is refused when the configuration is read (as the safe-regex tools do:
star height above one), with a hint to write the group without the inner quantifier or with a
character class.
"""

from __future__ import annotations

import re
import sys
from typing import Any

if sys.version_info >= (3, 11):
    from re import _constants as _sre
    from re import _parser as _sre_parse
else:  # pragma: no cover - Python 3.10
    import sre_constants as _sre
    import sre_parse as _sre_parse

_REPEATS = {_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", _sre.MAX_REPEAT)}


def _children(op: Any, value: Any) -> list[Any]:
    """The sub-patterns directly inside one parsed item."""
    if op in _REPEATS:
        return [value[2]]
    if op == _sre.SUBPATTERN:
        return [value[-1]]
    if op == _sre.BRANCH:
        return list(value[1])
    if op in (_sre.ASSERT, _sre.ASSERT_NOT):
        return [value[1]]
    if op == getattr(_sre, "ATOMIC_GROUP", None):
        return [value]
    if op == _sre.GROUPREF_EXISTS:
        return [branch for branch in value[1:] if branch is not None]
    return []


def _danger(items: Any, repeated: bool) -> str | None:
    for op, value in items:
        if repeated and op in _REPEATS:
            return "a quantifier inside a repeated group (like (a+)+) can take exponential time"
        if repeated and op == _sre.BRANCH:
            return "an alternation inside a repeated group (like (a|ab)*) can take exponential time; use a character class"
        inner_repeated = repeated or (op in _REPEATS and value[1] > 1)
        for child in _children(op, value):
            problem = _danger(child, inner_repeated)
            if problem is not None:
                return problem
    return None


def regex_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be used (invalid, or able to backtrack exponentially), or None."""
    try:
        re.compile(pattern)
        parsed = _sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError, ValueError) as error:
        return f"invalid regular expression ({error})"
    return _danger(parsed, repeated=False)
