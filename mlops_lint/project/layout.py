"""Where a module of the linted tree is, seen from another: projects, import roots, module files.

- **Project.** A file belongs to the nearest folder above it that holds ``pyproject.toml``,
  ``setup.cfg`` or ``.git``; without one, to the folder the run was given (the deepest given
  folder holding it, else its own folder). Nothing outside a project is ever read for it.
- **Import roots** of a module, in the order Python searches them: its own folder (a script's
  folder is ``sys.path[0]``; a notebook runs in its folder), the folders its code adds with
  ``sys.path.insert``/``sys.path.append`` of a literal path, then the project's folder and its
  ``src/`` (installed or run from the top: ``src`` layouts).
- **Module files.** ``a.b.c`` is ``a/b/c.py`` or ``a/b/c/__init__.py`` under the first root that
  has it, and inside the project after every symbolic link is followed. A top-level name that is
  a package the catalog describes (``sklearn``, ``torch``: their own source trees, linted as a
  corpus) or a module of the standard library is never a project module: catalog knowledge is what
  the rules rely on for those.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Iterable, Sequence

MARKERS = ("pyproject.toml", "setup.cfg", ".git")
_SOURCE_FOLDER = "src"
_INIT = os.sep + "__init__.py"


@dataclass(frozen=True)
class Found:
    """A module file, and what is left of the dotted name after it (an attribute of the module)."""

    path: str  # absolute, normalised (not resolved: the user's spelling of the tree)
    rest: tuple[str, ...]


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


class Layout:
    """Projects and module files of one run (every answer is memoised: a run sees one tree)."""

    def __init__(self, given: Iterable[str], never_project: frozenset[str], files: frozenset[str] | None = None) -> None:
        # The folders the run was given, deepest first: a file's fallback project.
        self._given = sorted({os.path.normpath(os.path.abspath(g)) for g in given}, key=len, reverse=True)
        # A closed layout (project/pipeline.py: bytes in, data out) sees these files only, the
        # given folders as projects, and no link: it never asks the disk.
        self._closed = files
        self._never = never_project | frozenset(sys.stdlib_module_names)
        self._roots: dict[str, str] = {}
        self._real: dict[str, str] = {}
        self._files: dict[str, bool] = {}
        self._folders: dict[str, bool] = {}
        # (dotted, roots, project) → the module file and the files probed in vain for it: the files
        # of a folder ask for the same names (``plt.plot``: 18 probes), each file again for each call.
        self._found: dict[tuple[str, tuple[str, ...], str], tuple[Found | None, tuple[str, ...]]] = {}

    def project_root(self, path: str) -> str:
        """The project folder of the file ``path`` (absolute)."""
        folder = os.path.dirname(os.path.abspath(path))
        known = self._roots.get(folder)
        if known is None:
            known = self._roots[folder] = self._find_root(folder)
        return known

    def _find_root(self, folder: str) -> str:
        if self._closed is not None:
            return next((g for g in self._given if _inside(folder, g)), folder)
        current = folder
        while True:
            if any(os.path.exists(os.path.join(current, marker)) for marker in MARKERS):
                return current
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
        return next((g for g in self._given if _inside(folder, g)), folder)

    def real(self, path: str) -> str:
        found = self._real.get(path)
        if found is None:
            found = self._real[path] = os.path.normpath(path) if self._closed is not None else os.path.realpath(path)
        return found

    def in_project(self, path: str, root: str) -> bool:
        """Whether ``path``, every link followed, is inside the project folder ``root``."""
        return _inside(self.real(path), self.real(root))

    def is_file(self, path: str) -> bool:
        known = self._files.get(path)
        if known is None:
            if self._closed is not None:
                known = path in self._closed
            else:
                # A file is in a folder: ``matplotlib/pyplot/show.py`` is not looked for beside each
                # script once ``matplotlib/`` is known to be absent there.
                known = self._is_folder(os.path.dirname(path)) and os.path.isfile(path)
            self._files[path] = known
        return known

    def _is_folder(self, path: str) -> bool:
        known = self._folders.get(path)
        if known is None:
            parent = os.path.dirname(path)
            known = self._folders[path] = (parent == path or self._is_folder(parent)) and os.path.isdir(path)
        return known

    def import_roots(self, path: str, added: Sequence[str] = ()) -> tuple[str, ...]:
        """Where module ``path`` finds what it imports, in search order (see the module docstring).

        ``added``: literal folders its code puts on ``sys.path``, relative to its own folder.
        """
        folder = os.path.dirname(os.path.abspath(path))
        root = self.project_root(path)
        roots = [folder]
        roots += [os.path.normpath(os.path.join(folder, extra)) for extra in added]
        roots += [root, os.path.join(root, _SOURCE_FOLDER)]
        unique: list[str] = []
        for candidate in roots:
            if candidate not in unique and _inside(candidate, root):
                unique.append(candidate)
        return tuple(unique)

    def find(self, dotted: str, roots: Sequence[str], root: str, probed: list[str] | None = None) -> Found | None:
        """The module file of the longest prefix of ``dotted`` that is a module of the project.

        ``probed`` collects every file whose presence decided the answer (for the results cache:
        a module created later must change it).
        """
        found, absent = self.lookup(dotted, tuple(roots), root)
        if probed is not None:
            probed.extend(absent)
            if found is not None:
                probed.append(found.path)
        return found

    def lookup(self, dotted: str, roots: tuple[str, ...], root: str) -> tuple[Found | None, tuple[str, ...]]:
        """``find``'s answer, and the files probed in vain for it (the same tuple for the same question)."""
        key = (dotted, roots, root)
        known = self._found.get(key)
        if known is None:
            tried: list[str] = []
            found = self._find(dotted, roots, root, tried)
            absent = tuple(tried) if found is None else tuple(p for p in tried if p != found.path)
            known = self._found[key] = (found, absent)
        return known

    def _find(self, dotted: str, roots: Sequence[str], root: str, probed: list[str]) -> Found | None:
        parts = dotted.split(".")
        if not parts[0] or parts[0] in self._never or not all(parts):
            return None
        # Per root: the folders base/a, base/a/b, ... of the name's prefixes, and how many of them
        # (from the root down) exist: a candidate in a deeper folder is absent without a lookup
        # (matplotlib/ is not beside most scripts). Every candidate is still listed in ``probed``.
        stems: list[list[str]] = []
        depths: list[int] = []
        for base in roots:
            # A name's parts are identifiers (an import's grammar): no separator, no drive.
            folders = [os.path.join(base, parts[0])]
            for part in parts[1:]:
                folders.append(folders[-1] + os.sep + part)
            depth = -1  # how many of base, base/a, base/a/b, ... are folders, minus one
            if self._closed is not None:
                depth = len(parts)  # a closed layout never asks the disk: its file list answers
            while depth < len(parts) and self._is_folder(base if depth < 0 else folders[depth]):
                depth += 1
            stems.append(folders)
            depths.append(depth)
        for length in range(len(parts), 0, -1):
            for folders, depth in zip(stems, depths):
                stem = folders[length - 1]
                # stem.py lies in the folder of length - 1 parts; stem/__init__.py in that of length.
                for candidate, folder in ((stem + ".py", length - 1), (stem + _INIT, length)):
                    probed.append(candidate)
                    if folder <= depth and self.is_file(candidate) and self.in_project(candidate, root):
                        return Found(candidate, tuple(parts[length:]))
        return None

    def dotted(self, path: str, root: str) -> str | None:
        """The name of module file ``path`` relative to the project folder (``pkg.utils``; ``""`` for the folder itself)."""
        relative = os.path.relpath(path, root)
        if relative.startswith(os.pardir):
            return None
        stem = relative[: -len(".py")] if relative.endswith(".py") else relative
        parts = [p for p in stem.split(os.sep) if p not in ("", os.curdir)]
        if parts and parts[-1] == "__init__":
            parts.pop()
        if any("." in p for p in parts):
            return None
        return ".".join(parts)

    def package_of(self, path: str, level: int) -> str | None:
        """The folder a relative import of ``level`` dots in module ``path`` starts from, as a project-relative name."""
        folder = os.path.dirname(os.path.abspath(path))
        for _ in range(level - 1):
            folder = os.path.dirname(folder)
        root = self.project_root(path)
        if not _inside(folder, root):
            return None
        return self.dotted(os.path.join(folder, "__init__.py"), root)
