"""Which open files may depend on a module that just changed (the language server re-lints them).

A file depends on the modules of its project it imports, and on theirs in turn. Like
``relevance.py`` this reads import lines as text, so a file that could load the module is never
missed; a guess costs one more lint. Each file's text comes from ``read`` (an editor's buffer,
else the disk through the safe reader), and at most ``_MAX_MODULES`` modules are read per file.
"""

from __future__ import annotations

import os
from typing import Callable, Iterable

from mlops_lint.project.layout import Layout
from mlops_lint.project.relevance import imported_files

_MAX_MODULES = 200

Read = Callable[[str], "str | None"]  # absolute path → the module's text, None when it cannot be read


def may_import(path: str, text: str, changed: str, read: Read, layout: Layout) -> bool:
    """Whether the module ``path`` (its ``text``) imports ``changed``, directly or through other modules."""
    changed = os.path.normpath(os.path.abspath(changed))
    start = os.path.normpath(os.path.abspath(path))
    seen = {start}
    stack = [(start, text)]
    while stack:
        current, source = stack.pop()
        for found in imported_files(layout, current, source, {}):
            if found == changed:
                return True
            if found in seen or len(seen) >= _MAX_MODULES:
                continue
            seen.add(found)
            other = read(found)
            if other is not None:
                stack.append((found, other))
    return False


def dependents(changed: str, files: Iterable[tuple[str, str]], read: Read, given: Iterable[str]) -> list[str]:
    """The paths among ``files`` ((path, text) of each open file) that may import the module ``changed``."""
    layout = Layout(given, frozenset())
    changed_absolute = os.path.normpath(os.path.abspath(changed))
    return [path for path, text in files
            if os.path.normpath(os.path.abspath(path)) != changed_absolute and may_import(path, text, changed, read, layout)]
