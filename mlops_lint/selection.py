"""Which rules run: select / extend-select / ignore with full codes, prefixes, rule names and ALL."""

from __future__ import annotations

import difflib
from typing import Iterable

from mlops_lint.catalog import Catalog


class SelectionError(ValueError):
    """A selector that matches no rule; the message names the setting, the selector and a near miss."""

    def __init__(self, key: str, selector: str, suggestion: str | None) -> None:
        hint = f" — did you mean '{suggestion}'?" if suggestion else ""
        self.key, self.selector, self.suggestion = key, selector, suggestion
        self.problem = f"unknown rule code or prefix '{selector}'{hint}"
        super().__init__(f"'{key}': {self.problem}")


def _suggestion(selector: str, catalog: Catalog) -> str | None:
    names = [spec.name for spec in catalog.rules.values()]
    close = difflib.get_close_matches(selector.upper(), sorted(catalog.rules), n=1) or difflib.get_close_matches(
        selector.lower(), names, n=1)
    return close[0] if close else None


def expand(selectors: Iterable[str], catalog: Catalog, key: str) -> set[str]:
    codes: set[str] = set()
    for raw in selectors:
        selector = raw.strip().upper()
        if selector == "ALL":
            codes.update(catalog.rules)
            continue
        matched = {code for code in catalog.rules if code.startswith(selector)} if selector else set()
        if not matched:
            spec = catalog.by_name(raw.strip().lower())
            if spec is None:
                raise SelectionError(key, raw.strip(), _suggestion(raw.strip(), catalog))
            matched = {spec.code}
        codes.update(matched)
    return codes


def selected_codes(
    catalog: Catalog,
    select: Iterable[str] | None,
    extend_select: Iterable[str] = (),
    ignore: Iterable[str] = (),
) -> frozenset[str]:
    """``select`` None means the catalog's default-on rules; an empty ``select`` selects nothing (as ruff)."""
    if select is None:
        chosen = {code for code, spec in catalog.rules.items() if spec.default}
    else:
        chosen = expand(select, catalog, "select")
    chosen |= expand(extend_select, catalog, "extend-select")
    chosen -= expand(ignore, catalog, "ignore")
    return frozenset(chosen)
