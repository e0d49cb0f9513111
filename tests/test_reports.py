"""Every output format through the real CLI: golden files, flake8's regex, JSON/SARIF schemas, escaping."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from golden.update import FORMATS, TARGETS, cli_output, golden_path
from harness import LEAKY, notebook_json, run_cli, summary_of
from mlops_lint.diagnostics import Diagnostic, Location, Position, Related, Severity
from mlops_lint.report import github, gitlab

ROOT = Path(__file__).resolve().parents[1]
# flake8's default format '%(path)s:%(row)d:%(col)d: %(code)s %(text)s', as editors' problem matchers read it.
FLAKE8_LINE = re.compile(r"^(?P<path>.+?):(?P<row>\d+):(?P<col>\d+): (?P<code>[A-Z]{1,3}\d+) (?P<text>.*)$")

MESSAGE = ("StandardScaler fitted on 'X' (line 4) before 'X' is split (line 5); "
           "fit it on the training split only, or put it in a Pipeline")
# In a notebook the message counts lines within the cell, as the location does.
NB_MESSAGE = MESSAGE.replace("(line 4)", "(line 4 of cell 2)").replace("(line 5)", "(line 5 of cell 2)")


@pytest.mark.integration  # the real process's bytes, as a user's terminal or CI log gets them
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", sorted(TARGETS))
def test_golden_output(name, fmt):
    expected = golden_path(name, fmt).read_text(encoding="utf-8")
    assert cli_output(TARGETS[name], fmt) == expected, "output changed: if intended, run python tests/golden/update.py"


@pytest.fixture
def project(tmp_path):
    (tmp_path / "train.py").write_text(LEAKY)
    # Cell 1 is Markdown so that the finding's cell is 2 while the message's line numbers (which
    # count lines of the joined code, a known limit of the engine) still agree with the cell's lines.
    notebook = json.loads(notebook_json(LEAKY))
    notebook["cells"].insert(0, {"cell_type": "markdown", "metadata": {}, "source": "# Training"})
    (tmp_path / "nb.ipynb").write_text(json.dumps(notebook))
    return tmp_path


def test_concise_lines_match_flake8_format_also_for_notebooks(project):
    result = run_cli("check", "--output-format", "concise", ".", cwd=project)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"nb.ipynb:cell_2:5:36: MLO101 {NB_MESSAGE}", f"train.py:5:36: MLO101 {MESSAGE}"]
    for line in result.stdout.splitlines():
        assert FLAKE8_LINE.match(line), line


def test_full_has_frame_related_docs_and_summary(project):
    result = run_cli("check", "--output-format", "full", "train.py", cwd=project)
    assert summary_of(result.stderr) == "Checked 1 file in T s: 1 finding, 1 fixable with --fix --unsafe-fixes."
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "train.py:5:36: MLO101 preprocessing-before-split",
        f"  {MESSAGE}",
        "   4 | X = StandardScaler().fit_transform(X)",
        " > 5 | X_train, X_test, y_train, y_test = train_test_split(X, y)",
        "  fitted here: train.py:4:5",
        "  fixable (unsafe): Split first, then fit the transformer on the training part and apply it to the test part",
        "  docs: https://github.com/mlops-lint/mlops-lint/blob/main/docs/rules/MLO101.md",
        "",
    ]


def test_full_frame_for_a_notebook_cell(project):
    result = run_cli("check", "--output-format", "full", "--quiet", "nb.ipynb", cwd=project)
    assert " > 5 | X_train, X_test, y_train, y_test = train_test_split(X, y)" in result.stdout.splitlines()


def test_quiet_drops_the_summary_and_clean_full_says_so(project):
    quiet = run_cli("check", "--output-format", "full", "-q", "train.py", cwd=project)
    assert quiet.stderr == "" and quiet.stdout.startswith("train.py:5:36: MLO101")
    (project / "ok.py").write_text("import sklearn\nx = 1\n")
    clean = run_cli("check", "--output-format", "full", "ok.py", cwd=project)
    assert (clean.returncode, clean.stdout) == (0, "")
    assert summary_of(clean.stderr) == "Checked 1 file in T s: no findings."


def test_statistics_counts_per_rule(project):
    (project / "broken.py").write_text("def f(:\nimport sklearn\n")
    result = run_cli("check", "--output-format", "concise", "--statistics", ".", cwd=project)
    assert result.returncode == 1
    assert result.stdout.splitlines()[-2:] == ["2  MLO101  preprocessing-before-split", "1  MLO001  syntax-error"]


def test_statistics_refused_with_a_document_format(project):
    result = run_cli("check", "--output-format", "json", "--statistics", "train.py", cwd=project)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("mlops-lint: error: --statistics cannot be combined with --output-format json "
                             "(its output is one document)\n")


def test_json_round_trips_and_carries_cells(project):
    result = run_cli("check", "--output-format", "json", ".", cwd=project)
    document = json.loads(result.stdout)
    assert json.loads(json.dumps(document)) == document
    assert result.stdout == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    assert document["schema_version"] == 1
    notebook, script = document["diagnostics"]
    assert (notebook["filename"], notebook["cell"], notebook["location"]) == ("nb.ipynb", 2, {"row": 5, "column": 36})
    assert (script["filename"], script["cell"], script["code"], script["severity"]) == ("train.py", None, "MLO101", "error")
    assert script["related"] == [{"label": "fitted here", "filename": "train.py", "cell": None,
                                  "location": {"row": 4, "column": 5}, "end_location": {"row": 4, "column": 38}}]
    assert set(script) == {"code", "name", "message", "severity", "filename", "cell", "location", "end_location",
                           "related", "fix", "url"}


def _sarif_schema() -> dict:
    """The official OASIS SARIF 2.1.0 schema (draft-04), vendored so that validation never skips."""
    return json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def test_sarif_validates_against_the_official_schema(project):
    import jsonschema

    schema = _sarif_schema()
    result = run_cli("check", "--output-format", "sarif", ".", cwd=project)
    document = json.loads(result.stdout)
    jsonschema.validate(document, schema)
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    mlo101 = next(rule for rule in rules if rule["id"] == "MLO101")
    assert mlo101["name"] == "preprocessing-before-split"
    assert mlo101["helpUri"].endswith("docs/rules/MLO101.md")
    assert mlo101["defaultConfiguration"]["level"] == "error"
    assert mlo101["shortDescription"]["text"] and mlo101["fullDescription"]["text"]
    notebook, script = run["results"]
    assert rules[script["ruleIndex"]]["id"] == script["ruleId"] == "MLO101"
    assert script["level"] == "error"
    assert script["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "train.py"},
        "region": {"startLine": 5, "startColumn": 36, "endLine": 5, "endColumn": 58},
    }
    [related] = script["relatedLocations"]
    assert related["message"] == {"text": "fitted here"}
    assert related["physicalLocation"]["region"]["startLine"] == 4
    assert notebook["properties"] == {"notebookCell": 2}
    assert notebook["locations"][0]["properties"] == {"notebookCell": 2}


def test_sarif_for_a_clean_run_still_validates(tmp_path):
    import jsonschema

    schema = _sarif_schema()
    (tmp_path / "ok.py").write_text("x = 1\n")
    result = run_cli("check", "--output-format", "sarif", "ok.py", cwd=tmp_path)
    assert result.returncode == 0
    jsonschema.validate(json.loads(result.stdout), schema)


def test_github_annotations(project):
    result = run_cli("check", "--output-format", "github", ".", cwd=project)
    assert result.stdout.splitlines() == [
        f"::error file=nb.ipynb,title=MLO101 preprocessing-before-split::cell_2:5:36: {NB_MESSAGE}",
        f"::error file=train.py,line=5,col=36,endLine=5,endColumn=58,title=MLO101 preprocessing-before-split::{MESSAGE}",
    ]


def _diagnostic(path: str, message: str, line: int = 3, severity: Severity = Severity.WARNING) -> Diagnostic:
    where = Location(path, Position(line, 0), Position(line, 4))
    return Diagnostic("MLO101", "preprocessing-before-split", message, severity, where, (Related(where, "here"),))


def test_github_escapes_data_and_properties():
    line = github.line(_diagnostic("dir,a:b%.py", "100%\r\ndone: a,b"))
    assert line == ("::warning file=dir%2Ca%3Ab%25.py,line=3,col=1,endLine=3,endColumn=5,"
                    "title=MLO101 preprocessing-before-split::100%25%0D%0Adone: a,b")


def test_gitlab_code_quality(project):
    result = run_cli("check", "--output-format", "gitlab", "train.py", cwd=project)
    [issue] = json.loads(result.stdout)
    assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
    assert (issue["description"], issue["check_name"], issue["severity"]) == (
        f"MLO101 {MESSAGE}", "MLO101 preprocessing-before-split", "major")
    assert issue["location"] == {"path": "train.py", "lines": {"begin": 5, "end": 5}}
    assert re.fullmatch(r"[0-9a-f]{32}", issue["fingerprint"])


def test_gitlab_fingerprint_stable_across_runs_and_line_moves(project):
    def fingerprint() -> str:
        return json.loads(run_cli("check", "--output-format", "gitlab", "train.py", cwd=project).stdout)[0]["fingerprint"]

    first = fingerprint()
    assert fingerprint() == first
    (project / "train.py").write_text("import os\n\n" + LEAKY)  # the finding moves down two lines
    assert fingerprint() == first
    (project / "train.py").write_text(LEAKY.replace("(X, y)", "(X, y, test_size=0.3)"))  # the flagged line changes
    assert fingerprint() != first


def test_gitlab_fingerprints_tell_identical_lines_apart():
    same = [_diagnostic("missing.py", "m (line 3)", 3), _diagnostic("missing.py", "m (line 9)", 9)]
    first, second = gitlab.fingerprints(same)
    assert first != second
    assert gitlab.fingerprints(same) == [first, second]
    assert [issue["severity"] for issue in gitlab.as_dicts(same)] == ["minor", "minor"]


def _documented_json_schema() -> dict:
    text = (ROOT / "docs" / "json-schema.md").read_text(encoding="utf-8")
    return json.loads(text.split("```json schema\n", 1)[1].split("```", 1)[0])


def test_json_output_matches_the_documented_schema_and_example(project):
    import jsonschema

    schema = _documented_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    (project / "broken.py").write_text("def f(:\nimport sklearn\n")
    document = json.loads(run_cli("check", "--output-format", "json", ".", cwd=project).stdout)
    assert [d["code"] for d in document["diagnostics"]] == ["MLO001", "MLO101", "MLO101"]
    jsonschema.validate(document, schema)
    with_fix = {**document["diagnostics"][0], "fix": {"message": "wrap it", "applicability": "safe"}}
    jsonschema.validate({"schema_version": 1, "diagnostics": [with_fix]}, schema)
    # The sample in the page is the bundled example's real output.
    text = (ROOT / "docs" / "json-schema.md").read_text(encoding="utf-8")
    sample = json.loads(text.split("```json\n", 1)[1].split("```", 1)[0])
    assert sample == json.loads(golden_path("leaky_training", "json").read_text(encoding="utf-8"))
