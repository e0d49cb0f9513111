"""Every file under tests/fixtures/<CODE>/: findings of that rule equal the `# expect:` annotations exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import expected_in_file, expected_messages_in_file, found, missing_messages
from mlops_lint.catalog import load_catalog
from mlops_lint.engine.lint import LintOptions, lint_path

FIXTURES = Path(__file__).parent / "fixtures"
CASES = [
    pytest.param(path, id=str(path.relative_to(FIXTURES)))
    for path in sorted(FIXTURES.glob("MLO*/*"))
    if path.suffix in (".py", ".ipynb")
]


@pytest.mark.parametrize("path", CASES)
def test_fixture(path: Path):
    code = path.parent.name
    # The engine's codes too: a fixture that does not read or parse must fail, not pass as "no finding".
    diagnostics = lint_path(str(path), load_catalog(), LintOptions(selected=frozenset({code, "MLO001", "MLO002"})))
    assert found(diagnostics) == expected_in_file(path), [f"{d.location.start.line}: {d.message}" for d in diagnostics]
    # `# expect: CODE says: text`: the message on that line tells that truth (the data a fit saw …).
    assert missing_messages(diagnostics, expected_messages_in_file(path)) == [], [d.message for d in diagnostics]
    # Every message field was supplied: a "{field}" left in a message is a rule bug.
    assert [d.message for d in diagnostics if "{" in d.message] == []
