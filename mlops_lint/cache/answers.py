"""Answer a whole run from its last result, before loading the catalog, the configuration or the engine.

A warm run analyses nothing, so its cost is start-up: importing and loading the catalog, the
configuration and the engine cost more than checking that nothing changed. After each run that
could be cached, a record of it is kept in ``<cache base>/runs/<key>.json``; the key hashes the
request (paths, options, selection), the working folder and the tool fingerprint. The next
identical command answers from the record when everything else its result depends on is
unchanged, and otherwise runs normally:

- the configuration: in every folder from each linted path (and the working folder) up to the
  file system's root, what the configuration search and discovery look at there
  (``pyproject.toml``, ``.git``, ``.gitignore``, ``.git/info/exclude``) is as it was before the
  recorded run read it, contents included, and so is a
  ``--config`` file (a run whose configuration came from elsewhere is not recorded);
- the files: every folder under the linted paths and every ``.gitignore`` in them keep the
  signatures they had before the recorded run began (tree.py), or else discovery, run again for
  real with the recorded excludes, finds the same paths in the same order;
- each file is unchanged: its stat signature, when settled, else its content digest
  (fingerprint.py);
- each other file of a project that the analysis read or looked for (``utils.py`` imported by a
  linted ``train.py``: project/dependencies.py) reads the same, or is still absent (one stat of
  the folder that would hold it, while that folder is unchanged: absences.py); and when the
  folders changed shape, each linted file still belongs to the project folder it had
  (``setup.cfg`` is probed above the linted paths for that reason too).

Only runs without ``--fix``/``--diff`` and without stdin are recorded, and none whose result came
from a resource failure (results.py). The record holds the final diagnostics, after per-file
ignores, as validated JSON (codec.py).
"""

from __future__ import annotations

import os
import stat

from mlops_lint.cache import absences, folder, tree
from mlops_lint.cache.fingerprint import FORMAT, digest, hash_parts, settled, signature, tool_fingerprint

# codec (and with it the diagnostics' classes) loads only to decode or encode diagnostics: a
# replayed command (replay.py) never needs them.

# typing itself costs a replayed command more than its work: annotations are never evaluated.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterable

    from mlops_lint.cache.results import LintCache
    from mlops_lint.diagnostics import Diagnostic
    from mlops_lint.run import RunRequest

KIND = "mlops-lint run"
# What the configuration search and discovery read in each folder above a linted path.
ANCESTOR_CANDIDATES = ("pyproject.toml", ".git", ".gitignore", os.path.join(".git", "info", "exclude"), "setup.cfg")
KEEP_RECORDS = 64  # per cache base: the most recently written ones


def _eligible(request: RunRequest) -> bool:
    # An observer that wants every file as it goes (a progress bar, -v) hears a real run.
    quiet = request.observer is None or not request.observer.wants_total
    return request.use_cache and request.fix is None and "-" not in request.paths and quiet


# Fields of a RunRequest that do not shape its diagnostics (the others all go into the key, so
# that a field added later is never forgotten).
_NOT_KEYED = ("stdin", "fix", "use_cache", "cache_dir", "jobs", "observer")


def _key(request: RunRequest, tool: str) -> str:
    import json  # not on a replayed run's path (it loads re): jsontext.py

    fields = {name: value for name, value in vars(request).items() if name not in _NOT_KEYED}
    return hash_parts(str(FORMAT).encode(), tool.encode(), os.fsencode(os.getcwd()),
                      json.dumps(fields, sort_keys=True, default=str).encode("utf-8", "surrogateescape"))


def _read_digest(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return digest(handle.read())
    except OSError:
        return None


def _probe(path: str) -> Any:
    """What the configuration search can see at ``path``: nothing, a folder, or a file's digest."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    if stat.S_ISDIR(info.st_mode):
        return "folder"
    return _read_digest(path) if stat.S_ISREG(info.st_mode) else "other"


def _probe_paths(request: RunRequest) -> list[str]:
    starts = [os.getcwd(), *(p for p in request.paths if p != "-")]
    if request.config_file is not None:
        starts.append(str(request.config_file))
    folders: dict[str, None] = {}
    for start in starts:
        current = os.path.realpath(start)
        while True:
            folders.setdefault(current)
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
    paths = [os.path.join(f, name) for f in folders for name in ANCESTOR_CANDIDATES]
    if request.config_file is not None:
        paths.append(os.path.realpath(request.config_file))
    return paths


def _records(request: RunRequest, create: bool) -> str | None:
    base = folder.base_path(request.cache_dir)
    if base is None:
        return None
    try:
        return folder.trusted_path(base, folder.RUNS, create=create)
    except (folder.UntrustedFolder, OSError):
        return None  # the full run says why, with --verbose


def _load(path: str, key: str) -> dict[str, Any] | None:
    record = folder.read_json(path)
    valid = (
        type(record) is dict and record.get("kind") == KIND and record.get("key") == key
        and type(record.get("probes")) is list
        and type(record.get("exclude")) is list and all(type(g) is str for g in record["exclude"])
        and type(record.get("paths")) is list and all(type(p) is str for p in record["paths"])
        and type(record.get("files")) is list and type(record.get("diagnostics")) is list
        and type(record.get("warnings")) is list and all(type(w) is str for w in record["warnings"])
        and type(record.get("depends")) is list and type(record.get("absent")) is list and type(record.get("roots")) is list
        and type(record.get("given")) is list and all(type(g) is str for g in record["given"])
    )
    return record if valid else None


def _files_unchanged(files: list[Any]) -> tuple[bool, bool]:
    """(every file unchanged, some signature was refreshed and the record is worth saving again)."""
    import time

    now_ns = time.time_ns()
    refreshed = False
    for entry in files:
        if type(entry) is not list or len(entry) != 4 or type(entry[0]) is not str:
            return False, False
        path, recorded, was_settled, recorded_digest = entry
        try:
            info = os.stat(path)
        except (OSError, ValueError):
            return False, False
        current = signature(info)
        if was_settled is True and current == recorded:
            continue
        if _read_digest(path) != recorded_digest:
            return False, False
        state = [current, settled(info, now_ns)]  # taken before the read: next time one stat may do
        if state != entry[1:3]:
            entry[1:3] = state
            refreshed = True
    return True, refreshed


def _regular_file_digest(path: str) -> str | None:
    """What project/model.py would have recorded for ``path``: the digest of a regular file's bytes, else None."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None  # never open a FIFO or a device: it could block
    except (OSError, ValueError):
        return None
    return _read_digest(path)


def _depends_unchanged(depends: list[Any], absent: list[Any]) -> bool:
    """Whether every project file the recorded run read still reads the same (or is still absent).

    Most entries are modules looked for and absent (``matplotlib.py``, ``matplotlib/pyplot/__init__.py``
    beside each script that imports matplotlib: ten per file on the examples corpus). Most are
    grouped by the folder that would hold them (``absent``: absences.py): one stat of it, while it
    is unchanged. For the others, on POSIX, an entry recorded absent is still absent when its
    folder is surely not there, or lists no name that could be it (compared case-folded, ASCII
    names only, so that a case-insensitive file system cannot hide a match): each folder is listed
    once. Anything else, and any folder that cannot be listed, is checked with a stat.
    """
    if not absences.still_absent(absent):
        return False
    listings: dict[str, frozenset[str] | bool] = {}  # a folder's names, case-folded; False: no such folder; True: unknown

    def listing(folder: str) -> frozenset[str] | bool:
        known = listings.get(folder)
        if known is None:
            parent, _, name = folder.rpartition("/")
            if name and not may_exist(parent or "/", name):
                known = False
            else:
                try:
                    known = frozenset(entry.casefold() for entry in os.listdir(folder))
                except (FileNotFoundError, NotADirectoryError):
                    known = False
                except (OSError, ValueError):
                    known = True
            listings[folder] = known
        return known

    def may_exist(folder: str, name: str) -> bool:
        known = listings.get(folder)
        if known is None:
            known = listing(folder)
        if known is True or known is False:
            return known
        return not name.isascii() or name.casefold() in known

    posix = os.sep == "/" and os.altsep is None
    for entry in depends:
        if type(entry) is not list or len(entry) != 2 or type(entry[0]) is not str:
            return False
        path = entry[0]
        if entry[1] is None and posix and path[:1] == "/":
            folder, _, name = path.rpartition("/")
            if not may_exist(folder or "/", name):
                continue  # still absent
        if _regular_file_digest(path) != entry[1]:
            return False
    return True


def _roots_unchanged(given: list[str], roots: list[Any]) -> bool:
    """Whether each linted file still belongs to the project folder it belonged to (markers may have appeared)."""
    from mlops_lint.project.layout import Layout

    layout = Layout(given, frozenset())
    return all(type(entry) is list and len(entry) == 2 and type(entry[0]) is str
               and layout.project_root(os.path.normpath(os.path.abspath(entry[0]))) == entry[1] for entry in roots)


# The record this process last wrote or answered from (its runs folder and key), for replay.py.
last_record: tuple[str, str] | None = None


def _still_true(path: str, record: dict[str, Any], probes_checked: bool = False) -> bool:
    """Whether everything the recorded run depended on is unchanged (refreshing the record's signatures)."""
    if not probes_checked:
        for probe in record["probes"]:
            if type(probe) is not list or len(probe) != 2 or type(probe[0]) is not str or _probe(probe[0]) != probe[1]:
                return False
    import time

    started_ns = time.time_ns()
    unchanged, refreshed = _files_unchanged(record["files"])
    if not unchanged or not _depends_unchanged(record["depends"], record["absent"]):
        return False
    if type(record.get("tree")) is not list or not tree.unchanged(record["tree"]):
        from mlops_lint.discovery import discover

        if [entry[0] for entry in record["files"]] != list(discover(record["paths"], record["exclude"])):
            return False
        if not _roots_unchanged(record["given"], record["roots"]):
            return False
        # Same files after all: keep the folders' new shape, so that next time one stat each suffices.
        record["tree"] = tree.shape(record["paths"], record["exclude"], started_ns)
        refreshed = True
    if refreshed:
        folder.write_json(path, record)
    return True


def load_valid(records: str, key: str) -> dict[str, Any] | None:
    """The record ``key`` in ``records`` if it still holds (its probes, files and discovery), else None."""
    path = os.path.join(records, f"{key}.json")
    record = _load(path, key)
    return record if record is not None and _still_true(path, record) else None


class RunRecorder:
    """One run's record: made before the run reads its configuration, checked, then kept for next time."""

    def __init__(self, request: RunRequest) -> None:
        import time

        self.request = request
        self.eligible = _eligible(request)
        self.started_ns = time.time_ns()
        # Taken first: a configuration edited while the run goes on then fails the next check.
        self.probes = [[path, _probe(path)] for path in _probe_paths(request)] if self.eligible else []

    def answer(self) -> tuple[list[Diagnostic], int, tuple[str, ...]] | None:
        """This exact run's diagnostics, files and configuration warnings if nothing they depend on
        changed since it was recorded, else None."""
        global last_record
        if not self.eligible or (records := _records(self.request, create=False)) is None:
            return None
        from mlops_lint.catalog.locate import catalog_path

        key = _key(self.request, tool_fingerprint(catalog_path()))
        path = os.path.join(records, f"{key}.json")
        record = _load(path, key)
        # The probes were just taken for this request: comparing them checks the same paths, once.
        if record is None or record["probes"] != self.probes or not _still_true(path, record, probes_checked=True):
            return None
        from mlops_lint.cache import codec

        try:
            found = codec.decode_all(record["diagnostics"])
        except codec.InvalidEntry:
            return None
        last_record = (records, key)
        return found, len(record["files"]), tuple(record["warnings"])

    def remember(self, cache: LintCache, config: str | None, exclude: Iterable[str], diagnostics: list[Diagnostic],
                 warnings: Iterable[str] = (), given: Iterable[str] = ()) -> None:
        """Keep this finished run's record, so that the same command is answered by ``answer`` next time."""
        global last_record
        from mlops_lint.cache import codec
        from mlops_lint.cache.results import from_resource_failure

        if not self.eligible or from_resource_failure(diagnostics):
            return
        if config is not None and os.path.realpath(config) not in {path for path, _ in self.probes}:
            return  # a configuration the probes do not watch: its state before the run is unknown
        files = [[path, state[0], state[1], state[2]] for path, state in cache.observed.items()]
        if any(entry[1] is None or entry[3] is None for entry in files):
            return  # a file could not be read: nothing to check it against next time
        depends: dict[str, str | None] = {}
        roots: list[list[str]] = []
        for path in cache.observed:
            has_entry, dependencies = cache.dependencies_of(path)
            if not has_entry:
                return  # its result was not kept: what it depended on is unknown
            if dependencies is not None:
                depends.update(dependencies.files)
                roots.append([path, dependencies.root])
        records = _records(self.request, create=True)
        if records is None:
            return
        key = _key(self.request, cache.tool)
        paths = [p for p in self.request.paths if p != "-"]
        absent, loose = absences.group(sorted(path for path, known in depends.items() if known is None))
        unvouched = set(loose)
        record: dict[str, object] = {
            "format": FORMAT, "kind": KIND, "key": key, "probes": self.probes, "exclude": list(exclude),
            "paths": paths, "files": files,
            "tree": None, "diagnostics": [codec.encode(d) for d in diagnostics], "warnings": list(warnings),
            "depends": [[path, known] for path, known in sorted(depends.items()) if known is not None or path in unvouched],
            "absent": absent, "roots": roots, "given": list(given),
        }
        record["tree"] = tree.shape(paths, list(exclude), self.started_ns)
        folder.write_json(os.path.join(records, f"{key}.json"), record)
        _prune(records)
        last_record = (records, key)


def _prune(records: str) -> None:
    try:
        entries = sorted(os.scandir(records), key=lambda e: e.stat(follow_symlinks=False).st_mtime_ns, reverse=True)
        for entry in entries[KEEP_RECORDS:]:
            if entry.name.endswith(".json"):
                os.unlink(entry.path)
    except OSError:
        pass
