"""Read JSON text with the C parser behind ``json.loads``, without loading json's Python layer.

``import json`` loads ``re`` and with it ``enum``, ``functools`` and ``collections``: about 7 ms
of CPU at start-up, more than everything a replayed warm run checks (replay.py). ``json.loads``
itself hands the text to ``_json.make_scanner``, built from an object that holds the decoder's
settings; ``loads`` does the same with ``json.loads``'s defaults, so it accepts and returns
exactly what ``json.loads`` does for text without surrounding whitespace (cache files are written
compact, folder.write_json). Where ``_json`` is missing (another interpreter), it is json.loads.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not loaded on a replayed warm run
if TYPE_CHECKING:
    from typing import Any, Callable


class _Defaults:
    """What ``json.JSONDecoder()`` hands the scanner: its settings when no argument is given."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}.__getitem__


_scan: Callable[[str, int], tuple[Any, int]] | None
try:
    from _json import make_scanner
except ImportError:  # pragma: no cover - CPython always has it
    _scan = None
else:
    _scan = make_scanner(_Defaults())  # type: ignore[arg-type]  # typeshed asks a scanner; C reads these fields


def loads(text: str) -> Any:
    """The value of the JSON document ``text``; raises ValueError (or RecursionError) when it is not one."""
    if _scan is None:  # pragma: no cover
        import json

        return json.loads(text)
    try:
        value, end = _scan(text, 0)
    except StopIteration:
        raise ValueError("not a JSON document") from None
    if end != len(text):
        raise ValueError("extra data after the JSON document")
    return value
