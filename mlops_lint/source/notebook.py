"""Join a Jupyter notebook's code cells into one module, neutralising IPython syntax line for line."""

from __future__ import annotations

import ast
import json
import re
import textwrap
import warnings
from typing import Any

from mlops_lint.source.document import SourceDocument, SourceError
from mlops_lint.source.magics import AUTOMAGIC_NAMES
from mlops_lint.source.source_map import CellMap

# Line magics whose argument is ordinary Python: keep the code so the analysis still sees it.
# Their options: -n 3 / -r1 / -s cumulative take a value, -q / -o / --no-stdout do not.
_CODE_MAGIC = re.compile(
    r"^(\s*)%(?:time|timeit|prun|capture)\b(?:\s+-[nrpslTD]\s*[^\s-]\S*|\s+--?[A-Za-z][\w-]*)*\s+(.*)$"
)
_ASSIGNED_ESCAPE = re.compile(r"^(\s*[\w.\[\]'\", ]+?\s*=\s*)[!%].*$")
# ``!=`` at the start of a line continues a comparison from the line above; it is not a shell escape.
_ESCAPE = re.compile(r"^(\s*)(?:[%?]|!(?!=))")
# IPython's help syntax: a line ending in ``?``/``??`` after a name, a dotted name, a literal index
# or a wildcard pattern (``np.mean?``, ``df.iloc[0]??``, ``np.*load*?``, even ``x = len?``), as
# IPython's _help_end_re reads it. A quote or ``#`` before it means the ``?`` is in a string or a
# comment, which IPython leaves to Python.
_HELP_SUFFIX = re.compile(
    r"^(\s*)(?:[^#'\"]*[^\w.*%#'\"])?%{0,2}(?!\d)[\w*]+(?:\.(?!\d)[\w*]+|\[-?\d+\])*\?\??\s*$"
)
# A cell magic whose body is Python run in the kernel; any other (%%bash, %%writefile, %%sql,
# %%html, %%R, %%javascript ...) holds another language.
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})
_CELL_MAGIC_HELP = re.compile(r"%%\w+\?")
_FIRST_WORD = re.compile(r"(\w+)(?:\s|$)")
# Prompts pasted with the code: the Python console's, and IPython's own (after its vi-mode marker).
_PROMPTS = (
    (re.compile(r"^(>>>|\.\.\.)( |$)"), re.compile(r"^>>>( |$)")),
    (re.compile(r"^(((\[nav\]|\[ins\])? )?In \[\d+\]: |\s*\.{3,}: ?)"),) * 2,
)


def _stand_in(line: str) -> tuple[str, bool]:
    """The line as valid Python, and whether it is a stand-in (``pass``/``...``) for an escaped command."""
    if "%" not in line and "!" not in line and "?" not in line:
        return line, False  # every pattern below needs one of them: most lines, for a fraction of the cost
    code = _CODE_MAGIC.match(line)
    if code:
        return code.group(1) + code.group(2), False
    assigned = _ASSIGNED_ESCAPE.match(line)
    if assigned:
        return assigned.group(1) + "...  # " + line.strip(), True
    escape = _ESCAPE.match(line) or _HELP_SUFFIX.match(line)
    if escape:
        return escape.group(1) + "pass  # " + line.strip(), True
    return line, False


def neutralise_line(line: str) -> str:
    """Return a line of valid Python (same line count) standing in for an IPython-only line."""
    return _stand_in(line)[0]


def neutralise_cell(source: str) -> list[str]:
    """The cell as valid Python, line for line, read the way IPython reads it before running it."""
    lines = source.split("\n")
    candidates = [_neutralise(reading) for reading in _readings(lines)]
    if all(candidate == lines for candidate in candidates) or parses(source):
        # Plain Python whose continuation lines begin with % or ? (``"%s"\n % x``) stays as it is.
        return lines
    if len(candidates) > 1:
        return next((c for c in candidates if parses("\n".join(c))), candidates[0])
    return candidates[0]


def _readings(lines: list[str]) -> list[list[str]]:
    """The ways IPython versions read a cell before compiling it: its indentation taken out, and then
    pasted prompts (``>>> ``, ``... ``, ``In [3]: ``, ``   ...: ``) taken off, the first that parses wins."""
    readings = _dedentings(lines)
    for reading in list(readings):
        for prompt, initial in _PROMPTS:
            stripped = _without_prompts(reading, prompt, initial)
            if stripped is not None and stripped not in readings:
                readings.append(stripped)
    return readings


def _without_prompts(lines: list[str], prompt: re.Pattern[str], initial: re.Pattern[str]) -> list[str] | None:
    """IPython's PromptStripper (IPython 8): when the first code line starts with a prompt, or the
    line after it does, the prompt is taken off every line that has one."""
    first = next((index for index, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return None
    if not initial.match(lines[first]) and not (first + 1 < len(lines) and prompt.match(lines[first + 1])):
        return None
    return [prompt.sub("", line, count=1) for line in lines]


def _dedentings(lines: list[str]) -> list[list[str]]:
    """The cell without its leading indentation, as IPython takes it out before anything else.

    IPython 9 removes the margin common to all lines (textwrap.dedent); IPython 8 removed the
    first code line's indentation from the lines that start with it. Notebooks were run with
    both, so both readings are tried when they differ.
    """
    first = next((line for line in lines if line.strip()), "")
    if not first[:1].isspace():
        return [lines]
    common = textwrap.dedent("\n".join(lines)).split("\n")
    indent = first[: len(first) - len(first.lstrip())]
    by_first = ["" if not line.strip() else line[len(indent):] if line.startswith(indent) else line for line in lines]
    return [common] if by_first == common else [common, by_first]


def _neutralise(lines: list[str]) -> list[str]:
    first = next((index for index, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return lines
    head = lines[first].lstrip()
    if head.startswith("%%") and not _CELL_MAGIC_HELP.match(head):
        magic = head[2:].split(maxsplit=1)
        if magic and magic[0] in _PYTHON_CELL_MAGICS:
            return [*lines[:first], "# " + lines[first], *_neutralise_lines(lines[first + 1:])]
        # Any other cell magic (%%bash, %%writefile, %%sql ...) means the cell is not Python.
        return ["# " + line for line in lines]
    word = _FIRST_WORD.match(head)
    if first == len(lines) - 1 and word and word.group(1) in AUTOMAGIC_NAMES:
        # Automagic: IPython runs a one-line cell ``pip install x`` as ``%pip install x``
        # (a longer cell is Python, and ``pip install x`` in it a syntax error).
        return [*lines[:first], neutralise_line("%" + head)]
    return _neutralise_lines(lines)


def _neutralise_lines(lines: list[str]) -> list[str]:
    neutralised: list[str] = []
    continued = False
    for line in lines:
        if continued:
            # IPython joins an escaped command's lines ended by a backslash (``!pip install a \``).
            neutralised.append("")
            continued = line.endswith("\\")
            continue
        kept, stand_in = _stand_in(line)
        neutralised.append(kept)
        continued = stand_in and line.endswith("\\")
    return neutralised


def parses(source: str) -> bool:
    """Whether ``source`` is Python that ``ast`` accepts (warnings silenced; any failure is a no)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _cells(notebook: object) -> list[dict[str, Any]]:
    if not isinstance(notebook, dict):
        raise SourceError("not a valid notebook: top level is not a JSON object")
    if "cells" in notebook:
        cells = notebook["cells"]
    elif isinstance(notebook.get("worksheets"), list):  # nbformat 3
        cells = [
            cell
            for sheet in notebook["worksheets"]
            if isinstance(sheet, dict) and isinstance(sheet.get("cells"), list)
            for cell in sheet["cells"]
        ]
    else:
        raise SourceError("not a valid notebook: no 'cells' list")
    if not isinstance(cells, list):
        raise SourceError("not a valid notebook: 'cells' is not a list")
    return cells


def _cell_source(cell: dict[str, Any]) -> str:
    source = cell.get("source", cell.get("input", ""))
    if isinstance(source, list):
        return "".join(part for part in source if isinstance(part, str))
    return source if isinstance(source, str) else ""


def _language(notebook: dict[str, Any]) -> str:
    """The notebook's kernel language, lower case; "python" when the metadata does not say."""
    metadata = notebook.get("metadata")
    if not isinstance(metadata, dict):
        return "python"
    for table, key in (("language_info", "name"), ("kernelspec", "language")):
        value = metadata.get(table)
        if isinstance(value, dict) and isinstance(language := value.get(key), str):
            return language.lower()
    return "python"


# What an output of a saved cell shows, by its nbformat output_type (nbformat 3's names too).
_OUTPUT_KINDS = {"execute_result": "result", "pyout": "result", "error": "error", "pyerr": "error"}


def output_kinds(cell: dict[str, Any]) -> frozenset[str]:
    """What a code cell's saved outputs hold: ``"text"`` (printed to stdout), ``"result"`` (the
    value the cell displays), ``"figure"`` (an image shown), ``"display"`` (other displayed data),
    ``"error"``. Read from the JSON as it is: images are never decoded. Warnings on stderr are not
    output the user asked for and are left out."""
    outputs = cell.get("outputs")
    if not isinstance(outputs, list):
        return frozenset()
    kinds = set()
    for output in outputs:
        if not isinstance(output, dict):
            continue
        kind = output.get("output_type")
        if kind == "stream":
            if output.get("name", output.get("stream")) == "stdout":
                kinds.add("text")
        elif kind == "display_data":
            data = output.get("data", output)  # nbformat 3 puts the mime keys (png, svg) on the output itself
            shows_image = isinstance(data, dict) and any(str(key).startswith("image/") or key in ("png", "jpeg", "svg") for key in data)
            kinds.add("figure" if shows_image else "display")
        elif kind in _OUTPUT_KINDS:
            kinds.add(_OUTPUT_KINDS[kind])
    return frozenset(kinds)


def code_cell_sources(data: bytes) -> dict[int, str]:
    """Each code cell's source by its 1-based position among all cells (the numbers findings use)."""
    cells = _cells(json.loads(data.decode("utf-8-sig")))
    return {
        number: _cell_source(cell)
        for number, cell in enumerate(cells, start=1)
        if isinstance(cell, dict) and cell.get("cell_type") == "code"
    }


def notebook_document(path: str, data: bytes) -> SourceDocument:
    try:
        # Outputs (base64 images included) are parsed as JSON strings and never decoded further.
        notebook = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise SourceError(f"not a valid notebook: {error}") from None
    cells = _cells(notebook)
    if _language(notebook) != "python":
        # An R or Julia notebook is not ours to check; reporting its cells as syntax errors would be noise.
        return SourceDocument(path=path, text="", cell_map=CellMap((), ()))
    from mlops_lint.source.cells import document_from_cells

    code_cells = [
        (number, cell) for number, cell in enumerate(cells, start=1) if isinstance(cell, dict) and cell.get("cell_type") == "code"
    ]
    notes = tuple(
        (number, _cell_source(cell))
        for number, cell in enumerate(cells, start=1)
        if isinstance(cell, dict) and cell.get("cell_type") == "markdown"
    )
    return document_from_cells(
        path, ((number, _cell_source(cell)) for number, cell in code_cells), {number: output_kinds(cell) for number, cell in code_cells}, notes
    )
