"""Reporters: pure functions from sorted diagnostics to text, one module per output format."""

from __future__ import annotations

from importlib import import_module
from typing import Callable, Sequence

from mlops_lint.diagnostics import Diagnostic

FORMATS = ("full", "concise", "json", "sarif", "github", "gitlab")
# Formats whose whole output is one machine-read document: nothing else may be printed beside it.
DOCUMENT_FORMATS = ("json", "sarif", "gitlab")

Renderer = Callable[[Sequence[Diagnostic]], str]


def renderer(name: str) -> Renderer:
    """The render function of an output format, imported only when used (``full`` needs rich)."""
    if name not in FORMATS:
        raise ValueError(f"unknown output format {name!r}")
    render: Renderer = import_module(f"mlops_lint.report.{name}").render
    return render
