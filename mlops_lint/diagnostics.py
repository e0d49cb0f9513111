"""The plain, frozen data that leaves the analysis: findings, their locations and fixes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Applicability(str, Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, slots=True, order=True)
class Position:
    """A place in a text: ``line`` is 1-based, ``column`` is 0-based in code points."""

    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Location:
    """A span of a file; ``cell`` (1-based) is set for notebooks, and positions are then cell-relative."""

    path: str
    start: Position
    end: Position
    cell: int | None = None


@dataclass(frozen=True, slots=True)
class Related:
    location: Location
    label: str


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace the text between ``start`` and ``end`` (module coordinates) by ``new_text``."""

    start: Position
    end: Position
    new_text: str


@dataclass(frozen=True, slots=True)
class Fix:
    title: str
    applicability: Applicability
    edits: tuple[TextEdit, ...] = ()


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    name: str
    message: str
    severity: Severity
    location: Location
    related: tuple[Related, ...] = ()
    fix: Fix | None = None
    url: str = ""

    def sort_key(self) -> tuple[str, int, int, int, str, str]:
        loc = self.location
        return (loc.path, loc.cell or 0, loc.start.line, loc.start.column, self.code, self.message)
