"""Make text from the linted tree safe to print on a terminal and to write as UTF-8.

File names and the string literals that messages quote come from the repository. Printed raw, an
escape sequence in them can set the terminal's title, clear the screen or write the clipboard
(OSC 52), a newline can forge a finding line, and a file name that is not valid UTF-8 (held as
lone surrogates, Python's ``surrogateescape``) cannot be encoded at all.
"""

from __future__ import annotations

import re

# C0 controls but tab, DEL, C1 controls; the line and paragraph separators and the bidirectional
# controls, which reorder what a terminal shows ("Trojan Source"); lone surrogates.
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # the undecodable byte of a surrogate-escaped file name
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``, ``\\n``), as ``repr`` shows them.

    A tab is kept (code frames indent with it; it moves the cursor, nothing more). Backslashes are
    not doubled: a Windows path stays readable, and an escape cannot be forged by one since the
    control characters themselves never get through.
    """
    return _UNPRINTABLE.sub(_escape, text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_unicode(text: str) -> str:
    """``text`` without lone surrogates (shown as ``\\xff``), so that it encodes to valid UTF-8 (JSON, SARIF)."""
    return _SURROGATE.sub(_escape, text)


def valid_unicode_data(value: object) -> object:
    """``valid_unicode`` applied to every string of a JSON-like document (keys included)."""
    if isinstance(value, str):
        return valid_unicode(value)
    if isinstance(value, dict):
        return {valid_unicode_data(key): valid_unicode_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [valid_unicode_data(item) for item in value]
    return value
