"""How the cost of one file grows with its length: synthetic modules from realistic templates, 1k to 64k lines.

    python benchmarks/scaling.py [--runs 3] [--max-lines 65536] [--timeout 60] [--templates a,b] [--select ALL]

Each template is a typical block of ML training code (a leaky script, a seeded search that logs
its results, a Keras loop, a pandas feature pipeline, a notebook mixing them in cells) repeated,
with the same names as a long notebook reuses them, until the module has about 1k, 4k, 16k and
64k lines. For each module, a fresh process lints it with the real engine (``run``, one process,
no cache, default rules or ``--select``'s) after a warm-up on a small file, and times it (CPU time, median of
``--runs``; a run longer than 5 s is not repeated), then times the floor of the same file: read it
and ``ast.parse`` it (for a notebook: read, ``json.loads`` and parse the joined code cells). Peak
RSS is the growth of the process's peak while linting, per line.

The growth exponent is the slope of a least-squares fit of log(time) against log(lines) from 4k
lines up: 1 is linear, 2 quadratic. Target (issue 16): at most 1.15 for every template, and 64k
lines in under 4x the floor of that file. A module whose lint exceeds ``--timeout`` ends its
template's series, and so does a size that would exceed it even if the cost grew linearly from
the last one; the exponent then comes from the sizes measured. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZES = (1024, 4096, 16384, 65536)
REPEAT_BELOW_SECONDS = 5.0

LEAKY_HEADER = """\
import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.feature_selection import SelectKBest, f_classif
"""
LEAKY_UNIT = """\
df = pd.read_csv("data/customers.csv")
df = df.dropna(subset=["churned"])
X = df.drop(columns=["churned", "customer_id"])
y = df["churned"]
X = StandardScaler().fit_transform(X)
X = SelectKBest(f_classif, k=20).fit_transform(X, y)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
model = LogisticRegression(max_iter=1000)
model.fit(X_train, y_train)
predictions = model.predict(X_test)
print("accuracy", accuracy_score(y_test, predictions))
print("f1", f1_score(y_test, predictions))
forest = RandomForestClassifier(n_estimators=200)
forest.fit(X_train, y_train)
print("train accuracy", forest.score(X_train, y_train))
for depth in [2, 4, 8]:
    candidate = RandomForestClassifier(max_depth=depth).fit(X_train, y_train)
    print(depth, candidate.score(X_test, y_test))
importances = np.argsort(forest.feature_importances_)[::-1]
print(importances[:10])
"""

SEARCH_HEADER = """\
import logging
import numpy as np
import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV, train_test_split
from sklearn.svm import SVC

logging.basicConfig(level=logging.INFO)
log = logging.getLogger("search")
"""
SEARCH_UNIT = """\
data = pd.read_parquet("features.parquet")
X_train, X_test, y_train, y_test = train_test_split(data.drop(columns="label"), data["label"], random_state=0)
grid = {"C": [0.1, 1, 10, 100], "gamma": [0.001, 0.01, 0.1, 1], "kernel": ["rbf", "poly"]}
search = GridSearchCV(SVC(), grid, cv=5, scoring="f1")
search.fit(X_train, y_train)
log.info("best params %s", search.best_params_)
log.info("best score %.3f", search.best_score_)
space = {"n_estimators": [100, 200, 400], "max_depth": [2, 3, 5], "learning_rate": np.logspace(-3, 0, 10)}
random_search = RandomizedSearchCV(GradientBoostingClassifier(random_state=1), space, n_iter=20, random_state=2)
random_search.fit(X_train, y_train)
results = pd.DataFrame(random_search.cv_results_)
results.to_csv("search_results.csv")
best = random_search.best_estimator_
log.info("test score %.3f", best.score(X_test, y_test))
"""

KERAS_HEADER = """\
import numpy as np
import tensorflow as tf
from tensorflow import keras
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler
"""
KERAS_UNIT = """\
images = np.load("images.npy")
labels = np.load("labels.npy")
images = MinMaxScaler().fit_transform(images.reshape(len(images), -1))
x_train, x_test, y_train, y_test = train_test_split(images, labels, test_size=0.1)
model = keras.Sequential([
    keras.layers.Dense(256, activation="relu"),
    keras.layers.Dropout(0.3),
    keras.layers.Dense(128, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
history = model.fit(x_train, y_train, epochs=30, batch_size=64, validation_data=(x_test, y_test), callbacks=[stop])
loss, accuracy = model.evaluate(x_test, y_test)
print("test accuracy", accuracy)
model.save("model.keras")
for epoch, value in enumerate(history.history["val_accuracy"]):
    print(epoch, value)
"""

PANDAS_HEADER = """\
import numpy as np
import pandas as pd
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.metrics import mean_absolute_error
from sklearn.model_selection import KFold, cross_val_score, train_test_split
"""
PANDAS_UNIT = """\
sales = pd.read_csv("/data/sales.csv", parse_dates=["date"])
sales = sales.sort_values("date")
sales["price"] = sales["price"].fillna(sales["price"].mean())
sales["store_mean"] = sales.groupby("store")["units"].transform("mean")
sales["rolling_7"] = sales.groupby("store")["units"].transform(lambda s: s.rolling(7).mean())
sales["next_week"] = sales.groupby("store")["units"].shift(-7)
sales = pd.get_dummies(sales, columns=["store", "weekday"])
sales = sales.dropna()
features = sales.drop(columns=["units", "date"])
target = sales["units"]
f_train, f_test, t_train, t_test = train_test_split(features, target, test_size=0.25, shuffle=True)
regressor = GradientBoostingRegressor(n_estimators=300)
scores = cross_val_score(regressor, features, target, cv=KFold(5, shuffle=True))
print("cv", scores.mean())
regressor.fit(f_train, t_train)
print("mae", mean_absolute_error(t_test, regressor.predict(f_test)))
"""

TEMPLATES = {
    "leaky script": (LEAKY_HEADER, LEAKY_UNIT),
    "search with logging": (SEARCH_HEADER, SEARCH_UNIT),
    "keras loop": (KERAS_HEADER, KERAS_UNIT),
    "pandas pipeline": (PANDAS_HEADER, PANDAS_UNIT),
}
NOTEBOOK = "notebook (.ipynb)"


def python_module(template: str, lines: int) -> str:
    header, unit = TEMPLATES[template]
    copies = max(1, round((lines - header.count("\n")) / unit.count("\n")))
    return header + "\n" + unit * copies


def notebook(lines: int) -> str:
    """A notebook whose cells cycle through the templates' units (imports in the first cell)."""
    header = "".join(dict.fromkeys(h for h, _ in TEMPLATES.values()))
    units = [u for _, u in TEMPLATES.values()]
    cells = [header]
    total = header.count("\n")
    while total < lines:
        unit = units[len(cells) % len(units)]
        cells.append(unit)
        total += unit.count("\n")

    def code(source: str) -> dict:
        return {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                "source": source.splitlines(keepends=True)}

    body = []
    for index, source in enumerate(cells):
        body.append({"cell_type": "markdown", "metadata": {}, "source": [f"## Step {index}\n"]})
        body.append(code(source))
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "cells": body,
                       "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}}},
                      indent=1)


def code_lines(path: Path) -> int:
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return sum("".join(c["source"]).count("\n") + 1 for c in cells if c["cell_type"] == "code")
    return path.read_text(encoding="utf-8").count("\n")


# --- the measuring process ------------------------------------------------------------------


def _floor(path: Path) -> None:
    import ast

    data = path.read_bytes()
    if path.suffix == ".ipynb":
        cells = json.loads(data)["cells"]
        ast.parse("\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code"))
    else:
        ast.parse(data)


def measure(path: Path, runs: int, select: tuple[str, ...] | None = None) -> dict:
    """Runs in a fresh process: lint ``path`` (after a warm-up), then its floor; CPU seconds and RSS."""
    import resource
    import warnings

    from mlops_lint.run import RunRequest, run

    warnings.simplefilter("ignore")
    warm_up = path.with_name("warm_up" + path.suffix)
    warm_up.write_text(python_module("leaky script", 40) if path.suffix == ".py" else notebook(60), encoding="utf-8")
    run(RunRequest(paths=(str(warm_up),), jobs=1, select=select))  # imports every rule and analysis module
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times: list[float] = []
    findings = 0
    while len(times) < runs:
        start = time.process_time()
        findings = len(run(RunRequest(paths=(str(path),), jobs=1, select=select)))
        times.append(time.process_time() - start)
        if times[-1] > REPEAT_BELOW_SECONDS:
            break
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    floors = []
    for _ in range(max(runs, 3)):
        start = time.process_time()
        _floor(path)
        floors.append(time.process_time() - start)
    return {"time": statistics.median(times), "runs": len(times), "floor": statistics.median(floors),
            "rss_kib": rss_after - rss_before, "findings": findings}


# --- the driver -----------------------------------------------------------------------------


def exponent(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of log(time) against log(lines)."""
    if len(points) < 2:
        return None
    xs = [math.log(lines) for lines, _ in points]
    ys = [math.log(max(seconds, 1e-6)) for _, seconds in points]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / sum((x - mean_x) ** 2 for x in xs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-lines", type=int, default=SIZES[-1])
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds for one module's measurement (default 60)")
    parser.add_argument("--templates", help="comma-separated subset of: " + ", ".join([*TEMPLATES, "notebook"]))
    parser.add_argument("--select", help="comma-separated rule codes, or ALL (default: the default rules)")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # internal: the measuring process
    args = parser.parse_args()
    select = tuple(args.select.split(",")) if args.select else None
    if args.measure is not None:
        print(json.dumps(measure(args.measure, args.runs, select)))
        return 0
    sys.stdout.reconfigure(line_buffering=True)
    names = [*TEMPLATES, NOTEBOOK]
    if args.templates:
        wanted = [w.strip() for w in args.templates.split(",")]
        names = [n for n in names if any(n.startswith(w) for w in wanted)]
    sizes = [s for s in SIZES if s <= args.max_lines]
    print(f"CPU time, median of up to {args.runs} runs (1 when a run takes over {REPEAT_BELOW_SECONDS:g} s); "
          f"rules: {args.select or 'default'}; Python {sys.version.split()[0]}\n")
    print("| template | lines | lint s | floor s | × floor | µs/line | peak RSS growth MiB | KiB/line | findings |")
    print("|---|---|---|---|---|---|---|---|---|")
    summary = []
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE.parent), os.environ.get("PYTHONPATH")]))}
    with tempfile.TemporaryDirectory(prefix="mlops-lint-scaling-") as folder:
        for name in names:
            points, early, last = [], [], None
            for size in sizes:
                if last is not None and last[1]["time"] * size / last[0] > args.timeout:
                    # Even linear growth from the last size would exceed the timeout: do not wait for it.
                    print(f"| {name} | ~{size} | > {args.timeout:g} (not run: {last[1]['time']:.1f} s at {last[0]} lines) | | | | | | |")
                    break
                suffix = ".ipynb" if name == NOTEBOOK else ".py"
                path = Path(folder) / f"{name.split()[0]}_{size}{suffix}"
                path.write_text(notebook(size) if name == NOTEBOOK else python_module(name, size), encoding="utf-8")
                lines = code_lines(path)
                command = [sys.executable, str(Path(__file__).resolve()), "--measure", str(path), "--runs", str(args.runs)]
                if args.select:
                    command += ["--select", args.select]
                try:
                    done = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout, env=environment)
                except subprocess.TimeoutExpired:
                    print(f"| {name} | {lines} | > {args.timeout:g} (stopped) | | | | | | |")
                    break
                if done.returncode != 0:
                    raise SystemExit(f"measuring {path} failed:\n{done.stderr}")
                result = json.loads(done.stdout.splitlines()[-1])
                last = (lines, result)
                seconds, floor = result["time"], result["floor"]
                print(f"| {name} | {lines} | {seconds:.3f} | {floor:.3f} | {seconds / floor:.1f} | "
                      f"{1e6 * seconds / lines:.0f} | {result['rss_kib'] / 1024:.1f} | {result['rss_kib'] / lines:.2f} | "
                      f"{result['findings']} |")
                (points if size >= 4096 else early).append((lines, seconds, floor))
            span = "from 4k lines"
            if len(points) < 2:  # stopped early: the smaller sizes at least show the trend
                points, span = early + points, "over every size measured (fewer than two from 4k)"
            slope = exponent([(n, t) for n, t, _ in points])
            floor_slope = exponent([(n, f) for n, _, f in points])
            at_top = f"{last[1]['time'] / last[1]['floor']:.1f}× floor at {last[0]} lines" if last else "n/a"
            summary.append(f"- {name}: exponent {slope:.2f} (floor {floor_slope:.2f}), {span} ({len(points)} sizes); {at_top}"
                           if slope is not None else f"- {name}: a single size measured; {at_top}")
    print("\nGrowth exponent (least squares of log time against log lines, 4k lines and up; target ≤ 1.15, "
          "64k lines ≤ 4× floor):")
    print("\n".join(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
