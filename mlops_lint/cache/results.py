"""The results index of one project and configuration: each file's diagnostics, by content.

One JSON file, ``results-<configuration key>.json`` in the project's cache folder (folder.py)::

    {"format": 2, "kind": "mlops-lint results", "tool": <tool fingerprint>,
     "files": {path: [stat signature, settled, content digest, [diagnostic, ...], dependencies]}}

The configuration key hashes the selected codes, every rule option, the suppression switch and
the size limit;
the tool fingerprint (version, own code, Python, catalog bytes) is checked inside, and a file
written by another tool is an empty index. An entry is used when the file's stat signature is
unchanged and was settled when taken (one ``os.stat``, no read: fingerprint.py), else when the
digest of the bytes just read matches; either way only while the other files of its project
that its analysis read or looked for (``dependencies``: project/dependencies.py, null when it was
linted alone) still read the same, so that editing ``utils.py`` re-analyses the files that import
it. Anything malformed is a miss, never an error.

Results that came from a resource failure (a ``MemoryError`` or ``RecursionError`` turned into
MLO001 "too deeply nested", or any MLO003 internal error) are never stored: with more memory or
a fixed bug, the next run must analyse the file again.

Concurrent runs are safe: each saves once, at the end, merging what another run saved meanwhile,
and replaces the file atomically; the worst case is a lost entry, which costs one re-analysis.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from mlops_lint.cache import codec, folder
from mlops_lint.cache.fingerprint import digest, hash_parts, settled, signature, tool_fingerprint
from mlops_lint.diagnostics import Diagnostic
from mlops_lint.project.dependencies import Dependencies

if TYPE_CHECKING:
    Holds = Callable[[Dependencies], bool]  # whether the files a result depended on still read the same

KIND = "mlops-lint results"
# Diagnostics that may say more about this machine's state than about the file.
_RESOURCE_FAILURES = (("MLO001", "too deeply nested"), ("MLO003", ""))


def from_resource_failure(diagnostics: list[Diagnostic]) -> bool:
    return any(d.code == code and marker in d.message for d in diagnostics for code, marker in _RESOURCE_FAILURES)


def configuration_key(
    selected: frozenset[str], rule_options: dict[str, dict[str, Any]], honour_noqa: bool, max_file_size: int | None = None
) -> str:
    # The size limit shapes results too (a file above it is MLO002, not analysed): an entry answered
    # by its stat signature alone must have been made under the same limit.
    settings = json.dumps(
        {"selected": sorted(selected), "options": rule_options, "noqa": honour_noqa, "max_file_size": max_file_size},
        sort_keys=True, default=repr,
    )
    return hash_parts(settings.encode())


def _valid_entry(entry: Any) -> bool:
    return (
        type(entry) is list and len(entry) == 5
        and (entry[0] is None or (type(entry[0]) is list and len(entry[0]) == 5))
        and type(entry[1]) is bool and type(entry[2]) is str and type(entry[3]) is list
        and (entry[4] is None or Dependencies.decode(entry[4]) is not None)
    )


def _dependencies_hold(entry: list[Any], holds: Holds | None) -> bool:
    """Whether the other files an entry depended on are unchanged (an entry of a file linted alone: always)."""
    if entry[4] is None:
        return True
    dependencies = Dependencies.decode(entry[4])
    return dependencies is not None and holds is not None and holds(dependencies)


class LintCache:
    """Load once, look each file up (by stat, then by digest), record misses, save once at the end.

    ``observed`` keeps, in the order the run met them, each file's signature and digest: the
    whole-run record (answers.py) is made from it.
    """

    def __init__(self, file: Path, tool: str) -> None:
        self.file = file
        self.tool = tool
        self.now_ns = time.time_ns()
        self.entries: dict[str, list[Any]] = self._load()
        self.changed: dict[str, list[Any]] = {}
        self.observed: dict[str, list[Any]] = {}  # path → [signature, settled, digest or None]
        # What each entry put by this run depended on, as given to ``put``: the run record reads
        # them back (dependencies_of) without decoding the JSON form again (~3 ms on the examples).
        self.put_dependencies: dict[str, Dependencies | None] = {}

    digest = staticmethod(digest)

    def _load(self) -> dict[str, list[Any]]:
        document = folder.read_json(self.file)
        if (type(document) is not dict or document.get("kind") != KIND or document.get("tool") != self.tool
                or type(document.get("files")) is not dict):
            return {}
        return {path: entry for path, entry in document["files"].items() if _valid_entry(entry)}

    def _diagnostics(self, path: str, entry: list[Any]) -> list[Diagnostic] | None:
        try:
            return codec.decode_all(entry[3])
        except codec.InvalidEntry:
            self.entries.pop(path, None)
            return None

    def unchanged(self, path: str, holds: Holds | None = None) -> list[Diagnostic] | None:
        """The file's diagnostics if its stat signature proves it unchanged (one ``os.stat``, no read)
        and ``holds`` says the project files it depended on are too."""
        try:
            info = os.stat(path)
        except (OSError, ValueError):
            return None
        state = [signature(info), settled(info, self.now_ns), None]
        self.observed[path] = state
        entry = self.entries.get(path)
        if entry is None or not entry[1] or entry[0] != state[0] or not _dependencies_hold(entry, holds):
            return None
        found = self._diagnostics(path, entry)
        if found is not None:
            state[2] = entry[2]
        return found

    def get(self, path: str, digest: str, holds: Holds | None = None) -> list[Diagnostic] | None:
        """The file's diagnostics if the bytes just read are those it was analysed with, and ``holds``
        says the project files it depended on are unchanged."""
        state = self.observed.get(path)
        if state is not None:
            state[2] = digest
        entry = self.entries.get(path)
        if entry is None or entry[2] != digest or not _dependencies_hold(entry, holds):
            return None
        found = self._diagnostics(path, entry)
        if found is not None and state is not None and (entry[0], entry[1]) != (state[0], state[1]):
            self.changed[path] = [state[0], state[1], digest, entry[3], entry[4]]  # next time, one stat suffices
            self.put_dependencies.pop(path, None)
        return found

    def put(self, path: str, digest: str, diagnostics: list[Diagnostic], dependencies: Dependencies | None = None) -> None:
        if from_resource_failure(diagnostics):
            return
        state = self.observed.get(path) or [None, False, digest]
        encoded = dependencies.encode() if dependencies is not None else None
        self.changed[path] = [state[0], state[1], digest, [codec.encode(d) for d in diagnostics], encoded]
        self.put_dependencies[path] = dependencies

    def dependencies_of(self, path: str) -> tuple[bool, Dependencies | None]:
        """(whether ``path`` has an entry, the project files that entry depended on) for the run record (answers.py)."""
        entry = self.changed.get(path) or self.entries.get(path)
        if entry is None:
            return False, None
        if path in self.put_dependencies:
            return True, self.put_dependencies[path]
        return True, Dependencies.decode(entry[4]) if entry[4] is not None else None

    def save(self) -> None:
        if not self.changed:
            return
        # Merge what another run may have saved since we loaded, then replace atomically.
        entries = {**self._load(), **self.changed}
        document = {"format": 2, "kind": KIND, "tool": self.tool, "files": entries}
        if folder.write_json(self.file, document):
            self.entries = entries
            self.changed = {}


def results_cache(
    base: Path | None,
    project_root: Path,
    catalog_dir: Path,
    selected: frozenset[str],
    rule_options: dict[str, dict[str, Any]],
    honour_noqa: bool,
    max_file_size: int | None = None,
) -> LintCache | None:
    """The project's results index for this configuration, or None when its folder may not be used."""
    project = folder.project_folder(base, project_root)
    if project is None:
        return None
    key = configuration_key(selected, rule_options, honour_noqa, max_file_size)
    return LintCache(project / f"results-{key}.json", tool_fingerprint(catalog_dir))
