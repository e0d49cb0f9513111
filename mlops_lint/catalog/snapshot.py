"""A pickled copy of the parsed catalog, kept beside the package like Python's own ``.pyc`` files.

Parsing the catalog's TOML (pure-Python ``tomllib``, ~45 files) costs more than all the rest of a
warm run's work; unpickling it costs a tenth of that. The snapshot's name is a hash of the TOML
bytes, the code that reads them and the Python version, so an edited catalog or loader is never
served a stale copy. It is written where Python writes bytecode (the package's ``__pycache__``),
and not at all when Python is told not to write bytecode or the folder is read-only; a missing,
truncated or foreign snapshot just means parsing the TOML again.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from pathlib import Path
from typing import Callable, TypeVar

from mlops_lint.atomic import replace_file

T = TypeVar("T")
_FOLDER = Path(__file__).resolve().parent / "__pycache__"
# The pickled layout is that of these modules' classes: their source is part of the key.
_CODE = [Path(__file__).resolve().parent / name for name in ("load.py", "model.py", "schema.py", "conditions.py", "snapshot.py")]


def snapshot_key(sources: list[tuple[str, bytes]]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(sys.version.encode())
    for path in _CODE:
        digest.update(path.read_bytes())
    for name, data in sources:
        digest.update(f"{name}:{len(data)}:".encode())
        digest.update(data)
    return digest.hexdigest()


def cached(key: str, kind: type[T], build: Callable[[], T]) -> T:
    """The snapshot named ``key`` if there is a valid one, else ``build()`` (saved for next time)."""
    path = _FOLDER / f"catalog-{key}.pickle"
    try:
        with open(path, "rb") as handle:
            value = pickle.load(handle)
        if isinstance(value, kind):
            return value
    except Exception:  # missing, truncated, or pickled by other code: build afresh
        pass
    value = build()
    if not sys.dont_write_bytecode:
        _save(path, value)
    return value


def _save(path: Path, value: object) -> None:
    try:
        path.parent.mkdir(exist_ok=True)
        for stale in path.parent.glob("catalog-*.pickle"):
            stale.unlink(missing_ok=True)
        # A concurrent run reads the old file or the new one, never half of one.
        replace_file(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:  # read-only installation: it only loses the speed-up
        pass
