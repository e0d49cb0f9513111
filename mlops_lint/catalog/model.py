"""Frozen records of the catalog: a rule's metadata and examples, one library API's role, the whole catalog."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterable


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
    # Titles of the fixer's other kinds of edit, by kind (the fixer names the kind it proposes).
    titles: dict[str, str] = field(default_factory=dict)


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

    @property
    def is_class(self) -> bool:
        """A class (``StandardScaler``: calling it makes an object) or a factory that returns one."""
        return self.short_name[:1].isupper() or self.facts.get("returns") == "instance"

    def get(self, key: str, default: Any = None) -> Any:
        return self.facts.get(key, default)


@dataclass(frozen=True, slots=True)
class FrameFacts:
    """What the dataflow knows of data frames by attribute and method name (``rules/frames.toml``):
    catalog-level facts that give no call a role, so a name listed here resolves as before."""

    keeps_columns: frozenset[str] = frozenset()
    not_columns: frozenset[str] = frozenset()
    label_indexers: frozenset[str] = frozenset()
    position_indexers: frozenset[str] = frozenset()
    cell_indexers: frozenset[str] = frozenset()
    all_columns: frozenset[str] = frozenset()
    lags: frozenset[str] = frozenset()
    windows: frozenset[str] = frozenset()
    # Derived once: the indexers of rows and columns (label and position), and every indexer.
    indexers: frozenset[str] = field(init=False)
    any_indexers: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "indexers", self.label_indexers | self.position_indexers)
        object.__setattr__(self, "any_indexers", self.indexers | self.cell_indexers)


@dataclass(frozen=True)
class Catalog:
    """Every rule and every API entry; the lookup tables the resolver and the rules need are built
    once per catalog (cached properties), never per module."""

    rules: dict[str, RuleSpec]
    api: dict[str, ApiEntry]
    frames: FrameFacts = field(default_factory=FrameFacts)

    def by_name(self, name: str) -> RuleSpec | None:
        return next((spec for spec in self.rules.values() if spec.name == name), None)

    def entry_for(self, qualified_names: Iterable[str]) -> ApiEntry | None:
        """The entry of the first name (in sorted order) the catalog knows: a name may have several meanings."""
        for name in sorted(qualified_names):
            entry = self.api.get(name)
            if entry is not None:
                return entry
        return None

    @cached_property
    def prefixes(self) -> dict[str, ApiEntry]:
        """Entries whose key is a module covering every callable under it (``prefix = true``)."""
        return {name: entry for name, entry in self.api.items() if entry.get("prefix")}

    def prefix_entry(self, qualname: str) -> ApiEntry | None:
        """The entry of the longest module prefix that covers ``qualname`` (``mlflow`` for ``mlflow.log_param``)."""
        prefixes = self.prefixes
        if not prefixes:
            return None
        parts = qualname.split(".")
        for end in range(len(parts), 0, -1):
            entry = prefixes.get(".".join(parts[:end]))
            if entry is not None:
                return entry
        return None

    @cached_property
    def methods(self) -> dict[str, ApiEntry]:
        """Method entries matched by name alone (``receiver``), by method name; the loader checks that
        entries sharing a name mean the same, and the first one stands for them."""
        found: dict[str, ApiEntry] = {}
        for entry in self.api.values():
            if "receiver" in entry.facts:
                found.setdefault(entry.short_name, entry)
        return found

    @cached_property
    def typed_methods(self) -> dict[str, dict[str, ApiEntry]]:
        """Entries ``Class.method`` of catalog classes matched only on known instances (no
        ``receiver``), by method name, then by the class's qualified name."""
        found: dict[str, dict[str, ApiEntry]] = {}
        for qualname, entry in self.api.items():
            owner, _, method = qualname.rpartition(".")
            cls = self.api.get(owner) if owner and "receiver" not in entry.facts else None
            if cls is not None and cls.is_class:
                found.setdefault(method, {})[owner] = entry
        return found

    @cached_property
    def by_role(self) -> dict[str, tuple[ApiEntry, ...]]:
        found: dict[str, list[ApiEntry]] = {}
        for name, entry in self.api.items():
            if name == entry.qualname:  # an alias (``same-as``) is the same entry under another name
                found.setdefault(entry.role, []).append(entry)
        return {role: tuple(entries) for role, entries in found.items()}

    def apis_with_role(self, *roles: str) -> list[ApiEntry]:
        return [entry for role in roles for entry in self.by_role.get(role, ())]

    @cached_property
    def fact_values(self) -> dict[str, frozenset[Any]]:
        """Every value each list-valued fact takes across the catalog (``validation-params`` → eval_set, …)."""
        found: dict[str, set[Any]] = {}
        for entry in self.api.values():
            for name, value in entry.facts.items():
                if isinstance(value, (list, tuple)):
                    found.setdefault(name, set()).update(value)
        return {name: frozenset(values) for name, values in found.items()}
