"""Lint large real trees with every rule and count what must never happen: crashes and MLO003.

Usage: python scripts/sweep.py [PATH ...]
Without paths it sweeps the standard library of the running Python and, when present, the
scikit-learn sdist of the development corpus. Exit status 1 when any file crashed or got MLO003.
"""

from __future__ import annotations

import argparse
import resource
import sys
import sysconfig
import time
import traceback
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mlops_lint.catalog import load_catalog  # noqa: E402
from mlops_lint.discovery import discover  # noqa: E402
from mlops_lint.engine.lint import LintOptions, lint_path  # noqa: E402

CORPUS_SKLEARN = Path.home() / ".cache" / "mlops-lint" / "dev-corpus" / "scikit_learn-1.9.1"


def default_roots() -> list[Path]:
    roots = [Path(sysconfig.get_paths()["stdlib"])]
    if CORPUS_SKLEARN.is_dir():
        roots.append(CORPUS_SKLEARN)
    return roots


def sweep(root: Path, options: LintOptions, show: bool) -> Counter:
    catalog = load_catalog()
    counts: Counter = Counter()
    # Third-party packages installed under the stdlib folder are not the stdlib.
    for path in discover([str(root)], ("site-packages", "dist-packages")):
        counts["files"] += 1
        try:
            diagnostics = lint_path(path, catalog, options)
        except Exception:  # exactly what the engine promises never happens
            counts["crashes"] += 1
            print(f"CRASH {path}\n{traceback.format_exc()}", file=sys.stderr)
            continue
        for diagnostic in diagnostics:
            counts[diagnostic.code] += 1
            if diagnostic.code == "MLO003" or (show and diagnostic.code in ("MLO001", "MLO002")):
                location = diagnostic.location
                print(f"{diagnostic.code} {location.path}:{location.start.line}: {diagnostic.message}", file=sys.stderr)
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--show", action="store_true", help="also print every MLO001/MLO002")
    args = parser.parse_args()
    options = LintOptions(selected=frozenset(load_catalog().rules))
    total: Counter = Counter()
    for root in args.paths or default_roots():
        started = time.perf_counter()
        counts = sweep(root, options, args.show)
        total.update(counts)
        findings = sum(n for code, n in counts.items() if code.startswith("MLO") and code[3] != "0")
        print(f"{root}: files {counts['files']}, crashes {counts['crashes']}, MLO003 {counts['MLO003']}, "
              f"MLO001 {counts['MLO001']}, MLO002 {counts['MLO002']}, findings {findings}, "
              f"{time.perf_counter() - started:.1f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"total: files {total['files']}, crashes {total['crashes']}, MLO003 {total['MLO003']}, "
          f"MLO001 {total['MLO001']}, MLO002 {total['MLO002']}, peak RSS {peak:.0f} MiB")
    return 1 if total["crashes"] or total["MLO003"] else 0


if __name__ == "__main__":
    sys.exit(main())
