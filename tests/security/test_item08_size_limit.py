"""Item 8: files above ``max-file-size`` are reported and skipped; reading stops at the limit.

The attacks: a symlink to ``/dev/zero`` named ``*.py`` was read until MemoryError, and every other
file's result was lost; a 30 MB generated file took minutes and gigabytes. Files larger than the
limit (default 5 MiB; ``max-file-size`` / ``--max-file-size``) now get ``MLO002 file too large`` and
are not read; a file that grows while read, or reports no size (``/proc``), is read up to the limit
and no further.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from mlops_lint.source.reading import DEFAULT_MAX_FILE_SIZE
from harness import without_summary
from security_harness import LEAK, LEAKY, hang_guard, run_cli, run_concise, run_process, write_tree

TOO_LARGE_DEFAULT = "file too large ({size:,} bytes; the limit is 5 MiB, see max-file-size): not checked"


def test_a_file_over_the_default_limit_is_mlo002_and_the_rest_is_linted(tmp_path):
    write_tree(tmp_path, {"train.py": LEAKY})
    size = DEFAULT_MAX_FILE_SIZE + 1
    with open(tmp_path / "generated.py", "wb") as handle:
        handle.truncate(size)  # sparse: costs no disk
    result = run_concise(".", cwd=tmp_path)
    assert result.stdout.splitlines() == [f"generated.py:1:1: MLO002 {TOO_LARGE_DEFAULT.format(size=size)}", "train.py" + LEAK]
    assert result.returncode == 1


def test_the_limit_is_set_by_option_and_by_configuration(tmp_path):
    write_tree(tmp_path, {"train.py": LEAKY, "small.py": "x = 1\n"})
    too_large = f"train.py:1:1: MLO002 file too large ({len(LEAKY):,} bytes; the limit is 100 bytes, see max-file-size): not checked"
    assert run_concise("--max-file-size", "100", ".", cwd=tmp_path).stdout.splitlines() == [too_large]
    (tmp_path / "pyproject.toml").write_text("[tool.mlops-lint]\nmax-file-size = 100\n")
    assert run_concise(".", cwd=tmp_path).stdout.splitlines() == [too_large]
    # The command line wins over the configuration.
    assert run_concise("--max-file-size", "1KiB", ".", cwd=tmp_path).stdout.splitlines() == ["train.py" + LEAK]


def test_a_bad_size_is_a_usage_or_configuration_error(tmp_path):
    write_tree(tmp_path, {"train.py": LEAKY})
    usage = run_concise("--max-file-size", "5 elephants", ".", cwd=tmp_path)
    assert usage.returncode == 2
    assert "Invalid value for '--max-file-size': '5 elephants' is not a size (a number of bytes, or e.g. '5MiB', '500KB')" in usage.stderr
    (tmp_path / "pyproject.toml").write_text("[tool.mlops-lint]\nmax-file-size = 0\n")
    config = run_concise(".", cwd=tmp_path)
    assert config.returncode == 2
    assert config.stderr == (f"mlops-lint: error: {tmp_path.resolve() / 'pyproject.toml'}: key 'tool.mlops-lint.max-file-size': "
                             "must be a size in bytes or a string such as '5MiB': a size must be above 0\n")


def _limit_memory() -> None:
    import resource

    # 1 GiB of address space: reading /dev/zero whole would fail with MemoryError long before the end.
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


@pytest.mark.integration  # a memory limit of its own: a process
@pytest.mark.skipif(not os.path.exists("/dev/zero") or sys.platform != "linux", reason="needs /dev/zero and RLIMIT_AS")
def test_a_link_to_dev_zero_named_directly_does_not_exhaust_memory(tmp_path):
    write_tree(tmp_path, {"train.py": LEAKY})
    (tmp_path / "zero.py").symlink_to("/dev/zero")
    result = run_process("check", "--output-format", "concise", "--no-cache", "zero.py", "train.py", cwd=tmp_path,
                         preexec_fn=_limit_memory)
    assert result.stdout.splitlines() == [
        "train.py" + LEAK,
        "zero.py:1:1: MLO002 could not read file: not a regular file but a character device",
    ]
    assert (result.returncode, without_summary(result.stderr)) == (1, "")


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux's /proc")
def test_reading_stops_at_the_limit_when_the_size_is_not_known(tmp_path):
    # /proc files report a size of 0 but hold more: the limit counts the bytes actually read.
    result = run_concise("--max-file-size", "100", "/proc/self/maps", cwd=tmp_path)
    assert result.stdout.splitlines() == [
        "/proc/self/maps:1:1: MLO002 file too large (more than 100 bytes; the limit is 100 bytes, see max-file-size): not checked"
    ]


def _notebook(code: str, output_bytes: int) -> str:
    image = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "A" * output_bytes}}
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [image], "source": code}]})


def test_a_notebook_may_be_larger_on_disk_but_its_code_must_fit(tmp_path):
    generated = LEAKY + "x = 1\n" * 300  # 2 KB of code: over the limit
    write_tree(tmp_path, {
        "plots.ipynb": _notebook(LEAKY, 3000),  # 3 KB of outputs, little code: linted
        "generated.ipynb": _notebook(generated, 0),
    })
    result = run_concise("--max-file-size", "1KB", ".", cwd=tmp_path)
    assert result.stdout.splitlines() == [
        f"generated.ipynb:1:1: MLO002 file too large ({len(generated):,} characters of code; the limit is 1 KB, see max-file-size): not checked",
        "plots.ipynb:cell_1:5:36: MLO101 StandardScaler fitted on 'X' (line 4 of cell 1) before 'X' is split (line 5 of cell 1); fit it on the training split only, or put it in a Pipeline",
    ]


def test_source_on_stdin_is_held_to_the_limit(tmp_path):
    with hang_guard():
        result = run_cli("check", "--output-format", "concise", "--max-file-size", "100", "-", cwd=tmp_path, stdin=LEAKY)
    assert result.stdout.splitlines() == [
        f"-:1:1: MLO002 file too large ({len(LEAKY):,} characters of code; the limit is 100 bytes, see max-file-size): not checked"
    ]
