"""Item 3: walking a folder never reads through a symbolic link that leads out of it.

The attack: a repository commits ``settings.py -> /proc/self/environ`` (or ``-> ~/.ssh/id_rsa``);
whoever lints it with ``--output-format full`` got the file's text, the environment and its
secrets, printed as a code frame. Git stores such a link as a link, not a file; so does the walk.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import without_summary
from security_harness import LEAK, LEAKY, hang_guard, run_cli, run_concise, run_process, write_tree

CANARY = "canary-secret-7f3a"
OUTSIDE = "not read: a symbolic link to a file outside the folder being linted (name the file on the command line to lint it)"


@pytest.mark.integration  # /proc/self/environ is the environment a process started with
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux's /proc")
def test_link_to_proc_self_environ_is_not_printed(tmp_path):
    repo = tmp_path / "repo"
    write_tree(repo, {"train.py": LEAKY})
    (repo / "settings.py").symlink_to("/proc/self/environ")
    result = run_process("check", "--output-format", "full", "--select", "ALL", "--no-cache", ".", cwd=repo,
                         env={"MLOPS_LINT_TEST_SECRET": CANARY})
    assert CANARY not in result.stdout + result.stderr
    assert "settings.py:1:1: MLO002 unreadable-file" in result.stdout
    assert OUTSIDE in result.stdout
    assert "train.py:5:36: MLO101" in result.stdout  # the rest of the tree is still linted
    assert result.returncode == 1


def test_link_to_a_file_outside_the_tree_is_reported_not_read(tmp_path):
    write_tree(tmp_path, {"outside/secret.py": LEAKY, "repo/train.py": LEAKY, "repo/lib/real.py": LEAKY})
    repo = tmp_path / "repo"
    (repo / "stolen.py").symlink_to(tmp_path / "outside" / "secret.py")
    (repo / "lib" / "relative.py").symlink_to(Path("..", "..", "outside", "secret.py"))
    (repo / "inside.py").symlink_to(repo / "lib" / "real.py")  # a link within the tree is linted
    result = run_concise(".", cwd=repo)
    assert result.stdout.splitlines() == [
        "inside.py" + LEAK,
        f"lib/real.py{LEAK}",
        f"lib/relative.py:1:1: MLO002 {OUTSIDE}",
        f"stolen.py:1:1: MLO002 {OUTSIDE}",
        "train.py" + LEAK,
    ]
    assert (result.returncode, without_summary(result.stderr)) == (1, "")


def test_full_output_shows_nothing_of_a_file_outside_the_tree(tmp_path):
    secret = f"import pandas as pd\nTOKEN = '{CANARY}'\ndf = pd.read_csv('/home/alice/{CANARY}.csv')\n"
    write_tree(tmp_path, {"outside/secret.py": secret, "repo/train.py": LEAKY})
    (tmp_path / "repo" / "config.py").symlink_to(tmp_path / "outside" / "secret.py")
    with hang_guard():
        result = run_cli("check", "--output-format", "full", "--select", "ALL", "--no-cache", ".", cwd=tmp_path / "repo")
    assert CANARY not in result.stdout + result.stderr
    assert "config.py:1:1: MLO002 unreadable-file" in result.stdout
    assert "train.py:5:36: MLO101 preprocessing-before-split" in result.stdout


def test_walking_a_subfolder_stops_at_that_subfolder(tmp_path):
    # The walked root is the folder given, not the repository: a link up and out of it is not read.
    write_tree(tmp_path, {"shared/common.py": LEAKY, "src/train.py": LEAKY})
    (tmp_path / "src" / "common.py").symlink_to(Path("..", "shared", "common.py"))
    result = run_concise("src", cwd=tmp_path)
    assert result.stdout.splitlines() == [f"src/common.py:1:1: MLO002 {OUTSIDE}", "src/train.py" + LEAK]


def test_a_file_named_on_the_command_line_is_read_as_asked(tmp_path):
    write_tree(tmp_path, {"outside/secret.py": LEAKY, "repo/train.py": "x = 1\n"})
    repo = tmp_path / "repo"
    (repo / "stolen.py").symlink_to(tmp_path / "outside" / "secret.py")
    result = run_concise("stolen.py", cwd=repo)
    assert result.stdout.splitlines() == ["stolen.py" + LEAK]
    assert result.returncode == 1
