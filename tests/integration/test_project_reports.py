"""A finding whose fit is in another file names that file in every output format (the real CLI, one file named)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "project" / "MLO101_helper_fits_scaler"


def _check(output_format: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "mlops_lint", "check", "--no-cache", "--select", "MLO101", "--output-format", output_format,
         "train_scales_everything.py"],
        cwd=PROJECT, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 1, result.stderr
    return result.stdout


def test_json_names_the_other_file_of_the_related_location():
    [diagnostic] = json.loads(_check("json"))["diagnostics"]  # features.py is read, not reported on
    assert (diagnostic["filename"], diagnostic["location"]["row"]) == ("train_scales_everything.py", 8)
    assert "(line 5 of features.py)" in diagnostic["message"]
    assert [(r["label"], r["filename"], r["location"]["row"]) for r in diagnostic["related"]] == [("fitted here", "features.py", 5)]


def test_sarif_related_locations_carry_their_own_artifact():
    [result] = json.loads(_check("sarif"))["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "train_scales_everything.py"
    [related] = result["relatedLocations"]
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "features.py"
    assert related["physicalLocation"]["region"]["startLine"] == 5


def test_full_shows_the_line_of_the_other_file():
    lines = _check("full").splitlines()
    assert lines[0].startswith("train_scales_everything.py:8:36: MLO101 ")
    assert "  fitted here: features.py:5:12" in lines
    assert any(line.strip().startswith("> 5 |") and "fit_transform(frame)" in line for line in lines)
