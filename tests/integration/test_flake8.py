"""The flake8 plugin through the real flake8: same codes, lines and columns as `mlops-lint check`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import replace
from importlib.metadata import entry_points
from pathlib import Path

import pytest

pytest.importorskip("flake8")
if not any(ep.name == "MLO" for ep in entry_points(group="flake8.extension")):
    pytest.skip("mlops-lint is not installed, so flake8 cannot find its plugin", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "leaky_training.py"
FIXTURES = sorted((ROOT / "tests" / "fixtures").glob("MLO*/*.py"))
LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) ")

LEAKY = """\
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

X = StandardScaler().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, y){noqa}
"""
# Columns after a non-ASCII identifier: flake8 and concise both count code points.
UNICODE = """\
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler

def préparer(données, y):
    données = MinMaxScaler().fit_transform(données)
    a, b, c, d = train_test_split(données, y)
    return a, b
"""


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1"}, timeout=300)


def flake8(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return run("flake8", "--isolated", "-j1", *args, cwd=cwd)


def mlops_lint(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return run("mlops_lint", "check", "--output-format", "concise", *args, cwd=cwd)


def findings(output: str, cwd: Path = ROOT) -> set[tuple[str, str, int, int]]:
    """(file, code, line, column) of every reported MLO line, files resolved against ``cwd``."""
    result = set()
    for text in output.splitlines():
        match = LINE.match(text)
        assert match, f"not a flake8-style line: {text!r}"
        if match["code"].startswith("MLO"):
            result.add((str((cwd / match["path"]).resolve()), match["code"], int(match["line"]), int(match["col"])))
    return result


def test_bundled_example_prints_the_same_lines_as_mlops_lint():
    # flake8's --select MLO names every MLO code, the default-off ones too: mlops-lint's --select ALL.
    ours = mlops_lint("--select", "ALL", str(EXAMPLE))
    theirs = flake8("--select", "MLO", str(EXAMPLE))
    assert (ours.returncode, theirs.returncode) == (1, 1), theirs.stderr
    assert theirs.stdout.splitlines() == ours.stdout.splitlines()
    assert f"{EXAMPLE}:13:36: MLO101 StandardScaler fitted on 'X' (line 12) before 'X' is split (line 13); " \
        "fit it on the training split only, or put it in a Pipeline" in ours.stdout.splitlines()


def test_same_findings_on_every_fixture_and_the_example(tmp_path):
    (tmp_path / "unicode_columns.py").write_text(UNICODE, encoding="utf-8")
    (tmp_path / "leaky.py").write_text(LEAKY.format(noqa=""))
    files = [str(p) for p in (*FIXTURES, EXAMPLE, tmp_path / "unicode_columns.py", tmp_path / "leaky.py")]
    ours = findings(mlops_lint("--select", "ALL", *files).stdout)
    theirs = findings(flake8("--select", "MLO", *files).stdout)
    # flake8 does not run plugins on a file it cannot parse (it reports E999), so MLO001 is ours alone.
    assert theirs == {f for f in ours if f[1] != "MLO001"}
    assert (str((tmp_path / "unicode_columns.py").resolve()), "MLO101", 6, 18) in theirs
    assert (str((tmp_path / "leaky.py").resolve()), "MLO101", 5, 36) in theirs


def test_flake8_follows_the_data_into_sibling_modules_as_the_cli_does():
    # flake8 hands the plugin one file at a time; the helper modules beside it are read from disk.
    project = ROOT / "tests" / "fixtures" / "project" / "MLO101_helper_fits_scaler"
    ours = findings(mlops_lint("--select", "MLO101", ".", cwd=project).stdout, project)
    theirs = findings(flake8("--select", "MLO101", ".", cwd=project).stdout, project)
    assert theirs == ours == {
        (str(project / "train_scales_everything.py"), "MLO101", 8, 36),
        (str(project / "train_without_ml_imports.py"), "MLO101", 7, 36),
    }


def test_plain_flake8_run_keeps_mlops_lint_default_selection(tmp_path):
    (tmp_path / "leaky.py").write_text(LEAKY.format(noqa=""))
    ours = findings(mlops_lint("leaky.py", cwd=tmp_path).stdout, tmp_path)
    theirs = findings(flake8("leaky.py", cwd=tmp_path).stdout, tmp_path)
    assert theirs == ours == {(str((tmp_path / "leaky.py").resolve()), "MLO101", 5, 36)}


@pytest.mark.parametrize("comment", ["  # noqa: MLO101", "  # noqa:MLO1", "  # noqa"])
def test_noqa_works_through_flake8(tmp_path, comment):
    (tmp_path / "leaky.py").write_text(LEAKY.format(noqa=comment))
    result = flake8("--select", "MLO", "leaky.py", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")
    assert mlops_lint("leaky.py", cwd=tmp_path).stdout == ""


# The split's statement wrapped over four lines: flake8 itself reads a noqa comment on the reported
# line only, the plugin reads the others (as the CLI does).
WRAPPED = """\
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

X = StandardScaler().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split({first}
    X,{second}
    y,
){last}
"""


@pytest.mark.parametrize("where", ["first", "second", "last"])
@pytest.mark.parametrize("comment", ["  # noqa: MLO101", "  # noqa: MLO1", "  # noqa"])
def test_noqa_on_any_line_of_a_wrapped_statement_works_through_flake8_as_in_the_cli(tmp_path, where, comment):
    placed = {"first": "", "second": "", "last": "", where: comment}
    (tmp_path / "leaky.py").write_text(WRAPPED.format(**placed))
    result = flake8("--select", "MLO", "leaky.py", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, ""), result.stderr
    assert mlops_lint("leaky.py", cwd=tmp_path).stdout == ""


def test_a_wrapped_statement_noqa_for_another_code_or_with_disable_noqa_hides_nothing(tmp_path):
    (tmp_path / "other.py").write_text(WRAPPED.format(first="", second="  # noqa: E501", last=""))
    (tmp_path / "leaky.py").write_text(WRAPPED.format(first="", second="  # noqa: MLO101", last=""))
    other = flake8("--select", "MLO", "other.py", cwd=tmp_path)
    disabled = flake8("--select", "MLO", "--disable-noqa", "leaky.py", cwd=tmp_path)
    assert other.stdout.splitlines()[0].startswith("other.py:5:36: MLO101 ")
    assert disabled.stdout.splitlines()[0].startswith("leaky.py:5:36: MLO101 ")


def test_noqa_for_another_code_does_not_hide_the_finding(tmp_path):
    (tmp_path / "leaky.py").write_text(LEAKY.format(noqa="  # noqa: E501"))
    result = flake8("--select", "MLO", "leaky.py", cwd=tmp_path)
    assert result.stdout.startswith("leaky.py:5:36: MLO101 ")


def test_skip_file_comment_is_honoured(tmp_path):
    (tmp_path / "leaky.py").write_text("# mlops-lint: skip-file\n" + LEAKY.format(noqa=""))
    assert flake8("--select", "MLO", "leaky.py", cwd=tmp_path).stdout == ""


def test_stdin_is_linted(tmp_path):
    result = subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select", "MLO", "-"],
                            input=LEAKY.format(noqa=""), capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.stdout.startswith("stdin:5:36: MLO101 ")


def test_bad_mlops_lint_config_is_a_finding_not_a_crash(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.mlops-lint.preprocessing-before-split]\nthreshold = 3\n")
    (tmp_path / "leaky.py").write_text(LEAKY.format(noqa=""))
    result = flake8("--select", "MLO", "leaky.py", cwd=tmp_path)
    assert result.stdout.splitlines() == [
        f"leaky.py:1:1: MLO003 invalid mlops-lint configuration: {tmp_path.resolve() / 'pyproject.toml'}: "
        "key 'tool.mlops-lint.preprocessing-before-split.threshold': unknown option of MLO101 (its options: none)"
    ], result.stderr


def test_internal_failure_becomes_mlo003(monkeypatch):
    from mlops_lint.engine import lint
    from mlops_lint.integrations.flake8 import MlopsLintChecker

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(lint, "lint_document", broken)
    results = list(MlopsLintChecker(None, "x.py", ["x = 1\n"]).run())
    assert results == [(1, 0, "MLO003 internal error in the flake8 plugin (RuntimeError: boom); please report it", MlopsLintChecker)]


def test_default_off_codes_go_into_flake8_default_ignore(monkeypatch):
    from mlops_lint import catalog as catalog_package
    from mlops_lint.catalog import load_catalog
    from mlops_lint.integrations.flake8 import MlopsLintChecker

    real = load_catalog()
    rules = {**real.rules, "MLO999": replace(real.rules["MLO101"], code="MLO999", default=False)}
    monkeypatch.setattr(catalog_package, "load_catalog", lambda: replace(real, rules=rules))

    class OptionManager:
        ignored: list[str] = []

        def extend_default_ignore(self, codes):
            self.ignored.extend(codes)

    manager = OptionManager()
    MlopsLintChecker.add_options(manager)
    default_off = sorted(code for code, spec in rules.items() if not spec.default)
    assert "MLO999" in default_off
    assert sorted(manager.ignored) == default_off
