"""Project modules recorded absent, vouched for by one stat of the folder that would hold them.

A run record (answers.py) lists every project module the analysis looked for, and nearly all of
them are absent: ``matplotlib.py``, ``matplotlib/__init__.py``, ``matplotlib/pyplot.py``... beside
each script that imports matplotlib (3,465 of the examples corpus's 3,484 entries). Each such path
is absent because one name is missing from a folder that exists: ``matplotlib`` from the script's
folder. A folder's stat signature (fingerprint.py) changes whenever a name is added to it, removed
or renamed, so while the folder keeps the signature it had when the name was seen missing, every
path through that name is still absent: a warm run checks them all with one ``os.stat`` of the
folder instead of listing it, and it parses a shorter record (only the missing names are kept:
274 for those 3,465 paths).

A group is only made when the folder's signature is settled (its last change is older than the
file system's clock can blur: fingerprint.SETTLE_SECONDS) and the same before and after the
missing names were looked up; names are looked up with ``lstat``, so a dangling symlink (whose
target may appear without its folder changing) is never counted as missing. When a folder's
signature has changed, each of its missing names is looked up again: a run that only added an
unrelated file to the folder is still answered from its record, and one where a missing name
appeared is not (even if the module below it is still absent: a full run then says).
"""

from __future__ import annotations

import os
import stat

from mlops_lint.cache.fingerprint import settled, signature

TYPE_CHECKING = False  # typing is not loaded on a replayed warm run (replay.py)
if TYPE_CHECKING:
    from typing import Any

_FOLDER, _MISSING, _OTHER = "folder", "missing", "other"


def _kind(path: str, follow: bool = False) -> str:
    try:
        mode = os.stat(path).st_mode if follow else os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return _MISSING
    except (OSError, ValueError):
        return _OTHER  # unknown: never vouched for
    return _FOLDER if stat.S_ISDIR(mode) else _OTHER


def _plain_folder(folder: str) -> bool:
    """Whether ``folder + "/" + name`` is a normalised absolute path for any plain ``name``: a POSIX
    folder that is absolute, normalised and not the root."""
    return (os.sep == "/" and os.altsep is None and folder[:1] == "/" and folder[-1:] != "/"
            and os.path.normpath(folder) == folder)


def group(paths: list[str]) -> tuple[list[list[Any]], list[str]]:
    """``([[folder, signature, [missing name, ...]], ...], paths left to check one by one)``.

    Called when a run is recorded, for the paths its analysis found absent.
    """
    import time

    # For a folder above a path: the deepest folder that exists at or above it, and the name
    # missing under that one on the way there (None when the folder itself exists); None when
    # there is no such folder to vouch. Resolved from the root down, each folder once, so that
    # nothing below a missing name is looked up; the missing names themselves are looked up
    # again below, after their folder's first stat.
    holders: dict[str, tuple[str, str | None] | None] = {}

    def holder(folder: str) -> tuple[str, str | None] | None:
        if folder in holders:
            return holders[folder]
        above = os.path.dirname(folder)
        outer = holder(above) if above != folder else (folder, None)  # the root
        found: tuple[str, str | None] | None = None
        if outer is not None and outer[1] is not None:
            found = outer  # below a missing name: missing too
        elif outer is not None:
            # A link to a folder may hold the names too: its signature (os.stat's) changes with its target.
            kind = _kind(folder, follow=True) if above != folder else _FOLDER
            if kind == _FOLDER:
                found = (folder, None)
            elif kind == _MISSING:
                found = (above, os.path.basename(folder))
        holders[folder] = found
        return found

    by_folder: dict[str, dict[str, list[str]]] = {}  # folder -> missing name -> paths through it
    loose: list[str] = []
    # Thousands of paths come from a few hundred folders: whether a folder is a normalised absolute
    # path is decided once per folder (posixpath's dirname and normpath per path were half of this).
    plain_folders: dict[str, bool] = {}
    for path in paths:
        folder, _, name = path.rpartition("/")
        plain = plain_folders.get(folder)
        if plain is None:
            plain = plain_folders[folder] = _plain_folder(folder)
        if plain and name not in ("", ".", ".."):
            found = holder(folder)  # ``path`` is then normalised, and ``folder`` its dirname
        else:
            parent = os.path.dirname(path)
            found = holder(parent) if os.path.isabs(path) and os.path.normpath(path) == path and parent != path else None
            name = os.path.basename(path)
        if found is None:
            loose.append(path)
            continue
        holding, missing = found
        by_folder.setdefault(holding, {}).setdefault(missing if missing is not None else name, []).append(path)
    now_ns = time.time_ns()
    groups: list[list[Any]] = []
    for folder, names in by_folder.items():
        through = [path for paths_through in names.values() for path in paths_through]
        try:
            before = os.stat(folder)
            # Looked up after the folder's first stat: a name added meanwhile changes its signature.
            still_missing = all(_kind(os.path.join(folder, name)) == _MISSING for name in names)
            after = os.stat(folder)
        except (OSError, ValueError):
            still_missing = False
        if still_missing and settled(before, now_ns) and signature(before) == signature(after):
            groups.append([folder, signature(before), sorted(names)])
        else:
            loose.extend(through)
    return groups, loose


def still_absent(groups: list[Any]) -> bool:
    """Whether every path of every group is still absent: its folder has the same signature, or
    each missing name is still missing. False too when ``groups`` is not what ``group`` makes."""
    for entry in groups:
        if (type(entry) is not list or len(entry) != 3 or type(entry[0]) is not str or type(entry[1]) is not list
                or type(entry[2]) is not list or not all(type(name) is str and name for name in entry[2])):
            return False
        folder, recorded, names = entry
        try:
            if signature(os.stat(folder)) == recorded:
                continue
        except (OSError, ValueError):
            pass
        if not all(os.sep not in name and _kind(os.path.join(folder, name)) == _MISSING for name in names):
            return False
    return True
