"""One lint run: resolve config and selection, discover files, lint them, apply per-file ignores."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from mlops_lint.catalog import Catalog, CatalogError, load_catalog
from mlops_lint.config import ConfigError, find_pyproject, load_settings
from mlops_lint.diagnostics import Diagnostic
from mlops_lint.discovery import discover
from mlops_lint.engine.lint import LintOptions
from mlops_lint.engine.parallel import lint_files, lint_source
from mlops_lint.engine.prefilter import build_prefilter
from mlops_lint.selection import SelectionError, selected_codes
from mlops_lint.settings import Settings

if TYPE_CHECKING:
    from mlops_lint.cache import LintCache


class RunError(Exception):
    """Stops the run with exit code 2 (bad config, bad selection, broken catalog)."""


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
    read_stdin: Callable[[], str] | None = None
    fix: Any = None  # a mlops_lint.fixes.session.FixSession for --fix / --diff
    preview: bool = False  # also run the rules that are off by default
    use_cache: bool = False  # the CLI turns it on; --no-cache off
    cache_dir: Path | None = None  # default: .mlops-lint-cache beside the config file, else in the cwd
    jobs: int | None = None  # None: one process per core


def _settings(request: RunRequest, catalog: Catalog) -> Settings:
    config = request.config_file
    if config is None:
        first = next((p for p in request.paths if p != "-"), None)
        start = Path(first) if first else Path.cwd()
        if request.stdin_filename and not first:
            start = Path(request.stdin_filename).parent
        config = find_pyproject(start if start.exists() else Path.cwd())
    return load_settings(config, catalog)


def _per_file_ignored(diagnostic: Diagnostic, settings: Settings, catalog: Catalog) -> bool:
    """Globs match the path relative to the config file's folder, the path as given, or the file name."""
    from mlops_lint.selection import expand

    path = diagnostic.location.path
    candidates = {path.replace("\\", "/"), Path(path).name}
    if settings.root is not None and path != "-":
        relative = os.path.relpath(os.path.abspath(path), settings.root)
        if not relative.startswith(".."):
            candidates.add(relative.replace(os.sep, "/"))
    for glob, codes in settings.per_file_ignores.items():
        if any(fnmatch.fnmatch(candidate, glob) for candidate in candidates):
            if diagnostic.code in expand(codes, catalog, "per-file-ignores"):
                return True
    return False


def _cache(request: RunRequest, settings: Settings, options: LintOptions) -> LintCache | None:
    if not request.use_cache:
        return None
    from mlops_lint.cache import CACHE_DIR_NAME, cache_for
    from mlops_lint.catalog.locate import catalog_dir

    root = Path(settings.source).parent if settings.source else Path.cwd()
    directory = request.cache_dir or root / CACHE_DIR_NAME
    return cache_for(directory, catalog_dir(), options.selected, options.rule_options, options.honour_noqa)


def run(request: RunRequest) -> list[Diagnostic]:
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
    options = LintOptions(selected=selected, rule_options=settings.rule_options)
    exclude = (*(request.exclude if request.exclude is not None else settings.exclude),
               *settings.extend_exclude, *request.extend_exclude)
    files = [p for p in request.paths if p != "-"]
    paths, diagnostics = discover(files, exclude), []
    if request.fix is not None:  # fix (or diff) first, then report what remains
        from mlops_lint.fixes.session import fix_run

        request, paths, diagnostics = fix_run(request, paths, catalog, options,
                                              lambda d: not _per_file_ignored(d, settings, catalog))
    prefilter = build_prefilter(catalog, selected)
    try:
        diagnostics.extend(lint_files(paths, catalog, options, prefilter, _cache(request, settings, options), request.jobs))
    except CatalogError as error:  # rules and catalog out of step: checked when the rules first load
        raise RunError(str(error)) from None
    if "-" in request.paths and request.read_stdin is not None:
        name = request.stdin_filename or "-"
        try:
            # surrogateescape gives back the bytes a non-UTF-8 stdin was read with, so the
            # decoder can name the bad byte (MLO002) instead of the run failing.
            data = request.read_stdin().encode("utf-8", "surrogateescape")
        except UnicodeError as error:
            from mlops_lint.engine.lint import engine_diagnostic

            diagnostics.append(engine_diagnostic(catalog, "MLO002", name, f"could not decode stdin: {error}"))
        else:
            diagnostics.extend(lint_source(name, data, catalog, options, prefilter))
    diagnostics = [d for d in diagnostics if not _per_file_ignored(d, settings, catalog)]
    return sorted(diagnostics, key=Diagnostic.sort_key)
