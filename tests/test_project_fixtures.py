"""Every folder under tests/fixtures/project/: a small project linted as a folder, across its files.

A folder is named for the rule it is about (``MLO101_helper_fits_scaler``). ``# expect: CODE``
marks each line where a finding must be reported, in whichever file; ``# related: CODE`` marks
each line of another file that a finding must name as a related location (the fit inside the
helper, the split inside another module). Both sets must match exactly: a finding missing, one
too many, or one that does not point into the other file fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness import RELATED, annotated
from mlops_lint.run import RunRequest, run

PROJECTS = Path(__file__).parent / "fixtures" / "project"
CASES = [pytest.param(folder, id=folder.name) for folder in sorted(PROJECTS.iterdir()) if folder.is_dir()]


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".py", ".ipynb"))


@pytest.mark.parametrize("folder", CASES)
def test_project(folder: Path):
    code = folder.name.split("_", 1)[0]
    expected = {(c, str(p.relative_to(folder)), cell, line) for p in _files(folder) for c, cell, line in annotated(p)}
    related = {(c, str(p.relative_to(folder)), cell, line) for p in _files(folder) for c, cell, line in annotated(p, RELATED)}
    diagnostics = run(RunRequest(paths=(str(folder),), select=(code, "MLO001", "MLO002")))

    def where(path: str) -> str:
        return os.path.relpath(path, folder)

    assert {(d.code, where(d.location.path), d.location.cell, d.location.start.line) for d in diagnostics} == expected, \
        [f"{where(d.location.path)}:{d.location.start.line}: {d.message}" for d in diagnostics]
    assert {(d.code, where(r.location.path), r.location.cell, r.location.start.line) for d in diagnostics
            for r in d.related if r.location.path != d.location.path} == related
    assert [d.message for d in diagnostics if "{" in d.message] == []
