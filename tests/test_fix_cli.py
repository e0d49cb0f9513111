"""Fixes through the real CLI: --fix, --diff, stdin, byte-preserving writes, notebooks, failures, cost."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from fix_harness import LEAKY_FIXED
from harness import LEAKY, notebook_json, run_cli, without_summary
from mlops_lint.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_full_output_marks_the_finding_fixable(tmp_path):
    (tmp_path / "train.py").write_text(LEAKY)
    result = run_cli("check", "--output-format", "full", "train.py", cwd=tmp_path)
    assert "  fixable (unsafe): Split first, then fit the transformer on the training part and apply it to the test part\n" in result.stdout


def test_fix_writes_file_then_reports_nothing_and_second_fix_changes_nothing(tmp_path):
    (tmp_path / "train.py").write_text(LEAKY)
    result = run_cli("check", "--fix", "--unsafe-fixes", "--output-format", "concise", "train.py", cwd=tmp_path)
    assert (result.returncode, result.stdout, without_summary(result.stderr)) == (0, "", "Fixed 1 finding(s) in 1 file(s).\n")
    assert (tmp_path / "train.py").read_text() == LEAKY_FIXED
    second = run_cli("check", "--fix", "--unsafe-fixes", "train.py", cwd=tmp_path)
    assert (second.returncode, second.stdout, without_summary(second.stderr)) == (0, "", "")
    assert (tmp_path / "train.py").read_text() == LEAKY_FIXED


def test_fix_without_unsafe_flag_leaves_unsafe_fix_and_reports_it(tmp_path):
    (tmp_path / "train.py").write_text(LEAKY)
    result = run_cli("check", "--fix", "--output-format", "concise", "train.py", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("train.py:5:36: MLO101 ")
    assert (tmp_path / "train.py").read_text() == LEAKY


def test_diff_prints_unified_diff_changes_nothing_and_exits_1(tmp_path):
    (tmp_path / "train.py").write_text(LEAKY)
    result = run_cli("check", "--diff", "--unsafe-fixes", "train.py", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == (
        "--- train.py\n+++ train.py\n@@ -1,5 +1,7 @@\n"
        " from sklearn.model_selection import train_test_split\n"
        " from sklearn.preprocessing import StandardScaler\n \n"
        "-X = StandardScaler().fit_transform(X)\n"
        " X_train, X_test, y_train, y_test = train_test_split(X, y)\n"
        "+standard_scaler = StandardScaler()\n"
        "+X_train = standard_scaler.fit_transform(X_train)\n"
        "+X_test = standard_scaler.transform(X_test)\n"
    )
    assert result.stderr == "Would fix 1 finding(s) in 1 file(s).\n"
    assert (tmp_path / "train.py").read_text() == LEAKY


def test_diff_without_changes_exits_0_and_prints_nothing(tmp_path):
    (tmp_path / "ok.py").write_text("print('fine')\n")
    (tmp_path / "train.py").write_text(LEAKY)
    assert run_cli("check", "--diff", "ok.py", cwd=tmp_path).returncode == 0
    safe_only = run_cli("check", "--diff", "train.py", cwd=tmp_path)  # the only fix is unsafe
    assert (safe_only.returncode, safe_only.stdout) == (0, "")


def test_fix_from_stdin_writes_fixed_source_to_stdout():
    result = run_cli("check", "--fix", "--unsafe-fixes", "-", "--stdin-filename", "buffer.py", cwd=ROOT, stdin=LEAKY)
    assert (result.returncode, result.stdout) == (0, LEAKY_FIXED)
    clean = run_cli("check", "--fix", "-", cwd=ROOT, stdin=LEAKY)  # nothing safe to fix: the text comes back as is
    assert (clean.returncode, clean.stdout) == (1, LEAKY)
    assert clean.stderr.startswith("-:5:36: MLO101 ")


def test_every_fixable_finding_in_a_file_is_fixed_in_one_run(tmp_path):
    body = LEAKY.split("\n\n", 1)[1]
    indented = "".join("    " + line + "\n" for line in body.splitlines())
    header = LEAKY.split("\n\n", 1)[0] + "\n\n"
    text = header + "\ndef first(X, y):\n" + indented + "\n\ndef second(X, y):\n" + indented
    (tmp_path / "train.py").write_text(text)
    result = run_cli("check", "--fix", "--unsafe-fixes", "train.py", cwd=tmp_path)
    assert (result.returncode, without_summary(result.stderr)) == (0, "Fixed 2 finding(s) in 1 file(s).\n")
    fixed_body = "".join("    " + line + "\n" for line in LEAKY_FIXED.split("\n\n", 1)[1].splitlines())
    # Both fixes are made in the same round, each in its own function's scope.
    assert (tmp_path / "train.py").read_text() == header + "\ndef first(X, y):\n" + fixed_body + "\n\ndef second(X, y):\n" + fixed_body


def test_fixes_of_one_line_are_made_in_rounds_in_one_run(tmp_path):
    # MLO101 moves the fit after the split and MLO104 unshuffles that split: both edit line 7.
    text = ("import pandas as pd\nfrom sklearn.model_selection import train_test_split\n"
            "from sklearn.preprocessing import StandardScaler\n\n"
            "df = pd.read_csv('sales.csv', parse_dates=['day'], index_col='day')\ndf = StandardScaler().fit_transform(df)\n"
            "train, test = train_test_split(df, test_size=0.2)\n")
    (tmp_path / "sales.py").write_text(text)
    before = run_cli("check", "--output-format", "concise", "sales.py", cwd=tmp_path)
    assert [line.split(" ")[:2] for line in before.stdout.splitlines()] == [["sales.py:7:15:", "MLO101"], ["sales.py:7:15:", "MLO104"]]
    result = run_cli("check", "--fix", "--unsafe-fixes", "sales.py", cwd=tmp_path)
    assert (result.returncode, without_summary(result.stderr)) == (0, "Fixed 2 finding(s) in 1 file(s).\n")
    assert (tmp_path / "sales.py").read_text().split("\n")[5:9] == [
        "train, test = train_test_split(df, test_size=0.2, shuffle=False)",
        "standard_scaler = StandardScaler()",
        "train = standard_scaler.fit_transform(train)",
        "test = standard_scaler.transform(test)",
    ]


def test_suppressed_findings_are_not_fixed(tmp_path):
    (tmp_path / "noqa.py").write_text(LEAKY.replace("(X, y)\n", "(X, y)  # noqa: MLO101\n"))
    (tmp_path / "ignored.py").write_text(LEAKY)
    (tmp_path / "pyproject.toml").write_text('[tool.mlops-lint]\nper-file-ignores = { "ignored.py" = ["MLO101"] }\n')
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    result = run_cli("check", "--fix", "--unsafe-fixes", ".", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_fix_writes_through_a_symlink(tmp_path):
    (tmp_path / "real.py").write_text(LEAKY)
    (tmp_path / "link.py").symlink_to("real.py")
    assert run_cli("check", "--fix", "--unsafe-fixes", "link.py", cwd=tmp_path).returncode == 0
    assert (tmp_path / "link.py").is_symlink()
    assert (tmp_path / "real.py").read_text() == LEAKY_FIXED


def test_notebook_diff_shows_each_changed_cell_and_changes_nothing(tmp_path):
    data = notebook_json("%matplotlib inline\nimport numpy as np", LEAKY.rstrip("\n")).encode()
    (tmp_path / "nb.ipynb").write_bytes(data)
    result = run_cli("check", "--diff", "--unsafe-fixes", "nb.ipynb", cwd=tmp_path)
    assert result.returncode == 1
    # Only the changed cell, named as findings name it; the untouched first cell is not shown.
    assert result.stdout.startswith("--- nb.ipynb:cell_2\n+++ nb.ipynb:cell_2\n")
    assert "cell_1" not in result.stdout and "%matplotlib" not in result.stdout
    assert "+X_test = standard_scaler.transform(X_test)\n" in result.stdout
    assert (tmp_path / "nb.ipynb").read_bytes() == data


def test_crlf_latin1_file_keeps_its_bytes_outside_the_edit(tmp_path):
    header = "# -*- coding: latin-1 -*-\r\n# donn\u00e9es: caf\u00e9\r\n"
    path = tmp_path / "train.py"
    path.write_bytes((header + LEAKY.replace("\n", "\r\n")).encode("latin-1"))
    result = run_cli("check", "--fix", "--unsafe-fixes", "train.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert path.read_bytes() == (header + LEAKY_FIXED.replace("\n", "\r\n")).encode("latin-1")


def test_bom_and_file_mode_survive(tmp_path):
    path = tmp_path / "train.py"
    path.write_bytes(b"\xef\xbb\xbf" + LEAKY.encode())
    path.chmod(0o640)
    assert run_cli("check", "--fix", "--unsafe-fixes", "train.py", cwd=tmp_path).returncode == 0
    assert path.read_bytes() == b"\xef\xbb\xbf" + LEAKY_FIXED.encode()
    assert path.stat().st_mode & 0o777 == 0o640
    # no temporary file left behind (the results cache is the one folder a run may add)
    assert [p.name for p in tmp_path.iterdir() if p.name != ".mlops-lint-cache"] == ["train.py"]


def _invalid_edit(context):
    from mlops_lint.diagnostics import Position, TextEdit
    from mlops_lint.fixes.registry import Proposal

    return Proposal((TextEdit(Position(1, 0), Position(1, 0), "def\n"),))


def _useless_edit(context):
    from mlops_lint.diagnostics import Position, TextEdit
    from mlops_lint.fixes.registry import Proposal

    return Proposal((TextEdit(Position(1, 0), Position(1, 0), "# nothing changes\n"),))


@pytest.mark.parametrize(("fixer", "reason"), [
    (_invalid_edit, "the result does not parse"),
    (_useless_edit, "MLO101 is still reported after the fix"),
])
def test_failing_fix_leaves_file_unchanged_and_is_named_and_counted(tmp_path, monkeypatch, fixer, reason):
    from mlops_lint.fixes.registry import fixers

    monkeypatch.setitem(fixers(), "MLO101", fixer)
    path = tmp_path / "train.py"
    path.write_text(LEAKY)
    result = CliRunner().invoke(main, ["check", "--fix", "--unsafe-fixes", "--output-format", "concise", str(path)])
    assert path.read_text() == LEAKY
    assert result.exit_code == 1
    assert without_summary(result.stderr) == (f"mlops-lint: {path}:5:36: MLO101 fix skipped: {reason}\n"
                                              "1 fix(es) skipped, each named above with its reason.\n")
    assert result.stdout.startswith(f"{path}:5:36: MLO101 ")


def test_a_fix_that_trades_its_finding_for_another_is_skipped(tmp_path, monkeypatch):
    from mlops_lint.diagnostics import Position, TextEdit
    from mlops_lint.fixes.leakage import take_fit_out_of_the_split
    from mlops_lint.fixes.registry import Proposal, fixers

    def trading(context):
        real = take_fit_out_of_the_split(context)
        # The real fix, and an unseeded study at the end of the file: MLO301 would appear.
        end = Position(len(context.module.lines) + 1, 0)
        return Proposal((*real.edits, TextEdit(end, end, "import optuna\nstudy = optuna.create_study()\n")), real.kind)

    monkeypatch.setitem(fixers(), "MLO101", trading)
    path = tmp_path / "train.py"
    path.write_text(LEAKY)
    result = CliRunner().invoke(main, ["check", "--fix", "--unsafe-fixes", "--output-format", "concise", str(path)])
    assert path.read_text() == LEAKY
    assert without_summary(result.stderr) == (f"mlops-lint: {path}:5:36: MLO101 fix skipped: the fix adds a MLO301 finding\n"
                                              "1 fix(es) skipped, each named above with its reason.\n")
    assert (result.exit_code, result.stdout) == (1, f"{path}:5:36: MLO101 StandardScaler fitted on 'X' (line 4) before 'X' is split "
                                                    "(line 5); fit it on the training split only, or put it in a Pipeline\n")


def test_a_fixer_that_fails_leaves_its_finding_unlabelled(tmp_path, monkeypatch):
    from mlops_lint.fixes.registry import fixers

    def crashing(context):
        raise KeyError("boom")

    monkeypatch.setitem(fixers(), "MLO101", crashing)
    (tmp_path / "train.py").write_text(LEAKY)
    result = CliRunner().invoke(main, ["check", "--output-format", "json", str(tmp_path / "train.py")])
    [finding] = json.loads(result.stdout)["diagnostics"]
    assert (finding["code"], finding["location"]["row"], finding["fix"]) == ("MLO101", 5, None)


# --- notebooks -----------------------------------------------------------------------------------

OUTPUT = [{"output_type": "stream", "name": "stdout", "text": ["caf\u00e9 1.0\n"]}]


def _jupyter_bytes(notebook: dict) -> bytes:
    # How Jupyter writes a notebook: indent 1, sorted keys, raw UTF-8.
    return (json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _notebook(*sources: list[str]) -> dict:
    notebook = json.loads(notebook_json(*["".join(s) for s in sources], outputs=OUTPUT))
    notebook["metadata"] = {"kernelspec": {"name": "python3", "display_name": "Python 3"}}
    for cell, source in zip(notebook["cells"], sources):
        cell["source"] = source
        cell["execution_count"] = 7
    notebook["cells"].insert(1, {"cell_type": "markdown", "metadata": {}, "source": ["# Data\n"]})
    return notebook


@pytest.mark.parametrize(("sources", "fixed_cells"), [
    (  # fit and split in one cell: only that cell changes
        [["import numpy as np\n", "%matplotlib inline\n", "from sklearn.model_selection import train_test_split\n",
          "from sklearn.preprocessing import StandardScaler"],
         ["X = StandardScaler().fit_transform(X)\n", "X_train, X_test, y_train, y_test = train_test_split(X, y)"],
         ["print(1.0)"]],
        {2: ["X_train, X_test, y_train, y_test = train_test_split(X, y)\n", "standard_scaler = StandardScaler()\n",
             "X_train = standard_scaler.fit_transform(X_train)\n", "X_test = standard_scaler.transform(X_test)"]},
    ),
    (  # fit in one cell, split in the next: the line leaves one cell, the fit joins the other
        [["from sklearn.model_selection import train_test_split\n", "from sklearn.preprocessing import StandardScaler"],
         ["X = StandardScaler().fit_transform(X)\n", "!ls data\n"],
         ["X_train, X_test, y_train, y_test = train_test_split(X, y)\n"]],
        {2: ["!ls data\n"],
         3: ["X_train, X_test, y_train, y_test = train_test_split(X, y)\n", "standard_scaler = StandardScaler()\n",
             "X_train = standard_scaler.fit_transform(X_train)\n", "X_test = standard_scaler.transform(X_test)\n"]},
    ),
])
def test_notebook_fix_edits_only_the_cell_sources(tmp_path, sources, fixed_cells):
    notebook = _notebook(*sources)
    path = tmp_path / "analysis.ipynb"
    path.write_bytes(_jupyter_bytes(notebook))
    result = run_cli("check", "--fix", "--unsafe-fixes", "analysis.ipynb", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    expected = json.loads(json.dumps(notebook))
    for cell_number, source in fixed_cells.items():
        expected["cells"][cell_number]["source"] = source
    assert path.read_bytes() == _jupyter_bytes(expected)


TIME_ORDERED_CELL = ["df = pd.read_csv('sales.csv', parse_dates=['day'], index_col='day')\n", "train, test = train_test_split(df, test_size=0.2)"]
BIG_GRID = "{'C': [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 'gamma': [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]}"


def test_a_fix_that_adds_an_import_edits_the_import_cell_and_blocks_no_other_fix(tmp_path):
    notebook = _notebook(
        ["import pandas as pd\n", "from sklearn.model_selection import GridSearchCV, train_test_split\n",
         "from sklearn.svm import SVC\n", "%matplotlib inline"],
        TIME_ORDERED_CELL,
        [f"search = GridSearchCV(SVC(), {BIG_GRID})\n", "search.fit(train, train)"],
    )
    path = tmp_path / "sales.ipynb"
    path.write_bytes(_jupyter_bytes(notebook))
    diff = run_cli("check", "--diff", "--unsafe-fixes", "sales.ipynb", cwd=tmp_path)
    assert (diff.returncode, diff.stderr) == (1, "Would fix 2 finding(s) in 1 file(s).\n")
    assert path.read_bytes() == _jupyter_bytes(notebook)
    result = run_cli("check", "--fix", "--unsafe-fixes", "sales.ipynb", cwd=tmp_path)
    assert without_summary(result.stderr) == "Fixed 2 finding(s) in 1 file(s).\n"
    expected = json.loads(json.dumps(notebook))
    expected["cells"][0]["source"][1] = "from sklearn.model_selection import RandomizedSearchCV, train_test_split\n"
    expected["cells"][2]["source"][1] = "train, test = train_test_split(df, test_size=0.2, shuffle=False)"
    expected["cells"][3]["source"][0] = f"search = RandomizedSearchCV(SVC(), {BIG_GRID}, n_iter=60, random_state=0)\n"
    assert path.read_bytes() == _jupyter_bytes(expected)


def test_a_fix_the_notebook_cannot_hold_is_not_offered_and_the_others_are_made(tmp_path):
    notebook = _notebook(
        ["import pandas as pd\n", "from sklearn.model_selection import train_test_split\n",
         "from sklearn.preprocessing import StandardScaler"],
        ["%time X = StandardScaler().fit_transform(X)"],  # the fit to move is on an IPython line
        ["X_train, X_test, y_train, y_test = train_test_split(X, y)"],
        TIME_ORDERED_CELL,
    )
    path = tmp_path / "mixed.ipynb"
    path.write_bytes(_jupyter_bytes(notebook))
    # Moving the fit would rewrite the ``%time`` line, which the notebook could not be given back
    # with: the finding is not labelled fixable, so --fix has nothing to skip.
    listed = run_cli("check", "--unsafe-fixes", "--output-format", "json", "mixed.ipynb", cwd=tmp_path)
    assert [(d["code"], d["fix"] is not None) for d in json.loads(listed.stdout)["diagnostics"]] == [("MLO101", False), ("MLO104", True)]
    result = run_cli("check", "--fix", "--unsafe-fixes", "--output-format", "concise", "mixed.ipynb", cwd=tmp_path)
    assert without_summary(result.stderr) == "Fixed 1 finding(s) in 1 file(s).\n"
    assert (result.returncode, result.stdout.split(": ")[0]) == (1, "mixed.ipynb:cell_4:1:36")
    expected = json.loads(json.dumps(notebook))
    expected["cells"][4]["source"][1] = "train, test = train_test_split(df, test_size=0.2, shuffle=False)"
    assert path.read_bytes() == _jupyter_bytes(expected)


def test_each_round_lints_the_notebook_with_its_saved_outputs(tmp_path):
    # The printed best parameters are the search's record (MLO302 is silent); the fix's re-lint
    # must see that output too, or it would take the fix for one that adds an MLO302 finding.
    notebook = _notebook(
        ["from sklearn.model_selection import GridSearchCV\n", "from sklearn.svm import SVC"],
        [f"search = GridSearchCV(SVC(), {BIG_GRID})\n", "search.fit(X, y)\n", "print(search.best_params_)"],
    )
    path = tmp_path / "search.ipynb"
    path.write_bytes(_jupyter_bytes(notebook))
    result = run_cli("check", "--select", "MLO302,MLO303", "--fix", "--unsafe-fixes", "search.ipynb", cwd=tmp_path)
    assert (result.returncode, result.stdout, without_summary(result.stderr)) == (0, "", "Fixed 1 finding(s) in 1 file(s).\n")
    expected = json.loads(json.dumps(notebook))
    expected["cells"][0]["source"][0] = "from sklearn.model_selection import RandomizedSearchCV\n"
    expected["cells"][2]["source"][0] = f"search = RandomizedSearchCV(SVC(), {BIG_GRID}, n_iter=60, random_state=0)\n"
    assert path.read_bytes() == _jupyter_bytes(expected)


def test_notebook_in_unknown_json_layout_is_left_alone(tmp_path):
    notebook = _notebook(["from sklearn.model_selection import train_test_split\n",
                          "from sklearn.preprocessing import StandardScaler\n",
                          "X = StandardScaler().fit_transform(X)\n",
                          "X_train, X_test, y_train, y_test = train_test_split(X, y)"])
    data = json.dumps(notebook, indent=3, separators=(",", " : ")).encode()
    path = tmp_path / "odd.ipynb"
    path.write_bytes(data)
    result = run_cli("check", "--fix", "--unsafe-fixes", "odd.ipynb", cwd=tmp_path)
    assert path.read_bytes() == data
    assert result.returncode == 1
    assert "odd.ipynb: fixes not written: the notebook's JSON layout cannot be reproduced" in result.stderr


# --- cost: the fix machinery loads only when something is fixed -----------------------------------


@pytest.mark.parametrize(("argv", "loaded"), [
    (["rules"], False), (["rule", "MLO101"], False), (["check", "clean.py"], False), (["check", "leaky.py"], False),
    (["check", "--fix", "clean.py"], False),
    (["check", "--fix", "leaky.py"], False),  # its only fix is unsafe: nothing to rewrite
    (["check", "--diff", "--unsafe-fixes", "leaky.py"], True),  # the control: a fix is attempted
])
@pytest.mark.integration
def test_the_fix_rounds_are_not_imported_unless_a_fix_is_attempted(tmp_path, argv, loaded):
    (tmp_path / "clean.py").write_text("print('fine')\n")
    (tmp_path / "leaky.py").write_text(LEAKY)
    script = textwrap.dedent(f"""
        import sys
        from mlops_lint.cli import main
        try:
            main({argv!r})
        except SystemExit:
            pass
        print("mlops_lint.fixes.apply" in sys.modules)
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert result.stdout.splitlines()[-1] == str(loaded), result.stderr
