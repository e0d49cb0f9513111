"""Time mlops-lint against the ast.parse floor (and peers) on real corpora; print medians and ratios.

    python benchmarks/bench.py [--runs 5] [--only examples,whole,stdlib,single] [--peers]

Every measurement is the wall time of a whole process (start-up included) and the commands of
one corpus run alternately, so a busy machine slows all of them alike; the table shows medians
of the runs and ratios to the floor measured in the same run. mlops-lint runs as users run it:
the ``mlops-lint`` console script installed beside this interpreter (as pip writes it for CI and
pre-commit), else ``python -m mlops_lint``. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from corpus import DEFAULT_DEST, build, example_folders, whole_folders  # noqa: E402

from mlops_lint.discovery import discover  # noqa: E402
from mlops_lint.settings import DEFAULT_EXCLUDES  # noqa: E402

SMALL_FILE = HERE.parent / "docs" / "examples" / "leaky_training.py"


@dataclass
class Measure:
    name: str
    command: list[str]
    before: Callable[[], None] = lambda: None
    times: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


# Users run with compiled bytecode; a PYTHONDONTWRITEBYTECODE=1 shell would time the compiler instead.
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def stdlib_copy(root: Path) -> Path:
    """The stdlib's .py files copied outside any git work tree: an installation such as pyenv's is
    itself a git checkout whose .gitignore hides the interpreters, so discovery would find nothing."""
    target = root / "stdlib-copy"
    if not target.exists():
        source = Path(sysconfig.get_paths()["stdlib"])
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("site-packages", "__pycache__", "*.pyc", "*.so"))
    return target


def timed(command: list[str], cwd: Path) -> tuple[float, int]:
    """Wall time of one process and the peak RSS of it or any descendant it waited for (KiB)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENVIRONMENT)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited {process.returncode}")
    return elapsed, usage.ru_maxrss


def peer(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def entry_point() -> list[str]:
    """The console script beside this interpreter (what users run), else ``python -m mlops_lint``.

    Their start-up differs (the script pip writes imports ``re``; ``-m`` imports ``runpy``), which
    matters for a warm run of a few tens of milliseconds.
    """
    script = Path(sys.executable).parent / ("mlops-lint.exe" if os.name == "nt" else "mlops-lint")
    return [str(script)] if script.exists() else [sys.executable, "-m", "mlops_lint"]


def mlops_lint(*args: str) -> list[str]:
    return [*entry_point(), "check", "--output-format", "concise", *args]


def corpus_measures(name: str, folders: list[Path], work: Path, peers: bool, jobs: str | None) -> tuple[list[Measure], int]:
    files = list(discover([str(f) for f in folders], DEFAULT_EXCLUDES))
    listing = work / f"{name}.files"
    listing.write_text("\n".join(files) + "\n", encoding="utf-8")
    cache = work / f"{name}.cache"
    paths = [str(f) for f in folders]
    extra = ["-j", jobs] if jobs else []
    measures = [
        Measure("floor (read + ast.parse)", [sys.executable, str(HERE / "floor.py"), str(listing)]),
        Measure("mlops-lint cold", mlops_lint("--cache-dir", str(cache), *extra, *paths),
                before=lambda: shutil.rmtree(cache, ignore_errors=True)),
        Measure("mlops-lint warm", mlops_lint("--cache-dir", str(cache), *extra, *paths)),
    ]
    if peers and (flake8 := peer("flake8")):
        measures.append(Measure("flake8 (default plugins)", [flake8, "--isolated", "--exit-zero", *paths]))
    if peers and (ruff := peer("ruff")):
        ruff_args = ["check", "--isolated", "--select", "ALL", "--no-cache", "--exit-zero", "-q"]
        measures.append(Measure("ruff --select ALL", [ruff, *ruff_args, *paths]))
    return measures, len(files)


def single_measures(work: Path) -> list[Measure]:
    measures = [
        Measure("python -c pass", [sys.executable, "-c", "pass"]),
        Measure("mlops-lint one file, no cache", mlops_lint("--no-cache", str(SMALL_FILE))),
        Measure("mlops-lint one file, warm", mlops_lint("--cache-dir", str(work / "single.cache"), str(SMALL_FILE))),
    ]
    if flake8 := peer("flake8"):
        measures.append(Measure("flake8 one file", [flake8, "--isolated", "--exit-zero", str(SMALL_FILE)]))
    return measures


def run_alternately(measures: list[Measure], runs: int, cwd: Path) -> None:
    for measure in measures:  # untimed: writes bytecode, fills the page cache
        measure.before()
        timed(measure.command, cwd)
    for _ in range(runs):
        for measure in measures:
            measure.before()
            elapsed, rss = timed(measure.command, cwd)
            measure.times.append(elapsed)
            measure.rss_kib.append(rss)


def _row(corpus: str, files: int | str, measure: Measure, baseline: float, target: str) -> str:
    ratio = measure.median / baseline
    peak = max(measure.rss_kib) / 1024
    return f"| {corpus} | {files} | {measure.name} | {measure.median:.3f} | {ratio:.2f} | {peak:.0f} | {target} |"


def _verdict(value: float, limit: float, label: str) -> str:
    return f"{label} ≤ {limit:g}: {'met' if value <= limit else 'MISSED'} ({value:.2f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default="examples,whole,stdlib,single")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_DEST)
    parser.add_argument("--peers", action="store_true", help="also time flake8 and ruff on the examples corpus")
    parser.add_argument("--jobs", help="pass -j to mlops-lint (default: one process per core)")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    wanted = args.only.split(",")
    corpora: dict[str, list[Path]] = {}
    if {"examples", "whole"} & set(wanted):
        build(args.corpus)
        if "examples" in wanted:
            corpora["examples"] = example_folders(args.corpus)
        if "whole" in wanted:
            corpora["whole"] = whole_folders(args.corpus)
    if "stdlib" in wanted:
        corpora["stdlib"] = [stdlib_copy(args.corpus)]
    print(f"{args.runs} runs each, medians; Python {sys.version.split()[0]}, {os.cpu_count()} cores; "
          f"mlops-lint is {' '.join(entry_point())}\n")
    print("| corpus | files | command | median s | × baseline | peak RSS MiB | target |")
    print("|---|---|---|---|---|---|---|")
    verdicts = []
    with tempfile.TemporaryDirectory(prefix="mlops-lint-bench-") as folder:
        work = Path(folder)
        for corpus, folders in corpora.items():
            measures, files = corpus_measures(corpus, folders, work, args.peers and corpus == "examples", args.jobs)
            run_alternately(measures, args.runs, work)
            floor, cold, warm = measures[0].median, measures[1], measures[2]
            cold_limit = 0.2 if corpus == "stdlib" else 4.0
            for measure in measures:
                target = {"mlops-lint cold": f"≤ {cold_limit:g}× floor", "mlops-lint warm": "≤ 0.1× floor"}.get(measure.name, "")
                print(_row(corpus, files, measure, floor, target))
            verdicts.append(_verdict(cold.median / floor, cold_limit, f"{corpus}: cold / floor"))
            verdicts.append(_verdict(warm.median / cold.median, 0.1, f"{corpus}: warm / cold"))
            verdicts.append(_verdict(warm.median / floor, 0.1, f"{corpus}: warm / floor"))
            if corpus == "whole":
                verdicts.append(_verdict(max(cold.rss_kib) / 1024, 300, "whole: cold peak RSS MiB"))
        if "single" in wanted:
            measures = single_measures(work)
            run_alternately(measures, args.runs, work)
            flake8 = next((m for m in measures if m.name == "flake8 one file"), None)
            baseline = flake8.median if flake8 else measures[0].median
            for measure in measures:
                target = "≤ flake8" if measure.name.startswith("mlops-lint") and flake8 else ""
                print(_row("one small file", 1, measure, baseline, target))
            if flake8:
                verdicts.append(_verdict(measures[1].median / flake8.median, 1.0, "one file (no cache) / flake8"))
    print("\n(× baseline: the floor of the same corpus; for one file, flake8 on the same file)\n")
    print("\n".join(verdicts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
