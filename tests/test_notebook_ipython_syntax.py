"""Cells that IPython runs are not syntax errors (issue 15, precision 7); real syntax errors still are MLO001.

The last test holds the forms against IPython's own reading (``transform_cell``, then ``compile``):
each silent form compiles there, each error form fails there too.
"""

from __future__ import annotations

import pytest

from harness import notebook_json
from mlops_lint.catalog import load_catalog
from mlops_lint.engine.lint import LintOptions, lint_document
from mlops_lint.source import document_from_text
from mlops_lint.source.notebook import neutralise_cell

ALL = frozenset(load_catalog().rules)
IMPORTS = "from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler"
FIT = "X = StandardScaler().fit_transform(X)"
SPLIT = "X_train, X_test, y_train, y_test = train_test_split(X, y)"


def lint_cells(*cells: str):
    return lint_document(document_from_text("nb.ipynb", notebook_json(*cells)), load_catalog(), LintOptions(selected=ALL))


def where(diagnostics) -> list[tuple[str, int | None, int, int]]:
    return [(d.code, d.location.cell, d.location.start.line, d.location.start.column) for d in diagnostics]


INDENTED_CELLS = [
    "    x = 1\n    y = x + 1",
    "\n\n  x = 1\n  if x:\n      y = 2\n",
    "\tx = 1\n\tprint(x)",
    "  # a comment first\n  x = 1",
]
# IPython 8 took the first line's indentation off the lines starting with it, and a console's
# prompts off every line when the first or second line had one (IPython 9 refuses both).
IPYTHON_8_CELLS = ["  import os\nimport sys", "x = max(\n...     1, 2)"]
PROMPT_CELLS = [
    ">>> x = 1\n>>> print(x)",
    ">>> def f(a):\n...     return a\n>>> f(1)",
    "In [3]: x = 1",
    "In [3]: def f():\n   ...:     return 1",
]
AUTOMAGIC_CELLS = [
    "pip install scikit-learn==1.4.2",
    "pip install -q 'xgboost>=2'",
    "cd data",
    "cd ..",
    "ls",
    "ls -la /tmp",
    "conda install -y numpy",
    "mkdir out",
    "load_ext autoreload",
    "matplotlib inline",
    "\n\npip install numpy",
    "   pip install numpy",
    "pip install numpy;",
]
CONTINUED_ESCAPE_CELLS = [
    "!pip install numpy \\\n    pandas \\\n    scikit-learn\nimport numpy",
    "files = !ls \\\n  -la\nprint(files)",
    "%pip install \\\n  numpy",
    "%env A=1 \\\n B",
    "if True:\n    !echo a \\\n  b\n    x = 1",
]
HELP_CELLS = [
    "len?",
    "len??",
    "import numpy as np\nnp.mean?",
    "import numpy as np\nnp.mean??",
    "x = len?",
    "df.iloc[0]?",
    "a.b[-1]??",
    "np.*load*?",
    "*int*?",
    "?len",
    "?? len",
    "%timeit?",
    "%%bash?",
    "if True:\n    len?\nelse:\n    pass",
]
OTHER_LANGUAGE_CELLS = [
    "%%bash\nfor f in *.csv; do echo $f; done",
    "%%sh\nls -la |",
    "%%html\n<b>bold</b>",
    "%%javascript\nconsole.log('x');",
    "%%writefile helper.py\nthis is not python (",
    "%%sql\nSELECT * FROM t WHERE a = 'b'",
    "%%R\nlibrary(dplyr)\nx <- 1",
    "%%latex\n\\alpha + \\beta",
    "%%shell\necho colab",
    "\n%%bash\necho $HOME | wc -c",
    "  %%bash\n  echo indented",
]


@pytest.mark.parametrize("cell", INDENTED_CELLS + IPYTHON_8_CELLS)
def test_a_cell_starting_with_whitespace_is_not_mlo001(cell):
    assert lint_cells("x = 0", cell) == []


@pytest.mark.parametrize("cell", PROMPT_CELLS)
def test_a_cell_pasted_with_its_prompts_is_not_mlo001(cell):
    assert lint_cells("x = 0", cell) == []


@pytest.mark.parametrize("cell", AUTOMAGIC_CELLS)
def test_a_one_line_automagic_cell_is_not_mlo001(cell):
    assert lint_cells("x = 0", cell) == []


@pytest.mark.parametrize("cell", CONTINUED_ESCAPE_CELLS)
def test_a_shell_escape_continued_with_a_backslash_is_not_mlo001(cell):
    assert lint_cells("x = 0", cell) == []


@pytest.mark.parametrize("cell", HELP_CELLS)
def test_a_help_line_is_not_mlo001(cell):
    assert lint_cells("x = 0", cell) == []


@pytest.mark.parametrize("cell", OTHER_LANGUAGE_CELLS)
def test_a_cell_magic_of_another_language_is_not_mlo001(cell):
    assert lint_cells("x = 0", cell) == []


SYNTAX_ERRORS = [
    # automagic applies to one-line cells only: IPython reads a longer cell as Python
    ("pip install numpy\nimport numpy", 1),
    ("x = 1\ncd data", 2),
    ("# install it\npip install numpy", 2),
    # ``?`` after a call, a subscript by name, a space, or before a comment is not help
    ("x = 1\nprint(len)?", 2),
    ("a[i]?", 1),
    ("len ?", 1),
    ("len?  # what is it", 1),
    # an escape inside brackets is no escape (Python reports the bracket left open)
    ("x = (1 +\n  !ls)", 1),
    # indentation that is not common to the cell (both IPython 8 and 9 refuse it)
    ("x = 1\n  y = 2", 2),
    ("def f(:\n    pass", 1),
    # a backslash followed by a space does not continue the escaped line
    ("!echo a \\ \n  b", 2),
]


@pytest.mark.parametrize(("cell", "line"), SYNTAX_ERRORS)
def test_a_real_syntax_error_in_a_cell_is_still_mlo001_at_cell_and_line(cell, line):
    assert [(code, cell_, line_) for code, cell_, line_, _ in where(lint_cells("x = 0", cell))] == [("MLO001", 2, line)]


def test_a_leak_across_ipython_forms_is_found_at_the_cells_own_lines_and_columns():
    diagnostics = lint_cells(
        "  " + IMPORTS.replace("\n", "\n  "),
        "pip install scikit-learn",
        "    " + FIT,
        "!echo splitting \\\n   now\n" + SPLIT,
        "StandardScaler?",
    )
    assert where(diagnostics) == [("MLO101", 4, 3, SPLIT.index("train_test_split"))]
    [fit] = diagnostics[0].related
    assert (fit.location.cell, fit.location.start.line, fit.location.start.column) == (3, 1, 4 + FIT.index("StandardScaler"))


def test_neutralising_keeps_the_line_count_of_every_form():
    for cell in [*INDENTED_CELLS, *PROMPT_CELLS, *AUTOMAGIC_CELLS, *CONTINUED_ESCAPE_CELLS, *HELP_CELLS, *OTHER_LANGUAGE_CELLS]:
        assert len(neutralise_cell(cell)) == len(cell.split("\n")), cell


def test_the_forms_agree_with_ipython():
    interactive_shell = pytest.importorskip("IPython.core.interactiveshell")
    shell = interactive_shell.InteractiveShell.instance()

    def compiles(cell: str) -> bool:
        try:
            compile(shell.transform_cell(cell), "<cell>", "exec")
        except SyntaxError:
            return False
        return True

    silent = [*INDENTED_CELLS, *PROMPT_CELLS, *AUTOMAGIC_CELLS, *CONTINUED_ESCAPE_CELLS, *HELP_CELLS, *OTHER_LANGUAGE_CELLS]
    assert [cell for cell in silent if not compiles(cell)] == []
    assert [cell for cell, _ in SYNTAX_ERRORS if compiles(cell)] == []


def test_a_finding_on_a_pasted_prompt_line_keeps_its_cell_column():
    diagnostics = lint_cells(IMPORTS, ">>> " + FIT + "\n>>> " + SPLIT)
    assert where(diagnostics) == [("MLO101", 2, 2, 4 + SPLIT.index("train_test_split"))]
    assert diagnostics[0].related[0].location.start.column == 4 + FIT.index("StandardScaler")
