"""The rule catalog: rule metadata and library API knowledge, read from the top-level rules/ folder."""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: a warm run that needs only locate.py does not load typing
if TYPE_CHECKING:
    from typing import Any

    from mlops_lint.catalog.load import CatalogError, load_catalog
    from mlops_lint.catalog.model import ApiEntry, Catalog, Example, RuleSpec

__all__ = ["ApiEntry", "Catalog", "CatalogError", "Example", "RuleSpec", "load_catalog"]
_HOME = {"CatalogError": "load", "load_catalog": "load",
         "ApiEntry": "model", "Catalog": "model", "Example": "model", "RuleSpec": "model"}


def __getattr__(name: str) -> Any:
    # Loaded on first use, so that mlops_lint.catalog.locate alone (the fingerprint of a warm run
    # answered from the cache) does not load the TOML reader and the catalog's classes.
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"mlops_lint.catalog.{_HOME[name]}"), name)
