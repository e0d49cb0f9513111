"""The front end (parse and walk) of a document's next version, reusing what an edit did not touch.

The language server lints a document after each keystroke, and a keystroke changes a line or two:
the rest of the text is what the last lint parsed and walked. So the server keeps, per open
document, its last front end cut in chunks of lines (a notebook: one per cell; a module: runs of
top-level statements), each with its statements and its part of the walk, level by level. For a
new version, the chunks before the edit and after it (compared line for line: the common prefix
and suffix of the old and new lines) are kept, the ones after it shifted when the line count
changed, and only the chunks the edit touches are parsed again, alone, at their lines.

Why a module's parse may be put together so (a notebook's cells are parsed one by one anyway):
a chunk of a module starts at a line where a top-level statement started (at column 0, after the
previous statement's last line), which is a neutral state of the tokenizer and the parser: no
bracket or string open, no line continued, indentation 0. If the changed region parses on its
own, it is whole statements and ends in that neutral state too; the text after it is unchanged
and starts with what started a statement before, and no statement can start with what would
continue the region's last one (``else``, ``elif``, ``except``, ``finally`` start no statement).
So the module's parse is the prefix's statements, the region's and the suffix's. Anything else
(a region that does not parse, a ``__future__`` import, which changes how later code parses, a
failure of the module) is parsed in full, as ``parse_document`` does.

The walk of a module is breadth-first: level ``d`` of the module is level ``d - 1`` of each chunk,
in chunk order (analysis/walk.py ``walk_levels``), so ``nodes``, ``parents`` and ``nodes_by_type``
are assembled from the chunks' levels in that order, without walking again.

Trees are handed to forked children (engine/parse.py ``handed_over``), which may mutate them
(the analysis sets attributes, a lint empties the module): never to a lint in this process.
"""

from __future__ import annotations

import ast
from collections import OrderedDict
from dataclasses import dataclass

from mlops_lint.analysis.walk import WalkIndex, walk_levels
from mlops_lint.engine.parse import (
    ParseFailure,
    Parsed,
    cell_bounds,
    parse,
    parse_cell,
    parse_document_afresh,
)
from mlops_lint.source import SourceDocument

# A module's top-level statements are cut in chunks of at least this many lines: an edit parses
# its chunk again (about 0.6 ms for 50 lines), and each chunk costs the assembly of the walk a
# few dictionary and list operations per level.
CHUNK_LINES = 50
# Open documents whose front end is kept, and their lines in all: a 5k-line module's tree and
# walk take about 25 MB. A document longer than the budget alone is parsed in full every time.
KEPT_DOCUMENTS = 4
KEPT_LINES = 40_000


@dataclass(frozen=True, slots=True)
class Chunk:
    """Lines ``first``..``last`` (1-based, inclusive) of a text, their statements and their walk by level."""

    first: int
    last: int
    statements: list[ast.stmt]
    levels: list[list[ast.AST]]  # levels[0] is statements
    typed: list[dict[type, list[ast.AST]]]  # each level's nodes by exact class, in order
    failure: ParseFailure | None = None  # a notebook cell that does not parse (its line counted from ``first``)


@dataclass(frozen=True, slots=True)
class FrontEnd:
    """One version of a document: its text, its chunks (tiling its lines), and the Parsed made of them."""

    text: str
    lines: list[str]
    cell_starts: tuple[int, ...] | None
    chunks: list[Chunk]
    parents: dict[ast.AST, ast.AST]  # every chunk's, kept up to date from one version to the next
    parsed: Parsed
    prefix: tuple[int, Chunk] | None = None  # the merged walk of the first chunks (_prefix), for the next version


def _chunk(statements: list[ast.stmt], levels: list[list[ast.AST]], first: int, last: int,
           failure: ParseFailure | None = None) -> Chunk:
    typed: list[dict[type, list[ast.AST]]] = []
    for level in levels:
        by_type: dict[type, list[ast.AST]] = {}
        for node in level:
            group = by_type.get(node.__class__)
            if group is None:
                by_type[node.__class__] = [node]
            else:
                group.append(node)
        typed.append(by_type)
    return Chunk(first, last, statements, levels, typed, failure)


def _starts_a_chunk(statement: ast.stmt, previous_end: int, lines: list[str]) -> int | None:
    """The line a statement starts on (its first decorator's) when a chunk may start there: on a
    line of its own, at column 0 (not after a ``;`` or a line continued by a backslash)."""
    decorators = getattr(statement, "decorator_list", None)
    if decorators:
        line = int(decorators[0].lineno)
        at_column_0 = lines[line - 1].startswith("@")
    else:
        line = statement.lineno
        at_column_0 = statement.col_offset == 0
    if line <= previous_end or not at_column_0:
        return None
    return line


def _module_chunks(statements: list[ast.stmt], lines: list[str], first: int, last: int,
                   parents: dict[ast.AST, ast.AST]) -> list[Chunk]:
    """Lines ``first``..``last`` of a module, whose statements are ``statements``, cut in chunks
    and walked (their parents added to ``parents``)."""
    runs: list[tuple[int, list[ast.stmt]]] = [(first, [])]
    previous_end = first - 1
    for statement in statements:
        start = _starts_a_chunk(statement, previous_end, lines)
        if start is not None and runs[-1][1] and start - runs[-1][0] >= CHUNK_LINES:
            runs.append((start, []))
        runs[-1][1].append(statement)
        previous_end = max(previous_end, statement.end_lineno or statement.lineno)
    chunks = []
    for index, (start, run) in enumerate(runs):
        end = runs[index + 1][0] - 1 if index + 1 < len(runs) else last
        levels, below = walk_levels(list(run))
        parents.update(below)
        chunks.append(_chunk(run, levels, start, end))
    return [chunk for chunk in chunks if chunk.statements or chunk.first <= chunk.last]


def _cell_chunk(lines: list[str], start: int, stop: int, path: str, parents: dict[ast.AST, ast.AST]) -> Chunk:
    """The cell of ``lines[start:stop]`` (0-based) parsed and walked, as ``_parse_cells`` parses it."""
    result = parse_cell(lines, start, stop, path)
    if isinstance(result, ParseFailure):
        relative = ParseFailure(result.message, result.line - start, result.column)
        return Chunk(start + 1, stop, [], [], [], relative)
    levels, below = walk_levels(list(result.body))
    parents.update(below)
    return _chunk(result.body, levels, start + 1, stop)


def _merged(chunks: list[Chunk]) -> Chunk:
    """The chunks as one: their statements, and their walk level by level, each level in chunk order."""
    levels: list[list[ast.AST]] = []
    typed: list[dict[type, list[ast.AST]]] = []
    depth = max((len(chunk.levels) for chunk in chunks), default=0)
    for level in range(depth):  # breadth-first: level by level, each level in chunk order
        nodes: list[ast.AST] = []
        by_type: dict[type, list[ast.AST]] = {}
        for chunk in chunks:
            if level < len(chunk.levels):
                nodes += chunk.levels[level]
                for cls, group in chunk.typed[level].items():
                    have = by_type.get(cls)
                    if have is None:
                        by_type[cls] = group.copy()  # never extend a chunk's own list: it is kept
                    else:
                        have += group
        levels.append(nodes)
        typed.append(by_type)
    statements = [statement for chunk in chunks for statement in chunk.statements]
    return Chunk(chunks[0].first if chunks else 1, chunks[-1].last if chunks else 0, statements, levels, typed)


def _prefix(chunks: list[Chunk], unchanged: int, old: FrontEnd | None) -> tuple[int, Chunk] | None:
    """The merged walk of ``chunks[:unchanged]`` (the old version's first chunks, as they were):
    the old version's, extended by the chunks after it, when it covers no more than them.

    Typing in a cell merges the walk of the cells above it once, not on every keystroke (merging
    a 300-cell notebook's took 60 % of the server's work before each lint)."""
    if unchanged == 0:
        return None
    if old is None or old.prefix is None or old.prefix[0] > unchanged:
        return unchanged, _merged(chunks[:unchanged])
    count, merged = old.prefix
    return (count, merged) if count == unchanged else (unchanged, _merged([merged, *chunks[count:unchanged]]))


def _assemble(text: str, lines: list[str], cell_starts: tuple[int, ...] | None, chunks: list[Chunk],
              parents: dict[ast.AST, ast.AST], unchanged: int = 0, old: FrontEnd | None = None) -> FrontEnd:
    """The front end made of ``chunks``; the first ``unchanged`` of them are ``old``'s first ones."""
    prefix = _prefix(chunks, unchanged, old)
    walked = _merged([prefix[1], *chunks[prefix[0]:]] if prefix is not None else chunks)
    if old is not None and old.parsed.tree is not None:
        # The old version's module, given the new body: its kept statements' parent already.
        module = old.parsed.tree
        module.body = walked.statements
        for chunk in chunks[unchanged:]:
            for statement in chunk.statements:
                parents[statement] = module
    else:
        module = ast.Module(body=walked.statements, type_ignores=[])
        for statement in walked.statements:
            parents[statement] = module
    nodes: list[ast.AST] = [module]
    by_type: dict[type, list[ast.AST]] = {ast.Module: [module]}
    for level, typed in zip(walked.levels, walked.typed):
        nodes += level
        for cls, group in typed.items():
            have = by_type.get(cls)
            if have is None:
                by_type[cls] = group  # made by _merged for this version alone
            else:
                have += group
    failures = tuple(ParseFailure(c.failure.message, c.failure.line + c.first - 1, c.failure.column)
                     for c in chunks if c.failure is not None)
    parsed_text = text
    if failures:  # a notebook's broken cells are blanked, line for line (engine/parse.py)
        blanked = list(lines)
        for chunk in chunks:
            if chunk.failure is not None:
                blanked[chunk.first - 1:chunk.last] = [""] * (chunk.last - chunk.first + 1)
        parsed_text = "\n".join(blanked)
    parsed = Parsed(module, parsed_text, failures, WalkIndex(nodes, parents, by_type))
    return FrontEnd(text, lines, cell_starts, chunks, parents, parsed, prefix)


def _afresh(document: SourceDocument) -> tuple[Parsed, FrontEnd | None]:
    """The document's front end from scratch; no FrontEnd to keep for a module that does not parse."""
    lines = document.text.split("\n")
    parents: dict[ast.AST, ast.AST] = {}
    if document.cell_map is not None:
        bounds = cell_bounds(document, lines)
        chunks = [_cell_chunk(lines, bounds[i] - 1, bounds[i + 1] - 1, document.path, parents) for i in range(len(bounds) - 1)]
        front = _assemble(document.text, lines, document.cell_map.starts, chunks, parents)
        return front.parsed, front
    tree = parse(document.text, document.path)
    if isinstance(tree, ParseFailure):
        return parse_document_afresh(document), None
    front = _assemble(document.text, lines, None, _module_chunks(tree.body, lines, 1, len(lines), parents), parents)
    return front.parsed, front


def _shifted(chunk: Chunk, offset: int) -> Chunk:
    """The chunk ``offset`` lines further down (its nodes moved in place: the old version is gone)."""
    if not offset:
        return chunk
    for level in chunk.levels:
        for node in level:
            if node._attributes:  # a class with positions has all four (contexts, operators: none)
                node.lineno += offset  # type: ignore[attr-defined]
                end = node.end_lineno  # type: ignore[attr-defined]
                if end is not None:
                    node.end_lineno = end + offset  # type: ignore[attr-defined]
    return Chunk(chunk.first + offset, chunk.last + offset, chunk.statements, chunk.levels, chunk.typed, chunk.failure)


def _forget(chunks: list[Chunk], parents: dict[ast.AST, ast.AST]) -> None:
    for chunk in chunks:
        for level in chunk.levels:
            for node in level:
                parents.pop(node, None)


def _common_ends(old: list[str], new: list[str]) -> tuple[int, int]:
    """How many lines the two texts share at their start, and then at their end (not overlapping)."""
    most = min(len(old), len(new))
    prefix = 0
    while prefix < most and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < most - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return prefix, suffix


def _next_module(old: FrontEnd, document: SourceDocument) -> FrontEnd | None:
    """The module's new front end from the old one's untouched chunks; None when it must be parsed in full."""
    lines = document.text.split("\n")
    prefix, suffix = _common_ends(old.lines, lines)
    old_count = len(old.lines)
    # The lines the edit touched, and one on each side: a line inserted after a statement may
    # continue it (an indented line, an ``else``), one inserted before a def may decorate it.
    low, high = max(prefix, 1), min(old_count - suffix + 1, old_count)
    touched = [i for i, chunk in enumerate(old.chunks) if chunk.first <= high and chunk.last >= low]
    if not touched:
        return None
    first, last = touched[0], touched[-1]
    offset = len(lines) - old_count
    region_first, region_last = old.chunks[first].first, old.chunks[last].last + offset
    region = "\n".join(lines[region_first - 1:region_last])
    old_region = "\n".join(old.lines[old.chunks[first].first - 1:old.chunks[last].last])
    if "__future__" in region or "__future__" in old_region:
        return None  # a future import may change how the rest of the module parses
    # Blank lines before it put its nodes at their lines, for the tokenizer's cost of a newline each.
    tree = parse("\n" * (region_first - 1) + region, document.path)
    if isinstance(tree, ParseFailure):
        return None
    parents = old.parents
    _forget(old.chunks[first:last + 1], parents)
    middle = _module_chunks(tree.body, lines, region_first, region_last, parents)
    after = [_shifted(chunk, offset) for chunk in old.chunks[last + 1:]]
    return _assemble(document.text, lines, None, [*old.chunks[:first], *middle, *after], parents, first, old)


def _next_notebook(old: FrontEnd, document: SourceDocument) -> FrontEnd | None:
    """The notebook's new front end: the cells before and after the edited ones kept, the others parsed."""
    assert document.cell_map is not None
    lines = document.text.split("\n")
    bounds = cell_bounds(document, lines)
    cells = len(bounds) - 1
    old_cells = len(old.chunks)

    def same(old_index: int, new_index: int) -> bool:
        chunk = old.chunks[old_index]
        start, stop = bounds[new_index], bounds[new_index + 1]
        return chunk.last - chunk.first == stop - 1 - start and old.lines[chunk.first - 1:chunk.last] == lines[start - 1:stop - 1]

    most = min(cells, old_cells)
    before = 0
    while before < most and old.chunks[before].first == bounds[before] and same(before, before):
        before += 1
    after = 0
    while after < most - before and same(old_cells - 1 - after, cells - 1 - after):
        after += 1
    parents = old.parents
    _forget(old.chunks[before:old_cells - after], parents)
    middle = [_cell_chunk(lines, bounds[i] - 1, bounds[i + 1] - 1, document.path, parents) for i in range(before, cells - after)]
    kept_after = [_shifted(old.chunks[old_cells - after + i], bounds[cells - after + i] - old.chunks[old_cells - after + i].first)
                  for i in range(after)]
    return _assemble(document.text, lines, document.cell_map.starts, [*old.chunks[:before], *middle, *kept_after], parents,
                     before, old)


def _doubtful(text: str) -> bool:
    """Texts parsed in full whatever the edit: a NUL (the parse's own error), and the one future
    import that changes the grammar of the lines after it."""
    return "\0" in text or "barry_as_FLUFL" in text


class FrontEnds:
    """Per open document (by key), the front end of the version last linted: at most ``limit`` of
    them, of ``lines`` lines in all."""

    def __init__(self, limit: int = KEPT_DOCUMENTS, lines: int = KEPT_LINES) -> None:
        self.limit, self.lines = limit, lines
        self._kept: OrderedDict[str, FrontEnd] = OrderedDict()

    def parsed(self, key: str, document: SourceDocument) -> Parsed:
        """The document's Parsed, with its walk: built on the key's last version where it can, in
        full where it cannot (then exactly ``parse_document``'s result, walked)."""
        old = self._kept.pop(key, None)
        front: FrontEnd | None = None
        if old is not None:
            cell_starts = document.cell_map.starts if document.cell_map is not None else None
            if old.text == document.text and old.cell_starts == cell_starts:
                front = old
            elif (old.cell_starts is None) == (cell_starts is None) and not _doubtful(document.text):
                try:
                    front = _next_module(old, document) if cell_starts is None else _next_notebook(old, document)
                except (RecursionError, MemoryError):  # a region too deep to walk: parsed in full below
                    front = None
        if front is None:
            parsed, front = _afresh(document)
        else:
            parsed = front.parsed
        if front is not None and len(front.lines) <= self.lines:
            self._kept[key] = front
            while len(self._kept) > self.limit or sum(len(kept.lines) for kept in self._kept.values()) > self.lines:
                self._kept.popitem(last=False)  # the least recently linted first
        return parsed

    def drop(self, key: str) -> None:
        self._kept.pop(key, None)
