"""The shape of the linted folders, so that an unchanged run need not walk them again.

Which files a run lints depends on the folders discovery lists and the ignore files it reads
there. A folder's stat signature (mtime, ctime, inode, device) changes whenever an entry is
added to it, removed or renamed, and whenever its permissions change; an ignore file's changes
whenever it is written. So when every folder discovery could list, and every ignore file in them,
has the signature it had before a run, discovery would find the same files, and a warm run
answered from its record (answers.py) skips the walk: one ``os.stat`` per folder instead.

``shape`` walks a superset of what discovery lists: every folder under the linted paths except
those discovery skips by name (an ``exclude`` glob matching the folder's name, as documented in
docs/cli.md), following symlinked folders too (discovery does not: more is harmless). It gives up
(None: the next run walks again) beyond ``MAX_FOLDERS`` folders, and when a signature is not
settled before ``since_ns``, the start of the run whose discovery it vouches for: a folder
changed while that run went on must not vouch for its result (fingerprint.py). The folders above
the linted paths (their ``.gitignore``, ``.git/info/exclude``) are the record's probes.
``tests/test_cache_answers.py`` checks, with audit hooks, that discovery reads nothing else.
"""

from __future__ import annotations

import os

from mlops_lint.cache.fingerprint import settled, signature

TYPE_CHECKING = False  # not typing's: a replayed warm run (replay.py) never loads typing
if TYPE_CHECKING:
    from typing import Any

MAX_FOLDERS = 5000
IGNORE_FILES = (".gitignore",)


def shape(roots: list[str], exclude: list[str], since_ns: int) -> list[list[object]] | None:
    """[[path, signature], ...] of the folders under ``roots`` and their ignore files, or None."""
    from fnmatch import fnmatchcase  # only when recording: fnmatch loads re, which a replay need not

    globs = [os.path.normcase(glob.rstrip("/")) for glob in exclude]
    entries: list[list[object]] = []
    seen: set[str] = set()
    stack = [root for root in reversed(roots) if os.path.isdir(root)]
    while stack:
        folder = stack.pop()
        real = os.path.realpath(folder)
        if real in seen:
            continue
        seen.add(real)
        try:
            info = os.stat(folder)
        except OSError:
            return None
        if not settled(info, since_ns) or len(entries) >= MAX_FOLDERS:
            return None
        entries.append([folder, signature(info)])
        try:
            children = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:  # unreadable: its signature changes with its permissions
            continue
        for child in children:
            # A link can come to life, or lead elsewhere, without its folder changing: only real
            # ignore files, and links that lead to something now (their targets are followed).
            if child.is_symlink() and (child.name in IGNORE_FILES or not os.path.exists(child.path)):
                return None
            if child.name in IGNORE_FILES:
                try:
                    ignore = os.stat(child.path)
                except OSError:
                    return None
                if not settled(ignore, since_ns):
                    return None
                entries.append([child.path, signature(ignore)])
            elif child.is_dir() and not any(fnmatchcase(os.path.normcase(child.name), glob) for glob in globs):
                stack.append(child.path)
    return entries


def unchanged(entries: list[Any]) -> bool:
    """Whether every folder and ignore file of a shape still has its signature."""
    for entry in entries:
        if type(entry) is not list or len(entry) != 2 or type(entry[0]) is not str:
            return False
        try:
            if signature(os.stat(entry[0])) != entry[1]:
                return False
        except (OSError, ValueError):
            return False
    return True
