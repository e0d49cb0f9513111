"""Join a Jupyter notebook's code cells into one module, neutralising IPython syntax line for line."""

from __future__ import annotations

import ast
import json
import re
import warnings

from mlops_lint.source.document import SourceDocument, SourceError
from mlops_lint.source.source_map import CellMap

# Line magics whose argument is ordinary Python: keep the code so the analysis still sees it.
# Their options: -n 3 / -r1 / -s cumulative take a value, -q / -o / --no-stdout do not.
_CODE_MAGIC = re.compile(
    r"^(\s*)%(?:time|timeit|prun|capture)\b(?:\s+-[nrpslTD]\s*[^\s-]\S*|\s+--?[A-Za-z][\w-]*)*\s+(.*)$"
)
_ASSIGNED_ESCAPE = re.compile(r"^(\s*[\w.\[\]'\", ]+?\s*=\s*)[!%].*$")
# ``!=`` at the start of a line continues a comparison from the line above; it is not a shell escape.
_ESCAPE = re.compile(r"^(\s*)(?:[%?]|!(?!=))")
_HELP_SUFFIX = re.compile(r"^(\s*)[\w.\[\]()]+\?\??\s*$")


def neutralise_line(line: str) -> str:
    """Return a line of valid Python (same line count) standing in for an IPython-only line."""
    code = _CODE_MAGIC.match(line)
    if code:
        return code.group(1) + code.group(2)
    assigned = _ASSIGNED_ESCAPE.match(line)
    if assigned:
        return assigned.group(1) + "...  # " + line.strip()
    escape = _ESCAPE.match(line) or _HELP_SUFFIX.match(line)
    if escape:
        return escape.group(1) + "pass  # " + line.strip()
    return line


def neutralise_cell(source: str) -> list[str]:
    lines = source.split("\n")
    if lines and lines[0].lstrip().startswith("%%"):
        magic = lines[0].lstrip()[2:].split(maxsplit=1)
        if magic and magic[0] in {"time", "timeit", "capture", "prun"}:
            return ["# " + lines[0], *(neutralise_line(line) for line in lines[1:])]
        # Any other cell magic (%%bash, %%writefile, %%sql ...) means the cell is not Python.
        return ["# " + line for line in lines]
    neutralised = [neutralise_line(line) for line in lines]
    if neutralised != lines and _is_python(source):
        # Plain Python whose continuation lines begin with % or ? (``"%s"\n % x``) stays as it is.
        return lines
    return neutralised


def _is_python(source: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _cells(notebook: object) -> list[dict]:
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


def _cell_source(cell: dict) -> str:
    source = cell.get("source", cell.get("input", ""))
    if isinstance(source, list):
        return "".join(part for part in source if isinstance(part, str))
    return source if isinstance(source, str) else ""


def _language(notebook: dict) -> str:
    """The notebook's kernel language, lower case; "python" when the metadata does not say."""
    metadata = notebook.get("metadata")
    if not isinstance(metadata, dict):
        return "python"
    for table, key in (("language_info", "name"), ("kernelspec", "language")):
        value = metadata.get(table)
        if isinstance(value, dict) and isinstance(value.get(key), str):
            return value[key].lower()
    return "python"


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
    parts: list[str] = []
    shifts: list[tuple[int, int, int]] = []
    starts: list[int] = []
    numbers: list[int] = []
    next_line = 1
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = _cell_source(cell).replace("\r\n", "\n").replace("\r", "\n")
        if source.endswith("\n"):
            source = source[:-1]
        lines = neutralise_cell(source)
        shifts.extend(_column_shifts(source.split("\n"), lines, next_line))
        starts.append(next_line)
        numbers.append(number)
        parts.extend(lines)
        next_line += len(lines)
    text = "\n".join(parts) + ("\n" if parts else "")
    return SourceDocument(path=path, text=text, cell_map=CellMap(tuple(starts), tuple(numbers), tuple(shifts)))


def _column_shifts(original: list[str], neutralised: list[str], first_line: int) -> list[tuple[int, int, int]]:
    """Where ``%time x = f()`` became ``x = f()``, the code kept moved left by the prefix's length."""
    shifts = []
    for offset, (before, after) in enumerate(zip(original, neutralised)):
        code = _CODE_MAGIC.match(before) if before != after else None
        if code and after == code.group(1) + code.group(2):
            shifts.append((first_line + offset, len(code.group(1)), len(before) - len(after)))
    return shifts
