"""Diagnostics as plain JSON values and back, checking every field: a cache holds data, never code.

A diagnostic is a list ``[code, name, message, severity, location, related, fix, url]`` where a
location is ``[path, line, column, end line, end column, cell or null]``, ``related`` a list of
``[location, label]`` and ``fix`` null or ``[title, applicability, [[line, column, end line,
end column, new text], ...]]``. ``decode`` raises ``InvalidEntry`` on anything else, and the
cache then treats the entry as missing.
"""

from __future__ import annotations

from typing import Any

from mlops_lint.diagnostics import Applicability, Diagnostic, Fix, Location, Position, Related, Severity, TextEdit

_SEVERITIES = {member.value: member for member in Severity}
_APPLICABILITIES = {member.value: member for member in Applicability}


class InvalidEntry(ValueError):
    """A cached value that is not what this version of mlops-lint writes."""


def _location(location: Location) -> list[Any]:
    return [location.path, location.start.line, location.start.column, location.end.line, location.end.column, location.cell]


def encode(diagnostic: Diagnostic) -> list[Any]:
    fix = diagnostic.fix
    return [
        diagnostic.code,
        diagnostic.name,
        diagnostic.message,
        diagnostic.severity.value,
        _location(diagnostic.location),
        [[_location(item.location), item.label] for item in diagnostic.related],
        None if fix is None else [
            fix.title,
            fix.applicability.value,
            [[e.start.line, e.start.column, e.end.line, e.end.column, e.new_text] for e in fix.edits],
        ],
        diagnostic.url,
    ]


def _list(value: Any, length: int | None = None) -> list[Any]:
    if type(value) is not list or (length is not None and len(value) != length):
        raise InvalidEntry("not a list of the expected length")
    return value


def _str(value: Any) -> str:
    if type(value) is not str:
        raise InvalidEntry("not a string")
    return value


def _int(value: Any) -> int:
    if type(value) is not int or value < 0:  # bool is not accepted: type() is exact
        raise InvalidEntry("not a count")
    return value


def _decode_location(value: Any) -> Location:
    path, line, column, end_line, end_column, cell = _list(value, 6)
    return Location(
        _str(path),
        Position(_int(line), _int(column)),
        Position(_int(end_line), _int(end_column)),
        None if cell is None else _int(cell),
    )


def _decode_fix(value: Any) -> Fix | None:
    if value is None:
        return None
    title, applicability, edits = _list(value, 3)
    if applicability not in _APPLICABILITIES:
        raise InvalidEntry("unknown applicability")
    return Fix(
        _str(title),
        _APPLICABILITIES[applicability],
        tuple(
            TextEdit(Position(_int(a), _int(b)), Position(_int(c), _int(d)), _str(text))
            for a, b, c, d, text in (_list(edit, 5) for edit in _list(edits))
        ),
    )


def decode(value: Any) -> Diagnostic:
    try:
        code, name, message, severity, location, related, fix, url = _list(value, 8)
        if severity not in _SEVERITIES:
            raise InvalidEntry("unknown severity")
        return Diagnostic(
            code=_str(code),
            name=_str(name),
            message=_str(message),
            severity=_SEVERITIES[severity],
            location=_decode_location(location),
            related=tuple(
                Related(_decode_location(item_location), _str(label))
                for item_location, label in (_list(item, 2) for item in _list(related))
            ),
            fix=_decode_fix(fix),
            url=_str(url),
        )
    except InvalidEntry:
        raise
    except (TypeError, ValueError) as error:  # e.g. an unhashable severity
        raise InvalidEntry(str(error)) from None


def decode_all(values: Any) -> list[Diagnostic]:
    return [decode(value) for value in _list(values)]
