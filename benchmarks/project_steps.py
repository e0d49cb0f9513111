"""The two pure steps of project/pipeline.py over whole projects: what a map over repositories costs per project.

    python benchmarks/project_steps.py [--runs 3] [FOLDER ...]

Each folder is one project (default: the examples of the dev corpus's three sdists, and the
synthetic 420-file project of project_incremental.py). For each, in this one process, CPU time,
medians of ``--runs``:

- floor: read each file and ``ast.parse`` it (as benchmarks/floor.py);
- gather: read the files and the project modules they import (the only step that reads disk);
- step 1: ``summarise_project`` without a cache (every module summarised);
- step 2: ``findings`` for every file, given its import closure as bytes (default rules).

Then, from one more run: the summaries' size as JSON against the sources' size, and the peak
memory traced (tracemalloc) while step 1 runs: a module's tree and dataflow are dropped once its
summary is made, so what step 1 holds is the sources' bytes and the summaries.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from floor import parse_all  # noqa: E402
from project_incremental import write_project  # noqa: E402

from mlops_lint.catalog import load_catalog  # noqa: E402
from mlops_lint.diagnostics import Diagnostic  # noqa: E402
from mlops_lint.discovery import discover  # noqa: E402
from mlops_lint.project.pipeline import findings, gather, needed, summarise_project  # noqa: E402
from mlops_lint.project.summary import encode  # noqa: E402
from mlops_lint.settings import DEFAULT_EXCLUDES  # noqa: E402

CORPUS = Path.home() / ".cache" / "mlops-lint" / "dev-corpus"
DEFAULT = [CORPUS / "scikit_learn-1.9.1" / "examples", CORPUS / "imbalanced_learn-0.14.2" / "examples",
           CORPUS / "pytorch_ignite-0.5.5" / "examples"]


def _cpu_since(start: float) -> float:
    return time.process_time() - start


def measure(folder: Path, runs: int) -> dict[str, Any]:
    catalog = load_catalog()
    files = [f for f in discover([str(folder)], DEFAULT_EXCLUDES) if f.endswith(".py")]
    times: dict[str, list[float]] = {"floor": [], "gather": [], "step 1": [], "step 2": []}
    found: list[Diagnostic] = []
    for _ in range(runs):
        start = time.process_time()
        parse_all(files)
        times["floor"].append(_cpu_since(start))
        start = time.process_time()
        sources = gather(files, given=[str(folder)], catalog=catalog)
        times["gather"].append(_cpu_since(start))
        start = time.process_time()
        result = summarise_project(sources, None, catalog)
        times["step 1"].append(_cpu_since(start))
        start = time.process_time()
        found = [d for m in sources.modules for d in findings(m.path, m.data, needed(m.path, sources), sources.root, None, catalog)]
        times["step 2"].append(_cpu_since(start))
    summaries_size = sum(len(json.dumps(encode(s), separators=(",", ":"))) for s in result.summaries.values())
    source_size = sum(len(m.data) for m in sources.modules)
    tracemalloc.start()
    summarise_project(sources, None, catalog)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "files": len(files), "modules": len(sources.modules), "findings": len(found),
        "medians": {name: statistics.median(values) for name, values in times.items()},
        "summaries KiB": summaries_size / 1024, "sources KiB": source_size / 1024, "peak MiB": peak / 2**20,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("folders", nargs="*", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mlops-lint-steps-") as work:
        folders = args.folders
        if not folders:
            synthetic = Path(work) / "project"
            write_project(synthetic, 20, 400)
            folders = [*(f for f in DEFAULT if f.is_dir()), synthetic]
        print(f"CPU seconds of one process, medians of {args.runs} runs\n")
        print("| project | files | modules | floor s | gather s | step 1 s | step 2 s | (1+2) × floor | ms per file, both steps "
              "| summaries KiB / sources KiB | step 1 peak MiB | findings |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for folder in folders:
            m = measure(folder, args.runs)
            t: dict[str, float] = m["medians"]
            both = t["gather"] + t["step 1"] + t["step 2"]
            name = folder.name if folder.name != "examples" else folder.parent.name
            print(f"| {name} | {m['files']} | {m['modules']} | {t['floor']:.2f} | {t['gather']:.2f} | {t['step 1']:.2f} "
                  f"| {t['step 2']:.2f} | {both / t['floor']:.1f} | {1000 * both / m['files']:.1f} "
                  f"| {m['summaries KiB']:.0f} / {m['sources KiB']:.0f} | {m['peak MiB']:.1f} | {m['findings']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
