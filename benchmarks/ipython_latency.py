"""Latency the IPython extension adds to each cell, in a real InteractiveShell, up to a 500-line session.

Usage: python benchmarks/ipython_latency.py [--lines 500] [--rounds 5] [--kernel-objects 1000000]
Needs IPython (the test extra). Each round starts a fresh shell holding a million small objects
(a kernel's data, which a full garbage collection walks), runs ``%load_ext mlops_lint`` and
then a typical tabular-ML notebook (imports, reading, cleaning, plots, split, scaling, models,
scores, magics and shell lines) cell by cell until the session holds ``--lines`` lines. The cells
fail at run time where a library is missing; that costs the shell, not the extension, whose
post_run_cell hook alone is timed (wall clock, and CPU time, which a busy machine disturbs less).
Reports the first ``%load_ext`` (imports included), then medians over rounds of: the hook per cell
over the whole session, over its last tenth (the session almost full), and at most; one lint of
the full session; and ``ast.parse`` of the same (neutralised) text as a floor.
"""

from __future__ import annotations

import argparse
import ast
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

FIRST_CELL = """\
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from sklearn.model_selection import train_test_split, cross_val_score
from sklearn.preprocessing import StandardScaler
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, classification_report
%matplotlib inline"""

# One round of analysis on a fresh data set {i}: ten cells, 38 lines.
CELLS = [
    'df{i} = pd.read_csv("data/train_{i}.csv")\ndf{i}.head()',
    "df{i}.info()\ndf{i}.describe()\ndf{i}.isnull().sum()",
    'df{i}["age"] = df{i}["age"].fillna(df{i}["age"].median())\ndf{i}["fare_log"] = np.log1p(df{i}["fare"])\n'
    'df{i}["family"] = df{i}["sibsp"] + df{i}["parch"] + 1\ndf{i} = df{i}.drop(columns=["cabin", "ticket"])\n'
    'df{i} = pd.get_dummies(df{i}, columns=["sex", "embarked"])',
    'fig, ax = plt.subplots(1, 2, figsize=(10, 4))\ndf{i}["age"].hist(ax=ax[0], bins=30)\n'
    'df{i}.groupby("pclass")["survived"].mean().plot.bar(ax=ax[1])\nplt.tight_layout()\nplt.show()',
    'features{i} = [c for c in df{i}.columns if c not in ("survived", "name")]\nX{i} = df{i}[features{i}]\ny{i} = df{i}["survived"]',
    "X_train{i}, X_test{i}, y_train{i}, y_test{i} = train_test_split(X{i}, y{i}, test_size=0.2, random_state=0)\n"
    "scaler{i} = StandardScaler().fit(X_train{i})\nX_train{i} = scaler{i}.transform(X_train{i})\n"
    "X_test{i} = scaler{i}.transform(X_test{i})",
    "for depth in [3, 5, 8, None]:\n    model = RandomForestClassifier(max_depth=depth, random_state=0)\n"
    "    scores = cross_val_score(model, X_train{i}, y_train{i}, cv=5)\n    print(depth, scores.mean(), scores.std())",
    "clf{i} = LogisticRegression(max_iter=1000)\nclf{i}.fit(X_train{i}, y_train{i})\npred{i} = clf{i}.predict(X_test{i})\n"
    "print(accuracy_score(y_test{i}, pred{i}))\nprint(classification_report(y_test{i}, pred{i}))",
    '!echo data set {i} \\\n  done\nresults{i} = {{"accuracy": accuracy_score(y_test{i}, pred{i})}}\nresults{i}',
    "%time clf{i}.score(X_test{i}, y_test{i})",
]


def session_cells(lines: int) -> list[str]:
    cells, count, i = [FIRST_CELL], FIRST_CELL.count("\n") + 1, 0
    while count < lines:
        for template in CELLS:
            cell = template.format(i=i)
            cells.append(cell)
            count += cell.count("\n") + 1
            if count >= lines:
                break
        i += 1
    return cells


def one_round(cells: list[str], kernel_objects: int) -> dict[str, float]:
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output
    from traitlets.config import Config

    from mlops_lint.integrations.ipython import extension_of
    from mlops_lint.source.cells import document_from_cells

    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    InteractiveShell.clear_instance()
    shell = InteractiveShell.instance(config=config, colors="nocolor")
    # A working kernel holds data: what a full garbage collection has to walk.
    shell.run_cell(f"kernel_objects = [{{'row': i}} for i in range({kernel_objects})]", store_history=False)
    full_collections = [0]

    def count(phase: str, info: dict) -> None:
        if phase == "stop" and info["generation"] == 2:
            full_collections[0] += 1

    started = time.perf_counter()
    shell.run_cell("%load_ext mlops_lint", store_history=True)
    load = time.perf_counter() - started
    extension = extension_of(shell)
    hook, timings, cpu = extension.post_run_cell, [], []

    def timed(result) -> None:
        begin, begin_cpu = time.perf_counter(), time.process_time()
        hook(result)
        timings.append(time.perf_counter() - begin)
        cpu.append(time.process_time() - begin_cpu)

    shell.events.unregister("post_run_cell", hook)
    shell.events.register("post_run_cell", timed)
    gc.callbacks.append(count)
    with capture_output():
        for number, cell in enumerate(cells):
            shell.run_cell(cell, store_history=True, cell_id=f"cell-{number}")
    gc.callbacks.remove(count)
    full, full_cpu = [], []
    for _ in range(5):
        begin, begin_cpu = time.perf_counter(), time.process_time()
        extension.lint()
        full.append(time.perf_counter() - begin)
        full_cpu.append(time.process_time() - begin_cpu)
    text = document_from_cells("<ipython>", enumerate(cells, start=2)).text  # magics neutralised
    parse = []
    for _ in range(5):
        begin = time.perf_counter()
        ast.parse(text)
        parse.append(time.perf_counter() - begin)
    shell.events.unregister("post_run_cell", timed)
    InteractiveShell.clear_instance()
    tenth = max(len(timings) // 10, 1)
    return {
        "load": load,
        "per cell": statistics.median(timings),
        "last tenth": statistics.median(timings[-tenth:]),
        "max": max(timings),
        "full lint": statistics.median(full),
        "ast.parse": statistics.median(parse),
        "per cell, CPU": statistics.median(cpu),
        "last tenth, CPU": statistics.median(cpu[-tenth:]),
        "full lint, CPU": statistics.median(full_cpu),
        "full collections": full_collections[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--kernel-objects", type=int, default=1_000_000, help="objects the kernel holds (default 1,000,000)")
    parser.add_argument("--collector-as-is", action="store_true",
                        help="do not pause the garbage collector during each lint (to see what the pause saves)")
    arguments = parser.parse_args()
    if arguments.collector_as_is:
        from contextlib import nullcontext

        from mlops_lint.integrations import ipython_session

        ipython_session._young_garbage_only = nullcontext
    cells = session_cells(arguments.lines)
    lines = sum(cell.count("\n") + 1 for cell in cells)
    here = Path.cwd()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["IPYTHONDIR"] = str(Path(folder) / ".ipython")
        os.chdir(folder)  # no pyproject.toml above: the default rules
        try:
            rounds = [one_round(cells, arguments.kernel_objects) for _ in range(arguments.rounds)]
        finally:
            os.chdir(here)  # IPython's exit handlers read the cwd
    print(f"session: {len(cells)} cells, {lines} lines; {arguments.rounds} rounds; Python {sys.version.split()[0]};"
          f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'first %load_ext (imports)':>26}: {rounds[0]['load'] * 1000:7.1f} ms")
    floor = statistics.median(r["ast.parse"] for r in rounds)
    for key in ("per cell", "last tenth", "max", "full lint", "ast.parse", "per cell, CPU", "last tenth, CPU", "full lint, CPU"):
        value = statistics.median(r[key] for r in rounds)
        print(f"{key:>26}: {value * 1000:7.1f} ms  ({value / floor:4.1f}x ast.parse of the session)")
    collections = statistics.median(r["full collections"] for r in rounds)
    print(f"{'full collections':>26}: {collections:g} during the session (kernel holding {arguments.kernel_objects:,} objects)")


if __name__ == "__main__":
    main()
