"""Read and validate rules/*.toml and rules/api/*.toml into a Catalog."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Iterable

from mlops_lint.catalog import snapshot, toml
from mlops_lint.catalog.locate import catalog_dir
from mlops_lint.catalog.model import ApiEntry, Example, FixSpec, OptionSpec, RuleSpec

ANTIPATTERNS = {
    "tool",
    "data-leakage",
    "grade-your-own-exam",
    "tuning-under-the-carpet",
    "pest",
    "bad-credit-assignment",
    "act-now-reflect-never",
    "set-and-forget",
    "communicate-with-ambivalence",
    "data-crisis-as-a-service",
}
SEVERITIES = {"error", "warning", "info"}
CODE_PATTERN = re.compile(r"^MLO\d{3}$")
_RULE_KEYS = {
    "code", "name", "antipattern", "summary", "severity", "default", "message", "related",
    "fix", "options", "docs", "examples", "since", "preview", "triggers",
}


class CatalogError(Exception):
    """The catalog is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class Catalog:
    rules: dict[str, RuleSpec]
    api: dict[str, ApiEntry]

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
    def data_methods(self) -> dict[str, ApiEntry]:
        """Entries of data methods (``pandas.DataFrame.sample``) by method name, built once per catalog:
        a method call on a tracked data value cannot be resolved by import, only by its name."""
        return {entry.short_name: entry for entry in self.api.values() if entry.get("method-of") == "data"}

    def apis_with_role(self, *roles: str) -> list[ApiEntry]:
        return [entry for entry in self.api.values() if entry.role in roles]


def _require(data: dict, key: str, kind: type, path: Path) -> Any:
    if key not in data:
        raise CatalogError(f"{path.name}: missing key '{key}'")
    value = data[key]
    if not isinstance(value, kind):
        raise CatalogError(f"{path.name}: key '{key}' must be {kind.__name__}")
    return value


def _rule(path: Path, data: dict) -> RuleSpec:
    unknown = set(data) - _RULE_KEYS
    if unknown:
        raise CatalogError(f"{path.name}: unknown key '{sorted(unknown)[0]}'")
    code = _require(data, "code", str, path)
    if not CODE_PATTERN.match(code) or path.stem != code:
        raise CatalogError(f"{path.name}: key 'code' must be MLOnnn and match the file name")
    antipattern = _require(data, "antipattern", str, path)
    if antipattern not in ANTIPATTERNS:
        raise CatalogError(f"{path.name}: key 'antipattern' is not one of {sorted(ANTIPATTERNS)}")
    severity = _require(data, "severity", str, path)
    if severity not in SEVERITIES:
        raise CatalogError(f"{path.name}: key 'severity' must be one of {sorted(SEVERITIES)}")
    fix = data.get("fix")
    triggers = data.get("triggers", [])
    if not isinstance(triggers, list) or not all(isinstance(t, str) for t in triggers):
        raise CatalogError(f"{path.name}: key 'triggers' must be a list of strings")
    examples = tuple(
        Example(
            kind=example["kind"],
            code=example["code"].lstrip("\n"),
            expect=tuple(example.get("expect", ())),
            filename=example.get("filename", "example.py"),
        )
        for example in data.get("examples", [])
    )
    options = tuple(
        OptionSpec(name=name, type=option["type"], default=option["default"], doc=option.get("doc", ""),
                   items=option.get("items", ""))
        for name, option in data.get("options", {}).items()
    )
    return RuleSpec(
        code=code,
        name=_require(data, "name", str, path),
        antipattern=antipattern,
        summary=_require(data, "summary", str, path),
        severity=severity,
        default=_require(data, "default", bool, path),
        message=_require(data, "message", str, path),
        related=dict(data.get("related", {})),
        fix=FixSpec(**fix) if fix else None,
        options=options,
        docs=dict(data.get("docs", {})),
        examples=examples,
        since=data.get("since", "0.1.0"),
        preview=bool(data.get("preview", False)),
        triggers=tuple(triggers),
    )


def _read(path: Path, data: bytes) -> dict:
    try:
        return toml.loads(data.decode("utf-8"))
    except (toml.TOMLDecodeError, UnicodeDecodeError) as error:
        raise CatalogError(f"{path.name}: {error}") from None


@lru_cache(maxsize=4)
def load_catalog(directory: Path | None = None) -> Catalog:
    """The catalog under ``directory`` (default: the packaged one), from its snapshot when valid."""
    root = directory or catalog_dir()
    rule_files = [(path, path.read_bytes()) for path in sorted(root.glob("MLO*.toml"))]
    api_files = [(path, path.read_bytes()) for path in sorted((root / "api").glob("*.toml"))]
    key = snapshot.snapshot_key([(path.relative_to(root).as_posix(), data) for path, data in rule_files + api_files])
    return snapshot.cached(key, Catalog, lambda: _parse(rule_files, api_files))


def _parse(rule_files: list[tuple[Path, bytes]], api_files: list[tuple[Path, bytes]]) -> Catalog:
    rules: dict[str, RuleSpec] = {}
    for path, data in rule_files:
        spec = _rule(path, _read(path, data))
        rules[spec.code] = spec
    api: dict[str, ApiEntry] = {}
    for path, data in api_files:
        for qualname, facts in _read(path, data).items():
            if not isinstance(facts, dict) or not isinstance(facts.get("role"), str):
                raise CatalogError(f"api/{path.name}: key '{qualname}' needs a string 'role'")
            facts = dict(facts)
            role = facts.pop("role")
            known = api.get(qualname)
            if known is not None:
                # Several files may describe one API (sklearn.toml its data flow, tuning.toml its
                # seed parameter) as long as they agree on its role and on every shared fact.
                clash = [k for k in facts if k in known.facts and known.facts[k] != facts[k]]
                if known.role != role or clash:
                    raise CatalogError(f"api/{path.name}: key '{qualname}' contradicts an earlier file")
                facts = {**known.facts, **facts}
            api[qualname] = ApiEntry(qualname=qualname, role=role, facts=facts)
    return Catalog(rules=rules, api=api)
