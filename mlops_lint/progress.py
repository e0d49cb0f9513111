"""A progress bar on stderr for long runs: files done out of the total, drawn by rich once it is worth showing.

A run over ``MANY_FILES`` files or more shows the bar from its start; a shorter one once a file
finishes after ``DELAY`` seconds. A run that ends sooner never shows a bar and never imports rich.
The bar is transient (erased when the run ends) and is redrawn only when a file finishes, from this
thread: no refresh thread is started, so the worker processes are forked from a single-threaded
process, as ``fork`` needs.
"""

from __future__ import annotations

import time
from typing import Any, TextIO

MANY_FILES = 100
DELAY = 1.0  # seconds
_REDRAW_EVERY = 0.1  # seconds: a terminal needs no more, and 20,000 redraws would cost more than the lint


class ProgressBar:
    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._started = time.monotonic()
        self._total: int | None = None
        self._done = 0
        self._bar: Any = None  # a started rich.progress.Progress
        self._task: Any = None
        self._drawn = 0.0

    def total(self, files: int) -> None:
        self._total = files
        if files >= MANY_FILES:
            self._show()

    def advance(self) -> None:
        self._done += 1
        now = time.monotonic()
        if self._bar is None:
            if now - self._started < DELAY:
                return
            self._show()
        if now - self._drawn >= _REDRAW_EVERY:
            self._draw(now)

    def close(self) -> None:
        if self._bar is not None:
            self._draw(time.monotonic())
            self._bar.stop()
            self._bar = None

    def _draw(self, now: float) -> None:
        self._bar.update(self._task, completed=self._done)
        self._bar.refresh()
        self._drawn = now

    def _show(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._bar = Progress(
            TextColumn("Checking"), BarColumn(), MofNCompleteColumn(), TextColumn("files"), TimeElapsedColumn(),
            console=Console(file=self._stream), transient=True, auto_refresh=False,
            redirect_stdout=False, redirect_stderr=False,
        )
        self._task = self._bar.add_task("files", total=self._total, completed=self._done)
        self._bar.start()
        self._drawn = time.monotonic()
