"""A project as a map of two pure steps: summaries per module, then findings per module.

- ``gather(files)`` is the only part that touches the disk: it reads the files given and the
  project modules they import (the safe reader: regular files inside the project, size-limited;
  links resolved inside the root), and returns ``ProjectSources``: each module's bytes, package
  and the project modules it imports, as plain picklable data.
- Step 1, ``summarise`` (``summarise.py``): ``(path, bytes, dependencies' summaries) →
  ModuleSummary``. ``summarise_project`` runs it over the modules, each after the modules it
  imports; an import cycle is iterated to a fixpoint (at most ``_MAX_ROUNDS`` rounds), its members
  first seeing each other unknown. With a ``SummaryCache`` (cache/summaries.py) a module is
  summarised again only when its bytes or the summary of a module it imports changed: the count
  of modules summarised is ``SummaryRun.computed``.
- Step 2, ``findings(path, bytes, modules, root)``: the file's diagnostics, the project's other
  modules given as bytes (``needed``: the file's import closure) and never read from disk
  (``ProjectOptions.closed``). The findings are those of ``mlops-lint check``: the dataflow
  follows each helper at its call site (analysis/project.py), which the summaries do not replace
  (docs/performance.md says why), so step 2 takes the modules' bytes as well as their summaries.

Every input and output is bytes, strings, tuples and frozen dataclasses: Dask, Ray or Spark can
map either step over thousands of repositories (docs/performance.md, "Scaling out").
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Mapping

from mlops_lint.project.dependencies import digest
from mlops_lint.project.summarise import summarise
from mlops_lint.project.summary import ModuleSummary

if TYPE_CHECKING:
    from mlops_lint.cache.summaries import SummaryCache
    from mlops_lint.catalog import Catalog
    from mlops_lint.diagnostics import Diagnostic

_MAX_ROUNDS = 3


@dataclass(frozen=True)
class ModuleSource:
    """One module of the project as the steps need it."""

    path: str  # absolute
    data: bytes
    package: str | None  # dotted name of its folder in the project (relative imports)
    imports: tuple[tuple[str, str], ...]  # (absolute dotted name, path) of each project module it imports


@dataclass(frozen=True)
class ProjectSources:
    root: str
    modules: tuple[ModuleSource, ...]

    def module(self, path: str) -> ModuleSource | None:
        return next((m for m in self.modules if m.path == path), None)


@dataclass(frozen=True)
class SummaryRun:
    summaries: Mapping[str, ModuleSummary]  # path → summary
    computed: tuple[str, ...]  # paths summarised by this run (not answered by the cache), once each


def _decoded(path: str, data: bytes) -> str | None:
    from mlops_lint.source import SourceError
    from mlops_lint.source.document import document_from_bytes

    try:
        return document_from_bytes(path, data).text
    except SourceError:
        return None


def gather(files: Iterable[str], given: Iterable[str] = (), max_file_size: int | None = None,
           catalog: Catalog | None = None) -> ProjectSources:
    """The files given and every project module they import, read once (see the module docstring).

    ``given``: the folders the run was given, the project of a file with no marker above it.
    """
    from mlops_lint.engine.prefilter import api_packages
    from mlops_lint.project.layout import Layout
    from mlops_lint.project.relevance import imported_modules
    from mlops_lint.source import SourceError, read_bytes
    from mlops_lint.source.reading import DEFAULT_MAX_FILE_SIZE

    if catalog is None:
        from mlops_lint.catalog import load_catalog

        catalog = load_catalog()
    pending = [os.path.normpath(os.path.abspath(f)) for f in files]
    layout = Layout(given or {os.path.dirname(p) for p in pending}, frozenset(api_packages(catalog)))
    roots = {layout.project_root(p) for p in pending}
    seen: set[str] = set(pending)
    modules: list[ModuleSource] = []
    while pending:
        path = pending.pop(0)
        try:
            data = read_bytes(path, max_file_size or DEFAULT_MAX_FILE_SIZE)
        except SourceError:
            continue
        text = _decoded(path, data)
        imports = tuple(sorted(
            (dotted, found) for dotted, found in imported_modules(layout, path, text).items() if found != path
        )) if text is not None else ()
        for _, found in imports:
            if found not in seen:
                seen.add(found)
                pending.append(found)
        modules.append(ModuleSource(path, data, layout.package_of(path, 1), imports))
    root = sorted(roots)[0] if roots else os.getcwd()
    return ProjectSources(root, tuple(sorted(modules, key=lambda m: m.path)))


def components(sources: ProjectSources) -> list[list[ModuleSource]]:
    """The modules grouped by import cycle, each group after the groups it imports (Tarjan, iterative)."""
    by_path = {m.path: m for m in sources.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[ModuleSource]] = []
    for start in by_path:
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            path, position = work.pop()
            if position == 0:
                index[path] = low[path] = len(index)
                stack.append(path)
                on_stack.add(path)
            targets = [p for _, p in by_path[path].imports if p in by_path]
            if position < len(targets):
                work.append((path, position + 1))
                target = targets[position]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[path] = min(low[path], index[target])
                continue
            if low[path] == index[path]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(by_path[member])
                    if member == path:
                        break
                groups.append(sorted(group, key=lambda m: m.path))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[path])
    return groups


Summarise = Callable[..., ModuleSummary]


def summarise_project(sources: ProjectSources, cache: SummaryCache | None = None, catalog: Catalog | None = None,
                      step: Summarise = summarise) -> SummaryRun:
    """Step 1 over a project: each module's summary, from the cache when nothing it depends on changed."""
    from mlops_lint.cache.summaries import summary_key

    if catalog is None:
        from mlops_lint.catalog import load_catalog

        catalog = load_catalog()
    done: dict[str, ModuleSummary] = {}
    computed: list[str] = []
    for group in components(sources):
        members = {m.path for m in group}
        cycle = len(group) > 1 or any(p == group[0].path for _, p in group[0].imports)
        cycle_digests = [digest(m.data) for m in group] if cycle else []
        keys = {}
        for module in group:
            outside = [(name, done[path].fingerprint()) for name, path in module.imports
                       if path not in members and path in done]
            keys[module.path] = summary_key(digest(module.data), module.package, outside, cycle_digests)
        cached = {m.path: cache.get(keys[m.path]) for m in group} if cache is not None else {}
        if all(cached.get(m.path) is not None for m in group):
            done.update({path: summary for path, summary in cached.items() if summary is not None})
            continue
        current: dict[str, ModuleSummary] = {}
        for _ in range(_MAX_ROUNDS if cycle else 1):
            previous = dict(current)
            for module in group:
                dependencies = {name: (previous.get(path) if path in members else done.get(path))
                                for name, path in module.imports}
                current[module.path] = step(module.path, module.data,
                                            {n: s for n, s in dependencies.items() if s is not None},
                                            module.package, tuple(name for name, _ in module.imports), catalog)
            if current == previous:
                break
        computed.extend(m.path for m in group)
        for module in group:
            done[module.path] = current[module.path]
            if cache is not None:
                cache.put(keys[module.path], current[module.path])
    return SummaryRun(done, tuple(computed))


def needed(path: str, sources: ProjectSources) -> dict[str, bytes]:
    """The bytes of every project module that ``path`` imports, directly or not (step 2's ``modules``)."""
    by_path = {m.path: m for m in sources.modules}
    found: dict[str, bytes] = {}
    stack = [path]
    while stack:
        module = by_path.get(stack.pop())
        if module is None:
            continue
        for _, imported in module.imports:
            if imported not in found and imported != path and imported in by_path:
                found[imported] = by_path[imported].data
                stack.append(imported)
    return found


def findings(path: str, data: bytes, modules: Mapping[str, bytes], root: str,
             select: Iterable[str] | None = None, catalog: Catalog | None = None) -> tuple[Diagnostic, ...]:
    """Step 2: the diagnostics of the file ``path`` whose bytes are ``data``, its project ``root``
    holding exactly ``modules`` (path → bytes) besides it. Reads nothing from disk (see the module docstring).

    ``select``: the selected codes (None: the default rules), as ``--select`` spells them.
    """
    from mlops_lint.engine.lint import LintOptions
    from mlops_lint.engine.parallel import lint_source
    from mlops_lint.engine.prefilter import build_prefilter
    from mlops_lint.project import ProjectOptions
    from mlops_lint.selection import selected_codes

    if catalog is None:
        from mlops_lint.catalog import load_catalog

        catalog = load_catalog()
    selected = selected_codes(catalog, None if select is None else tuple(select))
    overlay = tuple(sorted({**modules, path: data}.items()))
    project = ProjectOptions(given=(root,), overlay=overlay, absolute=True, closed=True)
    options = LintOptions(selected, project=project)
    return tuple(lint_source(path, data, catalog, options, build_prefilter(catalog, selected)))


def summarise_paths(paths: Iterable[str], cache_dir: str | None, use_cache: bool) -> tuple[ProjectSources, SummaryRun]:
    """Step 1 over the .py/.ipynb files under ``paths`` and the project modules they import
    (``mlops-lint summarise``), with the summary cache of the user's cache folder unless ``use_cache`` is False."""
    from pathlib import Path

    from mlops_lint.catalog import load_catalog
    from mlops_lint.discovery import discover
    from mlops_lint.settings import DEFAULT_EXCLUDES

    catalog = load_catalog()
    paths = list(paths)
    files = list(discover(paths, DEFAULT_EXCLUDES))
    given = [p if os.path.isdir(p) else os.path.dirname(p) or os.curdir for p in paths]
    sources = gather(files, given=[os.path.abspath(g) for g in given], catalog=catalog)
    cache = None
    if use_cache:
        from mlops_lint.cache.folder import base_folder
        from mlops_lint.cache.summaries import summary_cache
        from mlops_lint.catalog.locate import catalog_dir

        cache = summary_cache(base_folder(Path(cache_dir) if cache_dir else None), Path(sources.root), catalog_dir())
    result = summarise_project(sources, cache, catalog)
    if cache is not None:
        cache.save()
    return sources, result
