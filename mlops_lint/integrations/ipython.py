"""The IPython extension: ``%load_ext mlops_lint``, then every cell run is linted with the cells before it.

Only the input history is read: nothing is run, imported or evaluated from the session, so it
works alike in JupyterLab, Notebook, VS Code, Colab, Kaggle and terminal IPython. See
docs/notebooks.md for what users see, ipython_session.py for which cells make up the module.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from mlops_lint.diagnostics import Diagnostic
from mlops_lint.integrations import ipython_report as report
from mlops_lint.integrations.ipython_session import (
    SessionCell,
    SessionCells,
    SessionLinter,
    finding_key,
    session_options,
    shown_below,
)

MAGIC_NAME = "mlops_lint"
USAGE = (
    "usage: %mlops_lint on | off | check | select CODES\n"
    "  on / off       lint after each cell, or stop\n"
    "  check          every finding of the session so far, in every cell\n"
    "  select CODES   only these rules (codes, prefixes or names: MLO1,MLO201); without codes,\n"
    "                 back to the selection of [tool.mlops-lint]"
)
# Imports every rule module and the analysis once, when the extension loads, not on the first cell.
_WARM_UP = (
    "from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler\n"
    "X = StandardScaler().fit_transform(X)\nX_train, X_test, y_train, y_test = train_test_split(X, y)\n"
)

_ACTIVE: dict[int, NotebookLinter] = {}


class NotebookLinter:
    """One shell's state: the session's cells, the findings shown below each cell, the options."""

    def __init__(self, shell: Any) -> None:
        from mlops_lint.catalog import load_catalog

        self.shell = shell
        self.catalog = load_catalog()
        self.cells = SessionCells()
        self.enabled = True
        self.select: tuple[str, ...] | None = None  # set by %mlops_lint select; None: the configuration's
        self.shown: dict[int, list[Diagnostic]] = {}  # execution count → findings displayed below it
        # A kernel (ipykernel) can update an output shown earlier in another cell; a terminal would print it again.
        self.updates_earlier_outputs = getattr(shell, "kernel", None) is not None
        self._display_ids = f"mlops-lint-{uuid.uuid4().hex}"
        self._linter: SessionLinter | None = None
        self._linter_key: tuple[object, ...] | None = None
        self._last_error: str | None = None

    # -- the session ---------------------------------------------------------------------------

    def record_history(self) -> None:
        """The cells run before the extension was loaded, from the input history (no cell ids there)."""
        history = self.shell.history_manager.input_hist_raw
        for number in range(1, min(self.shell.execution_count, len(history))):
            self.cells.record(number, history[number])

    def post_run_cell(self, result: Any) -> None:
        try:
            self._after_cell(result)
        except Exception as error:  # a bug here must never break the user's session
            print(f"mlops-lint: internal error ({type(error).__name__}: {error}); please report it")

    def _after_cell(self, result: Any) -> None:
        number = result.execution_count
        if number is None or result.error_before_exec is not None:
            return  # not in the history, or never ran: the kernel's state is as before
        info = result.info
        replaced = self.cells.record(number, info.raw_cell or "", getattr(info, "cell_id", None))
        if replaced is not None:
            self.shown.pop(replaced.number, None)  # its output area was cleared by the re-run
        if not self.enabled:
            return
        findings = self.lint()
        if findings is None:
            return
        below = shown_below(findings, number)
        if below:
            self.shown[number] = below
            self._display(below, report.heading(len(below), "in this cell"), number)
        self._update_earlier(findings, number)

    def lint(self) -> list[Diagnostic] | None:
        """Every finding of the session (None when the configuration is broken; said once)."""
        linter = self._session_linter()
        return None if linter is None else [d for d in linter.lint(self.cells) if d.code != "MLO001"]

    def _session_linter(self) -> SessionLinter | None:
        from mlops_lint.config import ConfigError, find_pyproject
        from mlops_lint.selection import SelectionError

        cwd = Path.cwd()  # the kernel's: %cd moves it, and the configuration with it
        pyproject = find_pyproject(cwd)
        key = (pyproject, pyproject.stat().st_mtime_ns if pyproject else None, self.select)
        if key != self._linter_key:
            try:
                options = session_options(self.catalog, cwd, self.select)
            except (ConfigError, SelectionError) as error:
                if str(error) != self._last_error:
                    self._last_error = str(error)
                    print(f"mlops-lint: {error}")
                return None
            self._linter, self._linter_key, self._last_error = SessionLinter(self.catalog, options), key, None
        return self._linter

    def warm_up(self) -> None:
        linter = self._session_linter()
        if linter is not None:
            linter.lint([SessionCell("warm-up", 1, _WARM_UP)])

    # -- output ----------------------------------------------------------------------------------

    def _line_of(self, number: int, line: int) -> str:
        return self.cells.source_line(number, line)

    def _display(self, findings: list[Diagnostic], heading: str, number: int | None = None, with_cell: bool = False) -> None:
        from IPython.display import display

        bundle = report.bundle(findings, self._line_of, heading, with_cell)
        if number is None:
            display(bundle, raw=True)
        else:
            display(bundle, raw=True, display_id=f"{self._display_ids}-{number}")

    def _update_earlier(self, findings: list[Diagnostic], number: int) -> None:
        """Findings shown below an earlier cell that a later cell resolved are taken back there."""
        current = {finding_key(d) for d in findings}
        for earlier, was in list(self.shown.items()):
            still = [d for d in was if finding_key(d) in current]
            if earlier == number or len(still) == len(was):
                continue
            if still:
                self.shown[earlier] = still
            else:
                del self.shown[earlier]
            if self.updates_earlier_outputs:
                from IPython.display import update_display

                heading = (report.heading(len(still), f"in this cell (updated after cell [{number}])") if still
                           else f"mlops-lint: resolved by the cells run since (last: cell [{number}])")
                update_display(report.bundle(still, self._line_of, heading), raw=True, display_id=f"{self._display_ids}-{earlier}")

    # -- %mlops_lint -----------------------------------------------------------------------------

    def magic(self, line: str) -> None:
        words = line.replace(",", " ").split()
        command, arguments = (words[0].lower(), words[1:]) if words else ("", [])
        if command in ("on", "off") and not arguments:
            self.enabled = command == "on"
            print(f"mlops-lint: {command}")
        elif command == "select":
            self._select(tuple(arguments))
        elif command == "check" and not arguments:
            self.check()
        elif not command:
            print(f"mlops-lint: {'on' if self.enabled else 'off'}, {self._selection_text()}\n{USAGE}")
        else:
            print(USAGE)

    def _select(self, selectors: tuple[str, ...]) -> None:
        from mlops_lint.selection import SelectionError, expand

        if not selectors:
            self.select = None
        else:
            try:
                expand(selectors, self.catalog, "select")
            except SelectionError as error:
                print(f"mlops-lint: {error.problem}")
                return
            self.select = selectors
        print(f"mlops-lint: {self._selection_text()}")

    def _selection_text(self) -> str:
        linter = self._session_linter()
        if linter is None:
            return "configuration error"
        codes = sorted(linter.options.selected)
        origin = "selected with %mlops_lint select" if self.select is not None else "from the configuration"
        return f"{len(codes)} rules {origin}: {', '.join(codes)}"

    def check(self) -> None:
        """Every finding of the session so far, in every cell, including the rules held back below cells."""
        findings = self.lint()
        if findings is None:
            return
        if not findings:
            print(f"mlops-lint: no findings in {len(self.cells.numbers())} cells")
            return
        self._display(findings, report.heading(len(findings), "in this session"), with_cell=True)


def extension_of(shell: Any) -> NotebookLinter | None:
    """The extension's state in ``shell`` (None when not loaded)."""
    return _ACTIVE.get(id(shell))


def load_ipython_extension(shell: Any) -> None:
    if id(shell) in _ACTIVE:
        return
    linter = NotebookLinter(shell)
    linter.record_history()
    linter.warm_up()
    shell.events.register("post_run_cell", linter.post_run_cell)
    shell.register_magic_function(linter.magic, magic_kind="line", magic_name=MAGIC_NAME)
    _ACTIVE[id(shell)] = linter


def unload_ipython_extension(shell: Any) -> None:
    linter = _ACTIVE.pop(id(shell), None)
    if linter is not None:
        shell.events.unregister("post_run_cell", linter.post_run_cell)
