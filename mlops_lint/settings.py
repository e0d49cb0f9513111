"""Settings: the resolved, immutable configuration of one run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlops_lint.source.reading import DEFAULT_MAX_FILE_SIZE

DEFAULT_EXCLUDES = (
    ".git", ".hg", ".svn", ".venv", "venv", "env", ".env", ".tox", ".nox", ".eggs",
    "site-packages", "build", "dist", "node_modules", "__pycache__", ".ipynb_checkpoints",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".mlops-lint-cache",
)


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] | None = None  # None: the catalog's default-on rules
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES
    extend_exclude: tuple[str, ...] = ()
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)  # code → option → value
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes; larger files are reported (MLO002), not read
    source: str | None = None  # the config file these came from, for messages
    root: str | None = None  # that file's folder: per-file-ignores globs are relative to it
    warnings: tuple[str, ...] = ()  # what was read but is probably not what the user meant (a misspelt table)
