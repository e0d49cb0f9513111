"""Fixes: exact before/after pairs, idempotence, verification, byte-preserving writes, the CLI flags."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from fix_harness import built_diagnostic, diagnostic_at_marker, implemented, marked
from harness import found, lint_text, notebook_json
from mlops_lint.catalog import load_catalog
from mlops_lint.cli import main
from mlops_lint.fixes import fixed_source

ROOT = Path(__file__).resolve().parents[1]
PAIRS_DIR = Path(__file__).parent / "fixtures" / "fix"
PAIRS = sorted(PAIRS_DIR.glob("*.before.py"))

LEAKY = """\
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

X = StandardScaler().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, y)
"""
LEAKY_FIXED = """\
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

X_train, X_test, y_train, y_test = train_test_split(X, y)
standard_scaler = StandardScaler()
X_train = standard_scaler.fit_transform(X_train)
X_test = standard_scaler.transform(X_test)
"""


def _after(before: Path) -> str:
    return before.with_name(before.name.replace(".before.py", ".after.py")).read_text()


@pytest.mark.parametrize("before", PAIRS, ids=lambda p: p.name.removesuffix(".before.py"))
def test_fix_pair(before: Path):
    text, expected = before.read_text(), _after(before)
    code, _ = marked(text)
    diagnostic = diagnostic_at_marker(text)
    assert diagnostic is not None, f"{code} does not report the marked line"
    assert fixed_source(text, [diagnostic], unsafe=True) == expected
    # Idempotent: on the fixed text the same fixer has nothing left to do.
    again = diagnostic_at_marker(expected)
    assert again is None or fixed_source(expected, [again], unsafe=True) is None
    if implemented(code):
        marker_line = marked(expected)[1]
        assert (code, None, marker_line) not in found(lint_text(expected, {code}))


def test_every_declared_fix_has_a_fixer_and_a_pair_and_vice_versa():
    from mlops_lint.fixes.registry import fixers

    catalog = load_catalog()
    paired = {path.name.split("_", 1)[0] for path in PAIRS}
    registered = set(fixers())
    declared = {code for code, spec in catalog.rules.items() if spec.fix is not None}
    assert declared <= registered
    assert registered <= paired
    # Fixers written ahead of their rules (MLO102-104, MLO301-304 on this branch) are exempt until the
    # rule's catalog file exists; from then on the file must declare its fix.
    assert {code for code in registered if code in catalog.rules} == declared


@pytest.mark.parametrize("between", ["print(X.shape)", "X = X[:100]"])
def test_fit_move_declines_when_the_data_is_touched_in_between(between):
    text = LEAKY.replace("fit_transform(X)", "fit_transform(X)  # related: fit").replace(
        "X_train,", f"{between}\nX_train,").replace("train_test_split(X, y)", "train_test_split(X, y)  # fix-here: MLO101")
    assert fixed_source(text, [built_diagnostic(text, "MLO101", 6)], unsafe=True) is None


def test_fit_move_declines_when_transformed_data_is_read_after_the_split():
    text = LEAKY + "model.fit(X, y)\n"
    [diagnostic] = lint_text(text, {"MLO101"})
    assert fixed_source(text, [diagnostic], unsafe=True) is None


@pytest.mark.parametrize("text", [
    # a function defined earlier reads the global X, and may run after the split
    "def show():\n    print(X[0])\n\n" + LEAKY + "show()\n",
    # inside an if-block: later statements of the enclosing scope are not all visible here
    LEAKY.replace("\nX = ", "\nif True:\n    X = ").replace("\nX_train,", "\n    X_train,"),
    # the transformed name appears in the split beside the data argument
    LEAKY.replace("train_test_split(X, y)", "train_test_split(X, y, stratify=X[:, 0])"),
])
def test_fit_move_declines_when_the_scaled_data_may_still_be_read(text):
    diagnostics = lint_text(text, {"MLO101"})
    assert len(diagnostics) == 1
    assert fixed_source(text, diagnostics, unsafe=True) is None


def test_fit_move_ignores_a_later_function_whose_parameter_has_the_same_name():
    text = LEAKY + "\n\ndef plot(X, title):\n    return X\n"
    assert fixed_source(text, lint_text(text, {"MLO101"}), unsafe=True) == LEAKY_FIXED + "\n\ndef plot(X, title):\n    return X\n"


def test_split_with_stratify_is_not_unshuffled():
    text = "from sklearn.model_selection import train_test_split\nparts = train_test_split(X, y, stratify=y)\n"
    assert fixed_source(text, [built_diagnostic(text, "MLO104", 2)], unsafe=True) is None


def test_configured_seed_and_n_iter_are_used():
    text = "from sklearn.model_selection import GridSearchCV\nsearch = GridSearchCV(model, grid)\n"
    options = {"MLO303": {"seed": 42, "n-iter": 25}}
    fixed = fixed_source(text, [built_diagnostic(text, "MLO303", 2)], unsafe=True, rule_options=options)
    assert fixed == (
        "from sklearn.model_selection import RandomizedSearchCV, GridSearchCV\n"
        "search = RandomizedSearchCV(model, grid, n_iter=25, random_state=42)\n"
    )


def test_seed_fix_declines_outside_known_libraries_and_hidden_kwargs():
    for text in ("import optuna\nstudy = optuna.create_study()\n",
                 "from sklearn.svm import SVC\nmodel = SVC(**params)\n",
                 "from sklearn.model_selection import KFold\ncv = KFold(5)\n",  # unshuffled: a seed would raise
                 "from sklearn.model_selection import GridSearchCV\nsearch = GridSearchCV(m, g)\n"):
        assert fixed_source(text, [built_diagnostic(text, "MLO304", 2)], unsafe=True) is None


def test_seed_fix_on_a_shuffled_kfold():
    text = "from sklearn.model_selection import KFold\ncv = KFold(5, shuffle=True)\n"
    assert fixed_source(text, [built_diagnostic(text, "MLO304", 2)], unsafe=True) == (
        "from sklearn.model_selection import KFold\ncv = KFold(5, shuffle=True, random_state=0)\n"
    )


def test_fixed_source_keeps_crlf_of_an_editor_buffer():
    [diagnostic] = lint_text(LEAKY, {"MLO101"})
    assert fixed_source(LEAKY.replace("\n", "\r\n"), [diagnostic], unsafe=True) == LEAKY_FIXED.replace("\n", "\r\n")


@pytest.mark.parametrize("text", [LEAKY, LEAKY.rstrip("\n"), LEAKY.replace("\n", "\r\n")])
def test_fix_edits_for_editors_reproduce_fixed_source(text):
    from mlops_lint.fixes import fix_edits

    diagnostics = lint_text(text, {"MLO101"})
    edits = fix_edits(text, diagnostics, unsafe=True)
    lines = re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    result = text
    for edit in reversed(edits):
        start = offsets[edit.start.line - 1] + edit.start.column
        end = offsets[edit.end.line - 1] + edit.end.column if edit.end.line <= len(lines) else len(text)
        result = result[:start] + edit.new_text + result[end:]
    assert result == fixed_source(text, diagnostics, unsafe=True)
    assert all(edit.start.column == 0 for edit in edits)


def test_full_output_marks_the_finding_fixable(tmp_path):
    (tmp_path / "train.py").write_text(LEAKY)
    result = run_cli("check", "--output-format", "full", "train.py", cwd=tmp_path)
    assert "  fixable (unsafe): Split first, then fit the transformer on the training part and apply it to the test part\n" in result.stdout


def test_unsafe_fix_needs_unsafe_flag():
    [diagnostic] = lint_text(LEAKY, {"MLO101"})
    assert diagnostic.fix is not None and diagnostic.fix.applicability.value == "unsafe"
    assert fixed_source(LEAKY, [diagnostic], unsafe=False) is None


# --- the CLI -------------------------------------------------------------------------------------


def run_cli(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mlops_lint", *args], cwd=cwd, input=stdin, capture_output=True, text=True)


def test_fix_writes_file_then_reports_nothing_and_second_fix_changes_nothing(tmp_path):
    (tmp_path / "train.py").write_text(LEAKY)
    result = run_cli("check", "--fix", "--unsafe-fixes", "--output-format", "concise", "train.py", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "Fixed 1 finding(s) in 1 file(s).\n")
    assert (tmp_path / "train.py").read_text() == LEAKY_FIXED
    second = run_cli("check", "--fix", "--unsafe-fixes", "train.py", cwd=tmp_path)
    assert (second.returncode, second.stdout, second.stderr) == (0, "", "")
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
    assert (result.returncode, result.stderr) == (0, "Fixed 2 finding(s) in 1 file(s).\n")
    fixed_body = "".join("    " + line + "\n" for line in LEAKY_FIXED.split("\n\n", 1)[1].splitlines())
    second = fixed_body.replace("standard_scaler", "standard_scaler_2")  # new names avoid every name in the file
    assert (tmp_path / "train.py").read_text() == header + "\ndef first(X, y):\n" + fixed_body + "\n\ndef second(X, y):\n" + second


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


def test_notebook_diff_shows_the_code_cells_and_changes_nothing(tmp_path):
    data = notebook_json(LEAKY.rstrip("\n")).encode()
    (tmp_path / "nb.ipynb").write_bytes(data)
    result = run_cli("check", "--diff", "--unsafe-fixes", "nb.ipynb", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("--- nb.ipynb (code cells)\n+++ nb.ipynb (code cells)\n")
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
    assert [p.name for p in tmp_path.iterdir()] == ["train.py"]  # no temporary file left behind


def _invalid_edit(context):
    import libcst as cst

    from mlops_lint.fixes.registry import Edit

    return Edit(cst.Module(body=[cst.SimpleStatementLine([cst.Expr(cst.Name("def"))])]))


def _useless_edit(context):
    from mlops_lint.fixes.registry import Edit

    return Edit(context.module.with_changes(footer=[*context.module.footer, __import__("libcst").EmptyLine()]))


def _crashing_fixer(context):
    raise KeyError("boom")


@pytest.mark.parametrize(("fixer", "reason"), [
    (_invalid_edit, "the result does not parse (SyntaxError)"),
    (_crashing_fixer, "internal error in the fixer (KeyError: 'boom')"),
    (_useless_edit, "MLO101 is still reported after the fix"),
])
def test_failing_fix_leaves_file_unchanged_and_is_reported(tmp_path, monkeypatch, fixer, reason):
    from mlops_lint.fixes.registry import fixers

    monkeypatch.setitem(fixers(), "MLO101", fixer)
    path = tmp_path / "train.py"
    path.write_text(LEAKY)
    result = CliRunner().invoke(main, ["check", "--fix", "--unsafe-fixes", "--output-format", "concise", str(path)])
    assert path.read_text() == LEAKY
    assert result.exit_code == 1
    assert result.stderr == f"mlops-lint: {path}:5:36: MLO101 fix dropped, file left as it was for this finding: {reason}\n"
    assert result.stdout.startswith(f"{path}:5:36: MLO101 ")


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


# --- cost: libcst only when something is fixed ---------------------------------------------------


@pytest.mark.parametrize("argv", [
    ["rules"], ["rule", "MLO101"], ["check", "clean.py"], ["check", "leaky.py"], ["check", "--fix", "clean.py"],
    ["check", "--fix", "leaky.py"],  # its only fix is unsafe: nothing to rewrite
])
def test_libcst_is_not_imported_unless_a_fix_is_attempted(tmp_path, argv):
    (tmp_path / "clean.py").write_text("print('fine')\n")
    (tmp_path / "leaky.py").write_text(LEAKY)
    script = textwrap.dedent(f"""
        import sys
        from mlops_lint.cli import main
        try:
            main({argv!r})
        except SystemExit:
            pass
        print("libcst" in sys.modules)
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert result.stdout.splitlines()[-1] == "False", result.stderr
