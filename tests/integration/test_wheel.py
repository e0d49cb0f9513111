"""The installed wheel, outside the source tree, finds its packaged rule catalog and lints a file."""

from __future__ import annotations

import os
import subprocess
import venv
from pathlib import Path

import pytest

from harness import LEAKY

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.integration
def test_installed_wheel_finds_its_rules(tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / "python"
    # Nothing of the checkout may leak in: no PYTHONPATH (conftest sets one), no current folder inside it.
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(ROOT)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )
    assert install.returncode == 0, install.stdout + install.stderr

    work = tmp_path / "project"
    work.mkdir()
    (work / "train.py").write_text(LEAKY)
    where = subprocess.run(
        [str(python), "-c", "import mlops_lint, mlops_lint.catalog.locate as l; print(mlops_lint.__file__); print(l.catalog_dir())"],
        cwd=work, env=env, capture_output=True, text=True,
    )
    package_file, catalog = where.stdout.splitlines()
    assert not Path(package_file).is_relative_to(ROOT)
    assert Path(catalog) == Path(package_file).parent / "_catalog"
    assert (Path(catalog) / "MLO101.toml").is_file()

    result = subprocess.run(
        [str(bin_dir / "mlops-lint"), "check", "--output-format", "concise", "train.py"],
        cwd=work, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout == (
        "train.py:5:36: MLO101 StandardScaler fitted on 'X' (line 4) before 'X' is split (line 5); "
        "fit it on the training split only, or put it in a Pipeline\n"
    )
    rules = subprocess.run([str(bin_dir / "mlops-lint"), "rules"], cwd=work, env=env, capture_output=True, text=True)
    assert [line.split()[0] for line in rules.stdout.splitlines()[1:]] == sorted(
        path.stem for path in (ROOT / "rules").glob("MLO*.toml"))
