"""Find the catalog folder: the copy packaged in the wheel, else the source checkout's rules/."""

from __future__ import annotations

import os

TYPE_CHECKING = False  # a replayed warm run (cache/replay.py) loads neither typing nor pathlib
if TYPE_CHECKING:
    from pathlib import Path


def catalog_dir() -> Path:
    from pathlib import Path

    return Path(catalog_path())


def catalog_path() -> str:
    """``catalog_dir`` as a ``str``."""
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    packaged = os.path.join(package, "_catalog")
    if os.path.isdir(packaged):
        return packaged
    checkout = os.path.join(os.path.dirname(package), "rules")
    if os.path.isdir(checkout):
        return checkout
    raise FileNotFoundError(f"rule catalog not found in {packaged} or {checkout}")
