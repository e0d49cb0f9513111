"""A file without ML imports is analysed when a project module it imports, directly or not, has some (project/relevance.py)."""

from __future__ import annotations

from pathlib import Path

from mlops_lint.catalog import load_catalog
from mlops_lint.engine.prefilter import build_prefilter
from mlops_lint.project import ProjectOptions
from mlops_lint.project.model import Project
from mlops_lint.project.relevance import reaches_ml_code

CATALOG = load_catalog()
PREFILTER = build_prefilter(CATALOG, frozenset(CATALOG.rules))


def _project(root: Path, files: dict[str, str]) -> Project:
    (root / "pyproject.toml").write_text("")
    for name, text in files.items():
        (root / name).write_text(text)
    return Project(ProjectOptions((str(root),)), CATALOG)


def _reaches(project: Project, root: Path, name: str) -> bool:
    path = root / name
    return reaches_ml_code(project, str(path), path.read_text(), PREFILTER)


def test_ml_code_two_imports_away_across_a_cycle_is_reached(tmp_path):
    project = _project(tmp_path, {
        "a.py": "import b\n", "b.py": "import a\nimport c\n", "c.py": "import sklearn\n",
        "alone.py": "import d\n", "d.py": "import alone\n",
    })
    assert _reaches(project, tmp_path, "a.py")
    assert _reaches(project, tmp_path, "b.py")
    assert not _reaches(project, tmp_path, "alone.py")
    assert not _reaches(project, tmp_path, "d.py")


def test_modules_that_all_import_each_other_are_read_once_each(tmp_path, monkeypatch):
    # The standard library's packages look like this: a walk per module and cycle read them
    # thousands of times (lib2to3: 8,238 reads for 100 files); the answer "no" is shared instead.
    names = [f"m{n}" for n in range(30)]
    project = _project(tmp_path, {f"{name}.py": "".join(f"import {other}\n" for other in names) for name in names})
    reads: list[str] = []
    original = project.text_and_digest
    monkeypatch.setattr(project, "text_and_digest", lambda path: reads.append(path) or original(path))
    assert not any(_reaches(project, tmp_path, f"{name}.py") for name in names)
    assert len(reads) == len(set(reads)) <= len(names)
