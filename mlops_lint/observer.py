"""What a run tells as it goes: what became of each file, for the summary, the progress bar and ``-v``.

Light on purpose: the command line subclasses ``RunObserver`` before it knows whether anything
heavier (the engine, rich) will be needed.
"""

from __future__ import annotations

from typing import Callable

# What became of a file.
CHECKED = "checked"  # parsed and analysed
NO_ML_IMPORTS = "no ML imports"  # read; the prefilter ruled it out (no selected rule can fire): not parsed
UNREADABLE = "unreadable"  # could not be read or decoded (MLO002 when selected)
CACHED = "cached"  # unchanged since a run that cached its findings: answered from the cache

Observe = Callable[[str, str], None]  # (path, outcome)


class RunObserver:
    """Hears a run as it goes; this one hears and does nothing."""

    # True: discovery runs to its end before any file is read, so that ``total`` comes first.
    wants_total = False

    def configuration(self, path: str | None) -> None:
        """The configuration file the settings came from (None: none found, the defaults apply)."""

    def total(self, files: int) -> None:
        """How many files (and stdin) the run will look at."""

    def advance(self) -> None:
        """One more file done."""

    def skipped(self, path: str, reason: str) -> None:
        """A file or folder the walk left out (gitignored, excluded, a virtualenv)."""

    def file(self, path: str, outcome: str) -> None:
        """What became of a file: one of the outcomes above."""
