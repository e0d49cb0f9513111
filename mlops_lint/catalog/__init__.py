"""The rule catalog: rule metadata and library API knowledge, read from the top-level rules/ folder."""

from mlops_lint.catalog.load import CatalogError, load_catalog
from mlops_lint.catalog.model import ApiEntry, Catalog, Example, RuleSpec

__all__ = ["ApiEntry", "Catalog", "CatalogError", "Example", "RuleSpec", "load_catalog"]
