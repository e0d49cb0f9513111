"""What ``--fix`` / ``--diff`` asks for, and what the fixer made of each file: plain data.

The fixer computes; ``run.py`` writes (and turns a refused write into ``not_written``); ``cli.py``
prints. Each finding the fixer tried ends in exactly one place: ``applied`` (in ``new``, which
reached the file unless ``not_written`` says why not) or ``skipped`` (with its reason).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from typing import Iterator

from mlops_lint.diagnostics import Diagnostic


class FixMode(str, Enum):
    WRITE = "write"  # --fix: write each fixed file (stdin: print the fixed text)
    DIFF = "diff"  # --diff: show the changes, write nothing


@dataclass(frozen=True)
class FixRequest:
    mode: FixMode = FixMode.WRITE
    unsafe: bool = False  # --unsafe-fixes: also the fixes that may change behaviour


@dataclass(frozen=True)
class SkippedFix:
    """A finding whose fix was left out of the file, and why (``diagnostic`` in the user's coordinates)."""

    diagnostic: Diagnostic
    reason: str


@dataclass(frozen=True)
class FileFix:
    """One file (or stdin) through the fixer."""

    path: str
    original: bytes  # the bytes the fixes were computed from; the writer refuses if the file no longer holds them
    new: bytes | None = None  # the fixed bytes; None when there is nothing to write
    applied: tuple[Diagnostic, ...] = ()  # the findings whose fixes are in ``new`` (user coordinates)
    skipped: tuple[SkippedFix, ...] = ()
    not_written: str | None = None  # why ``applied`` did not reach the file (set by write-back or by the writer)
    findings: tuple[Diagnostic, ...] | None = None  # the findings of ``original`` as reported; None: not linted
    no_ml_imports: bool = False  # the prefilter ruled the file out (no selected rule can fire): not parsed

    @property
    def fixed(self) -> tuple[Diagnostic, ...]:
        """The findings fixed by this file's new bytes (none once the write was refused)."""
        return self.applied if self.new is not None and self.not_written is None else ()

    def refused(self, reason: str) -> FileFix:
        return replace(self, new=None, not_written=reason)

    def left_unfixed(self) -> Iterator[tuple[Diagnostic, str]]:
        """Each finding the fixer tried but did not fix, with the reason."""
        yield from ((skip.diagnostic, skip.reason) for skip in self.skipped)
        if self.not_written is not None:
            yield from ((diagnostic, self.not_written) for diagnostic in self.applied)


@dataclass(frozen=True)
class FixResult:
    files: tuple[FileFix, ...] = ()  # files on disk, in discovery order
    stdin: FileFix | None = None  # source read from '-'

    @property
    def all(self) -> tuple[FileFix, ...]:
        return (*self.files, *((self.stdin,) if self.stdin is not None else ()))

    @property
    def fixed_findings(self) -> int:
        return sum(len(file.fixed) for file in self.all)

    @property
    def fixed_files(self) -> int:
        return sum(bool(file.fixed) for file in self.all)

    @property
    def skipped_fixes(self) -> int:
        """The fixes tried and not made (each is named on stderr), counted apart from ``fixed_findings``."""
        return sum(1 for file in self.all for _ in file.left_unfixed())
