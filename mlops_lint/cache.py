"""The results cache: a file's diagnostics, reused while its bytes and everything that shapes them are unchanged.

Layout (ruff-style, at the project root unless ``--cache-dir``)::

    .mlops-lint-cache/
        .gitignore            "*": never committed
        <run key>.pickle      {path: (content digest, diagnostics)} for one run configuration

The run key hashes everything besides the file that decides its findings: the tool version and
the fingerprint of its own code, the Python version (its grammar decides MLO001), the catalog's
bytes, the selected codes, every rule's options and the suppression switch. An entry is used only
when the file's content digest matches too, so the cache is never stale; it assumes a file's
findings depend on that file alone, which holds while rules follow values within one module.

Concurrent runs are safe: each writes its whole index to a temporary file and renames it into
place (atomic on POSIX and Windows), merging what another run saved meanwhile; the worst case is
a lost entry, which costs one re-analysis.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
from pathlib import Path
from typing import Any

from mlops_lint.atomic import replace_file
from mlops_lint.diagnostics import Diagnostic

CACHE_DIR_NAME = ".mlops-lint-cache"
_FORMAT = 1  # bump when the pickled layout changes


def _hash(*parts: bytes) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()


def tree_fingerprint(root: Path, suffixes: tuple[str, ...], content: bool) -> str:
    """A hash of every file under ``root`` with one of ``suffixes``: by bytes, or by size and mtime."""
    parts: list[bytes] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if not name.endswith(suffixes):
                continue
            path = os.path.join(folder, name)
            parts.append(os.path.relpath(path, root).encode("utf-8"))
            if content:
                with open(path, "rb") as handle:
                    parts.append(handle.read())
            else:
                stat = os.stat(path)
                parts.append(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
    return _hash(*parts)


def run_key(catalog_dir: Path, selected: frozenset[str], rule_options: dict[str, dict[str, Any]], honour_noqa: bool) -> str:
    """The hash of everything, besides a file's own bytes, that its diagnostics depend on."""
    from mlops_lint import __version__

    package = Path(__file__).resolve().parent
    settings = json.dumps(
        {"selected": sorted(selected), "options": rule_options, "noqa": honour_noqa},
        sort_keys=True, default=repr,
    )
    return _hash(
        str(_FORMAT).encode(),
        __version__.encode(),
        sys.version.encode(),
        # An edited rule in a development checkout keeps the version: its sources' stat changes.
        tree_fingerprint(package, (".py",), content=False).encode(),
        tree_fingerprint(catalog_dir, (".toml",), content=True).encode(),
        settings.encode(),
    )


class LintCache:
    """The entries of one run key: load once, look up and record per file, save once at the end."""

    def __init__(self, directory: Path, key: str) -> None:
        self.directory = directory
        self.file = directory / f"{key}.pickle"
        self.entries: dict[str, tuple[str, tuple[Diagnostic, ...]]] = self._load()
        self.changed: dict[str, tuple[str, tuple[Diagnostic, ...]]] = {}

    @staticmethod
    def digest(data: bytes) -> str:
        return hashlib.blake2b(data, digest_size=16).hexdigest()

    def _load(self) -> dict[str, tuple[str, tuple[Diagnostic, ...]]]:
        try:
            with open(self.file, "rb") as handle:
                entries = pickle.load(handle)
        except Exception:  # a missing, truncated or foreign file is an empty cache, never an error
            return {}
        return entries if isinstance(entries, dict) else {}

    def get(self, path: str, digest: str) -> list[Diagnostic] | None:
        entry = self.entries.get(path)
        if entry is None or entry[0] != digest:
            return None
        return list(entry[1])

    def put(self, path: str, digest: str, diagnostics: list[Diagnostic]) -> None:
        self.changed[path] = (digest, tuple(diagnostics))

    def save(self) -> None:
        if not self.changed:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            ignore = self.directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Created by mlops-lint\n*\n", encoding="utf-8")
            # Merge what another run may have saved since we loaded, then replace atomically.
            entries = {**self._load(), **self.changed}
            replace_file(self.file, pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            return  # a read-only checkout still lints; it only loses the speed-up
        self.entries = entries
        self.changed = {}


def cache_for(
    directory: Path, catalog_dir: Path, selected: frozenset[str], rule_options: dict[str, dict[str, Any]], honour_noqa: bool
) -> LintCache:
    return LintCache(directory, run_key(catalog_dir, selected, rule_options, honour_noqa))
