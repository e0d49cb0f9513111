"""Check the fix promise on real code: every finding labelled fixable is fixed by ``--fix``.

    python benchmarks/fix_check.py                      # dev corpus, wild corpus, test fixtures
    python benchmarks/fix_check.py --corpus fixtures    # one of them (or a folder)

For each corpus it copies the Python files and notebooks to a temporary folder, lints the copy
(``--select ALL --no-cache``, JSON), runs ``--fix --unsafe-fixes`` on it, and lints the result. It
prints, per rule, the findings, how many were labelled fixable and how many of those were fixed:
in a file, a rule's fixable findings count as fixed when the rule lost at least as many findings.
Then every file where the counts disagree, every fixed file that no longer parses, every finding
still labelled fixable after the fix, and every fix the run named as skipped. It exits 1 when
anything disagrees. The corpora are third-party and read-only: only the copy is written.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("MLOPS_LINT_CACHE", Path.home() / ".cache" / "mlops-lint"))
CORPORA = {
    "dev": CACHE / "dev-corpus",
    "wild": CACHE / "wild-corpus",
    "fixtures": ROOT / "tests" / "fixtures",
}
SUFFIXES = (".py", ".ipynb")


@dataclass
class Table:
    findings: Counter[str] = field(default_factory=Counter)
    fixable: Counter[str] = field(default_factory=Counter)
    fixed: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)


def copy_tree(source: Path, target: Path) -> None:
    """The corpus's Python files and notebooks, at the same relative paths (no hidden folders)."""
    for folder, dirs, files in os.walk(source):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in files:
            if name.endswith(SUFFIXES):
                path = Path(folder) / name
                destination = target / path.relative_to(source)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, destination)


def lint(folder: Path, *extra: str) -> tuple[list[dict], str]:
    command = [sys.executable, "-m", "mlops_lint", "check", "--select", "ALL", "--no-cache", "--output-format", "json",
               "--exit-zero", *extra, "."]
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {result.returncode}:\n{result.stderr}")
    return json.loads(result.stdout)["diagnostics"], result.stderr


def _parses(path: Path) -> bool:
    if path.suffix == ".py":
        try:
            ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            return False
        return True
    from mlops_lint.engine.parse import parse_document
    from mlops_lint.source import read_document

    return not parse_document(read_document(path)).failures


def check(name: str, corpus: Path) -> Table:
    table = Table()
    with tempfile.TemporaryDirectory(prefix=f"fix-check-{name}-") as temporary:
        work = Path(temporary)
        copy_tree(corpus, work)
        # The copy has no configuration: the defaults apply, as in the baseline runs.
        before, _ = lint(work)
        parsed_before = {p: _parses(p) for p in work.rglob("*") if p.suffix in SUFFIXES}
        originals = {p: p.read_bytes() for p in parsed_before}
        after, stderr = lint(work, "--fix", "--unsafe-fixes")
        per_file_before: Counter[tuple[str, str]] = Counter((d["filename"], d["code"]) for d in before)
        per_file_fixable: Counter[tuple[str, str]] = Counter((d["filename"], d["code"]) for d in before if d["fix"])
        per_file_after: Counter[tuple[str, str]] = Counter((d["filename"], d["code"]) for d in after)
        for d in before:
            table.findings[d["code"]] += 1
            table.fixable[d["code"]] += bool(d["fix"])
        for (filename, code), labelled in per_file_fixable.items():
            gone = per_file_before[(filename, code)] - per_file_after[(filename, code)]
            table.fixed[code] += max(0, min(labelled, gone))
            if gone < labelled:
                table.problems.append(f"{filename}: {code}: {labelled} labelled fixable, {max(gone, 0)} gone after --fix")
        for path, parsed in parsed_before.items():
            if path.read_bytes() != originals[path] and parsed and not _parses(path):
                table.problems.append(f"{path.relative_to(work)}: does not parse after --fix")
        for d in after:
            if d["fix"]:
                table.problems.append(f"{d['filename']}:{d['location']['row']}: {d['code']} still labelled fixable after --fix")
        table.problems.extend(line for line in stderr.splitlines() if "fix" in line and line.startswith("mlops-lint:"))
    return table


def render(name: str, table: Table) -> str:
    lines = [f"## {name}", "", "| rule | findings | labelled fixable | fixed |", "|---|---:|---:|---:|"]
    for code in sorted(table.findings):
        lines.append(f"| {code} | {table.findings[code]} | {table.fixable[code]} | {table.fixed[code]} |")
    total = (sum(table.findings.values()), sum(table.fixable.values()), sum(table.fixed.values()))
    lines.append(f"| all | {total[0]} | {total[1]} | {total[2]} |")
    if table.problems:
        lines += ["", f"{len(table.problems)} problem(s):", *(f"- {problem}" for problem in table.problems)]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", action="append", help="dev, wild, fixtures or a folder (repeatable; default: the three)")
    args = parser.parse_args()
    names = args.corpus or list(CORPORA)
    failed = False
    for name in names:
        corpus = CORPORA.get(name, Path(name))
        if not corpus.is_dir():
            print(f"## {name}\n\nnot found: {corpus} (benchmarks/corpus.py and benchmarks/wild/build.py build the corpora)\n")
            failed = True
            continue
        table = check(name, corpus)
        print(render(name, table))
        failed |= bool(table.problems) or table.fixable != table.fixed
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
