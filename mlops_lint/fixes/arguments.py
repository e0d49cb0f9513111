"""Add, replace and drop call arguments while keeping the call's own layout (one line or one per line)."""

from __future__ import annotations

import libcst as cst

_SPACE_COMMA = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def keyword(call: cst.Call, name: str) -> cst.Arg | None:
    return next((arg for arg in call.args if arg.keyword is not None and arg.keyword.value == name), None)


def has_star_args(call: cst.Call) -> bool:
    """``*args``/``**kwargs`` may hide the very argument a fix adds, so fixers decline such calls."""
    return any(arg.star for arg in call.args)


def positional(call: cst.Call) -> list[cst.Arg]:
    return [arg for arg in call.args if arg.keyword is None and not arg.star]


def new_keyword(name: str, value: str) -> cst.Arg:
    return cst.Arg(
        value=cst.parse_expression(value),
        keyword=cst.Name(name),
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
    )


def insert_args(call: cst.Call, index: int, new: list[cst.Arg]) -> cst.Call:
    """Insert ``new`` before position ``index``, each new argument copying its neighbours' separators.

    A separator belongs to the argument before it, so an argument inserted at the end takes over the
    old last argument's trailing comma and closing whitespace, and the old last one gets the comma
    used between the others: ``f(\\n    a,\\n    b,\\n)`` gains ``    c,`` on its own line.
    """
    args = list(call.args)
    if not args:
        last = new[-1]
        return call.with_changes(args=[*(arg.with_changes(comma=_SPACE_COMMA) for arg in new[:-1]), last])
    separator = next((arg.comma for arg in args[:-1] if isinstance(arg.comma, cst.Comma)), _SPACE_COMMA)
    if index >= len(args):
        old_last = args[-1]
        tail = [arg.with_changes(comma=separator) for arg in new[:-1]]
        closing = new[-1].with_changes(comma=old_last.comma, whitespace_after_arg=old_last.whitespace_after_arg)
        head = old_last.with_changes(comma=separator, whitespace_after_arg=cst.SimpleWhitespace(""))
        return call.with_changes(args=[*args[:-1], head, *tail, closing])
    inserted = [arg.with_changes(comma=separator) for arg in new]
    return call.with_changes(args=[*args[:index], *inserted, *args[index:]])


def append_keyword(call: cst.Call, name: str, value: str) -> cst.Call:
    return insert_args(call, len(call.args), [new_keyword(name, value)])


def set_keyword_value(call: cst.Call, arg: cst.Arg, value: str) -> cst.Call:
    return call.with_changes(args=[a.with_changes(value=cst.parse_expression(value)) if a is arg else a for a in call.args])


def drop_args(call: cst.Call, dropped: list[cst.Arg]) -> cst.Call:
    """Remove arguments; when the last one goes, the new last one inherits its trailing separator."""
    kept = [arg for arg in call.args if not any(arg is d for d in dropped)]
    if not kept or call.args[-1] is kept[-1]:
        return call.with_changes(args=kept)
    old_last = call.args[-1]
    kept[-1] = kept[-1].with_changes(comma=old_last.comma, whitespace_after_arg=old_last.whitespace_after_arg)
    return call.with_changes(args=kept)
