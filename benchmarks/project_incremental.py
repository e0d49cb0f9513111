"""A project whose scripts import helper modules: cold run, warm run, and warm run after one helper changed.

    python benchmarks/project_incremental.py [--runs 5] [--helpers 20] [--scripts 400]

Issue 18, "Cost": a warm run where one module changed re-analyses that module and its importers
only. The project is synthetic (``helpers/h<N>.py`` each fit a scaler, ``train_<M>.py`` import
one of them), so the number of files each run analyses is known (tests/test_project_incremental.py
counts them on a small copy): the table shows it next to the medians, each command timed
alternately with the ast.parse floor of the same files (bench.py).

The second table is step 1 alone (``mlops-lint summarise``: module summaries, project/pipeline.py)
on the same project and the same edits: cold (summary cache removed), warm (nothing changed),
and after one helper changed (a change to what it does, so its importers' summaries change too);
the number of modules summarised is what the command itself reports.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench import timed  # noqa: E402

HELPER = """\
from sklearn.preprocessing import StandardScaler
from sklearn.feature_selection import SelectKBest


def prepare(frame, version={version}):
    frame = frame.dropna()
    return StandardScaler().fit_transform(frame)


def select(X, y):
    return SelectKBest(k=10).fit_transform(X, y)
"""
SCRIPT = """\
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from helpers.h{helper} import prepare, select

frame = pd.read_csv("data_{number}.csv")
y = frame.pop("target")
X = select(prepare(frame), y)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state={number})
model = LogisticRegression().fit(X_train, y_train)
print(model.score(X_test, y_test))
"""


def write_project(root: Path, helpers: int, scripts: int) -> list[Path]:
    (root / "helpers").mkdir(parents=True)
    (root / "pyproject.toml").write_text("")
    (root / "helpers" / "__init__.py").write_text("")
    files = []
    for number in range(helpers):
        path = root / "helpers" / f"h{number}.py"
        path.write_text(HELPER.format(version=0))
        files.append(path)
    for number in range(scripts):
        path = root / f"train_{number}.py"
        path.write_text(SCRIPT.format(helper=number % helpers, number=number))
        files.append(path)
    return files


SUMMARISED = re.compile(r"Summarised (\d+) of (\d+) modules")
# Edits that change what h0.prepare does (a fit, then a resample, alternately): its importers' summaries change too.
STEP_EDITS = ("StandardScaler().fit_transform(frame)", "SMOTE().fit_resample(frame, frame)[0]")


def summaries_table(root: Path, listing: Path, cache: Path, changed: Path, runs: int) -> None:
    import time

    def run_once() -> tuple[float, int]:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "mlops_lint", "summarise", "--cache-dir", str(cache), "."],
                              cwd=root, capture_output=True, text=True, check=True)
        elapsed = time.perf_counter() - start
        match = SUMMARISED.search(done.stderr)
        return elapsed, int(match.group(1)) if match else -1

    helper = HELPER.replace("from sklearn.feature_selection import SelectKBest",
                            "from sklearn.feature_selection import SelectKBest\nfrom imblearn.over_sampling import SMOTE")
    times: dict[str, list[float]] = {"floor": [], "cold": [], "warm": [], "warm, h0.py changed": []}
    counts: dict[str, int] = {}
    for run in range(runs + 1):
        floor, _ = timed([sys.executable, str(HERE / "floor.py"), str(listing)], root)
        shutil.rmtree(cache, ignore_errors=True)
        changed.write_text(helper.format(version=0).replace(STEP_EDITS[1], STEP_EDITS[0]))
        cold = run_once()
        warm = run_once()
        changed.write_text(helper.format(version=0).replace(STEP_EDITS[0], STEP_EDITS[1]))
        incremental = run_once()
        if run:
            times["floor"].append(floor)
            for name, (value, count) in zip(list(times)[1:], (cold, warm, incremental)):
                times[name].append(value)
                counts[name] = count
    base = statistics.median(times["floor"])
    print("Step 1 alone (mlops-lint summarise), same project, medians\n")
    print("| run | modules summarised | median s | × floor |")
    print("|---|---|---|---|")
    for name, values in times.items():
        median = statistics.median(values)
        shown = counts.get(name, "")
        print(f"| {name} | {shown} | {median:.3f} | {median / base:.2f} |")
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--helpers", type=int, default=20)
    parser.add_argument("--scripts", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mlops-lint-project-") as folder:
        work = Path(folder)
        root = work / "project"
        files = write_project(root, args.helpers, args.scripts)
        listing = work / "files"
        listing.write_text("\n".join(str(f) for f in files) + "\n")
        cache = work / "cache"
        lint = [sys.executable, "-m", "mlops_lint", "check", "--output-format", "concise", "--cache-dir", str(cache), "."]
        changed = root / "helpers" / "h0.py"
        edits = iter(range(1, 10**6))
        times: dict[str, list[float]] = {"floor": [], "cold": [], "warm": [], "warm, h0.py changed": []}
        for run in range(args.runs + 1):  # the first round is untimed: bytecode, page cache
            floor, _ = timed([sys.executable, str(HERE / "floor.py"), str(listing)], root)
            shutil.rmtree(cache, ignore_errors=True)
            cold, _ = timed(lint, root)
            warm, _ = timed(lint, root)
            changed.write_text(HELPER.format(version=next(edits)))
            incremental, _ = timed(lint, root)
            if run:
                for name, value in zip(times, (floor, cold, warm, incremental)):
                    times[name].append(value)
        summaries_table(root, listing, work / "summaries-cache", changed, args.runs)
        importers = sum(1 for n in range(args.scripts) if n % args.helpers == 0)
        counts = {"floor": len(files), "cold": len(files), "warm": 0, "warm, h0.py changed": 1 + importers}
        base = statistics.median(times["floor"])
        print(f"{args.runs} runs each, medians; {len(files)} files ({args.helpers} helpers, {args.scripts} scripts)\n")
        print("| run | files analysed | median s | × floor |")
        print("|---|---|---|---|")
        for name, values in times.items():
            median = statistics.median(values)
            print(f"| {name} | {counts[name]} | {median:.3f} | {median / base:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
