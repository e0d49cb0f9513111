"""benchmarks/wild/score.py joins real mlops-lint findings with hand labels: precision and recall counts."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

# score.py lints with the installed command line, in a process of its own.
pytestmark = pytest.mark.integration

SCORE = Path(__file__).resolve().parents[1] / "benchmarks" / "wild" / "score.py"

# Fit on all of X (line 4) before the split (line 5): one MLO101 at line 5, related line 4.
LEAKY = (
    "from sklearn.model_selection import train_test_split\n"
    "from sklearn.preprocessing import StandardScaler\n"
    "\n"
    "X = StandardScaler().fit_transform(X)\n"
    "X_train, X_test, y_train, y_test = train_test_split(X, y)\n"
)
CLEAN = (
    "from sklearn.model_selection import train_test_split\n"
    "from sklearn.preprocessing import StandardScaler\n"
    "\n"
    "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"
    "scaler = StandardScaler().fit(X_train)\n"
)


def _notebook(*cells: tuple[str, str]) -> str:
    return json.dumps({
        "cells": [{"cell_type": kind, "metadata": {}, "source": source.splitlines(keepends=True),
                   **({"outputs": [], "execution_count": None} if kind == "code" else {})}
                  for kind, source in cells],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    })


def _tsv(path: Path, header: str, *rows: str) -> None:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def score():
    spec = importlib.util.spec_from_file_location("wild_score", SCORE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve string annotations through sys.modules
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def corpus(tmp_path: Path) -> tuple[Path, Path]:
    """A made-up corpus: a leaky script, a leaky notebook (markdown cell first) and a clean script."""
    files = tmp_path / "corpus" / "me+demo"
    files.mkdir(parents=True)
    (files / "leaky.py").write_text(LEAKY, encoding="utf-8")
    (files / "clean.py").write_text(CLEAN, encoding="utf-8")
    (files / "nb.ipynb").write_text(_notebook(("markdown", "# Title\n"), ("code", LEAKY)), encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    commit = "0" * 40
    _tsv(data / "corpus.tsv", "repo\tcommit\tpath\tkind\tcategory\tnote",
         f"me/demo\t{commit}\tleaky.py\tscript\tother\t", f"me/demo\t{commit}\tclean.py\tscript\tother\t",
         f"me/demo\t{commit}\tnb.ipynb\tnotebook\tkaggle\t", f"me/demo\t{commit}\tabsent.py\tscript\tother\t")
    _tsv(data / "leaks.tsv", "repo\tpath\tcategory\tcodes\tlines\tnote",
         "me/demo\tleaky.py\tpreprocessing\tMLO101\t4\tscaler fit on X before the split (source line only)",
         "me/demo\tnb.ipynb\tpreprocessing\tMLO101\tc2:5\tscaler fit on X before the split",
         "me/demo\tclean.py\tpreprocessing\tMLO101\t5\ta label that no finding matches",
         "me/demo\tnb.ipynb\ttest-misuse\tMLO201\tc2:5\tright line, other code")
    _tsv(data / "verdicts.tsv", "repo\tpath\tposition\tcode\tverdict\treason",
         "me/demo\tleaky.py\t5\tMLO101\tright\tfit on all of X before the split",
         "me/demo\tnb.ipynb\tc2:5\tMLO101\twrong\tmade-up verdict to count a wrong one")
    return tmp_path / "corpus", data


def test_findings_carry_notebook_cells_and_related_lines(score, corpus):
    folder, _ = corpus
    findings, _ = score.lint(folder, ["me+demo/leaky.py", "me+demo/nb.ipynb", "me+demo/clean.py"], None)
    assert sorted((f.path, f.position, f.code, sorted(f.related)) for f in findings) == [
        ("leaky.py", "5", "MLO101", ["4"]),
        ("nb.ipynb", "c2:5", "MLO101", ["c2:4"]),
    ]


def test_tables_count_verdicts_and_reported_leaks(score, corpus, capsys):
    folder, data = corpus
    assert score.main(["--corpus", str(folder), "--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert "3 of 4 listed files linted from 1 repositories; 3 files read by hand." in out
    assert "| MLO101 | 2 | 1 | 1 | 0 | 0 | 50 % |" in out
    # leaky.py is reported through the related line, nb.ipynb at the finding; clean.py's label is missed.
    assert "| preprocessing | 3 | 2 | 67 % |" in out
    assert "| test-misuse | 1 | 0 | 0 % |" in out
    missed = out.split("## Missed leaks")[1]
    assert "clean.py\tpreprocessing" in missed and "nb.ipynb\ttest-misuse" in missed
    assert "leaky.py" not in missed
    assert "1 listed files are missing" in out


def test_unjudged_findings_are_listed(score, corpus, capsys):
    folder, data = corpus
    _tsv(data / "verdicts.tsv", "repo\tpath\tposition\tcode\tverdict\treason")
    score.main(["--corpus", str(folder), "--data", str(data)])
    out = capsys.readouterr().out
    assert "| MLO101 | 2 | 0 | 0 | 0 | 2 | - |" in out
    unjudged = out.split("## Unjudged findings")[1].split("## Missed leaks")[0]
    assert "me/demo\tleaky.py\t5\tMLO101" in unjudged and "me/demo\tnb.ipynb\tc2:5\tMLO101" in unjudged


def test_subset_scores_only_the_listed_repositories(score, corpus, tmp_path, capsys):
    folder, data = corpus
    claims = tmp_path / "claims.txt"
    claims.write_text("someone other/repo\n", encoding="utf-8")
    score.main(["--corpus", str(folder), "--data", str(data), "--subset", str(claims)])
    out = capsys.readouterr().out
    assert "0 of 0 listed files linted from 0 repositories; 0 files read by hand." in out
    assert "| all | 0 | 0 | 0 | 0 | 0 | - |" in out
