"""Which rules run: select / extend-select / ignore with full codes, prefixes and ALL."""

from __future__ import annotations

from typing import Iterable

from mlops_lint.catalog import Catalog


class SelectionError(ValueError):
    """A selector that matches no rule code; the message names it."""


def expand(selectors: Iterable[str], catalog: Catalog, key: str) -> set[str]:
    codes: set[str] = set()
    for selector in selectors:
        selector = selector.strip().upper()
        if selector == "ALL":
            codes.update(catalog.rules)
            continue
        matched = {code for code in catalog.rules if code.startswith(selector)}
        if not matched:
            by_name = next((spec.code for spec in catalog.rules.values() if spec.name == selector.lower()), None)
            if by_name is None:
                raise SelectionError(f"'{key}': unknown rule code or prefix '{selector}'")
            matched = {by_name}
        codes.update(matched)
    return codes


def selected_codes(
    catalog: Catalog,
    select: Iterable[str] | None,
    extend_select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    preview: bool = False,
) -> frozenset[str]:
    if select is None:
        chosen = {code for code, spec in catalog.rules.items() if spec.default}
    else:
        chosen = expand(select, catalog, "select")
    if preview:
        # --preview: also the heuristic rules that ship off by default.
        chosen |= {code for code, spec in catalog.rules.items() if not spec.default}
    chosen |= expand(extend_select, catalog, "extend-select")
    chosen -= expand(ignore, catalog, "ignore")
    return frozenset(chosen)
