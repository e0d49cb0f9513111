"""Read and validate rules/*.toml and rules/api/*.toml into a Catalog (the schema: catalog/schema.py)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from mlops_lint.catalog import snapshot, toml
from mlops_lint.catalog.locate import catalog_dir
from mlops_lint.catalog.model import ApiEntry, Catalog, Example, FixSpec, FrameFacts, OptionSpec, RuleSpec
from mlops_lint.catalog.schema import (
    DOCS_KEYS, EXAMPLE_KEYS, FIX_KEYS, OPTION_KEYS, RULE_KEYS, SchemaError, check_alias, check_api_entry, check_frame_facts,
    check_table,
)

CODE_PATTERN = re.compile(r"^MLO\d{3}$")
FRAMES_FILE = "frames.toml"
_REQUIRED = ("code", "name", "antipattern", "summary", "severity", "default", "message")


class CatalogError(Exception):
    """The catalog is malformed; the message names the file and the key."""


def _check_rule_file(path: Path, data: dict[str, Any]) -> None:
    try:
        for name, value in data.items():
            key = RULE_KEYS.get(name)
            if key is None:
                raise SchemaError(f"unknown key '{name}'")
            try:
                key.check(value)
            except SchemaError as error:
                raise SchemaError(f"key '{name}' {error}") from None
        for name in _REQUIRED:
            if name not in data:
                raise SchemaError(f"missing key '{name}'")
        if "fix" in data:
            check_table("fix", data["fix"], FIX_KEYS)
        check_table("docs", data.get("docs", {}), DOCS_KEYS)
        for option, spec in data.get("options", {}).items():
            check_table(f"options.{option}", spec, OPTION_KEYS)
        for number, example in enumerate(data.get("examples", []), start=1):
            check_table(f"examples[{number}]", example, EXAMPLE_KEYS)
    except SchemaError as error:
        raise CatalogError(f"{path.name}: {error}") from None
    if not CODE_PATTERN.match(data["code"]) or path.stem != data["code"]:
        raise CatalogError(f"{path.name}: key 'code' must be MLOnnn and match the file name")


def _rule(path: Path, data: dict[str, Any]) -> RuleSpec:
    _check_rule_file(path, data)
    fix = data.get("fix")
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
        code=data["code"],
        name=data["name"],
        antipattern=data["antipattern"],
        summary=data["summary"],
        severity=data["severity"],
        default=data["default"],
        message=data["message"],
        related=dict(data.get("related", {})),
        fix=FixSpec(**fix) if fix else None,
        options=options,
        docs=dict(data.get("docs", {})),
        examples=examples,
        since=data.get("since", "0.1.0"),
        preview=bool(data.get("preview", False)),
        triggers=tuple(data.get("triggers", [])),
    )


def _read(path: Path, data: bytes) -> dict[str, Any]:
    try:
        parsed: dict[str, Any] = toml.loads(data.decode("utf-8"))
        return parsed
    except (toml.TOMLDecodeError, UnicodeDecodeError) as error:
        raise CatalogError(f"{path.name}: {error}") from None


@lru_cache(maxsize=4)
def load_catalog(directory: Path | None = None) -> Catalog:
    """The catalog under ``directory`` (default: the packaged one), from its snapshot when valid."""
    root = directory or catalog_dir()
    rule_files = [(path, path.read_bytes()) for path in sorted(root.glob("MLO*.toml"))]
    api_files = [(path, path.read_bytes()) for path in sorted((root / "api").glob("*.toml"))]
    frame_path = root / FRAMES_FILE
    try:
        frame_file = (frame_path, frame_path.read_bytes())
    except OSError:
        raise CatalogError(f"{FRAMES_FILE}: missing (the frame facts are part of the catalog)") from None
    files = rule_files + api_files + [frame_file]
    names = {path: path.relative_to(root).as_posix() for path, _ in files}
    key = snapshot.snapshot_key([(names[path], data) for path, data in files])
    tables = snapshot.load(key)
    if tables is not None and set(tables) == set(names.values()):
        try:
            return _parse(rule_files, api_files, lambda path, _data: tables[names[path]], frame_file)
        except Exception:  # a snapshot the validation refuses is no snapshot: parse the TOML
            pass
    parsed = {names[path]: _read(path, data) for path, data in files}
    catalog = _parse(rule_files, api_files, lambda path, _data: parsed[names[path]], frame_file)
    snapshot.save(key, parsed)
    return catalog


def _api_entries(
    path: Path, data: dict[str, Any], api: dict[str, ApiEntry], methods: dict[str, ApiEntry], aliases: dict[str, tuple[str, str]],
) -> None:
    for qualname, facts in data.items():
        where = f"api/{path.name}: key '{qualname}'"
        if not isinstance(facts, dict):
            raise CatalogError(f"{where}: needs a string 'role'")
        try:
            target = check_alias(facts)
            if target is not None:
                aliases[qualname] = (target, where)
                continue
            role, facts = check_api_entry(qualname, facts)
        except SchemaError as error:
            raise CatalogError(f"{where}: {error}") from None
        known = api.get(qualname)
        if known is not None:
            # Several files may describe one API (sklearn.toml its data flow, tuning.toml its
            # seed parameter) as long as they agree on its role and on every shared fact.
            clash = [k for k in facts if k in known.facts and known.facts[k] != facts[k]]
            if known.role != role or clash:
                raise CatalogError(f"{where}: contradicts an earlier file")
            facts = {**known.facts, **facts}
        entry = api[qualname] = ApiEntry(qualname=qualname, role=role, facts=facts)
        if "receiver" in facts:
            # A method matched by name alone has one meaning: owners of one method name (wandb's
            # run.log, Lightning's self.log) must agree, or the answer would depend on file order.
            other = methods.setdefault(entry.short_name, entry)
            if other.qualname != qualname and (other.role, other.facts) != (role, facts):
                raise CatalogError(f"{where}: method '{entry.short_name}' is already matched by name as '{other.qualname}' with another meaning")


def _parse(
    rule_files: list[tuple[Path, bytes]],
    api_files: list[tuple[Path, bytes]],
    read: Callable[[Path, bytes], dict[str, Any]] | None = None,
    frame_file: tuple[Path, bytes] | None = None,
) -> Catalog:
    """Validate the catalog's files into a Catalog; ``read`` gives each file's table (default: parse its
    TOML); without ``frame_file`` the catalog knows no frame facts."""
    read = read or _read
    rules: dict[str, RuleSpec] = {}
    for path, data in rule_files:
        spec = _rule(path, read(path, data))
        rules[spec.code] = spec
    api: dict[str, ApiEntry] = {}
    methods: dict[str, ApiEntry] = {}
    aliases: dict[str, tuple[str, str]] = {}
    for path, data in api_files:
        _api_entries(path, read(path, data), api, methods, aliases)
    _resolve_aliases(api, aliases)
    frames = _frame_facts(*frame_file, read) if frame_file is not None else FrameFacts()
    return Catalog(rules=rules, api=api, frames=frames)


def _frame_facts(path: Path, data: bytes, read: Callable[[Path, bytes], dict[str, Any]]) -> FrameFacts:
    try:
        facts = check_frame_facts(read(path, data))
    except SchemaError as error:
        raise CatalogError(f"{path.name}: {error}") from None
    return FrameFacts(keeps_columns=facts["keeps-columns"], not_columns=facts["not-columns"],
                      label_indexers=facts["label-indexers"], position_indexers=facts["position-indexers"],
                      cell_indexers=facts["cell-indexers"], all_columns=facts["all-columns"], lags=facts["lags"],
                      windows=facts["windows"])


def _resolve_aliases(api: dict[str, ApiEntry], aliases: dict[str, tuple[str, str]]) -> None:
    """Each alias name finds its target's entry itself (one meaning, one qualified name), so an
    object made under the old name is an instance of the same class for ``Class.method`` entries."""
    for alias, (target, where) in aliases.items():
        entry = api.get(target)
        if entry is None:
            raise CatalogError(f"{where}: 'same-as' names '{target}', which is no entry (an alias of an alias neither)")
        if alias in api:
            raise CatalogError(f"{where}: an alias cannot also be an entry of its own")
    for alias, (target, _where) in aliases.items():
        api[alias] = api[target]
