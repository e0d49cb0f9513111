"""Item 9: one file (or one rule option) never ends the run or loses the other files' results.

The attacks: a coding cookie naming a codec that is not a text encoding raised LookupError or
UnicodeError out of the loader (exit 2, every result lost); three valid grids made MLO303 raise
OverflowError (MLO003, exit 2); a rule option that is not a valid regex gave MLO003 "please report
it" on every file instead of a configuration error, and a catastrophic one (``^(a+)+$``) hung.
"""

from __future__ import annotations

import pytest

from harness import without_summary
from security_harness import LEAK, LEAKY, run_concise, write_tree

NON_TEXT = ["rot13", "hex", "base64", "zlib", "bz2", "quopri", "uu"]


@pytest.mark.parametrize("codec", NON_TEXT)
def test_a_non_text_codec_in_the_coding_cookie_is_mlo002(tmp_path, codec):
    write_tree(tmp_path, {"a_cookie.py": f"# -*- coding: {codec} -*-\nimport sklearn\n", "b_train.py": LEAKY})
    result = run_concise(".", cwd=tmp_path)
    assert result.stdout.splitlines() == [
        f"a_cookie.py:1:1: MLO002 could not decode file: the coding cookie names '{codec}', which is not a text encoding",
        "b_train.py" + LEAK,
    ]
    assert (result.returncode, without_summary(result.stderr)) == (1, "")


@pytest.mark.parametrize(("codec", "refusal"), [("undefined", "undefined encoding"), ("punycode", "Invalid extended code point '#'")])
def test_a_codec_that_refuses_the_bytes_is_mlo002(tmp_path, codec, refusal):
    write_tree(tmp_path, {"a_cookie.py": f"# coding: {codec}\nimport sklearn\n", "b_train.py": LEAKY})
    result = run_concise(".", cwd=tmp_path)
    assert result.stdout.splitlines() == [
        f"a_cookie.py:1:1: MLO002 could not decode file: the '{codec}' codec failed: {refusal}",
        "b_train.py" + LEAK,
    ]
    assert (result.returncode, without_summary(result.stderr)) == (1, "")


def test_grids_with_huge_or_infinite_axes_do_not_crash_mlo303(tmp_path):
    write_tree(tmp_path, {"search.py": (
        "import numpy as np\n"
        "from sklearn.model_selection import GridSearchCV\n"
        "from sklearn.svm import SVC\n"
        "a = GridSearchCV(SVC(), {'C': range(1000000000000000000000000000000)})\n"  # 10**30 values
        "b = GridSearchCV(SVC(), {'C': np.arange(1e309)})\n"  # inf
        "c = GridSearchCV(SVC(), {'C': np.arange(0, 1, 1e-320)})\n"  # 1 / 1e-320 is inf
        "d = GridSearchCV(SVC(), {'C': range(10**30)})\n"
    ), "train.py": LEAKY})
    result = run_concise("--select", "MLO303,MLO101", ".", cwd=tmp_path)
    assert result.stdout.splitlines() == [
        "search.py:4:5: MLO303 GridSearchCV grid has 1000000000000000000000000000000 combinations (limit 100), "
        "each fitted on every CV fold; sample the space with RandomizedSearchCV or successive halving (HalvingRandomSearchCV)",
        "train.py" + LEAK,
    ]
    assert (result.returncode, without_summary(result.stderr)) == (1, "")


KEY = "key 'tool.mlops-lint.hard-coded-data-path.path-patterns'"


@pytest.mark.parametrize(("value", "problem"), [
    ('["("]', "'(': invalid regular expression (missing ), unterminated subpattern at position 0)"),
    ("[1, 2]", "must be a list of strings, not [1, 2]"),
    ("['^(a+)+$']", "'^(a+)+$': a quantifier inside a repeated group (like (a+)+) can take exponential time"),
    ("['^/x/(a|aa)*$']", "'^/x/(a|aa)*$': an alternation inside a repeated group (like (a|ab)*) can take exponential time; use a character class"),
])
def test_a_bad_rule_option_is_a_configuration_error_naming_file_and_key(tmp_path, value, problem):
    write_tree(tmp_path, {
        "pyproject.toml": f"[tool.mlops-lint.hard-coded-data-path]\npath-patterns = {value}\n",
        "load.py": "import pandas as pd\ndf = pd.read_csv('/home/alice/" + "a" * 40 + "!')\n",
        "train.py": LEAKY,
    })
    result = run_concise(".", cwd=tmp_path)
    assert result.stderr == f"mlops-lint: error: {tmp_path.resolve() / 'pyproject.toml'}: {KEY}: {problem}\n"
    assert (result.stdout, result.returncode) == ("", 2)


def test_a_safe_custom_pattern_still_works(tmp_path):
    write_tree(tmp_path, {
        "pyproject.toml": "[tool.mlops-lint.hard-coded-data-path]\npath-patterns = ['^/data/(?:team|shared)/', '^/scratch/[a-z]+/']\n",
        "load.py": "import pandas as pd\ndf = pd.read_csv('/scratch/alice/x.csv')\n",
    })
    result = run_concise(".", cwd=tmp_path)
    assert result.stdout.splitlines() == [
        "load.py:2:6: MLO501 read_csv reads '/scratch/alice/x.csv', a path that exists only on one machine; "
        "pass the location in (argument, config, environment) or use a path relative to the project"
    ]
