"""Decide from a file's raw text whether any selected rule could fire on it, so others are never parsed.

Why this is sound (tests/test_prefilter.py checks it): rules only see library calls through the
catalog (``AnalyzedModule.callee``), and a qualified name ``pkg.x.y`` can only come from an import
statement naming the top-level package ``pkg`` (``analysis/names.py`` reads nothing else); an
identifier cannot be split across lines, so ``pkg`` appears verbatim in the text (after NFKC
normalisation, which Python applies to identifiers), as a whole identifier, on the logical line of
the statement's keyword ``import`` (``import pkg``, ``from pkg.x import y``): an import statement
joins physical lines only with backslashes before its names. So the prefilter finds each
``import`` with a plain substring search and reads the words of its logical line; a package named
in prose (``HTTP requests``, ``claim``) is no import. The triggers are therefore derived, never
listed by hand:

- the top-level package of every qualified name in ``rules/api/*.toml``, except the standard
  library's and the methods matched by name (entries with ``receiver``): every rule needs a call
  into a third-party library to fire (the standard library alone trains no model; ``json.dump``
  or ``print`` are evidence about a training module, never the module itself, and so is a plotting
  library's call: role ``plot``), and a method is reached through an object some library call made;
- plus each selected rule's ``triggers`` key (extra substrings for a rule that can fire without a
  catalog API; ``""`` means every file).

Engine codes (MLO001 syntax error, MLO002 unreadable, MLO003 internal error) bring no triggers:
they are reported for the files that are analysed. A file without any trigger is not parsed, so a
syntax error in a file with no ML code is not reported. When only engine codes are selected
(``--select MLO001``) there is nothing to narrow to and every file is parsed.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Iterable

from mlops_lint.catalog import Catalog
from mlops_lint.engine.registry import ENGINE_CODES


_WORD = re.compile(r"\w+")
# Roles whose calls alone make no rule fire: a file that only draws is no training code.
_NEVER_ALONE = frozenset({"plot"})


@dataclass(frozen=True, slots=True)
class Prefilter:
    """A file is parsed when it imports one of ``packages`` or contains one of ``substrings``."""

    packages: tuple[str, ...]
    substrings: tuple[str, ...] = ()
    _package_set: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_package_set", frozenset(self.packages))

    @property
    def triggers(self) -> tuple[str, ...]:
        return tuple(sorted({*self.packages, *self.substrings}))

    def keeps(self, text: str) -> bool:
        if self._mentions(text):
            return True
        if text.isascii():
            return False
        import unicodedata  # rarely needed: not worth its load time on every start-up

        # Python reads identifiers NFKC-normalised: 'ｓｋｌｅａｒｎ' imports sklearn.
        return self._mentions(unicodedata.normalize("NFKC", text))

    def _mentions(self, text: str) -> bool:
        return any(substring in text for substring in self.substrings) or self._imports_a_package(text)

    def _imports_a_package(self, text: str) -> bool:
        """Any word of the logical line around any ``import`` is a package (see the module doc).

        One substring search per ``import`` instead of a regex or a search per package: on the
        standard library (31 MB) 0.07 s against 1.4 s.
        """
        find, packages, size = text.find, self._package_set, len(text)
        at = find("import")
        while at != -1:
            start = text.rfind("\n", 0, at) + 1
            while _continued(text, start - 1):  # the line before ends with a backslash
                start = text.rfind("\n", 0, start - 1) + 1
            end = find("\n", at)
            while end != -1 and _continued(text, end):
                end = find("\n", end + 1)
            end = size if end == -1 else end
            if any(word in packages for word in _WORD.findall(text, start, end)):
                return True
            at = find("import", end)
        return False


def _continued(text: str, newline: int) -> bool:
    """Whether the physical line ending at ``text[newline]`` (a "\\n") ends with a backslash."""
    if newline < 1:
        return False
    before = newline - 1
    if text[before] == "\r":
        before -= 1
    return before >= 0 and text[before] == "\\"


# The last catalog's API packages: a run asks twice (its prefilter, its project's layout), and the
# language server's forked lints inherit the answer of its warm-up instead of reading every entry.
_API_PACKAGES: tuple[Catalog, frozenset[str]] | None = None


def api_packages(catalog: Catalog) -> frozenset[str]:
    """The third-party packages the catalog's APIs are imported from (see the module docstring)."""
    global _API_PACKAGES
    if _API_PACKAGES is not None and _API_PACKAGES[0] is catalog:
        return _API_PACKAGES[1]
    packages = set()
    for qualname, entry in catalog.api.items():
        package = qualname.split(".", 1)[0]
        if "receiver" not in entry.facts and package not in sys.stdlib_module_names and entry.role not in _NEVER_ALONE:
            packages.add(package)
    _API_PACKAGES = (catalog, frozenset(packages))
    return _API_PACKAGES[1]


def _minimal(triggers: Iterable[str]) -> tuple[str, ...]:
    """Drop a trigger that contains another one: 'torch' already keeps every 'torchvision' file."""
    ordered = sorted(set(triggers), key=lambda t: (len(t), t))
    kept: list[str] = []
    for trigger in ordered:
        if not any(shorter in trigger for shorter in kept):
            kept.append(trigger)
    return tuple(sorted(kept))


def build_prefilter(catalog: Catalog, selected: Iterable[str]) -> Prefilter | None:
    """The prefilter for a selection, or None when every file must be parsed."""
    analysis_rules = [catalog.rules[code] for code in sorted(set(selected) - ENGINE_CODES) if code in catalog.rules]
    if not analysis_rules:
        return None
    substrings = {trigger for spec in analysis_rules for trigger in spec.triggers}
    if "" in substrings:
        return None
    return Prefilter(tuple(sorted(api_packages(catalog))), _minimal(substrings))
