"""The flake8 plugin: run the mlops-lint engine on the file flake8 is checking and yield its findings."""

from __future__ import annotations

import ast
import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from mlops_lint import __version__

if TYPE_CHECKING:
    from mlops_lint.project import ProjectOptions

log = logging.getLogger(__name__)

Flake8Result = tuple[int, int, str, type]


@lru_cache(maxsize=64)
def _rule_options(folder: str) -> dict[str, dict[str, Any]]:
    """``[tool.mlops-lint]`` rule options of the nearest pyproject.toml, read once per folder.

    Selection keys (select/ignore/per-file-ignores) are deliberately not applied: under flake8,
    flake8's own --select/--ignore/--per-file-ignores decide which codes are shown.
    """
    from mlops_lint.catalog import load_catalog
    from mlops_lint.config import find_pyproject, load_settings

    return load_settings(find_pyproject(Path(folder)), load_catalog()).rule_options


def _internal_error(detail: str) -> str:
    return f"MLO003 {detail}; please report it"


def _project_options(filename: str, folder: str) -> ProjectOptions | None:
    """The file's project as the command line sees it: its siblings are read from disk when it
    imports them (mlops_lint/project/); stdin, which has no folder of its own, is linted alone."""
    from mlops_lint.project import ProjectOptions

    if filename in ("-", "stdin"):
        return None
    return ProjectOptions((os.path.abspath(folder),), absolute=os.path.isabs(filename))


class MlopsLintChecker:
    """flake8 calls ``run`` once per file; every code of the catalog runs and flake8 filters them."""

    name = "mlops-lint"
    version = __version__
    disable_noqa = False  # flake8's --disable-noqa, read by parse_options

    # flake8 hands us its parsed tree too; we lint from ``lines`` instead because the engine's
    # lint_document owns parsing, suppression and positions, and one more ast.parse is small next
    # to flake8's own cost per file (about 15× an ast.parse, docs/performance.md).
    def __init__(self, tree: ast.AST, filename: str, lines: list[str]) -> None:
        self.filename = filename
        self.lines = lines

    @classmethod
    def add_options(cls, option_manager: Any) -> None:
        """Codes that are off by default in mlops-lint stay off under a plain ``flake8`` run."""
        try:
            from mlops_lint.catalog import load_catalog

            off = sorted(code for code, spec in load_catalog().rules.items() if not spec.default)
        except Exception:  # a broken catalog is reported per file by run(); options must not stop flake8
            log.debug("mlops-lint catalog failed to load", exc_info=True)
            return
        if off:
            option_manager.extend_default_ignore(off)

    @classmethod
    def parse_options(cls, options: Any) -> None:
        cls.disable_noqa = bool(getattr(options, "disable_noqa", False))

    def run(self) -> Iterator[Flake8Result]:
        try:
            results = list(self._lint())
        except Exception as error:  # a raising plugin would abort flake8's whole run
            log.debug("mlops-lint failed on %s", self.filename, exc_info=True)
            results = [(1, 0, _internal_error(f"internal error in the flake8 plugin ({type(error).__name__}: {error})"), type(self))]
        yield from results

    def _lint(self) -> Iterator[Flake8Result]:
        from mlops_lint.catalog import load_catalog
        from mlops_lint.config import ConfigError
        from mlops_lint.engine.lint import LintOptions, lint_document
        from mlops_lint.engine.suppression import read_suppressions
        from mlops_lint.source import SourceDocument

        text = "".join(self.lines).replace("\r\n", "\n").replace("\r", "\n")
        if text.startswith("\ufeff"):
            text = text[1:]
        # Our skip-file comment has no flake8 equivalent, so it is honoured here.
        suppressions = read_suppressions(text)
        if suppressions.skip_file:
            return
        catalog = load_catalog()
        folder = str(Path(self.filename).parent) if self.filename not in ("-", "stdin") else "."
        try:
            rule_options = _rule_options(folder)
        except ConfigError as error:
            yield (1, 0, f"MLO003 invalid mlops-lint configuration: {error}", type(self))
            return
        # flake8 reads .py files only, so the text is always plain Python (never a notebook's JSON).
        document = SourceDocument(path=self.filename, text=text)
        options = LintOptions(selected=frozenset(catalog.rules), rule_options=rule_options, honour_noqa=False,
                              project=_project_options(self.filename, folder))
        for diagnostic in lint_document(document, catalog, options):
            start = diagnostic.location.start
            # flake8 reads a noqa comment on the reported line only (and across a multi-line string); the
            # CLI reads it on any line of a wrapped statement, as docs/integrations.md promises here too.
            if not self.disable_noqa and suppressions.covers(diagnostic.code, start.line):
                continue
            # Columns are 0-based code points, which is what flake8 expects (it adds 1 when printing).
            yield (start.line, start.column, f"{diagnostic.code} {diagnostic.message}", type(self))
