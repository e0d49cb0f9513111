"""Find and read ``[tool.mlops-lint]``; validate every key, type and code, naming the file and key."""

from __future__ import annotations

import difflib
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterable

from mlops_lint.catalog import Catalog, RuleSpec, toml
from mlops_lint.catalog.model import OptionSpec
from mlops_lint.regex_limits import regex_problem
from mlops_lint.selection import SelectionError, expand
from mlops_lint.settings import DEFAULT_EXCLUDES, Settings
from mlops_lint.source.reading import DEFAULT_MAX_FILE_SIZE, FileReadError, parse_size, read_bytes_limited

_CODE_LISTS = ("select", "ignore", "extend-select")
_GLOB_LISTS = ("exclude", "extend-exclude")
_KEYS = (*_CODE_LISTS, *_GLOB_LISTS, "per-file-ignores", "max-file-size")
# A configuration file larger than this is not a configuration file (nor read into memory).
_MAX_CONFIG_SIZE = 1024 * 1024
_TYPES: dict[str, tuple[type, ...]] = {"int": (int,), "str": (str,), "bool": (bool,), "list": (list,), "float": (int, float)}
_TYPE_WORDS = {"int": "an integer", "str": "a string", "bool": "a boolean", "list": "a list", "float": "a number"}


class ConfigError(Exception):
    """A bad configuration; the one-line message names the file and the key."""


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start`` (a file or a folder), within its repository.

    The search stops at the repository's root (the folder holding ``.git``), as ruff and git do:
    a pyproject.toml above it (in a shared /tmp, another user's home) is not the project's.
    """
    start = start.resolve()
    for folder in (start, *start.parents) if start.is_dir() else start.parents:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
        if (folder / ".git").exists():
            return None
    return None


def _looks_like_ours(table: str) -> bool:
    """``mlops_lint``, ``mlopslint``, ``mlops-linter``: a table name meant for us but not ours."""
    normal = "".join(char for char in table.lower() if char.isalnum())
    return difflib.SequenceMatcher(None, normal, "mlopslint").ratio() >= 0.85


def _misnamed_tables(data: dict[str, Any], path: Path) -> tuple[str, ...]:
    """A warning for each table that looks meant for mlops-lint but is never read."""
    tools = data.get("tool")
    tools = tools if isinstance(tools, dict) else {}
    names = [*(f"tool.{name}" for name in tools if name != "mlops-lint" and _looks_like_ours(name)),
             *(name for name in data if name != "tool" and _looks_like_ours(name))]
    return tuple(f"{path}: table [{name}] is not read: mlops-lint reads [tool.mlops-lint]" for name in names)


def _suggest(key: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    return f" — did you mean '{close[0]}'?" if close else ""


class _Reader:
    """Validates one ``[tool.mlops-lint]`` table; every error names ``origin`` and the dotted key."""

    def __init__(self, origin: str, prefix: str, catalog: Catalog) -> None:
        self.origin, self.prefix, self.catalog = origin, prefix, catalog

    def error(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.origin}: key '{self.prefix}{key}': {problem}")

    def strings(self, key: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(key, "must be a list of strings")
        return tuple(value)

    def codes(self, key: str, value: Any) -> tuple[str, ...]:
        codes = self.strings(key, value)
        try:
            expand(codes, self.catalog, key)
        except SelectionError as error:
            raise self.error(key, error.problem) from None
        return codes

    def per_file_ignores(self, key: str, value: Any) -> dict[str, tuple[str, ...]]:
        if not isinstance(value, dict):
            raise self.error(key, "must be a table of glob = [codes]")
        return {glob: self.codes(f"{key}.{glob}", codes) for glob, codes in value.items()}

    def list_items(self, key: str, value: list[Any], option: OptionSpec) -> None:
        """A list option holds what its default holds (strings); a regex must compile and be safe to run."""
        if all(isinstance(item, str) for item in option.default) and not all(isinstance(item, str) for item in value):
            raise self.error(key, f"must be a list of strings, not {value!r}")
        if option.items == "regex":
            for item in value:
                problem = regex_problem(item)
                if problem is not None:
                    raise self.error(key, f"{item!r}: {problem}")

    def size(self, key: str, value: Any) -> int:
        try:
            return parse_size(value)
        except (ValueError, TypeError) as error:
            raise self.error(key, f"must be a size in bytes or a string such as '5MiB': {error}") from None

    def rule_options(self, key: str, value: Any, spec: RuleSpec) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(key, "must be a table of the rule's options")
        known = {option.name: option for option in spec.options}
        options: dict[str, Any] = {}
        for name, option_value in value.items():
            option = known.get(name)
            if option is None:
                listed = ", ".join(sorted(known)) or "none"
                raise self.error(f"{key}.{name}", f"unknown option of {spec.code} (its options: {listed}){_suggest(name, known)}")
            wrong_bool = isinstance(option_value, bool) and option.type in ("int", "float")
            if not isinstance(option_value, _TYPES[option.type]) or wrong_bool:
                raise self.error(f"{key}.{name}", f"must be {_TYPE_WORDS[option.type]}, not {option_value!r}")
            if option.type == "list" and isinstance(option_value, list):
                self.list_items(f"{key}.{name}", option_value, option)
            options[name] = option_value
        return options


def settings_from_table(table: dict[str, Any], catalog: Catalog, origin: str, prefix: str = "tool.mlops-lint.", root: str | None = None) -> Settings:
    reader = _Reader(origin, prefix, catalog)
    values: dict[str, Any] = {}
    rule_options: dict[str, dict[str, Any]] = {}
    rules_by_name = {spec.name: spec for spec in catalog.rules.values()}
    for key, value in table.items():
        if key in _CODE_LISTS:
            values[key] = reader.codes(key, value)
        elif key in _GLOB_LISTS:
            values[key] = reader.strings(key, value)
        elif key == "per-file-ignores":
            values[key] = reader.per_file_ignores(key, value)
        elif key == "max-file-size":
            values[key] = reader.size(key, value)
        elif key in rules_by_name:
            spec = rules_by_name[key]
            rule_options[spec.code] = reader.rule_options(key, value, spec)
        else:
            raise reader.error(key, f"unknown key{_suggest(key, [*_KEYS, *sorted(rules_by_name)])}")
    return Settings(
        select=values.get("select"),
        ignore=values.get("ignore", ()),
        extend_select=values.get("extend-select", ()),
        per_file_ignores=values.get("per-file-ignores", {}),
        exclude=values.get("exclude", DEFAULT_EXCLUDES),
        extend_exclude=values.get("extend-exclude", ()),
        rule_options=rule_options,
        max_file_size=values.get("max-file-size", DEFAULT_MAX_FILE_SIZE),
        source=origin,
        root=root,
    )


def load_settings(path: Path | None, catalog: Catalog) -> Settings:
    """Settings from a pyproject.toml (or a TOML file given with --config); defaults when None.

    A pyproject.toml without ``[tool.mlops-lint]`` gives the defaults. A --config file that is not a
    pyproject.toml may hold the keys at its top level or under ``[tool.mlops-lint]``.
    """
    if path is None:
        return Settings()
    try:
        # A regular file of sane size only: a pyproject.toml that is a FIFO or a link to /dev/zero
        # must not hang the run.
        data = toml.loads(read_bytes_limited(path, _MAX_CONFIG_SIZE).decode("utf-8"))
    except FileReadError as error:
        raise ConfigError(f"{path}: cannot read: {str(error).removeprefix('could not read file: ')}") from None
    except (toml.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    root = str(path.resolve().parent)
    if path.name == "pyproject.toml" or "tool" in data:
        table = data.get("tool", {}).get("mlops-lint", {}) if isinstance(data.get("tool"), dict) else {}
        prefix = "tool.mlops-lint."
    else:
        table, prefix = data, ""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: key 'tool.mlops-lint': must be a table")
    settings = settings_from_table(table, catalog, str(path), prefix, root)
    misnamed = _misnamed_tables(data, path) if prefix else ()
    return replace(settings, warnings=misnamed) if misnamed else settings
