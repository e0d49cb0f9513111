"""Frozen records of the catalog: a rule's metadata and examples, and one library API's role."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Example:
    kind: str  # "bad" | "good"
    code: str
    expect: tuple[int, ...] = ()
    filename: str = "example.py"


@dataclass(frozen=True, slots=True)
class OptionSpec:
    name: str
    type: str  # "int" | "str" | "bool" | "list"
    default: Any
    doc: str
    items: str = ""  # for a list: "regex" when each item is a regular expression (checked when configured)


@dataclass(frozen=True, slots=True)
class FixSpec:
    availability: str  # "always" | "sometimes"
    safety: str  # "safe" | "unsafe"
    title: str


@dataclass(frozen=True, slots=True)
class RuleSpec:
    code: str
    name: str
    antipattern: str
    summary: str
    severity: str
    default: bool
    message: str
    related: dict[str, str] = field(default_factory=dict)
    fix: FixSpec | None = None
    options: tuple[OptionSpec, ...] = ()
    docs: dict[str, Any] = field(default_factory=dict)
    examples: tuple[Example, ...] = ()
    since: str = "0.1.0"
    preview: bool = False
    # Extra raw-text substrings that make a file worth parsing for this rule, beyond the catalog's
    # API packages (see mlops_lint/engine/prefilter.py); "" means every file.
    triggers: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return f"https://github.com/mlops-lint/mlops-lint/blob/main/docs/rules/{self.code}.md"

    def option_defaults(self) -> dict[str, Any]:
        return {option.name: option.default for option in self.options}


@dataclass(frozen=True, slots=True)
class ApiEntry:
    """What one library callable is, keyed by its public qualified name."""

    qualname: str
    role: str
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def short_name(self) -> str:
        return self.qualname.rsplit(".", 1)[-1]

    def get(self, key: str, default: Any = None) -> Any:
        return self.facts.get(key, default)
