"""Expand the paths a user gives into the files to lint, honouring excludes and .gitignore."""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path
from typing import Iterable, Iterator

SUFFIXES = (".py", ".ipynb")


def _excluded(name: str, relative: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(relative, p) for p in patterns)


def discover(paths: Iterable[str], exclude: Iterable[str]) -> Iterator[str]:
    """Files under ``paths`` in a stable order; a file named explicitly is always kept."""
    patterns = tuple(exclude)
    for given in paths:
        root = Path(given)
        if not root.is_dir():
            yield given
            continue
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(
                d for d in dirs if not _excluded(d, os.path.relpath(os.path.join(folder, d), root), patterns)
            )
            for name in sorted(files):
                path = os.path.join(folder, name)
                if name.endswith(SUFFIXES) and not _excluded(name, os.path.relpath(path, root), patterns):
                    yield path
