"""The language server's reuse of a document's parse and walk across versions (engine/reuse.py):
every version's front end is the one a parse from scratch gives, and so is every lint."""

from __future__ import annotations

import ast
import json
import random
import sys
from pathlib import Path

import pytest

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.walk import walk_with_parents
from mlops_lint.catalog import load_catalog
from mlops_lint.engine import lint as lint_module
from mlops_lint.engine import parse as parse_module
from mlops_lint.engine import reuse
from mlops_lint.engine.lint import LintOptions, lint_document
from mlops_lint.engine.parse import Parsed, handed_over, parse_document, parse_document_afresh
from mlops_lint.engine.reuse import FrontEnds
from mlops_lint.source import SourceDocument, document_from_bytes

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
sys.path.insert(0, str(ROOT / "benchmarks"))

from scaling import notebook, python_module  # noqa: E402


def assert_same_front_end(parsed: Parsed, document: SourceDocument) -> None:
    """``parsed`` (reused) is what ``parse_document`` gives from scratch, and its walk what
    AnalyzedModule would walk: the same nodes in the same order, parents and groups by class."""
    fresh = parse_document_afresh(document)
    assert (parsed.text, parsed.failures) == (fresh.text, fresh.failures)
    if fresh.tree is None:
        assert parsed.tree is None
        return
    assert parsed.tree is not None and parsed.index is not None
    assert ast.dump(parsed.tree, include_attributes=True) == ast.dump(fresh.tree, include_attributes=True)
    nodes, parents = walk_with_parents(parsed.tree)
    index = parsed.index
    assert len(index.nodes) == len(nodes) and all(a is b for a, b in zip(index.nodes, nodes))
    assert len(index.parents) == len(parents) and all(index.parents[node] is parent for node, parent in parents.items())
    by_type: dict[type, list[ast.AST]] = {}
    for node in nodes:
        by_type.setdefault(node.__class__, []).append(node)
    assert list(index.by_type) == list(by_type)  # the classes in order of first appearance too
    for cls, group in by_type.items():
        assert len(index.by_type[cls]) == len(group) and all(a is b for a, b in zip(index.by_type[cls], group))


# Edits of a module's lines at a place: each a (name, function of (lines, index) -> new lines).
def _type_inside(lines: list[str], at: int) -> list[str]:
    return [*lines[:at], lines[at] + "  # x", *lines[at + 1:]]


EDITS = {
    "type inside a line": _type_inside,
    "type code at a line's end": lambda lines, at: [*lines[:at], lines[at] + "x", *lines[at + 1:]],
    "add a statement": lambda lines, at: [*lines[:at], "added = 1", *lines[at:]],
    "add an indented line": lambda lines, at: [*lines[:at], "    added = 1", *lines[at:]],
    "add blank lines": lambda lines, at: [*lines[:at], "", "", *lines[at:]],
    "delete a line": lambda lines, at: [*lines[:at], *lines[at + 1:]],
    "delete two lines": lambda lines, at: [*lines[:at], *lines[at + 2:]],
    "open a bracket": lambda lines, at: [*lines[:at], "opened = (", *lines[at:]],
    "close a bracket": lambda lines, at: [*lines[:at], ")", *lines[at:]],
    "open a triple-quoted string": lambda lines, at: [*lines[:at], 'text = """', *lines[at:]],
    "a decorator": lambda lines, at: [*lines[:at], "@decorated", *lines[at:]],
    "an else": lambda lines, at: [*lines[:at], "else:", "    other = 2", *lines[at:]],
    "an if and its else": lambda lines, at: [*lines[:at], "if flag:", "    one = 1", "else:", "    one = 2", *lines[at:]],
    "a try and its except": lambda lines, at: [*lines[:at], "try:", "    tried = 1", "except ValueError:", "    tried = 0", *lines[at:]],
    "an except": lambda lines, at: [*lines[:at], "except Exception:", "    pass", *lines[at:]],
    "merge two statements": lambda lines, at: [*lines[:at], lines[at] + " + " + lines[at + 1] if at + 1 < len(lines) else lines[at], *lines[at + 2:]],
    "a continuation backslash": lambda lines, at: [*lines[:at], lines[at] + " \\", *lines[at + 1:]],
    "two statements on a line": lambda lines, at: [*lines[:at], lines[at] + "; semi = 1", *lines[at + 1:]],
}


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True


def _edited_versions(text: str, seed: int, count: int) -> list[str]:
    """``count`` successive versions of ``text``, each one edit of the last version that parsed,
    at seeded places (the kinds in turn, so that every kind is seen): edits pile up while the text
    parses, and a version that does not parse is followed by one that does again."""
    generator = random.Random(seed)
    kinds = list(EDITS)
    versions, lines = [], text.split("\n")
    for number in range(count):
        edited = EDITS[kinds[(seed + number) % len(kinds)]](lines, generator.randrange(len(lines)))
        versions.append("\n".join(edited))
        if _parses(versions[-1]):
            lines = edited
    return versions


def _module_fixtures() -> list[Path]:
    return sorted(FIXTURES.rglob("*.py"))


def test_the_front_end_of_every_edited_fixture_is_that_of_a_parse_from_scratch() -> None:
    for seed, fixture in enumerate(_module_fixtures()):
        front_ends = FrontEnds()
        for text in [fixture.read_text(encoding="utf-8"), *_edited_versions(fixture.read_text(encoding="utf-8"), seed, 12)]:
            document = SourceDocument(str(fixture), text)
            assert_same_front_end(front_ends.parsed("key", document), document)


def test_the_front_end_of_a_long_module_is_reused_and_the_same_after_edits_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    fresh: list[str] = []
    afresh = reuse._afresh
    monkeypatch.setattr(reuse, "_afresh", lambda document: fresh.append(document.text) or afresh(document))
    text = python_module("leaky script", 1000)
    front_ends = FrontEnds()
    document = SourceDocument("long.py", text)
    assert_same_front_end(front_ends.parsed("key", document), document)
    versions = _edited_versions(text, 7, 2 * len(EDITS))
    for version in versions:
        document = SourceDocument("long.py", version)
        assert_same_front_end(front_ends.parsed("key", document), document)
    # Parsed in full: the first version, those that do not parse, and the one after each of them.
    broken = [not _parses(version) for version in versions]
    assert 0 < sum(broken) < len(versions) - 5
    assert len(fresh) == 1 + sum(broken) + sum(broken[:-1]) - sum(a and b for a, b in zip(broken, broken[1:]))
    # Typing inside a line of the middle re-parses one chunk: the other chunks are the same objects.
    front_ends.parsed("key", SourceDocument("long.py", text))
    kept = front_ends._kept["key"]
    lines = text.split("\n")
    middle = len(lines) // 2
    typed = SourceDocument("long.py", "\n".join(_type_inside(lines, middle)))
    assert_same_front_end(front_ends.parsed("key", typed), typed)
    after = front_ends._kept["key"]
    assert len(after.chunks) == len(kept.chunks) > 10
    changed = [i for i, (a, b) in enumerate(zip(kept.chunks, after.chunks)) if a is not b]
    assert len(changed) == 1 and after.chunks[changed[0]].first <= middle + 1 <= after.chunks[changed[0]].last


def _notebook_json(cells: list[str]) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": source} for source in cells
    ]})


def _cells(notebook_text: str) -> list[str]:
    return ["".join(cell["source"]) for cell in json.loads(notebook_text)["cells"] if cell["cell_type"] == "code"]


def _notebook_versions(cells: list[str], seed: int, count: int) -> list[list[str]]:
    """Successive versions of a notebook's cells: a cell edited (as a module above), a cell that
    stops parsing and parses again, cells added, deleted and split."""
    generator = random.Random(seed)
    versions = []
    for number in range(count):
        cells = list(cells)
        at = generator.randrange(len(cells))
        step = number % 5
        if step == 0:
            cells[at] = _edited_versions(cells[at], seed + number, 1)[0]
        elif step == 1:
            cells[at] = cells[at] + "\nbroken = (\n"
        elif step == 2:
            cells.insert(at, "inserted = 1\n%matplotlib inline\n")
        elif step == 3:
            del cells[at]
        else:
            lines = cells[at].split("\n")
            cells[at:at + 1] = ["\n".join(lines[:len(lines) // 2]), "\n".join(lines[len(lines) // 2:])]
        versions.append(cells)
    return versions


def _notebook_fixtures() -> list[Path]:
    return sorted(FIXTURES.rglob("*.ipynb"))


def test_the_front_end_of_every_edited_notebook_is_that_of_a_parse_from_scratch() -> None:
    sources = [_cells(path.read_text(encoding="utf-8")) for path in _notebook_fixtures()]
    sources.append(_cells(notebook(1500)))
    for seed, cells in enumerate(sources):
        front_ends = FrontEnds()
        for version in [cells, *_notebook_versions(cells, seed, 10)]:
            document = document_from_bytes("notebook.ipynb", _notebook_json(version).encode())
            assert_same_front_end(front_ends.parsed("key", document), document)


def _lint_both_ways(front_ends: FrontEnds, document: SourceDocument) -> None:
    """The lint of a handed-over front end gives exactly the diagnostics of a lint from scratch."""
    catalog = load_catalog()
    options = LintOptions(selected=frozenset(catalog.rules), propose_fixes=False)
    expected = lint_document(document, catalog, options)
    parsed = front_ends.parsed("key", document)
    with handed_over(document.text, document.cell_map.starts if document.cell_map is not None else None, parsed):
        assert lint_document(document, catalog, options) == expected
        assert parse_module._handed_over is None  # taken by that lint, not left for another


def test_linting_what_was_reused_gives_the_findings_of_a_lint_from_scratch() -> None:
    for seed, fixture in enumerate(_module_fixtures()[::9]):
        for text in _edited_versions(fixture.read_text(encoding="utf-8"), seed, 4):
            front_ends = FrontEnds()
            front_ends.parsed("key", SourceDocument(str(fixture), fixture.read_text(encoding="utf-8")))
            _lint_both_ways(front_ends, SourceDocument(str(fixture), text))
    for seed, path in enumerate(_notebook_fixtures()[::3]):
        cells = _cells(path.read_text(encoding="utf-8"))
        for version in _notebook_versions(cells, seed, 3):
            front_ends = FrontEnds()
            front_ends.parsed("key", document_from_bytes("notebook.ipynb", _notebook_json(cells).encode()))
            _lint_both_ways(front_ends, document_from_bytes("notebook.ipynb", _notebook_json(version).encode()))


def test_linting_the_long_documents_after_an_edit_gives_the_findings_of_a_lint_from_scratch() -> None:
    text = python_module("leaky script", 5000)
    front_ends = FrontEnds()
    front_ends.parsed("key", SourceDocument("long.py", text))
    lines = text.split("\n")
    _lint_both_ways(front_ends, SourceDocument("long.py", "\n".join([*lines[:2500], "X = X + 1", *lines[2500:]])))
    cells = _cells(notebook(5000))
    front_ends = FrontEnds()
    front_ends.parsed("key", document_from_bytes("long.ipynb", _notebook_json(cells).encode()))
    cells[-1] += "x"
    _lint_both_ways(front_ends, document_from_bytes("long.ipynb", _notebook_json(cells).encode()))


def test_a_miss_does_the_full_work(monkeypatch: pytest.MonkeyPatch) -> None:
    fresh: list[str] = []
    afresh = reuse._afresh
    monkeypatch.setattr(reuse, "_afresh", lambda document: fresh.append(document.text) or afresh(document))
    front_ends = FrontEnds()
    text = "import numpy as np\n\nx = np.ones(3)\n\n\ndef f(a):\n    return a\n"
    first = SourceDocument("m.py", text)
    assert_same_front_end(front_ends.parsed("key", first), first)
    assert fresh == [text]  # the first version: parsed in full
    typed = SourceDocument("m.py", text.replace("ones(3)", "ones(4)"))
    assert_same_front_end(front_ends.parsed("key", typed), typed)
    assert fresh == [text]  # reused
    broken = SourceDocument("m.py", typed.text.replace("ones(4)", "ones((4)"))
    parsed = front_ends.parsed("key", broken)
    assert fresh == [text, broken.text]  # the region does not parse alone: the whole text is parsed
    assert parsed.tree is None and parsed.failures == parse_document_afresh(broken).failures
    assert "key" not in front_ends._kept  # nothing to reuse from a module that does not parse
    again = front_ends.parsed("key", typed)
    assert fresh == [text, broken.text, typed.text]
    assert_same_front_end(again, typed)
    future = SourceDocument("m.py", "from __future__ import annotations\n" + typed.text)
    front_ends.parsed("key", future)
    assert fresh[-1] == future.text  # a future import may change the parse of the rest


def test_a_handed_over_front_end_is_taken_only_for_its_very_text_and_only_once() -> None:
    document = SourceDocument("m.py", "x = 1\n")
    parsed = FrontEnds().parsed("key", document)
    with handed_over(document.text, None, parsed):
        assert parse_document(SourceDocument("m.py", "x = 2\n")) is not parsed
        assert parse_document(document) is parsed
        assert parse_document(document) is not parsed  # taken: a second lint parses its own
    with handed_over(document.text, None, parsed):
        pass
    assert parse_document(document) is not parsed  # given back when the fork is done
    notebook_document = document_from_bytes("n.ipynb", _notebook_json(["x = 1\n", "y = 2\n"]).encode())
    with handed_over(notebook_document.text, None, parsed):  # the same text, but cells: not this one
        assert parse_document(notebook_document) is not parsed


def test_the_child_that_exits_after_its_lint_does_not_release_it(monkeypatch: pytest.MonkeyPatch) -> None:
    released: list[str] = []
    monkeypatch.setattr(AnalyzedModule, "release", lambda self: released.append(self.path))
    catalog = load_catalog()
    options = LintOptions(selected=frozenset(catalog.rules))
    document = SourceDocument("m.py", "from sklearn.preprocessing import StandardScaler\nX = StandardScaler().fit_transform(X)\n")
    lint_document(document, catalog, options)
    assert released == ["m.py"]
    monkeypatch.setattr(lint_module, "_release_after_lint", False)
    lint_document(document, catalog, options)
    assert released == ["m.py"]  # the exit frees it


def test_the_cell_conversion_carries_every_field_of_a_diagnostic() -> None:
    from dataclasses import fields, replace

    from mlops_lint.diagnostics import Applicability, Diagnostic, Fix, Location, Position, Related, Severity
    from mlops_lint.engine.lint import _to_cells

    document = document_from_bytes("n.ipynb", _notebook_json(["x = 1\n", "%time y = 2\nz = 3\n"]).encode())
    assert document.cell_map is not None and document.cell_map.shifts  # a shifted column too
    shifted_line = document.cell_map.shifts[0][0]
    here = Location("n.ipynb", Position(shifted_line, 4), Position(shifted_line + 1, 1))
    elsewhere = Location("helpers.py", Position(3, 0), Position(3, 4))
    diagnostic = Diagnostic("MLO101", "name", "message", Severity.WARNING, here,
                            (Related(Location("n.ipynb", Position(1, 0), Position(1, 1)), "fitted here"), Related(elsewhere, "there")),
                            Fix("title", Applicability.SAFE, ()), "https://example.org")
    # Every field is carried over (a field added to Diagnostic must be added to _to_cells too).
    assert [f.name for f in fields(Diagnostic)] == ["code", "name", "message", "severity", "location", "related", "fix", "url"]
    cell_map = document.cell_map
    expected = replace(diagnostic, location=cell_map.to_cell_location(here), related=(
        Related(cell_map.to_cell_location(diagnostic.related[0].location), "fitted here"), Related(elsewhere, "there")))
    assert _to_cells(document, [diagnostic]) == [expected]
    assert expected.location.cell == 2 and expected.location.start.column != 4  # moved by the magic's shift


def test_the_front_ends_kept_are_bounded_in_documents_and_lines() -> None:
    front_ends = FrontEnds(limit=2, lines=30)
    for key in ("a", "b", "c"):
        front_ends.parsed(key, SourceDocument(f"{key}.py", "x = 1\n" * 5))
    assert list(front_ends._kept) == ["b", "c"]  # the least recently linted went first
    front_ends.parsed("b", SourceDocument("b.py", "x = 1\n" * 25))
    assert list(front_ends._kept) == ["b"]  # 6 + 26 lines: over the budget, "c" goes
    front_ends.parsed("long", SourceDocument("long.py", "x = 1\n" * 40))
    assert list(front_ends._kept) == ["b"]  # longer than the budget alone: never kept
    front_ends.drop("b")
    assert not front_ends._kept


def test_typing_in_a_cell_merges_the_walk_of_the_cells_above_it_once() -> None:
    cells = _cells(notebook(1500))
    front_ends = FrontEnds()
    front_ends.parsed("key", document_from_bytes("notebook.ipynb", _notebook_json(cells).encode()))
    merged = []
    # Typing in the last cell, then in one of the middle, then in one below it, then the last again.
    for at in [len(cells) - 1] * 3 + [len(cells) // 2] * 2 + [len(cells) // 2 + 3] * 2 + [len(cells) - 1]:
        cells = [*cells[:at], cells[at] + "x", *cells[at + 1:]]
        document = document_from_bytes("notebook.ipynb", _notebook_json(cells).encode())
        assert_same_front_end(front_ends.parsed("key", document), document)
        prefix = front_ends._kept["key"].prefix
        assert prefix is not None and prefix[0] == at
        merged.append(prefix[1])
    # Merged anew at the first keystroke in a cell only; below the last cell's, extended from it.
    assert [a is b for a, b in zip(merged, merged[1:])] == [True, True, False, True, False, True, False]
