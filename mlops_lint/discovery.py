"""Expand the paths a user gives into the files to lint, honouring excludes and .gitignore."""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

from mlops_lint.gitignore import GitIgnore
from mlops_lint.source.reading import FileReadError, read_bytes_limited

SUFFIXES = (".py", ".ipynb")
# A .gitignore is a few kilobytes; one that is a FIFO, a link to /dev/zero or enormous is not read.
_MAX_IGNORE_FILE_SIZE = 1024 * 1024
# (path, why it was not walked or read): filled by the walk, reported as MLO002 by the run.
Problems = list[tuple[str, str]]
# Told each file or folder the walk leaves out, with the reason (``-v`` prints them).
Skipped = Callable[[str, str], None]


@dataclass(frozen=True)
class _Ignore:
    """One .gitignore: its patterns apply to paths relative to the folder that holds it."""

    folder: str
    spec: GitIgnore
    name: str = ".gitignore"  # the file's name in ``folder``, for messages


def _read_gitignore(folder: str, name: str = ".gitignore") -> _Ignore | None:
    path = os.path.join(folder, name)
    try:
        lines = read_bytes_limited(path, _MAX_IGNORE_FILE_SIZE).decode("utf-8", errors="replace").splitlines()
    except FileReadError:
        return None
    return _Ignore(folder, GitIgnore(lines))


def _ancestor_gitignores(root: str) -> list[_Ignore]:
    """The .gitignore files above ``root`` up to its git work tree's top, outermost first."""
    found: list[_Ignore] = []
    for folder in (Path(root).resolve(), *Path(root).resolve().parents):
        if folder != Path(root).resolve():
            ignore = _read_gitignore(str(folder))
            if ignore is not None:
                found.append(ignore)
        if (folder / ".git").exists():
            # The repository's own excludes rank below every .gitignore, as in git.
            info = _read_gitignore(str(folder), os.path.join(".git", "info", "exclude"))
            info = replace(info, name=os.path.join(".git", "info", "exclude")) if info is not None else None
            return ([info] if info is not None else []) + found[::-1]
    return []  # not inside a git work tree: only the .gitignore files under root count


def _gitignored(path: str, is_dir: bool, ignores: list[_Ignore]) -> _Ignore | None:
    """The ignore file that ignores ``path``, or None when it is not ignored."""
    # The deepest .gitignore with a matching pattern decides, as in git (negations included).
    absolute = os.path.abspath(path)
    for ignore in reversed(ignores):
        relative = os.path.relpath(absolute, ignore.folder).replace(os.sep, "/")
        if relative.startswith(".."):
            continue
        decision = ignore.spec.check(relative + "/" if is_dir else relative)
        if decision is not None:
            return ignore if decision else None
    return None


def _matcher(patterns: Iterable[str]) -> Callable[[str], bool]:
    """One compiled regex for every exclude glob: fnmatch per pattern and entry dominated warm runs."""
    globs = [fnmatch.translate(os.path.normcase(p.rstrip("/"))) for p in patterns]
    if not globs:
        return lambda text: False
    match = re.compile("|".join(f"(?:{glob})" for glob in globs)).match
    return lambda text: match(os.path.normcase(text)) is not None


def _excluded(name: str, relative: str, matches: Callable[[str], bool]) -> bool:
    return matches(name) or matches(relative.replace(os.sep, "/"))


def _is_virtualenv(folder: str) -> bool:
    # Virtualenvs go by any name; every one made by venv or virtualenv carries a pyvenv.cfg.
    return os.path.isfile(os.path.join(folder, "pyvenv.cfg"))


def _exclude_glob(name: str, relative: str, patterns: Iterable[str]) -> str:
    """The first of ``patterns`` that excludes the entry (only asked for what ``-v`` reports)."""
    return next((p for p in patterns if _excluded(name, relative, _matcher([p]))), "?")


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _link_leaves(path: str, real_root: str) -> bool:
    """Whether the symbolic link ``path`` leads out of the walked folder (``real_root``, resolved).

    A link into the tree is linted like the file it names; a link out of it (``settings.py ->
    /proc/self/environ``, ``~/.ssh/id_rsa``) is not read, as git stores it as a link, not a file.
    """
    return not _inside(os.path.realpath(path), real_root)


def _walk(
    root: str, matches: Callable[[str], bool], problems: Problems, skipped: Skipped | None = None, patterns: tuple[str, ...] = ()
) -> Iterator[str]:
    ancestors = _ancestor_gitignores(root)
    real_root = os.path.realpath(root)
    stack: list[tuple[str, list[_Ignore]]] = [(root, ancestors)]
    while stack:
        folder, inherited = stack.pop()
        own = _read_gitignore(folder)
        ignores = [*inherited, own] if own is not None else inherited
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            # An unreadable folder or one past PATH_MAX hides every file in it: say so.
            problems.append((folder, f"could not read folder: {error.strerror or error}; the files in it were not checked"))
            continue
        subfolders: list[str] = []
        for entry in entries:
            path = os.path.normpath(os.path.join(folder, entry.name))
            relative = os.path.relpath(path, root)
            # Symlinked folders are not followed (as os.walk): a link to an ancestor would never end.
            is_dir = entry.is_dir(follow_symlinks=False)
            if _excluded(entry.name, relative, matches):
                if skipped is not None and (is_dir or entry.name.endswith(SUFFIXES)):
                    skipped(path, f"excluded by '{_exclude_glob(entry.name, relative, patterns)}'")
                continue
            ignored_by = _gitignored(path, is_dir, ignores)
            if ignored_by is not None:
                if skipped is not None and (is_dir or entry.name.endswith(SUFFIXES)):
                    skipped(path, f"ignored by {os.path.normpath(os.path.join(os.path.relpath(ignored_by.folder), ignored_by.name))}")
                continue
            if is_dir:
                if not _is_virtualenv(path):
                    subfolders.append(path)
                elif skipped is not None:
                    skipped(path, "a virtualenv (it holds a pyvenv.cfg)")
            elif entry.name.endswith(SUFFIXES):
                if entry.is_symlink() and _link_leaves(path, real_root):
                    problems.append((path, "not read: a symbolic link to a file outside the folder being linted "
                                           "(name the file on the command line to lint it)"))
                    continue
                yield path
        stack.extend((sub, ignores) for sub in reversed(subfolders))


def discover(
    paths: Iterable[str], exclude: Iterable[str], problems: Problems | None = None, *, skipped: Skipped | None = None
) -> Iterator[str]:
    """Files under ``paths`` in a stable order, each once; a file named explicitly is always kept.

    A path that does not exist is yielded as it is: reading it fails with MLO002 and the run goes on.
    What the walk cannot enter or will not follow is appended to ``problems`` as (path, reason);
    ``skipped`` hears each .py/.ipynb file and folder the walk leaves out on purpose, and why.
    """
    patterns = tuple(exclude)
    matches = _matcher(patterns)
    seen: set[str] = set()
    problems = [] if problems is None else problems
    for given in paths:
        files = _walk(os.path.normpath(given), matches, problems, skipped, patterns) if os.path.isdir(given) else iter((given,))
        for path in files:
            key = os.path.abspath(path)
            if key not in seen:
                seen.add(key)
                yield path
