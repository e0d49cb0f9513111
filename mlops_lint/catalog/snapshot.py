"""The catalog's TOML, already parsed, kept as JSON beside the package like Python's own ``.pyc`` files.

Parsing the catalog's TOML (pure-Python ``tomllib``, ~50 files) costs more than all the rest of a
warm run's work; reading the same tables from JSON costs a fiftieth of that. The snapshot holds
data only (the tables ``tomllib`` returned, never objects or code) and goes through the catalog's
own validation like freshly parsed TOML (load.py), so a tampered snapshot can at worst be refused.
Its name is a hash of the TOML bytes, the code that reads them and the Python version, so an edited
catalog or loader is never served a stale copy.

It is written where Python writes bytecode (the package's ``__pycache__``), and not at all when
Python is told not to write bytecode or the folder is read-only. It is read only from a real folder
(not a symlink) and a regular file that belong to the current user or to the owner of the package's
own code, who could change that code anyway. A missing, truncated, foreign or refused snapshot just
means parsing the TOML again.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

from mlops_lint.cache.fingerprint import blake2b  # hashlib's, without loading OpenSSL at start-up
from mlops_lint.cache.folder import read_file

_PACKAGE = Path(__file__).resolve().parent
_FOLDER = _PACKAGE / "__pycache__"
# The tables are read by these modules: their source is part of the key.
_CODE = [_PACKAGE / name for name in ("load.py", "model.py", "schema.py", "conditions.py", "snapshot.py")]
_KIND = "mlops-lint catalog"


def snapshot_key(sources: list[tuple[str, bytes]]) -> str:
    digest = blake2b(digest_size=16)
    digest.update(sys.version.encode())
    for path in _CODE:
        digest.update(path.read_bytes())
    for name, data in sources:
        digest.update(f"{name}:{len(data)}:".encode())
        digest.update(data)
    return digest.hexdigest()


def _owners() -> frozenset[int] | None:
    """Who may have written a snapshot we read: the current user, or whoever owns the package's code."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:
        return None
    try:
        return frozenset({getuid(), os.stat(_PACKAGE).st_uid})
    except OSError:
        return frozenset({getuid()})


def _trusted_folder(owners: frozenset[int] | None) -> bool:
    try:
        info = os.lstat(_FOLDER)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and (owners is None or info.st_uid in owners)


def load(key: str) -> dict[str, Any] | None:
    """The parsed tables of the snapshot named ``key``: {file name relative to the catalog: table}, or None."""
    owners = _owners()
    if not _trusted_folder(owners):
        return None
    data = read_file(_FOLDER / f"catalog-{key}.json", owners)
    if data is None:
        return None
    try:
        document = json.loads(data)
    except ValueError:
        return None
    if type(document) is not dict or document.get("kind") != _KIND or document.get("key") != key:
        return None
    tables = document.get("tables")
    if type(tables) is not dict or not all(type(table) is dict for table in tables.values()):
        return None
    return tables


def save(key: str, tables: dict[str, Any]) -> None:
    """Keep ``tables`` for next time, unless Python writes no bytecode here; never an error."""
    if sys.dont_write_bytecode:
        return
    try:
        data = json.dumps({"kind": _KIND, "key": key, "tables": tables}, separators=(",", ":")).encode("ascii")
    except (TypeError, ValueError):  # a TOML date or time: no snapshot, the TOML is parsed each time
        return
    try:
        _FOLDER.mkdir(exist_ok=True)
        if not _trusted_folder(_owners()):
            return
        for stale in _FOLDER.glob("catalog-*"):
            stale.unlink(missing_ok=True)
        from mlops_lint.atomic import replace_file

        # A concurrent run reads the old file or the new one, never half of one.
        replace_file(_FOLDER / f"catalog-{key}.json", data)
    except OSError:  # read-only installation: it only loses the speed-up
        pass
