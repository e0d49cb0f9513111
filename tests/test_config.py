"""Configuration: discovery of pyproject.toml, every key, precedence, and each error message exactly."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from harness import LEAKY, run_cli
from mlops_lint.catalog import Catalog, load_catalog
from mlops_lint.catalog.model import OptionSpec
from mlops_lint.config import ConfigError, settings_from_table

BROKEN = "def f(:\nimport sklearn\n"  # an ML file: others are never parsed (engine/prefilter.py)


def codes(result: subprocess.CompletedProcess) -> list[str]:
    return [line.split(": ")[1].split()[0] for line in result.stdout.splitlines()]


@pytest.fixture
def project(tmp_path):
    (tmp_path / "train.py").write_text(LEAKY)
    (tmp_path / "broken.py").write_text(BROKEN)
    return tmp_path


def config(project: Path, body: str, name: str = "pyproject.toml") -> Path:
    path = project / name
    path.write_text(body)
    return path


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("[tool.mlops-lint]\nselct = ['MLO1']\n", "key 'tool.mlops-lint.selct': unknown key — did you mean 'select'?"),
        ("[tool.mlops-lint]\nselect = 'MLO1'\n", "key 'tool.mlops-lint.select': must be a list of strings"),
        ("[tool.mlops-lint]\nselect = ['MLO999']\n", "key 'tool.mlops-lint.select': unknown rule code or prefix 'MLO999'"),
        ("[tool.mlops-lint]\nignore = ['MLO1011']\n",
         "key 'tool.mlops-lint.ignore': unknown rule code or prefix 'MLO1011' — did you mean 'MLO101'?"),
        ("[tool.mlops-lint]\nextend-select = [1]\n", "key 'tool.mlops-lint.extend-select': must be a list of strings"),
        ("[tool.mlops-lint]\nexclude = 'build'\n", "key 'tool.mlops-lint.exclude': must be a list of strings"),
        ("[tool.mlops-lint]\nper-file-ignores = ['x']\n",
         "key 'tool.mlops-lint.per-file-ignores': must be a table of glob = [codes]"),
        ("[tool.mlops-lint.per-file-ignores]\n'tests/*' = ['MLO1011']\n",
         "key 'tool.mlops-lint.per-file-ignores.tests/*': unknown rule code or prefix 'MLO1011' — did you mean 'MLO101'?"),
        ("[tool.mlops-lint.preprocesing-before-split]\nx = 1\n",
         "key 'tool.mlops-lint.preprocesing-before-split': unknown key — did you mean 'preprocessing-before-split'?"),
        ("[tool.mlops-lint.preprocessing-before-split]\nx = 1\n",
         "key 'tool.mlops-lint.preprocessing-before-split.x': unknown option of MLO101 (its options: none)"),
        ("[tool.mlops-lint]\npreprocessing-before-split = 3\n",
         "key 'tool.mlops-lint.preprocessing-before-split': must be a table of the rule's options"),
        ("[tool]\nmlops-lint = 3\n", "key 'tool.mlops-lint': must be a table"),
    ],
)
def test_bad_config_exits_2_with_one_line_naming_file_and_key(project, body, problem):
    path = config(project, body)
    result = run_cli("check", "train.py", cwd=project)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"mlops-lint: error: {path}: {problem}\n"


def test_invalid_toml(project):
    path = config(project, "[tool.mlops-lint\n")
    result = run_cli("check", "train.py", cwd=project)
    assert result.returncode == 2
    assert result.stderr.startswith(f"mlops-lint: error: {path}: invalid TOML: ")
    assert len(result.stderr.splitlines()) == 1


def test_missing_config_file(project):
    result = run_cli("check", "--config", "nope.toml", "train.py", cwd=project)
    assert (result.returncode, result.stderr) == (2, "mlops-lint: error: nope.toml: cannot read: No such file or directory\n")


def test_bad_cli_selector(project):
    result = run_cli("check", "--select", "MLO1011", "train.py", cwd=project)
    assert (result.returncode, result.stderr) == (
        2, "mlops-lint: error: option --select: unknown rule code or prefix 'MLO1011' — did you mean 'MLO101'?\n")


def test_pyproject_without_the_table_gives_defaults(project):
    config(project, "[project]\nname = 'x'\n")
    assert codes(run_cli("check", "--output-format", "concise", ".", cwd=project)) == ["MLO001", "MLO101"]


def test_empty_select_selects_nothing(project):
    config(project, "[tool.mlops-lint]\nselect = []\n")
    result = run_cli("check", "--output-format", "concise", ".", cwd=project)
    assert (result.returncode, result.stdout) == (0, "")


def test_select_prefix_and_name_extend_select_and_ignore(project):
    config(project, "[tool.mlops-lint]\nselect = ['MLO0']\nextend-select = ['preprocessing-before-split']\nignore = ['MLO001']\n")
    assert codes(run_cli("check", "--output-format", "concise", ".", cwd=project)) == ["MLO101"]


def test_cli_select_replaces_config_selection(project):
    config(project, "[tool.mlops-lint]\nselect = ['MLO101']\n")
    assert codes(run_cli("check", "--output-format", "concise", ".", cwd=project)) == ["MLO101"]
    assert codes(run_cli("check", "--output-format", "concise", "--select", "MLO001", ".", cwd=project)) == ["MLO001"]
    assert codes(run_cli("check", "--output-format", "concise", "--ignore", "MLO101", ".", cwd=project)) == []


def test_nearest_pyproject_above_the_linted_path_wins(project):
    config(project, "[tool.mlops-lint]\nignore = ['MLO001']\n")
    sub = project / "sub"
    sub.mkdir()
    (sub / "broken.py").write_text(BROKEN)
    (sub / "train.py").write_text(LEAKY)
    config(sub, "[tool.mlops-lint]\nignore = ['MLO101']\n")
    assert codes(run_cli("check", "--output-format", "concise", "sub", cwd=project)) == ["MLO001"]
    assert codes(run_cli("check", "--output-format", "concise", "train.py", "broken.py", cwd=project)) == ["MLO101"]


def test_config_flag_reads_a_bare_table(project):
    other = project / "elsewhere"
    other.mkdir()
    config(other, "ignore = ['MLO101']\n", name="lint.toml")
    config(project, "[tool.mlops-lint]\nignore = ['MLO001']\n")
    result = run_cli("check", "--output-format", "concise", "--config", "elsewhere/lint.toml", ".", cwd=project)
    assert codes(result) == ["MLO001"]
    config(other, "ignor = ['MLO101']\n", name="lint.toml")
    result = run_cli("check", "--config", "elsewhere/lint.toml", ".", cwd=project)
    assert result.stderr == "mlops-lint: error: elsewhere/lint.toml: key 'ignor': unknown key — did you mean 'ignore'?\n"


def test_per_file_ignores_relative_to_the_config_folder(project):
    (project / "notebooks").mkdir()
    (project / "notebooks" / "explore.py").write_text(LEAKY)
    config(project, "[tool.mlops-lint.per-file-ignores]\n'notebooks/*' = ['MLO1']\n'broken.py' = ['MLO001']\n")
    result = run_cli("check", "--output-format", "concise", ".", cwd=project)
    assert result.stdout.splitlines() == [line for line in result.stdout.splitlines() if line.startswith("train.py:")]
    assert codes(result) == ["MLO101"]
    inside = run_cli("check", "--output-format", "concise", "explore.py", cwd=project / "notebooks")
    assert (inside.returncode, inside.stdout) == (0, "")


def test_exclude_and_extend_exclude_from_config_and_cli(project):
    config(project, "[tool.mlops-lint]\nextend-exclude = ['broken.py']\n")
    assert codes(run_cli("check", "--output-format", "concise", ".", cwd=project)) == ["MLO101"]
    assert codes(run_cli("check", "--output-format", "concise", "--extend-exclude", "train.py", ".", cwd=project)) == []
    # --exclude replaces the configured exclude list and the defaults; extend-exclude still adds to it.
    (project / "build").mkdir()
    (project / "build" / "gen.py").write_text(BROKEN)
    assert codes(run_cli("check", "--output-format", "concise", ".", cwd=project)) == ["MLO101"]
    result = run_cli("check", "--output-format", "concise", "--exclude", "nothing", ".", cwd=project)
    assert result.stdout.splitlines()[0].startswith("build/gen.py:1:")
    assert codes(result) == ["MLO001", "MLO101"]
    config(project, "[tool.mlops-lint]\nexclude = ['train.py']\n")  # replaces the defaults: build/ is linted
    assert codes(run_cli("check", "--output-format", "concise", ".", cwd=project)) == ["MLO001", "MLO001"]


def _catalog_with_option() -> Catalog:
    real = load_catalog()
    spec = real.rules["MLO101"]
    options = (OptionSpec("max-distance", "int", 10, "doc"), OptionSpec("transformers", "list", [], "doc"))
    from dataclasses import replace

    return Catalog(rules={**real.rules, "MLO101": replace(spec, options=options)}, api=real.api)


def test_rule_options_are_validated_against_the_catalog():
    catalog = _catalog_with_option()
    table = {"preprocessing-before-split": {"max-distance": 3, "transformers": ["a"]}}
    settings = settings_from_table(table, catalog, "pyproject.toml")
    assert settings.rule_options == {"MLO101": {"max-distance": 3, "transformers": ["a"]}}
    cases = [
        ({"max-distanse": 3}, "key 'tool.mlops-lint.preprocessing-before-split.max-distanse': unknown option of MLO101 "
                              "(its options: max-distance, transformers) — did you mean 'max-distance'?"),
        ({"max-distance": "3"}, "key 'tool.mlops-lint.preprocessing-before-split.max-distance': must be an integer, not '3'"),
        ({"max-distance": True}, "key 'tool.mlops-lint.preprocessing-before-split.max-distance': must be an integer, not True"),
        ({"transformers": "a"}, "key 'tool.mlops-lint.preprocessing-before-split.transformers': must be a list, not 'a'"),
    ]
    for options, problem in cases:
        with pytest.raises(ConfigError) as raised:
            settings_from_table({"preprocessing-before-split": options}, catalog, "pyproject.toml")
        assert str(raised.value) == f"pyproject.toml: {problem}"
