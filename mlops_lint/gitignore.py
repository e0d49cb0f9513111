"""Git's ignore rules: whether one .gitignore excludes a path, as git itself decides it.

pathspec's ``GitIgnoreSpec`` models git's behaviour well, but importing pathspec 1.x costs ~36 ms
on Python 3.11 (it pulls in asyncio through ``typing_extensions.deprecated``): a sixth of a warm
run. This module follows the same model and is tested against pathspec on generated patterns
and paths (tests/test_gitignore.py), which stays a test dependency.

The model, from gitignore(5) and git's observed behaviour:

- Blank lines and ``#`` comments match nothing; trailing blanks are dropped unless escaped
  (``\\ ``); ``!`` negates; ``\\`` escapes the next character; a lone ``/`` matches nothing.
- A pattern with a slash before its end is anchored to the .gitignore's folder; one without
  matches at any depth. A trailing slash matches directories only.
- ``*`` and ``?`` never match ``/``; ``[...]`` is a class (``!`` or ``^`` negates) and a pattern
  with an unclosed class is discarded, as git does; ``**`` as a whole segment spans any number
  of folders (leading: any depth; inner: zero or more folders; trailing: everything inside).
- A pattern that matches a folder matches everything under it. When several match, the last
  one wins, except that a pattern matching the path itself outranks one that only matches a
  folder above it, unless the latter excludes (git lets ``!file`` re-include a file its parent
  folder's pattern excluded only through a more specific match).
"""

from __future__ import annotations

import re
from typing import Iterable

# The group a pattern's regex captures when it matched a folder (the path continues with "/").
_FOLDER = "d"
_FOLDER_MARK = f"(?P<{_FOLDER}>/)"
_FOLDER_OR_END = f"(?:{_FOLDER_MARK}|$)"


class _Discard(Exception):
    """A pattern git ignores (unclosed ``[``, a trailing lone backslash)."""


def _glob(segment: str) -> str:
    """One path segment's glob as a regex (never crossing '/')."""
    out, i, end = [], 0, len(segment)
    while i < end:
        char = segment[i]
        i += 1
        if char == "\\":
            if i == end:
                raise _Discard
            out.append(re.escape(segment[i]))
            i += 1
        elif char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            j = i + (1 if i < end and segment[i] in "!^" else 0)
            j += 1 if j < end and segment[j] == "]" else 0  # a leading ']' is a member
            while j < end and segment[j] != "]":
                j += 1
            if j >= end:
                raise _Discard
            members = segment[i:j]
            negated = members[:1] in ("!", "^")
            members = members[1:] if negated else members
            out.append("[" + ("^" if negated else "") + members.replace("\\", "\\\\") + "]")
            i = j + 1
        else:
            out.append(re.escape(char))
    return "".join(out)


def _regex(segments: list[str], folders_only: bool) -> str:
    """The regex of a pattern's '/'-separated segments (its '!' removed), searched in a path."""
    if segments[0] == "":
        del segments[0]  # "/x": anchored to the .gitignore's folder
    elif len(segments) == 1 or (len(segments) == 2 and segments[1] == ""):
        if segments[0] != "**":
            segments.insert(0, "**")  # "x" and "x/": at any depth
    if not segments:
        raise _Discard
    if segments[-1] == "":
        segments[-1] = "**"  # "x/": a folder, and so everything inside it
    for i in range(len(segments) - 1, 0, -1):
        if segments[i] == "**" and segments[i - 1] == "**":
            del segments[i]
    if segments == ["**"]:
        return _FOLDER_MARK if folders_only else "."
    if segments == ["**", "*"]:
        return "."
    if segments == ["**", "*", "**"]:
        return _FOLDER_MARK if folders_only else "/"
    parts, need_slash, last = [], False, len(segments) - 1
    for i, segment in enumerate(segments):
        if segment == "**":
            if i == 0:
                parts.append("^(?:.+/)?")
            elif i < last:
                parts.append("(?:/.+)?")
                need_slash = True
            else:
                parts.append(_FOLDER_MARK if folders_only else "/")
            continue
        if i == 0:
            parts.append("^")
        if need_slash:
            parts.append("/")
        parts.append("[^/]+" if segment == "*" else _glob(segment))
        if i == last:
            parts.append(_FOLDER_OR_END)
        need_slash = True
    return "".join(parts)


def _pattern(line: str) -> tuple[re.Pattern[str], bool] | None:
    """(regex, excludes) for one .gitignore line, or None when it matches nothing."""
    if not line.endswith("\\ "):
        line = line.rstrip()
    if not line or line.startswith("#") or line == "/":
        return None
    excludes = not line.startswith("!")
    if not excludes:
        line = line[1:]
    segments = line.split("/")
    try:
        return re.compile(_regex(segments, folders_only=segments[-1] == "")), excludes
    except (_Discard, re.error):
        return None


class GitIgnore:
    """The patterns of one .gitignore, for paths relative to its folder."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._patterns = [pattern for pattern in map(_pattern, lines) if pattern is not None]

    def check(self, path: str) -> bool | None:
        """True: excluded; False: re-included by a ``!`` pattern; None: no pattern matches.

        ``path`` is '/'-separated and relative to the .gitignore's folder; a folder ends with '/'.
        """
        decision, rank = None, 0
        for regex, excludes in self._patterns:
            match = regex.search(path)
            if match is None:
                continue
            via_folder = match.groupdict().get(_FOLDER) is not None
            this_rank = 1 if via_folder else 2
            if (excludes and via_folder) or this_rank >= rank:
                decision, rank = excludes, this_rank
        return decision
