"""Cost of the dataflow layer on a corpus, as a ratio to a bare ``ast.parse`` measured in the same run.

Usage: python benchmarks/dataflow_cost.py DIR [DIR ...]  (default: the development corpus examples)
CPU time (process_time: steadier than wall time on a shared machine). Prints the median over 5 rounds of: parse only; parse + imports + dataflow; the whole lint of
MLO101-103 per file (reading included); and their ratios to the parse.
"""

from __future__ import annotations

import ast
import statistics
import sys
import time
from pathlib import Path

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.catalog import load_catalog
from mlops_lint.engine.lint import LintOptions, lint_path

ROUNDS = 5


def _sources(directories: list[str]) -> list[tuple[str, str]]:
    files = sorted(p for d in directories for p in Path(d).expanduser().rglob("*.py"))
    return [(str(p), p.read_text(encoding="utf-8", errors="replace")) for p in files]


def _parse_all(sources: list[tuple[str, str]]) -> float:
    start = time.process_time()
    for _, text in sources:
        ast.parse(text)
    return time.process_time() - start


def _analyse_all(sources: list[tuple[str, str]], catalog) -> float:
    start = time.process_time()
    for path, text in sources:
        module = AnalyzedModule(path, text, ast.parse(text), catalog)
        _ = module.dataflow  # computed on first access: what is timed
    return time.process_time() - start


def _lint_all(sources: list[tuple[str, str]], catalog) -> float:
    options = LintOptions(selected=frozenset({"MLO101", "MLO102", "MLO103"}))
    start = time.process_time()
    for path, _ in sources:
        lint_path(path, catalog, options)
    return time.process_time() - start


def main(directories: list[str]) -> None:
    sources = _sources(directories or ["~/.cache/mlops-lint/dev-corpus/*/examples"])
    if not sources:  # a glob in the default: expand it ourselves
        sources = _sources([str(p) for p in Path.home().glob(".cache/mlops-lint/dev-corpus/*/examples")])
    catalog = load_catalog()
    parse, analyse, lint = [], [], []
    for _ in range(ROUNDS):
        parse.append(_parse_all(sources))
        analyse.append(_analyse_all(sources, catalog))
        lint.append(_lint_all(sources, catalog))
    p, a, linted = statistics.median(parse), statistics.median(analyse), statistics.median(lint)
    lines = sum(text.count("\n") for _, text in sources)
    print(f"{len(sources)} files, {lines} lines")
    print(f"ast.parse only:           {p * 1000:8.1f} ms")
    print(f"parse + names + dataflow: {a * 1000:8.1f} ms  ({a / p:.2f}x parse; dataflow alone {(a - p) / p:.2f}x)")
    print(f"lint_path MLO101-103:     {linted * 1000:8.1f} ms  ({linted / p:.2f}x parse; read, decode, noqa, rules, report objects)")


if __name__ == "__main__":
    main(sys.argv[1:])
