"""docs/safety.md's threat model: every guarantee names a test, and every test it names exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECTION = re.compile(r"^## Threat model.*?(?=^## (?!#))", re.S | re.M)
REFERENCE = re.compile(r"`((?:tests/(?:security/)?)?test_[\w]+\.py)(?:::(\w+))?`")


def _threat_model() -> str:
    match = SECTION.search((ROOT / "docs" / "safety.md").read_text(encoding="utf-8"))
    assert match, "docs/safety.md has no '## Threat model' section"
    return match.group()


def _guarantees(text: str) -> list[str]:
    """The bullet points under 'It cannot ...' headings (the 'What it still can do' list is not one)."""
    found = []
    for block in re.split(r"^### ", text, flags=re.M)[1:]:
        heading, _, body = block.partition("\n")
        if heading.startswith("It cannot"):
            found += [item.replace("\n", " ") for item in re.split(r"^- ", body, flags=re.M)[1:]]
    return found


def test_every_guarantee_names_a_test():
    guarantees = _guarantees(_threat_model())
    assert len(guarantees) >= 15
    for guarantee in guarantees:
        assert REFERENCE.search(guarantee), guarantee


def test_every_named_test_exists():
    for file, function in REFERENCE.findall(_threat_model()):
        path = ROOT / file if file.startswith("tests/") else ROOT / "tests" / "security" / file
        assert path.is_file(), file
        if function:
            names = {node.name for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(node, ast.FunctionDef)}
            assert function in names, f"{file}::{function}"
