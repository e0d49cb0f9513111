"""Expand the paths a user gives into the files to lint, honouring excludes and .gitignore."""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path
from typing import Callable, Iterable, Iterator

SUFFIXES = (".py", ".ipynb")


def _matcher(patterns: Iterable[str]) -> Callable[[str], bool]:
    """One compiled regex for all globs: fnmatch per pattern and file dominated warm runs."""
    patterns = [os.path.normcase(p) for p in patterns]
    # A glob without wildcards matches only itself: a set lookup, and no regex to compile.
    plain = {p for p in patterns if not any(c in p for c in "*?[")}
    globs = [fnmatch.translate(p) for p in patterns if p not in plain]
    if not globs:
        return lambda text: os.path.normcase(text) in plain
    match = re.compile("|".join(f"(?:{g})" for g in globs)).match
    return lambda text: os.path.normcase(text) in plain or match(os.path.normcase(text)) is not None


def _excluded(name: str, relative: str, matches: Callable[[str], bool]) -> bool:
    return matches(name) or matches(relative)


def discover(paths: Iterable[str], exclude: Iterable[str]) -> Iterator[str]:
    """Files under ``paths`` in a stable order; a file named explicitly is always kept."""
    matches = _matcher(exclude)
    for given in paths:
        root = Path(given)
        if not root.is_dir():
            yield given
            continue
        # os.walk joins onto the root's own spelling, so the relative path is a slice, not a relpath().
        prefix = len(os.path.join(str(root), ""))
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not _excluded(d, os.path.join(folder, d)[prefix:], matches))
            for name in sorted(files):
                path = os.path.join(folder, name)
                if name.endswith(SUFFIXES) and not _excluded(name, path[prefix:], matches):
                    yield path
