"""scripts/new_rule.py scaffolds a rule that runs: its catalog file loads, its fixture is reported."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _copy_project(target: Path) -> Path:
    """The package, the catalog and the docs pages, outside the checkout (never written into)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "_catalog")
    for part in ("mlops_lint", "rules", "docs/rules"):
        shutil.copytree(ROOT / part, target / part, ignore=ignore)
    return target


def _run(*args: str, project: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(project), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, *args], cwd=project, env=env, capture_output=True, text=True, check=False)


@pytest.mark.integration
def test_a_scaffolded_rule_runs_and_reports_its_fixture(tmp_path):
    project = _copy_project(tmp_path / "project")
    made = _run(str(ROOT / "scripts" / "new_rule.py"), "MLO999", "some-name", "--root", str(project), project=project)
    assert made.returncode == 0, made.stderr
    written = {Path(line).relative_to(project).as_posix() for line in made.stdout.split()}
    assert written == {
        "rules/MLO999.toml",
        "mlops_lint/rules/unfiled/__init__.py",
        "mlops_lint/rules/unfiled/some_name.py",
        "tests/fixtures/MLO999/reported_and_silent.py",
        "docs/rules/MLO999.md",
    }
    fixture = project / "tests" / "fixtures" / "MLO999" / "reported_and_silent.py"
    expected = [n for n, line in enumerate(fixture.read_text().split("\n"), 1) if re.search(r"#\s*expect:\s*MLO999", line)]
    linted = _run("-m", "mlops_lint", "check", "--select", "MLO999", "--no-cache", "--output-format", "concise", str(fixture), project=project)
    assert linted.returncode == 1, linted.stdout + linted.stderr
    reported = [int(line.split(":")[1]) for line in linted.stdout.splitlines() if " MLO999 " in line]
    assert reported == expected == [3]


def test_codes_and_names_are_checked_before_anything_is_written(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from new_rule import scaffold
    finally:
        sys.path.pop(0)
    for code, name in (("MLO01", "x"), ("MLO001", "x"), ("MLO999", "Not_Kebab")):
        with pytest.raises(SystemExit):
            scaffold(code, name, tmp_path)
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "MLO101.toml").write_text("taken")
    with pytest.raises(SystemExit, match="never reused"):
        scaffold("MLO101", "again", tmp_path)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["MLO101.toml", "rules"]
