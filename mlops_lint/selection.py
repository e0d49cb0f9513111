"""Which rules run: select / extend-select / ignore with full codes, prefixes, rule names and ALL."""

from __future__ import annotations

import difflib
import os
from typing import Iterable

from mlops_lint.catalog import Catalog


class SelectionError(ValueError):
    """A selector that matches no rule; the message names the setting, the selector and a near miss."""

    def __init__(self, key: str, selector: str, suggestion: str | None) -> None:
        hint = f" — did you mean '{suggestion}'?" if suggestion else ""
        self.key, self.selector, self.suggestion = key, selector, suggestion
        self.problem = f"unknown rule code or prefix '{selector}'{hint}"
        super().__init__(f"'{key}': {self.problem}")


# Letters typed for the digits they look like: MLO10l, MLO1O1.
_LOOK_ALIKE_DIGITS = str.maketrans("LIO", "110")


def _code_suggestion(selector: str, codes: list[str]) -> str | None:
    """The code (or prefix) ``selector`` was probably meant to be."""
    selector = selector.upper()
    if selector.startswith("MLO"):
        unconfused = "MLO" + selector[3:].translate(_LOOK_ALIKE_DIGITS)
        if any(code.startswith(unconfused) for code in codes):
            return unconfused
    scores = {code: difflib.SequenceMatcher(None, selector, code).ratio() for code in codes}
    best = max(scores.values(), default=0.0)
    if best < 0.6:  # difflib.get_close_matches' cutoff
        return None
    tied = sorted(code for code, score in scores.items() if score == best)
    if len(tied) == 1:
        return tied[0]
    # MLO10x is as close to MLO101 as to MLO105: name what they share, if it is a prefix that selects.
    shared = os.path.commonprefix(tied)
    return shared if len(shared) > len("MLO") else None


def _suggestion(selector: str, catalog: Catalog) -> str | None:
    names = [spec.name for spec in catalog.rules.values()]
    close = difflib.get_close_matches(selector.lower(), names, n=1)
    return _code_suggestion(selector, sorted(catalog.rules)) or (close[0] if close else None)


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
    preview: bool = False,
) -> frozenset[str]:
    """``select`` None means the catalog's default-on rules; an empty ``select`` selects nothing (as ruff)."""
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
