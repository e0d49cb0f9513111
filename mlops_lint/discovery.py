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
    compiled = [fnmatch.translate(os.path.normcase(p)) for p in patterns]
    if not compiled:
        return lambda _text: False
    match = re.compile("|".join(f"(?:{c})" for c in compiled)).match
    return lambda text: match(os.path.normcase(text)) is not None


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
