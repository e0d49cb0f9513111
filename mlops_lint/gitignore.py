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

Matching never backtracks for ever. A pattern becomes a short sequence of nodes (a literal, a class,
``*`` within a segment, ``**`` across folders ...). Most patterns (``*.pyc``, ``build/``, ``a/**/b``)
have at most one quantifier that spans folders and one within a segment: their regex is run by
``re``, in time about linear in the path. A pattern with more (``*a*a*a*a*b``, ``**/x/**/y/**/z``)
would backtrack in time growing like the path's length to the power of its quantifiers, as a
naive ``fnmatch`` does; it runs instead on a small Pike VM over the same nodes (the way git's
``wildmatch`` and RE2 avoid it): time proportional to path length times pattern length, with the
same answer, match and folder flag included, as ``re`` gives (tests/security/test_item13_*).
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, Sequence

# The group a pattern's regex captures when it matched a folder (the path continues with "/").
_FOLDER = "d"

# Nodes: (kind, detail). A pattern is a sequence of them, rendered as a regex or as a VM program.
_Node = tuple[str, str]
_REGEX = {
    "star": "[^/]*",  # '*' inside a segment
    "plus": "[^/]+",  # a whole segment '*'
    "one": "[^/]",  # '?'
    "bol": "^",
    "lead": "(?:.+/)?",  # a leading '**/': any folders above
    "middle": "(?:/.+)?",  # an inner '/**': zero or more folders
    "slash": "/",
    "folder": f"(?P<{_FOLDER}>/)",  # matched a folder, and so the path continues
    "folder_or_end": f"(?:(?P<{_FOLDER}>/)|$)",
    "any": ".",
}
_WITHIN_SEGMENT = {"star", "plus"}
_ACROSS_FOLDERS = {"lead", "middle"}


class _Discard(Exception):
    """A pattern git ignores (unclosed ``[``, a trailing lone backslash)."""


def _glob(segment: str) -> list[_Node]:
    """One path segment's glob as nodes (never crossing '/')."""
    out: list[_Node] = []
    i, end = 0, len(segment)
    while i < end:
        char = segment[i]
        i += 1
        if char == "\\":
            if i == end:
                raise _Discard
            out.append(("literal", segment[i]))
            i += 1
        elif char == "*":
            out.append(("star", ""))
        elif char == "?":
            out.append(("one", ""))
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
            out.append(("class", "[" + ("^" if negated else "") + members.replace("\\", "\\\\") + "]"))
            i = j + 1
        else:
            out.append(("literal", char))
    return out


def _nodes(segments: list[str], folders_only: bool) -> list[_Node]:
    """The nodes of a pattern's '/'-separated segments (its '!' removed), searched in a path."""
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
    folder: _Node = ("folder", "") if folders_only else ("slash", "")
    if segments == ["**"]:
        return [("folder", "")] if folders_only else [("any", "")]
    if segments == ["**", "*"]:
        return [("any", "")]
    if segments == ["**", "*", "**"]:
        return [folder]
    nodes: list[_Node] = []
    need_slash, last = False, len(segments) - 1
    for i, segment in enumerate(segments):
        if segment == "**":
            if i == 0:
                nodes += [("bol", ""), ("lead", "")]
            elif i < last:
                nodes.append(("middle", ""))
                need_slash = True
            else:
                nodes.append(folder)
            continue
        if i == 0:
            nodes.append(("bol", ""))
        if need_slash:
            nodes.append(("slash", ""))
        nodes += [("plus", "")] if segment == "*" else _glob(segment)
        if i == last:
            nodes.append(("folder_or_end", ""))
        need_slash = True
    return nodes


def _regex(nodes: Sequence[_Node]) -> str:
    return "".join(
        re.escape(detail) if kind == "literal" else detail if kind == "class" else _REGEX[kind] for kind, detail in nodes
    )


def _backtracks_long(nodes: Sequence[_Node]) -> bool:
    """Whether ``re`` could take more than about path length x segment length steps on this pattern.

    A quantifier across folders ranges over the whole path (up to PATH_MAX), one within a segment
    over one name (up to 255): re's worst case multiplies their ranges.
    """
    across = sum(kind in _ACROSS_FOLDERS for kind, _ in nodes)
    within = sum(kind in _WITHIN_SEGMENT for kind, _ in nodes)
    return across + within > 2 or across > 1


# A compiled pattern: path -> None (no match) or whether it matched through a folder above the path.
_Search = Callable[[str], "bool | None"]


def _regex_search(pattern: re.Pattern[str]) -> _Search:
    def search(path: str) -> bool | None:
        match = pattern.search(path)
        return None if match is None else match.groupdict().get(_FOLDER) is not None

    return search


# --- The Pike VM: every thread advances one character at a time, in priority order --------------
# Instructions: ("char", test), ("split", preferred, other), ("jump", target), ("set_folder",),
# ("bol",), ("eol",), ("match",). Priority order reproduces re's backtracking order, so the first
# match found is re's match (and so is its folder flag).


def _is_not_slash(char: str) -> bool:
    return char != "/"


def _is_not_newline(char: str) -> bool:
    return char != "\n"  # re's '.' without DOTALL


def _compile_vm(nodes: Sequence[_Node]) -> list[tuple]:
    program: list[tuple] = []

    def char(test: Callable[[str], bool]) -> None:
        program.append(("char", test))

    for kind, detail in nodes:
        here = len(program)
        if kind == "literal":
            char(detail.__eq__)
        elif kind == "class":
            char(re.compile(detail).fullmatch)
        elif kind == "one":
            char(_is_not_slash)
        elif kind == "star":  # here: split(body, after); body: char; jump here
            program += [("split", here + 1, here + 3), ("char", _is_not_slash), ("jump", here)]
        elif kind == "plus":
            program += [("char", _is_not_slash), ("split", here, here + 2)]
        elif kind == "bol":
            program.append(("bol",))
        elif kind == "lead":  # (?:.+/)?
            program += [("split", here + 1, here + 4), ("char", _is_not_newline), ("split", here + 1, here + 3),
                        ("char", "/".__eq__)]
        elif kind == "middle":  # (?:/.+)?
            program += [("split", here + 1, here + 4), ("char", "/".__eq__), ("char", _is_not_newline),
                        ("split", here + 2, here + 4)]
        elif kind == "slash":
            char("/".__eq__)
        elif kind == "folder":
            program += [("set_folder",), ("char", "/".__eq__)]
        elif kind == "folder_or_end":  # (?:(?P<d>/)|$)
            program += [("split", here + 1, here + 4), ("set_folder",), ("char", "/".__eq__), ("jump", here + 5), ("eol",)]
        elif kind == "any":
            char(_is_not_newline)
        else:  # pragma: no cover - _nodes makes no other kind
            raise AssertionError(kind)
    program.append(("match",))
    return program


def _vm_search(program: list[tuple], anchored: bool) -> Callable[[str], "bool | None"]:
    def add(threads: list[tuple[int, bool]], seen: set[int], pc: int, folder: bool, path: str, position: int) -> None:
        # Follow jumps, splits and assertions (in priority order) to the threads' next characters.
        stack = [(pc, folder)]
        while stack:
            pc, folder = stack.pop()
            if pc in seen:
                continue
            seen.add(pc)
            instruction = program[pc]
            op = instruction[0]
            if op == "jump":
                stack.append((instruction[1], folder))
            elif op == "split":
                stack += [(instruction[2], folder), (instruction[1], folder)]  # the preferred is popped first
            elif op == "set_folder":
                stack.append((pc + 1, True))
            elif op == "bol":
                if position == 0:
                    stack.append((pc + 1, folder))
            elif op == "eol":
                if position == len(path) or (position == len(path) - 1 and path[-1] == "\n"):
                    stack.append((pc + 1, folder))
            else:
                threads.append((pc, folder))

    def search(path: str) -> bool | None:
        found: bool | None = None
        threads: list[tuple[int, bool]] = []
        add(threads, set(), 0, False, path, 0)
        for position in range(len(path) + 1):
            char = path[position] if position < len(path) else ""
            following: list[tuple[int, bool]] = []
            seen: set[int] = set()
            for pc, folder in threads:
                instruction = program[pc]
                if instruction[0] == "match":
                    found = folder
                    break  # every thread after this one has a lower priority
                if char and instruction[1](char):
                    add(following, seen, pc + 1, folder, path, position + 1)
            if found is None and not anchored and position < len(path):
                add(following, seen, 0, False, path, position + 1)  # re.search tries the next start last
            threads = following
            if not threads:
                break
        return found

    return search


def _required_literal(nodes: Sequence[_Node]) -> str:
    """The longest run of literal characters every match contains (a cheap test before the VM)."""
    best = run = ""
    for kind, detail in nodes:
        run = run + detail if kind == "literal" else ""
        best = max(best, run, key=len)
    return best


def _guarded(search: _Search, literal: str) -> _Search:
    if not literal:
        return search
    return lambda path: search(path) if literal in path else None


def compile_search(nodes: Sequence[_Node]) -> _Search:
    if not _backtracks_long(nodes):
        return _regex_search(re.compile(_regex(nodes)))
    program = _compile_vm(nodes)
    return _guarded(_vm_search(program, anchored=nodes[0][0] == "bol"), _required_literal(nodes))


def _pattern(line: str) -> tuple[_Search, bool] | None:
    """(search, excludes) for one .gitignore line, or None when it matches nothing."""
    if not line.endswith("\\ "):
        line = line.rstrip()
    if not line or line.startswith("#") or line == "/":
        return None
    excludes = not line.startswith("!")
    if not excludes:
        line = line[1:]
    segments = line.split("/")
    try:
        nodes = _nodes(segments, folders_only=segments[-1] == "")
        re.compile(_regex(nodes))  # a class re refuses ("[z-a]") discards the pattern, in both engines
        return compile_search(nodes), excludes
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
        for search, excludes in self._patterns:
            via_folder = search(path)
            if via_folder is None:
                continue
            this_rank = 1 if via_folder else 2
            if (excludes and via_folder) or this_rank >= rank:
                decision, rank = excludes, this_rank
        return decision
