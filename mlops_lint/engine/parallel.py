"""Lint many files: read, consult the cache, prefilter, and analyse the rest in a process pool.

The parent answers unchanged files from the cache by one ``os.stat`` each, reads every other file
once (the cache is keyed by the bytes it read, so a file edited during the run can never be cached
under the wrong content: mlops_lint/cache/fingerprint.py) and streams the misses to the workers; trees
never leave a worker and only plain frozen Diagnostics come back. Results are gathered per file in
discovery order and sorted with the same key as the serial path, so ``--jobs 1`` and ``--jobs N``
print byte-identical output.
"""

from __future__ import annotations

import gc
import itertools
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from mlops_lint.catalog import Catalog
from mlops_lint.diagnostics import Diagnostic
from mlops_lint.engine.lint import LintOptions, engine_diagnostic, lint_document_safely
from mlops_lint.engine.prefilter import Prefilter
from mlops_lint.engine.registry import check_pairing
from mlops_lint.observer import CACHED, CHECKED, NO_ML_IMPORTS, UNREADABLE, Observe
from mlops_lint.source import SourceDocument, SourceError, document_from_bytes, read_bytes
from mlops_lint.source.reading import DEFAULT_MAX_FILE_SIZE, too_large

if TYPE_CHECKING:
    from concurrent.futures import Future

    from mlops_lint.cache.results import LintCache
    from mlops_lint.project.dependencies import Dependencies

# Below this many files to analyse a pool costs more (fork, pipes) than it saves.
PARALLEL_THRESHOLD = 32
# Files per task: enough to amortise the pipe round trip, few enough to balance two cores.
CHUNK_SIZE = 4
# Chunks submitted ahead per worker: keeps every worker busy while bounding the bytes in flight.
WINDOW_PER_JOB = 4


class NoMLImports(list[Diagnostic]):
    """The (empty) findings of a file the prefilter ruled out: no selected rule can fire, so it is not parsed.

    A type of its own so that the summary can tell it from an empty result of another kind.
    """


@dataclass(frozen=True, slots=True)
class _Task:
    index: int
    document: SourceDocument


# What a worker sends back for one file: its index, its diagnostics, and the other files of its
# project they depended on (None when it was linted alone).
_Result = tuple[int, list[Diagnostic], "Dependencies | None"]


def default_jobs() -> int:
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(os.cpu_count() or 1, 1)


def check_code_size(document: SourceDocument, max_size: int) -> None:
    """A notebook may be larger than the limit on disk (its outputs), but its code may not."""
    if len(document.text) > max_size:
        raise SourceError(too_large(len(document.text), max_size, "characters of code"))


def screen(
    path: str, data: bytes, catalog: Catalog, options: LintOptions, prefilter: Prefilter | None,
    max_size: int | None = None,
) -> SourceDocument | list[Diagnostic]:
    """The document to analyse, or the final diagnostics of a file that needs no analysis.

    ``max_size`` bounds the text to analyse (source from stdin); files were bounded when read.
    """
    try:
        document = document_from_bytes(path, data)
        if max_size is not None:
            check_code_size(document, max_size)
    except SourceError as error:
        return [engine_diagnostic(catalog, "MLO002", path, str(error))] if "MLO002" in options.selected else []
    if prefilter is not None and not prefilter.keeps(document.text):
        # No selected rule can fire here (engine/prefilter.py), unless through a module of the
        # project it imports that imports ML code (project/relevance.py): else not even parsed.
        if options.project is None or not _project(options, catalog).relevant(path, document.text, prefilter):
            return NoMLImports()
    return document


def _project(options: LintOptions, catalog: Catalog) -> Any:
    from mlops_lint.project.model import project_for

    assert options.project is not None
    return project_for(options.project, catalog)


def lint_with_dependencies(document: SourceDocument, catalog: Catalog, options: LintOptions) -> tuple[list[Diagnostic], Dependencies | None]:
    """``lint_document_safely``, and what the findings depended on besides the file (its project's modules)."""
    diagnostics = lint_document_safely(document, catalog, options)
    if options.project is None:
        return diagnostics, None
    return diagnostics, _project(options, catalog).found.pop(document.path, None)


def _outcome(screened: list[Diagnostic]) -> str:
    """What became of a file that ``screen`` answered itself."""
    return NO_ML_IMPORTS if isinstance(screened, NoMLImports) else UNREADABLE


def lint_source(
    path: str, data: bytes, catalog: Catalog, options: LintOptions, prefilter: Prefilter | None,
    max_size: int = DEFAULT_MAX_FILE_SIZE, observe: Observe | None = None,
) -> list[Diagnostic]:
    """Decode, prefilter and lint one file's bytes."""
    screened = screen(path, data, catalog, options, prefilter, max_size)
    found = screened if isinstance(screened, list) else lint_document_safely(screened, catalog, options)
    if observe is not None:
        observe(path, _outcome(screened) if isinstance(screened, list) else CHECKED)
    return found


# Per-worker state, set once by _init_worker so that tasks carry only a document.
_WORKER: tuple[Catalog, LintOptions] | None = None


def _init_worker(catalog_dir: str | None, options: LintOptions, inherited: Catalog | None = None) -> None:
    global _WORKER
    from pathlib import Path

    from mlops_lint.catalog import load_catalog
    from mlops_lint.engine.registry import rule_classes

    # A forked worker is handed the parent's catalog as it is (fork passes initargs without
    # pickling); loading it again cost each worker 8 ms of CPU, ~20 ms of wall before its first
    # chunk. Elsewhere (spawn) the worker loads its own.
    catalog = inherited if inherited is not None else load_catalog(Path(catalog_dir) if catalog_dir else None)
    rule_classes()
    _WORKER = (catalog, options)
    # What was loaded so far lives as long as the worker: keep it out of every collection.
    gc.freeze()


def _lint_chunk(chunk: list[_Task]) -> list[_Result]:
    assert _WORKER is not None, "worker not initialised"
    catalog, options = _WORKER
    return [(task.index, *lint_with_dependencies(task.document, catalog, options)) for task in chunk]


def _context() -> Any:
    import multiprocessing  # only when a pool is worth it: it costs a single-file run ~10% of its start-up

    # fork shares the loaded catalog and rule modules for free; elsewhere the initializer loads them.
    if sys.platform == "linux":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


class _Reader:
    """Read each path once, answer from the cache where it can, and yield the rest as tasks."""

    def __init__(
        self, paths: Iterable[str], catalog: Catalog, options: LintOptions, prefilter: Prefilter | None, cache: LintCache | None,
        max_size: int = DEFAULT_MAX_FILE_SIZE, observe: Observe | None = None,
    ) -> None:
        self.paths = paths
        self.max_size = max_size
        self.observe = observe or (lambda path, outcome: None)
        self.index_paths: dict[int, str] = {}
        self.catalog = catalog
        self.options = options
        self.prefilter = prefilter
        self.cache = cache
        self.results: dict[int, list[Diagnostic]] = {}
        self.digests: dict[int, tuple[str, str]] = {}
        # What deciding whether to analyse each file read of its project (project/relevance.py).
        self.screening: dict[int, Dependencies] = {}
        self.project = _project(options, catalog) if options.project is not None else None

    def tasks(self) -> Iterator[_Task]:
        for index, path in enumerate(self.paths):
            if self.cache is not None:
                cached = self.cache.unchanged(path, self._dependencies_hold(path))  # one os.stat: an unchanged file is not even read
                if cached is not None:
                    self.results[index] = cached
                    continue
            try:
                data = read_bytes(path, self.max_size)  # regular files only, within the limit
                if len(data) > self.max_size:
                    # Only a notebook is read past the limit; checked before the cache, whose key
                    # does not know the limit, so a changed limit is never answered from it.
                    check_code_size(document_from_bytes(path, data), self.max_size)
            except SourceError as error:
                wanted = "MLO002" in self.options.selected
                self.results[index] = [engine_diagnostic(self.catalog, "MLO002", path, str(error))] if wanted else []
                self.observe(path, UNREADABLE)
                continue
            if self.cache is not None:
                digest = self.cache.digest(data)
                cached = self.cache.get(path, digest, self._dependencies_hold(path))
                if cached is not None:
                    self.results[index] = cached
                    self.observe(path, CACHED)
                    continue
                self.digests[index] = (path, digest)
            # Decoding and the prefilter are cheap: done here, a file without ML code never
            # travels to a worker, and a tree of such files needs no pool at all.
            if self.project is None:
                screened = screen(path, data, self.catalog, self.options, self.prefilter)
            else:
                with self.project.session(path) as reads:
                    screened = screen(path, data, self.catalog, self.options, self.prefilter)
                self.screening[index] = self.project.dependencies(reads, path)
            if isinstance(screened, list):
                self.record(index, screened)
                self.observe(path, _outcome(screened))
                continue
            self.index_paths[index] = path
            yield _Task(index, screened)

    def _dependencies_hold(self, path: str) -> Callable[[Dependencies], bool] | None:
        """Whether the project files a cached result of ``path`` depended on still read the same."""
        project = self.project
        if project is None:
            return None
        return lambda dependencies: bool(project.still_holds(path, dependencies))

    def record(self, index: int, diagnostics: list[Diagnostic], dependencies: Dependencies | None = None) -> None:
        self.results[index] = diagnostics
        if index in self.index_paths:
            self.observe(self.index_paths.pop(index), CHECKED)
        screening = self.screening.pop(index, None)
        if screening is not None:
            dependencies = screening if dependencies is None else dependencies.union(screening)
        if self.cache is not None and index in self.digests:
            path, digest = self.digests.pop(index)
            self.cache.put(path, digest, diagnostics, dependencies)


def lint_files(
    paths: Iterable[str],
    catalog: Catalog,
    options: LintOptions,
    prefilter: Prefilter | None = None,
    cache: LintCache | None = None,
    jobs: int | None = None,
    catalog_dir: str | None = None,
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    observe: Observe | None = None,
) -> list[Diagnostic]:
    """Lint every path; ``jobs`` None means one process per core, 1 means serial.

    More workers than cores only compete for them, and more than files to analyse sit idle:
    ``jobs`` is capped at both (``-j 300`` on 40 files of a 2-core machine forks 2).
    ``observe`` hears what became of each file as soon as it is known.
    """
    reader = _Reader(paths, catalog, options, prefilter, cache, max_file_size, observe)
    tasks = reader.tasks()
    cores = default_jobs()
    jobs = max(1, min(cores if jobs is None else jobs, cores))
    # Look ahead before paying for a pool: a warm run or a single file stays in this process.
    look_ahead = max(PARALLEL_THRESHOLD, jobs)
    head = list(itertools.islice(tasks, look_ahead))
    if len(head) < look_ahead:  # every file to analyse is known
        jobs = min(jobs, len(head))
    if head:
        # Loading the rules costs a warm run more than the rest of its work: only when needed,
        # and in this process before any fork, so every worker inherits them.
        check_pairing(catalog)
    if jobs <= 1 or len(head) < PARALLEL_THRESHOLD:
        for task in itertools.chain(head, tasks):
            reader.record(task.index, *lint_with_dependencies(task.document, catalog, options))
    else:
        for index, diagnostics, dependencies in _in_pool(itertools.chain(head, tasks), jobs, catalog, options, catalog_dir):
            reader.record(index, diagnostics, dependencies)
    if cache is not None:
        cache.save()
    found = [d for index in sorted(reader.results) for d in reader.results[index]]
    return sorted(found, key=Diagnostic.sort_key)


def _chunks(tasks: Iterable[_Task]) -> Iterator[list[_Task]]:
    iterator = iter(tasks)
    while chunk := list(itertools.islice(iterator, CHUNK_SIZE)):
        yield chunk


def _in_pool(
    tasks: Iterable[_Task], jobs: int, catalog: Catalog, options: LintOptions, catalog_dir: str | None
) -> Iterator[_Result]:
    """Results of every task, in order, from a pool fed a few chunks ahead (memory stays bounded).

    A worker that dies (killed, out of memory) breaks the pool instead of hanging it: the chunks
    it left unfinished are then linted in this process.
    """
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    in_flight: deque[tuple[list[_Task], Future[list[_Result]]]] = deque()
    leftovers: list[list[_Task]] = []
    context = _context()
    inherited = catalog if context.get_start_method() == "fork" else None
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker, initargs=(catalog_dir, options, inherited))
    try:
        broken = False
        for chunk in _chunks(tasks):
            if broken:
                leftovers.append(chunk)
                continue
            try:
                in_flight.append((chunk, pool.submit(_lint_chunk, chunk)))
            except BrokenProcessPool:
                broken = True
                leftovers.append(chunk)
                continue
            while len(in_flight) > WINDOW_PER_JOB * jobs or (in_flight and in_flight[0][1].done()):
                done_chunk, future = in_flight.popleft()
                try:
                    yield from future.result()
                except BrokenProcessPool:
                    broken = True
                    leftovers.append(done_chunk)
        for chunk, future in in_flight:
            try:
                yield from future.result()
            except BrokenProcessPool:
                leftovers.append(chunk)
    except BaseException:
        pool.shutdown(wait=True)
        raise
    # Every result is in: the workers exit (and the kernel frees their memory, ~10 ms) while this
    # process saves the cache and prints; the interpreter's exit waits for them (concurrent.futures).
    pool.shutdown(wait=False)
    for chunk in leftovers:
        yield from ((task.index, *lint_with_dependencies(task.document, catalog, options)) for task in chunk)
