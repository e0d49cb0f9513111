"""Where one serial lint spends its time, stage by stage, on the files under PATHS.

    python benchmarks/stages.py [--select CODES] PATHS...

Runs the engine's own steps one after another in this process (no pool, no cache) and adds up
the wall time of each: start-up imports, discovery, read, decode, prefilter, suppression
comments, parse, import table and node walk, dataflow, the rules' own work and reporting. Trees
are dropped after each file, as in a real run. For a call-level view use ``python -m cProfile -s cumtime -m mlops_lint check ...``.
"""

from __future__ import annotations

import argparse
import time

START = time.perf_counter()

from mlops_lint.catalog import load_catalog  # noqa: E402
from mlops_lint.diagnostics import Diagnostic  # noqa: E402
from mlops_lint.discovery import discover  # noqa: E402
from mlops_lint.analysis.module import AnalyzedModule  # noqa: E402
from mlops_lint.engine.lint import LintOptions, _run_rules  # noqa: E402
from mlops_lint.engine.parse import parse_document  # noqa: E402
from mlops_lint.engine.prefilter import build_prefilter  # noqa: E402
from mlops_lint.engine.registry import rule_classes  # noqa: E402
from mlops_lint.engine.suppression import read_suppressions  # noqa: E402
from mlops_lint.report import renderer  # noqa: E402
from mlops_lint.selection import selected_codes  # noqa: E402
from mlops_lint.settings import DEFAULT_EXCLUDES  # noqa: E402
from mlops_lint.source import SourceError, document_from_bytes  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--select", default=None)
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    clock = time.perf_counter
    stages: dict[str, float] = {}

    def add(stage: str, since: float) -> float:
        now = clock()
        stages[stage] = stages.get(stage, 0.0) + now - since
        return now

    catalog = load_catalog()
    rule_classes()
    selected = selected_codes(catalog, args.select.split(",") if args.select else None)
    options = LintOptions(selected=selected)
    prefilter = build_prefilter(catalog, selected)
    now = add("start-up: imports, catalog, rules", START)
    paths = list(discover(args.paths, DEFAULT_EXCLUDES))
    now = add("discover", now)
    found: list[Diagnostic] = []
    kept = 0
    for path in paths:
        with open(path, "rb") as handle:
            data = handle.read()
        now = add("read", now)
        try:
            document = document_from_bytes(path, data)
        except SourceError:
            continue
        now = add("decode (+ notebook JSON)", now)
        keep = prefilter is None or prefilter.keeps(document.text)
        now = add("prefilter", now)
        if not keep:
            continue
        kept += 1
        read_suppressions(document.text)
        now = add("suppression comments", now)
        parsed = parse_document(document)
        now = add("parse (ast)", now)
        if parsed.tree is None:
            continue
        module = AnalyzedModule(path=document.path, text=parsed.text, tree=parsed.tree, catalog=catalog,
                                cell_map=document.cell_map)
        _ = module.imports, module.nodes_by_type  # computed on first access: what is timed
        now = add("import table, node walk", now)
        _ = module.dataflow  # computed once per module for the rules that read it
        now = add("dataflow", now)
        found.extend(_run_rules(module, options))
        now = add("rules (their own work)", now)
    renderer("concise")(sorted(found, key=Diagnostic.sort_key))
    add("report", now)
    total = sum(stages.values())
    print(f"{len(paths)} files, {kept} parsed, {len(found)} findings, {total:.3f} s")
    for stage, seconds in stages.items():
        print(f"  {stage:<36} {seconds:7.3f} s  {100 * seconds / total:5.1f} %")


if __name__ == "__main__":
    main()
