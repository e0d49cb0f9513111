"""Find the catalog folder: the copy packaged in the wheel, else the source checkout's rules/."""

from __future__ import annotations

from pathlib import Path


def catalog_dir() -> Path:
    package = Path(__file__).resolve().parent.parent
    packaged = package / "_catalog"
    if packaged.is_dir():
        return packaged
    checkout = package.parent / "rules"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"rule catalog not found in {packaged} or {checkout}")
