"""Item 5: nothing from the linted tree reaches the terminal as a control character.

The attacks: a string literal that a message quotes (MLO501 quotes the path it flags) or a file
name carrying an escape sequence: OSC 52 writes the clipboard, OSC 0 sets the window title,
``ESC [2J`` clears the screen. A newline in a file name forged a whole finding line in
``concise``, the format CI logs and editors parse.
"""

from __future__ import annotations

import subprocess

import pytest

from security_harness import LEAK, LEAKY, hang_guard, run_cli, run_concise, write_tree

OSC52 = "\x1b]52;c;ZWNobyBwd25lZA==\x07"  # "copy 'echo pwned' to the clipboard"
HOSTILE_READ = f'import pandas as pd\ndf = pd.read_csv("/home/alice/{OSC52}data.csv")\n'
ESCAPED = r"\x1b]52;c;ZWNobyBwd25lZA==\x07"


def _run(fmt: str, *args: str, cwd) -> subprocess.CompletedProcess:
    with hang_guard():
        return run_cli("check", "--output-format", fmt, "--no-cache", *args, cwd=cwd)


def _no_control_characters(text: str) -> None:
    assert not [c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F], repr(text)


@pytest.mark.parametrize("fmt", ["concise", "full"])
def test_escape_sequence_in_a_quoted_literal_is_shown_escaped(tmp_path, fmt):
    write_tree(tmp_path, {"load.py": HOSTILE_READ})
    result = _run(fmt, "load.py", cwd=tmp_path)
    _no_control_characters(result.stdout)
    assert f"read_csv reads '/home/alice/{ESCAPED}data.csv'" in result.stdout
    if fmt == "full":  # the code frame quotes the line itself
        assert f' > 2 | df = pd.read_csv("/home/alice/{ESCAPED}data.csv")' in result.stdout
    assert result.returncode == 1


@pytest.mark.parametrize("fmt", ["concise", "full"])
def test_escape_sequence_in_a_file_name_is_shown_escaped(tmp_path, fmt):
    name = "train\x1b]0;owned\x07\x1b[2J.py"
    write_tree(tmp_path, {name: LEAKY})
    result = _run(fmt, ".", cwd=tmp_path)
    _no_control_characters(result.stdout)
    assert r"train\x1b]0;owned\x07\x1b[2J.py:5:36: MLO101" in result.stdout
    assert result.returncode == 1


def test_a_newline_in_a_file_name_cannot_forge_a_finding_line(tmp_path):
    forged = "x.py\nsrc/model.py:1:1: MLO999 forged finding\nz"
    write_tree(tmp_path, {forged + ".py": LEAKY})
    result = run_concise(".", cwd=tmp_path)
    assert result.stdout.splitlines() == [r"x.py\nsrc/model.py:1:1: MLO999 forged finding\nz.py" + LEAK]


def test_an_error_message_quoting_a_configuration_key_is_escaped(tmp_path):
    write_tree(tmp_path, {"pyproject.toml": '[tool.mlops-lint]\n"\\u001b]0;owned\\u0007" = 1\n', "train.py": LEAKY})
    result = _run("concise", ".", cwd=tmp_path)
    assert result.returncode == 2
    _no_control_characters(result.stderr)
    assert r"key 'tool.mlops-lint.\x1b]0;owned\x07': unknown key" in result.stderr


def test_bidirectional_controls_are_shown_too(tmp_path):
    # "Trojan Source": U+202E reverses what follows on screen.
    write_tree(tmp_path, {"load.py": 'import pandas as pd\ndf = pd.read_csv("/home/alice/\u202eexe.csv")\n'})
    result = _run("concise", "load.py", cwd=tmp_path)
    assert "\u202e" not in result.stdout
    assert r"'/home/alice/\u202eexe.csv'" in result.stdout


@pytest.mark.skipif(not hasattr(__import__("os"), "symlink"), reason="needs symbolic links")
def test_fix_messages_quoting_a_file_name_and_a_link_target_are_escaped(tmp_path):
    # --fix refuses to write through a link out of the project and says where it leads: that target,
    # like the link's own name, comes from the tree.
    outside = tmp_path / "outside\x1b]0;owned\x07"
    write_tree(outside, {"victim.py": LEAKY})
    repo = tmp_path / "repo"
    write_tree(repo, {"pyproject.toml": ""})
    (repo / "link\x1b[2J.py").symlink_to(outside / "victim.py")
    with hang_guard():
        result = run_cli("check", "--fix", "--unsafe-fixes", "--no-cache", "--output-format", "concise", "link\x1b[2J.py", cwd=repo)
    _no_control_characters(result.stderr)
    assert r"mlops-lint: link\x1b[2J.py: fixes not written: a symlink leads it to " in result.stderr
    assert r"outside\x1b]0;owned\x07/victim.py, outside the project" in result.stderr
