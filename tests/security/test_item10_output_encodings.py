"""Item 10: every output format writes valid UTF-8, whatever the file names and the source hold.

The attacks: a file name that is not UTF-8 (``b"train_\\xff.py"``, which Python holds with a
surrogate escape) crashed SARIF and GitLab output with UnicodeEncodeError and made JSON output
invalid UTF-8; a string literal holding a lone surrogate (``"\\udcff"``) did the same through the
message; a non-UTF-8 stdin crashed ``full`` output, which blanks an editor's buffer.
"""

from __future__ import annotations

import json
import os

import pytest

from harness import without_summary
from security_harness import LEAKY, run_bytes

FORMATS = ["concise", "full", "json", "sarif", "gitlab", "github"]


def _tree_with_a_non_utf8_name(root) -> None:
    with open(os.path.join(os.fsencode(root), b"train_\xff.py"), "wb") as handle:
        handle.write(LEAKY.encode())
    (root / "load.py").write_text('import pandas as pd\ndf = pd.read_csv("/home/alice/\\udcff.csv")\n')


@pytest.mark.parametrize("fmt", FORMATS)
def test_non_utf8_file_name_and_lone_surrogate_message(tmp_path, fmt):
    _tree_with_a_non_utf8_name(tmp_path)
    result = run_bytes("check", "--output-format", fmt, "--no-cache", ".", cwd=tmp_path)
    assert result.returncode == 1
    # Nothing on stderr but the summary of a human format: no encoding error, no traceback.
    stderr = result.stderr.decode("utf-8")
    assert (without_summary(stderr) if fmt in ("full", "concise") else stderr) == ""
    text = result.stdout.decode("utf-8")  # strict: raises on invalid UTF-8
    message = "read_csv reads '/home/alice/\\xff.csv'"
    if fmt == "json":
        diagnostics = json.loads(text)["diagnostics"]
        assert [d["filename"] for d in diagnostics] == ["load.py", "train_\\xff.py"]
        assert diagnostics[0]["message"].startswith(message)
    elif fmt == "sarif":
        results = json.loads(text)["runs"][0]["results"]
        # The URI percent-encodes the file's real bytes, as RFC 3986 wants.
        uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
        assert uris == ["load.py", "train_%FF.py"]
        assert results[0]["message"]["text"].startswith(message)
    elif fmt == "gitlab":
        issues = json.loads(text)
        assert [i["location"]["path"] for i in issues] == ["load.py", "train_\\xff.py"]
        assert issues[0]["description"].startswith("MLO501 " + message)
        assert len({i["fingerprint"] for i in issues}) == 2
    else:
        assert "train_\\xff.py" in text
        assert message in text


def test_full_output_of_non_utf8_stdin(tmp_path):
    # An editor pipes its buffer; a byte that is not UTF-8 must come back as one finding, not a crash.
    source = LEAKY.encode() + b'name = "caf\xe9"\n'
    result = run_bytes("check", "--output-format", "full", "--stdin-filename", "train.py", "-", cwd=tmp_path, stdin=source)
    assert result.returncode == 1
    assert without_summary(result.stderr.decode("utf-8")) == ""
    text = result.stdout.decode("utf-8")
    assert "train.py:1:1: MLO002 unreadable-file" in text
    assert "could not decode file: invalid utf-8 byte 0xe9 on line 6" in text
