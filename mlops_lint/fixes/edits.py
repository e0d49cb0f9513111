"""Apply TextEdits to a text, and tell which fixes can share one round (their edits do not overlap)."""

from __future__ import annotations

from typing import Iterable, Sequence

from mlops_lint.diagnostics import Position, TextEdit


def _offsets(text: str) -> list[int]:
    """The offset where each line starts; one more entry for "past the last line"."""
    starts = [0]
    index = text.find("\n")
    while index != -1:
        starts.append(index + 1)
        index = text.find("\n", index + 1)
    starts.append(len(text))
    return starts


def _offset(starts: list[int], text: str, position: Position) -> int:
    if position.line - 1 >= len(starts) - 1:
        return len(text)
    line_start = starts[position.line - 1]
    line_end = starts[position.line] if position.line < len(starts) - 1 else len(text)
    return min(line_start + position.column, line_end)


def apply_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """``text`` with ``edits`` applied (module coordinates of ``text``); identical edits count once.

    The edits must not overlap (``overlaps``); insertions at one place keep their given order.
    """
    starts = _offsets(text)
    unique = list(dict.fromkeys(edits))
    spans = sorted(
        ((_offset(starts, text, edit.start), _offset(starts, text, edit.end), order, edit.new_text) for order, edit in enumerate(unique)),
        key=lambda span: (span[0], span[1], span[2]),
    )
    out: list[str] = []
    position = 0
    for start, end, _, new_text in spans:
        if start < position:
            raise ValueError("overlapping edits")
        out.append(text[position:start])
        out.append(new_text)
        position = end
    out.append(text[position:])
    return "".join(out)


def _overlap(a: TextEdit, b: TextEdit) -> bool:
    if a == b:
        return False  # the same edit twice (two findings asking for one import) is applied once
    if a.start == a.end and b.start == b.end:
        return a.start == b.start  # two insertions at one place: their order would be a guess
    # Touching spans do not overlap; an insertion strictly inside a replaced span does.
    return a.start < b.end and b.start < a.end


def overlaps(edits: Sequence[TextEdit], taken: Sequence[TextEdit]) -> bool:
    """Whether any of ``edits`` overlaps one of ``taken`` (a fix already chosen for this round)."""
    return any(_overlap(a, b) for a in edits for b in taken)
