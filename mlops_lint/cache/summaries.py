"""The summaries of a project's modules (project/summary.py), by what each was computed from.

One JSON file, ``summaries.json`` in the project's cache folder (folder.py)::

    {"format": 1, "kind": "mlops-lint summaries", "tool": <tool fingerprint>,
     "modules": {key: <summary as project/summary.py encodes it>}}

A key (``summary_key``) hashes the module's bytes, its package and the summaries of the project
modules it imports (their ``fingerprint``): a summary is reused exactly while none of what it was
computed from changed, whatever the file is called. Modules in an import cycle hash the bytes of
every module of the cycle instead (project/pipeline.py).

The file is untrusted input, like every cache file (docs/safety.md): anything that is not exactly
what this version writes (another tool, a truncated file, a wrong type anywhere in an entry) is a
miss, never an error, and nothing read is ever executed: summaries are strings, numbers and lists.
At most ``_KEPT`` entries are kept, those this run used first; concurrent runs merge what they
saved, then replace the file atomically.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from mlops_lint.cache import folder
from mlops_lint.cache.fingerprint import hash_parts, tool_fingerprint
from mlops_lint.project.summary import InvalidSummary, ModuleSummary, decode, encode

KIND = "mlops-lint summaries"
_KEPT = 20_000


def summary_key(own_digest: str, package: str | None, dependencies: Iterable[tuple[str, str]], cycle: Iterable[str] = ()) -> str:
    """The key of a module's summary: its bytes' digest, its package, each (imported name,
    fingerprint of that module's summary), and the digests of the modules of its import cycle."""
    parts = [own_digest, "\0" if package is None else package]
    parts += [f"{name}={fingerprint}" for name, fingerprint in sorted(dependencies)]
    parts += ["cycle", *sorted(cycle)]
    return hash_parts(*(part.encode("utf-8", "surrogatepass") for part in parts))


class SummaryCache:
    """Load once, look summaries up by key, save once at the end."""

    def __init__(self, file: Path, tool: str) -> None:
        self.file = file
        self.tool = tool
        self.entries: dict[str, Any] = self._load()
        self.used: dict[str, Any] = {}

    def _load(self) -> dict[str, Any]:
        document = folder.read_json(self.file)
        if (type(document) is not dict or document.get("kind") != KIND or document.get("tool") != self.tool
                or type(document.get("modules")) is not dict):
            return {}
        return document["modules"]  # type: ignore[no-any-return]  # each entry is checked when read

    def get(self, key: str) -> ModuleSummary | None:
        entry = self.used.get(key, self.entries.get(key))
        if entry is None:
            return None
        try:
            summary = decode(entry)
        except (InvalidSummary, TypeError, ValueError):
            self.entries.pop(key, None)
            return None
        self.used[key] = entry
        return summary

    def put(self, key: str, summary: ModuleSummary) -> None:
        self.used[key] = encode(summary)

    def save(self) -> None:
        if not self.used or all(self.entries.get(key) == entry for key, entry in self.used.items()):
            return
        earlier = {key: entry for key, entry in self._load().items() if key not in self.used}
        kept = dict(self.used)
        for key, entry in earlier.items():
            if len(kept) >= _KEPT:
                break
            kept[key] = entry
        document = {"format": 1, "kind": KIND, "tool": self.tool, "modules": kept}
        if folder.write_json(self.file, document):
            self.entries = kept


def summary_cache(base: Path | None, project_root: Path, catalog_dir: Path) -> SummaryCache | None:
    """The project's summaries, or None when its cache folder may not be used."""
    project = folder.project_folder(base, project_root)
    if project is None:
        return None
    return SummaryCache(project / "summaries.json", tool_fingerprint(catalog_dir))
