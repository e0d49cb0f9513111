"""One lint run: resolve config and selection, discover files, fix and write them (``--fix``), lint them, apply per-file ignores.

This module is the only one that writes a user's file: the fixer computes new bytes, ``_write``
puts them on disk with the checks of docs/safety.md ("--fix"), and ``cli.py`` prints.
"""

from __future__ import annotations

import fnmatch
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence

from mlops_lint.observer import CACHED, CHECKED, NO_ML_IMPORTS, UNREADABLE, RunObserver

# The catalog, the configuration and the engine are imported inside run_request(), once the cache
# could not answer the whole run (mlops_lint/cache/answers.py): on a warm run they are never loaded.
if TYPE_CHECKING:  # a plain check imports nothing of the fixes
    from mlops_lint.cache.results import LintCache
    from mlops_lint.catalog import Catalog
    from mlops_lint.diagnostics import Diagnostic
    from mlops_lint.engine.lint import LintOptions
    from mlops_lint.fixes.result import FixRequest, FixResult
    from mlops_lint.project import ProjectOptions
    from mlops_lint.settings import Settings
    from mlops_lint.source import SourceDocument


class RunError(Exception):
    """Stops the run with exit code 2 (bad config, bad selection, broken catalog)."""


@dataclass(frozen=True)
class RunStats:
    """What the run looked at, what became of it, and where the time went."""

    outcomes: dict[str, int] = field(default_factory=dict)  # outcome → how many files (and stdin)
    seconds: tuple[tuple[str, float], ...] = ()  # (stage, seconds) in the order the stages ran

    def count(self, outcome: str) -> int:
        return self.outcomes.get(outcome, 0)

    @property
    def files(self) -> int:
        return sum(self.outcomes.values())


class _Tally:
    """Counts each file once, passing it on to the observer as it goes."""

    def __init__(self, observer: RunObserver) -> None:
        self.observer = observer
        self.outcomes: dict[str, str] = {}
        self.done: set[str] = set()
        self.seconds: list[tuple[str, float]] = []
        self._since = time.perf_counter()

    def advance(self, path: str) -> None:
        if path not in self.done:
            self.done.add(path)
            self.observer.advance()

    def __call__(self, path: str, outcome: str) -> None:
        self.advance(path)
        if path not in self.outcomes:  # a fixed file is linted again: its first outcome stands
            self.outcomes[path] = outcome
            self.observer.file(path, outcome)

    def stage(self, name: str) -> None:
        """The stage ``name`` ends now."""
        now = time.perf_counter()
        self.seconds.append((name, now - self._since))
        self._since = now

    def stats(self) -> RunStats:
        counts: dict[str, int] = {}
        for outcome in self.outcomes.values():
            counts[outcome] = counts.get(outcome, 0) + 1
        return RunStats(counts, tuple(self.seconds))


@dataclass(frozen=True)
class RunRequest:
    paths: tuple[str, ...]
    config_file: Path | None = None
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    stdin_filename: str | None = None
    stdin: bytes | None = None  # what '-' in ``paths`` reads: the caller reads it (the CLI from stdin, an editor its buffer)
    fix: FixRequest | None = None  # --fix / --diff
    preview: bool = False  # also run the rules that are off by default
    use_cache: bool = False  # the CLI turns it on; --no-cache off
    cache_dir: Path | None = None  # the cache base folder (default: the user's; mlops_lint/cache/folder.py)
    jobs: int | None = None  # None: one process per core
    max_file_size: int | None = None  # bytes; None: the configuration's (default 5 MiB)
    observer: RunObserver | None = None  # hears the run as it goes (progress, -v)
    # Texts that stand for files on disk when the project's other modules are read: an editor's
    # open buffers, as (path, bytes). The files linted are the paths (and stdin) all the same.
    overlay: tuple[tuple[str, bytes], ...] = ()
    # False: the findings come without their fixes (the language server's lint on every keystroke);
    # such a run neither reads nor fills the cache, whose findings carry their fixes.
    propose_fixes: bool = True


@dataclass(frozen=True)
class RunResult:
    diagnostics: list[Diagnostic]  # sorted, per-file ignores applied; with --fix, what remains after it
    fixes: FixResult | None = None  # with --fix / --diff: what was fixed, and what was not and why
    stdin: bytes | None = None  # the source read from '-' as linted: with --fix, its fixed bytes
    unsaved: tuple[SourceDocument, ...] = field(default=())  # texts to show instead of the file on disk (stdin)
    stats: RunStats = field(default_factory=RunStats)
    warnings: tuple[str, ...] = ()  # configuration that was read but is probably not what was meant


def _settings(request: RunRequest, catalog: Catalog) -> Settings:
    from mlops_lint.config import find_pyproject, load_settings

    config = request.config_file
    if config is None:
        first = next((p for p in request.paths if p != "-"), None)
        start = Path(first) if first else Path.cwd()
        if request.stdin_filename and not first:
            start = Path(request.stdin_filename).parent
        config = find_pyproject(start if start.exists() else Path.cwd())
    return load_settings(config, catalog)


def _per_file_ignores(settings: Settings, catalog: Catalog) -> Callable[[Diagnostic], bool] | None:
    """Whether a diagnostic is one the configuration's per-file-ignores leave out (None: none is).

    Globs match the path relative to the config file's folder, the path as given, or the file name.
    The codes a path ignores are found once per path: the language server's thousand findings of a
    long module took 3 ms to match one by one on every keystroke.
    """
    if not settings.per_file_ignores:
        return None
    from mlops_lint.selection import expand

    ignored_in: dict[str, frozenset[str]] = {}

    def codes_ignored_in(path: str) -> frozenset[str]:
        candidates = {path.replace("\\", "/"), Path(path).name}
        if settings.root is not None and path != "-":
            relative = os.path.relpath(os.path.abspath(path), settings.root)
            if not relative.startswith(".."):
                candidates.add(relative.replace(os.sep, "/"))
        return frozenset().union(*(expand(selectors, catalog, "per-file-ignores") for glob, selectors in settings.per_file_ignores.items()
                                   if any(fnmatch.fnmatch(candidate, glob) for candidate in candidates)))

    def ignored(diagnostic: Diagnostic) -> bool:
        path = diagnostic.location.path
        if path not in ignored_in:
            ignored_in[path] = codes_ignored_in(path)
        return diagnostic.code in ignored_in[path]

    return ignored


def _cache(request: RunRequest, settings: Settings, options: LintOptions, max_size: int) -> LintCache | None:
    if not request.use_cache:
        return None
    from mlops_lint.cache.folder import base_folder
    from mlops_lint.cache.results import results_cache
    from mlops_lint.catalog.locate import catalog_dir

    root = Path(settings.source).parent if settings.source else Path.cwd()
    return results_cache(base_folder(request.cache_dir), root, catalog_dir(),
                         options.selected, options.rule_options, options.honour_noqa, max_size)


def _project_options(request: RunRequest, max_size: int) -> ProjectOptions:
    """Where the run's files find their projects: each folder given (a file's own folder for a file),
    the fallback of a file with no pyproject.toml, setup.cfg or .git above it (mlops_lint/project/)."""
    from mlops_lint.project import ProjectOptions

    given = [p if os.path.isdir(p) else os.path.dirname(p) or os.curdir for p in request.paths if p != "-"]
    if "-" in request.paths:
        given.append(os.path.dirname(request.stdin_filename or "") or os.curdir)
    absolute = any(os.path.isabs(p) for p in request.paths if p != "-")
    return ProjectOptions(tuple(sorted({os.path.abspath(g) for g in given})), max_size, request.overlay, absolute)


def run(request: RunRequest) -> list[Diagnostic]:
    """The findings of a run (what the language server and the tests need)."""
    return run_request(request).diagnostics


def _project_roots(request: RunRequest, settings: Settings) -> tuple[Path, ...]:
    """Where a write may land after following symlinks: the project (the configuration's folder,
    else the current folder) and each folder named on the command line."""
    folders = [Path(settings.root) if settings.root else Path.cwd(), *(Path(p) for p in request.paths if p != "-" and os.path.isdir(p))]
    return tuple(Path(os.path.realpath(folder)) for folder in folders)


def _write_target(path: str, roots: Sequence[Path]) -> Path:
    """The file a write to ``path`` lands in; a symlink may lead there only inside the project."""
    from mlops_lint.atomic import ReplaceRefused

    target = Path(os.path.realpath(path))
    if target != Path(os.path.abspath(path)) and not any(target.is_relative_to(root) for root in roots):
        raise ReplaceRefused(f"a symlink leads it to {target}, outside the project ({roots[0]})")
    return target


def _write(fixes: FixResult, roots: Sequence[Path]) -> FixResult:
    """Write each fixed file; a refused or failed write becomes that file's ``not_written``, and the run goes on."""
    from mlops_lint.atomic import ReplaceRefused, remove_stale_temporaries, replace_source_file

    for folder in sorted({os.path.dirname(os.path.realpath(file.path)) for file in fixes.files}):
        remove_stale_temporaries(Path(folder))  # left by a --fix killed at its rename
    files = []
    for file in fixes.files:
        if file.new is not None:
            try:
                replace_source_file(_write_target(file.path, roots), file.original, file.new)
            except ReplaceRefused as error:
                file = file.refused(str(error))
            except OSError as error:
                file = file.refused(f"could not write it: {error.strerror or error}")
        files.append(file)
    return replace(fixes, files=tuple(files))


def _counted(paths: Iterable[str], tally: _Tally) -> Iterator[str]:
    """``paths`` as the fixer takes them, one at a time: the one before is done when it asks for the next."""
    for path in paths:
        yield path
        tally.advance(path)


def run_request(request: RunRequest) -> RunResult:
    """Lint (and with ``request.fix``, first fix) the files of ``request``."""
    recorder = None
    if not request.propose_fixes:
        request = replace(request, use_cache=False)
    if request.use_cache:
        from mlops_lint.cache.answers import RunRecorder

        recorder = RunRecorder(request)
        answered = recorder.answer()
        if answered is not None:  # every file unchanged since a run that cached its findings
            found, file_count, warnings = answered
            return RunResult(found, stats=RunStats({CACHED: file_count} if file_count else {}), warnings=warnings)
    from mlops_lint.catalog import CatalogError, load_catalog
    from mlops_lint.config import ConfigError
    from mlops_lint.diagnostics import Diagnostic
    from mlops_lint.discovery import discover
    from mlops_lint.engine.lint import LintOptions
    from mlops_lint.engine.parallel import lint_files, lint_source
    from mlops_lint.engine.prefilter import build_prefilter
    from mlops_lint.selection import SelectionError, selected_codes
    from mlops_lint.source import SourceError, document_from_bytes

    observer = request.observer or RunObserver()
    tally = _Tally(observer)
    try:
        catalog = load_catalog()
        settings = _settings(request, catalog)
        if request.select is not None:
            # A --select on the command line starts the selection afresh, as in ruff.
            selected = selected_codes(catalog, request.select, request.extend_select, request.ignore, request.preview)
        else:
            selected = selected_codes(
                catalog,
                settings.select,
                (*settings.extend_select, *request.extend_select),
                (*settings.ignore, *request.ignore),
                request.preview,
            )
    except SelectionError as error:
        # The configuration was validated when read, so a bad selector here came from the command line.
        raise RunError(f"option --{error.key}: {error.problem}") from None
    except (CatalogError, ConfigError) as error:
        raise RunError(str(error)) from None
    observer.configuration(settings.source)
    max_size = request.max_file_size or settings.max_file_size
    options = LintOptions(selected=selected, rule_options=settings.rule_options,
                          project=_project_options(request, max_size), propose_fixes=request.propose_fixes)
    exclude = (*(request.exclude if request.exclude is not None else settings.exclude),
               *settings.extend_exclude, *request.extend_exclude)
    tally.stage("configuration")
    files = [p for p in request.paths if p != "-"]
    # What the walk could not enter (unreadable folders, paths past PATH_MAX) or would not follow
    # (links out of the walked folder): each is reported, never skipped silently.
    not_walked: list[tuple[str, str]] = []
    paths: Iterable[str] = discover(files, exclude, not_walked, skipped=observer.skipped)
    diagnostics: list[Diagnostic] = []
    name = request.stdin_filename or "-"
    stdin = request.stdin if "-" in request.paths else None
    if observer.wants_total:
        paths = list(paths)
        observer.total(len(paths) + (stdin is not None))
        tally.stage("discovery")
    fixes = None
    prefilter = build_prefilter(catalog, selected)
    ignored = _per_file_ignores(settings, catalog)
    if request.fix is not None:  # fix (or diff) first, then report what remains
        from mlops_lint.fixes.fixer import fix_files
        from mlops_lint.fixes.result import FixMode

        keep = (lambda d: True) if ignored is None else (lambda d: not ignored(d))  # no fix for an ignored finding
        paths = list(paths)
        fixes = fix_files(_counted(paths, tally), (name, stdin) if stdin is not None else None, catalog, options,
                          request.fix.unsafe, keep, prefilter)
        writing = request.fix.mode is FixMode.WRITE
        if writing:
            fixes = _write(fixes, _project_roots(request, settings))
            if fixes.stdin is not None and fixes.stdin.fixed:
                stdin = fixes.stdin.new
        # A file whose findings the fixer already knows and that was not rewritten is not linted twice.
        known = {f.path: f for f in fixes.files if f.findings is not None and not (writing and f.applied)}
        for file in known.values():
            tally(file.path, NO_ML_IMPORTS if file.no_ml_imports else CHECKED)
        paths = [p for p in paths if p not in known]
        diagnostics = [d for f in known.values() for d in f.findings or ()]
        tally.stage("fixes")
    cache = _cache(request, settings, options, max_size)
    try:
        diagnostics.extend(lint_files(paths, catalog, options, prefilter, cache, request.jobs,
                                      max_file_size=max_size, observe=tally))
    except CatalogError as error:  # rules and catalog out of step: checked when the rules first load
        raise RunError(str(error)) from None
    for path, _ in not_walked:
        tally(path, UNREADABLE)
    if "MLO002" in selected:
        from mlops_lint.engine.lint import engine_diagnostic

        diagnostics.extend(engine_diagnostic(catalog, "MLO002", path, problem) for path, problem in not_walked)
    unsaved: tuple[SourceDocument, ...] = ()
    # One document's findings come sorted (lint_document): an editor's buffer is not sorted again.
    in_order = not diagnostics and stdin is not None
    if stdin is not None:
        diagnostics.extend(lint_source(name, stdin, catalog, options, prefilter, max_size, observe=tally))
        try:
            unsaved = (document_from_bytes(name, stdin),)
        except SourceError:
            pass  # reported as MLO002; there is no text to show
    if ignored is not None:
        diagnostics = [d for d in diagnostics if not ignored(d)]
    if not in_order:
        diagnostics.sort(key=Diagnostic.sort_key)
    tally.stage("lint")
    if recorder is not None and cache is not None and not not_walked:  # what was not walked is never vouched for
        recorder.remember(cache, settings.source, exclude, diagnostics, settings.warnings,
                          options.project.given if options.project is not None else ())
    return RunResult(diagnostics, fixes, stdin, unsaved, tally.stats(), settings.warnings)
