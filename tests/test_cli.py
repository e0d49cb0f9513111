"""The CLI through its real entry point: exact output lines and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness import LEAKY, run_cli, summary_of

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "examples" / "leaky_training.py"

CLEAN = "print('nothing to see')\n"


def test_findings_exit_1_with_exact_concise_line(tmp_path):
    (tmp_path / "train.py").write_text(LEAKY)
    result = run_cli("check", "--output-format", "concise", "train.py", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == (
        "train.py:5:36: MLO101 StandardScaler fitted on 'X' (line 4) before 'X' is split (line 5); "
        "fit it on the training split only, or put it in a Pipeline\n"
    )


def test_clean_file_exits_0_and_prints_nothing(tmp_path):
    (tmp_path / "ok.py").write_text(CLEAN)
    result = run_cli("ok.py", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")


def test_exit_zero_forces_success(tmp_path):
    (tmp_path / "train.py").write_text(LEAKY)
    result = run_cli("check", "--exit-zero", "train.py", cwd=tmp_path)
    assert result.returncode == 0
    assert "MLO101" in result.stdout


def test_bundled_example_full_and_concise():
    concise = run_cli("check", "--output-format", "concise", str(EXAMPLE))
    assert concise.returncode == 1
    assert concise.stdout.splitlines() == [
        f"{EXAMPLE}:13:36: MLO101 StandardScaler fitted on 'X' (line 12) before 'X' is split (line 13); "
        "fit it on the training split only, or put it in a Pipeline"
    ]
    full = run_cli("check", "--output-format", "full", str(EXAMPLE))
    assert full.returncode == 1
    assert f"{EXAMPLE}:13:36: MLO101 preprocessing-before-split" in full.stdout
    assert f"fitted here: {EXAMPLE}:12:5" in full.stdout


def test_stdin_with_filename():
    result = run_cli("check", "-", "--stdin-filename", "buffer.py", "--output-format", "concise", stdin=LEAKY)
    assert result.returncode == 1
    assert result.stdout.startswith("buffer.py:5:36: MLO101 ")


def test_syntax_error_among_good_files(tmp_path):
    (tmp_path / "a_broken.py").write_text("print 'x'\nimport sklearn\n")
    (tmp_path / "b_train.py").write_text(LEAKY)
    result = run_cli("check", "--output-format", "concise", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "a_broken.py:1:1: MLO001 SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)?",
        "b_train.py:5:36: MLO101 StandardScaler fitted on 'X' (line 4) before 'X' is split (line 5); "
        "fit it on the training split only, or put it in a Pipeline",
    ]


def test_json_round_trips(tmp_path):
    (tmp_path / "train.py").write_text(LEAKY)
    result = run_cli("check", "--output-format", "json", "train.py", cwd=tmp_path)
    document = json.loads(result.stdout)
    assert document["schema_version"] == 1
    [finding] = document["diagnostics"]
    assert (finding["code"], finding["location"], finding["related"][0]["location"]) == (
        "MLO101", {"row": 5, "column": 36}, {"row": 4, "column": 5}
    )


def test_config_ignore_and_cli_select(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.mlops-lint]\nignore = ['MLO101']\n")
    (tmp_path / "train.py").write_text(LEAKY)
    assert run_cli("check", "train.py", cwd=tmp_path).returncode == 0
    assert run_cli("check", "--select", "MLO1", "train.py", cwd=tmp_path).returncode == 1


def test_noqa_suppresses(tmp_path):
    (tmp_path / "train.py").write_text(LEAKY.replace("train_test_split(X, y)", "train_test_split(X, y)  # noqa: MLO101"))
    assert run_cli("check", "train.py", cwd=tmp_path).returncode == 0


def test_rules_and_rule_commands():
    listing = run_cli("rules")
    assert listing.returncode == 0
    assert any(line.split()[:2] == ["MLO101", "preprocessing-before-split"] for line in listing.stdout.splitlines())
    page = run_cli("rule", "MLO101")
    assert page.returncode == 0
    # Piped, the page is the docs file's Markdown without its first line, the generator's note to editors.
    docs_page = (ROOT / "docs" / "rules" / "MLO101.md").read_text(encoding="utf-8")
    assert docs_page.startswith("<!-- generated from rules/MLO101.toml")
    assert page.stdout == docs_page.split("\n", 2)[2]
    assert page.stdout.startswith("# MLO101 preprocessing-before-split\n")


def test_default_format_is_concise_when_stdout_is_not_a_terminal(tmp_path):
    (tmp_path / "train.py").write_text(LEAKY)
    assert run_cli("train.py", cwd=tmp_path).stdout == run_cli("check", "--output-format", "concise", "train.py", cwd=tmp_path).stdout


def test_missing_path_is_mlo002_and_the_run_goes_on(tmp_path):
    (tmp_path / "train.py").write_text(LEAKY)
    result = run_cli("check", "--output-format", "concise", "nope.py", "train.py", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == "nope.py:1:1: MLO002 could not read file: No such file or directory"
    assert result.stdout.splitlines()[1].startswith("train.py:5:36: MLO101 ")


def test_internal_error_in_a_rule_exits_2_after_reporting_everything(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from mlops_lint import cli
    from mlops_lint.engine import lint

    class Broken:  # not a Rule subclass, so the registry's own discovery never sees it
        code = "MLO101"

        def check(self, module, options):
            raise RuntimeError("boom")

    monkeypatch.setattr(lint, "rule_classes", lambda: {"MLO101": Broken})
    (tmp_path / "a.py").write_text("import sklearn\nx = 1\n")  # an ML file: the rules run on it
    (tmp_path / "b.py").write_text("def f(:\nimport sklearn\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli.main, ["check", "--output-format", "concise", "--exit-zero", "."])
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        "a.py:1:1: MLO003 internal error in MLO101 (RuntimeError: boom); please report it",
        "b.py:1:7: MLO001 SyntaxError: invalid syntax",
    ]
    assert summary_of(result.stderr) == "Checked 2 files in T s: 2 findings, none fixable."


def test_help_and_version():
    top = run_cli("--help")
    assert top.returncode == 0
    assert top.stdout.startswith("Usage: mlops-lint [OPTIONS] COMMAND [ARGS]...")
    for command, summary in [("check", "Lint files, folders or stdin."), ("rule", "Show one rule's documentation."),
                             ("rules", "List every rule.")]:
        assert [command, summary] in [line.split(None, 1) for line in top.stdout.splitlines()]
        assert run_cli(command, "--help").returncode == 0
    check_help = run_cli("check", "--help").stdout
    for option in ("--output-format", "--select", "--extend-select", "--ignore", "--config", "--exclude",
                   "--extend-exclude", "--stdin-filename", "--statistics", "--quiet", "--exit-zero"):
        assert option in check_help
    from mlops_lint import __version__

    assert run_cli("--version").stdout == f"mlops-lint, version {__version__}\n"


def test_rules_table_and_json():
    table = run_cli("rules").stdout.splitlines()
    assert table[0].split() == ["CODE", "NAME", "ANTIPATTERN", "DEFAULT"]
    assert table[4].split() == ["MLO101", "preprocessing-before-split", "data-leakage", "on"]
    assert [line.split()[0] for line in table[1:]] == sorted(line.split()[0] for line in table[1:])
    rows = json.loads(run_cli("rules", "--output-format", "json").stdout)
    assert rows[3] == {
        "code": "MLO101", "name": "preprocessing-before-split", "antipattern": "data-leakage", "default": True,
        "severity": "error", "summary": "A data-dependent transformer is fitted on data that is split afterwards",
        "url": "https://github.com/mlops-lint/mlops-lint/blob/main/docs/rules/MLO101.md",
    }


def test_rule_by_name_and_unknown_rule():
    by_name = run_cli("rule", "preprocessing-before-split")
    assert by_name.stdout == run_cli("rule", "mlo101").stdout
    unknown = run_cli("rule", "MLO11")
    assert (unknown.returncode, unknown.stdout) == (2, "")
    assert unknown.stderr == "mlops-lint: error: unknown rule 'MLO11' — did you mean 'MLO101'?\n"


@pytest.mark.integration
@pytest.mark.parametrize("args", [("rules",), ("rules", "--output-format", "json"), ("rule", "MLO101")])
def test_rule_commands_do_not_import_libcst(args):
    probe = (
        "import sys\n"
        "from mlops_lint.cli import main\n"
        f"sys.argv = ['mlops-lint', *{list(args)!r}]\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert exit.code in (0, None), exit.code\n"
        "print('libcst' in sys.modules, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stderr == "False\n"


@pytest.mark.integration
def test_a_warm_run_loads_no_rule_analysis_or_fix_code(tmp_path):
    # What a warm run (every file answered by the cache) need not import: docs/performance.md.
    (tmp_path / "train.py").write_text("import sklearn\nX = 1\n")
    (tmp_path / ".gitignore").write_text("build/\n")
    probe = (
        "import sys\n"
        "from mlops_lint.cli import main\n"
        "sys.argv = ['mlops-lint', 'check', '.']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('mlops_lint.rules', 'mlops_lint.analysis', 'mlops_lint.fixes', 'libcst', 'pathspec', 'logging')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)), file=sys.stderr)\n"
    )
    cold = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path)
    assert "mlops_lint.rules" in cold.stderr  # the probe can tell
    warm = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path)
    # The summary line (report/summary.py) is printed without loading any of them either.
    assert summary_of(warm.stderr.removesuffix("[]\n")) == "Checked 0 files (1 unchanged since the last run) in T s: no findings."
    assert warm.stderr.endswith("\n[]\n")


def test_docs_name_every_option_and_config_key():
    cli_page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    from mlops_lint.cli import main

    for command in main.commands.values():
        assert f"mlops-lint {command.name}" in cli_page
        for param in command.params:
            for option in getattr(param, "opts", []):
                if option.startswith("--") and option != "--help":
                    assert f"`{option}" in cli_page, option
    config_page = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    from mlops_lint.config import _KEYS

    for key in _KEYS:
        assert f"| `{key}` |" in config_page, key


@pytest.mark.integration
@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_default_format_is_full_on_a_terminal(tmp_path):
    import pty

    (tmp_path / "train.py").write_text(LEAKY)
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "mlops_lint", "train.py"], cwd=tmp_path, stdout=terminal,
                               stderr=subprocess.PIPE, env={**os.environ, "NO_COLOR": "1"})
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closes when the process exits
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert process.wait() == 1
    os.close(controller)
    output = b"".join(chunks).decode().replace("\r\n", "\n")
    assert output.splitlines()[0] == "train.py:5:36: MLO101 preprocessing-before-split"
    assert output.splitlines()[-2] == "  docs: https://github.com/mlops-lint/mlops-lint/blob/main/docs/rules/MLO101.md"
    # The summary goes to stderr (a pipe here, so no progress bar either).
    assert summary_of(process.stderr.read().decode()) == "Checked 1 file in T s: 1 finding, 1 fixable with --fix --unsafe-fixes."


def test_full_frames_of_stdin_show_the_piped_text_not_the_file_on_disk(tmp_path):
    (tmp_path / "train.py").write_text("# saved version\n" * 10)
    result = run_cli("check", "-", "--stdin-filename", "train.py", "--output-format", "full", cwd=tmp_path, stdin=LEAKY)
    assert result.returncode == 1
    assert " > 5 | X_train, X_test, y_train, y_test = train_test_split(X, y)" in result.stdout.splitlines()
    assert "saved version" not in result.stdout


def test_preview_runs_the_rules_that_are_off_by_default(tmp_path):
    (tmp_path / "save.py").write_text("import joblib\n\njoblib.dump(model, 'model.joblib')\n")
    assert run_cli("check", "--output-format", "concise", "save.py", cwd=tmp_path).returncode == 0
    result = run_cli("check", "--output-format", "concise", "--preview", "save.py", cwd=tmp_path)
    assert result.returncode == 1
    assert [line.split(" ", 2)[:2] for line in result.stdout.splitlines()] == [["save.py:3:1:", "MLO602"]]
    ignored = run_cli("check", "--preview", "--ignore", "MLO602", "save.py", cwd=tmp_path)
    assert ignored.returncode == 0
