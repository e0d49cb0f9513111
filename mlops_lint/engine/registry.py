"""Find every Rule subclass under mlops_lint.rules and pair it 1:1 with its catalog entry."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from mlops_lint.catalog import Catalog, CatalogError
from mlops_lint.engine.rule import Rule

# Engine diagnostics are produced by the engine itself, not by a Rule class.
ENGINE_CODES = frozenset({"MLO001", "MLO002", "MLO003"})


def _import_rule_modules() -> None:
    import mlops_lint.rules as package

    for info in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + "."):
        importlib.import_module(info.name)


def _subclasses(cls: type[Rule]) -> list[type[Rule]]:
    found: list[type[Rule]] = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


@lru_cache(maxsize=1)
def rule_classes() -> dict[str, type[Rule]]:
    _import_rule_modules()
    classes: dict[str, type[Rule]] = {}
    for cls in _subclasses(Rule):
        code = getattr(cls, "code", None)
        if code is None:
            continue
        if code in classes:
            raise CatalogError(f"rule code {code} is implemented twice: {classes[code].__name__}, {cls.__name__}")
        classes[code] = cls
    return classes


def check_pairing(catalog: Catalog) -> None:
    """Raise CatalogError when a catalog entry has no implementation or the reverse, or when a rule's
    message fields and related keys are not those of its catalog entry."""
    from mlops_lint.engine.message import check_fields

    classes = rule_classes()
    implemented = set(classes)
    declared = set(catalog.rules) - ENGINE_CODES
    for code in sorted(declared - implemented):
        raise CatalogError(f"{code}.toml: no rule class implements code '{code}'")
    for code in sorted(implemented - declared):
        raise CatalogError(f"{code}.toml: rule class for '{code}' has no catalog file")
    for code, cls in sorted(classes.items()):
        check_fields(cls, catalog.rules[code])
