"""Find and read ``[tool.mlops-lint]``; validate every key, type and code, naming the file and key."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from mlops_lint.catalog import Catalog, RuleSpec, toml
from mlops_lint.selection import SelectionError, expand
from mlops_lint.settings import DEFAULT_EXCLUDES, Settings

_LIST_KEYS = ("select", "ignore", "extend-select", "exclude", "extend-exclude")
_KEYS = (*_LIST_KEYS, "per-file-ignores")
_TYPES = {"int": int, "str": str, "bool": bool, "list": list, "float": (int, float)}


class ConfigError(Exception):
    """A bad configuration; the message names the file and the key."""


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start``."""
    start = start.resolve()
    for folder in (start, *start.parents) if start.is_dir() else start.parents:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def _suggest(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    return f" — did you mean '{close[0]}'?" if close else ""


def _string_list(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: must be a list of strings")
    return tuple(value)


def _rule_options(table: dict, spec: RuleSpec, where: str) -> dict[str, Any]:
    known = {option.name: option for option in spec.options}
    options: dict[str, Any] = {}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(f"{where[:-1]}.{key}': unknown option{_suggest(key, list(known))}")
        expected = _TYPES[known[key].type]
        if not isinstance(value, expected) or (known[key].type == "int" and isinstance(value, bool)):
            raise ConfigError(f"{where[:-1]}.{key}': must be of type {known[key].type}")
        options[key] = value
    return options


def settings_from_table(table: dict, catalog: Catalog, origin: str) -> Settings:
    values: dict[str, Any] = {}
    rule_options: dict[str, dict[str, Any]] = {}
    rule_names = [spec.name for spec in catalog.rules.values()]
    for key, value in table.items():
        where = f"{origin}: key 'tool.mlops-lint.{key}'"
        if key in _LIST_KEYS:
            values[key] = _string_list(value, where)
            if key in ("select", "ignore", "extend-select"):
                try:
                    expand(values[key], catalog, key)
                except SelectionError as error:
                    raise ConfigError(f"{origin}: {error}") from None
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: must be a table of glob = [codes]")
            per_file = {}
            for glob, codes in value.items():
                per_file[glob] = _string_list(codes, f"{where[:-1]}.{glob}'")
                try:
                    expand(per_file[glob], catalog, key)
                except SelectionError as error:
                    raise ConfigError(f"{origin}: {error}") from None
            values[key] = per_file
        elif key in rule_names:
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: must be a table of options")
            spec = catalog.by_name(key)
            rule_options[spec.code] = _rule_options(value, spec, where)
        else:
            raise ConfigError(f"{where}: unknown key{_suggest(key, [*_KEYS, *rule_names])}")
    return Settings(
        select=values.get("select"),
        ignore=values.get("ignore", ()),
        extend_select=values.get("extend-select", ()),
        per_file_ignores=values.get("per-file-ignores", {}),
        exclude=values.get("exclude", DEFAULT_EXCLUDES),
        extend_exclude=values.get("extend-exclude", ()),
        rule_options=rule_options,
        source=origin,
    )


def load_settings(path: Path | None, catalog: Catalog) -> Settings:
    """Settings from a pyproject.toml (or a standalone TOML given with --config); defaults when None."""
    if path is None:
        return Settings()
    try:
        data = toml.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    except (toml.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    if path.name == "pyproject.toml" or "tool" in data:
        table = data.get("tool", {}).get("mlops-lint", {})
    else:
        table = data
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: key 'tool.mlops-lint' must be a table")
    return settings_from_table(table, catalog, str(path))
