"""A generated project for engine-level tests: every catalog example and fixture, plus awkward files."""

from __future__ import annotations

from pathlib import Path

from harness import LEAKY, notebook_json
from mlops_lint.catalog import load_catalog

FIXTURES = Path(__file__).parent / "fixtures"


def source_cases() -> list[tuple[str, bytes]]:
    """(file name, bytes) of every catalog example and every tests/fixtures file."""
    cases = []
    for spec in load_catalog().rules.values():
        for index, example in enumerate(spec.examples, start=1):
            suffix = Path(example.filename).suffix or ".py"
            cases.append((f"{spec.code}_{example.kind}_{index}{suffix}", example.code.encode("utf-8")))
    for path in sorted(FIXTURES.glob("MLO*/*")):
        if path.suffix in (".py", ".ipynb"):
            cases.append((f"{path.parent.name}_{path.name}", path.read_bytes()))
    return cases


def write_sample_tree(root: Path, copies: int = 6) -> list[Path]:
    """Write ``copies`` folders of the cases plus a notebook, a syntax error, bad bytes and noqa."""
    extra = [
        ("leaky.py", LEAKY.encode()),
        ("leaky_noqa.py", LEAKY.replace("(X, y)", "(X, y)  # noqa: MLO101").encode()),
        ("leaky.ipynb", notebook_json(*LEAKY.split("\n\n")).encode()),
        ("broken_ml.py", b"import sklearn\nprint 'x'\n"),
        ("broken_plain.py", b"print 'x'\n"),
        ("latin1.py", b"# -*- coding: utf-8 -*-\nname = '\xe9'\n"),
        ("plain.py", b"print('no ML here')\n"),
        ("skipped.py", b"# mlops-lint: skip-file\n" + LEAKY.encode()),
    ]
    written = []
    for copy in range(copies):
        folder = root / f"pkg{copy}"
        folder.mkdir(parents=True)
        for name, data in [*source_cases(), *extra]:
            path = folder / name
            path.write_bytes(data)
            written.append(path)
    return written
