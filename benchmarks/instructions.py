"""Count the instructions a lint executes: a figure that does not move with the machine's load.

    python benchmarks/instructions.py [examples-quarter | lsp-module | lsp-notebook | FILE_LIST]...

Wall and CPU times on a shared machine drift by tens of percent from minute to minute, so two
versions of the code are compared here by the number of machine instructions their lint executes
under valgrind's callgrind (deterministic with ``PYTHONHASHSEED=0``; needs ``valgrind`` on PATH).
Each target is run twice in a fresh interpreter, once loading everything (catalog, rules, the
documents) without linting and once linting too; the difference is the lint's own count:

- ``examples-quarter``: every fourth file of the examples corpus (benchmarks/corpus.py), linted
  one after the other in one process, default rules, project analysis on (as the CLI does);
- ``lsp-module`` / ``lsp-notebook``: the 5k-line module and notebook of benchmarks/lsp_latency.py,
  linted as the language server lints them after a change (no fix proposals);
- a file listing paths, one per line.

It counts whichever ``mlops_lint`` the running interpreter imports, so the same command in two
checkouts' environments gives an A/B that a noisy machine cannot blur. Timings stay the figures
that targets are judged by (bench.py, lsp_latency.py); counts say whether a change cut work.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
LSP_LINES = 5000


def _child(target: str, lint: bool) -> None:
    """Runs under callgrind: load what the lint needs, then lint it if asked."""
    sys.path.insert(0, str(HERE))
    from mlops_lint.analysis import module  # noqa: F401  - imported by the first lint otherwise
    from mlops_lint.catalog import load_catalog
    from mlops_lint.engine.lint import LintOptions, lint_document
    from mlops_lint.engine.registry import check_pairing
    from mlops_lint.project import ProjectOptions
    from mlops_lint.source import SourceDocument, document_from_bytes, read_document
    from mlops_lint.source.reading import DEFAULT_MAX_FILE_SIZE

    catalog = load_catalog(None)
    check_pairing(catalog)
    selected = frozenset(code for code, spec in catalog.rules.items() if spec.default)
    if target in ("lsp-module", "lsp-notebook"):
        from scaling import notebook, python_module

        options = LintOptions(selected=selected, propose_fixes=False)
        if target == "lsp-module":
            documents = [SourceDocument("/lsp/leaky.py", python_module("leaky script", LSP_LINES))]
        else:
            documents = [document_from_bytes("/lsp/notebook.ipynb", notebook(LSP_LINES).encode())]
    else:
        files = Path(target).read_text(encoding="utf-8").split()
        roots = tuple(sorted({os.path.dirname(os.path.abspath(f)) for f in files}))
        options = LintOptions(selected=selected, project=ProjectOptions(roots, DEFAULT_MAX_FILE_SIZE, (), True))
        documents = [read_document(f) for f in files]
    if lint:
        for document in documents:
            lint_document(document, catalog, options)


def _quarter(work: Path) -> str:
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE.parent))
    from corpus import DEFAULT_DEST, build, example_folders

    from mlops_lint.discovery import discover
    from mlops_lint.settings import DEFAULT_EXCLUDES

    build(DEFAULT_DEST)
    files = list(discover([str(f) for f in example_folders(DEFAULT_DEST)], DEFAULT_EXCLUDES))
    listing = work / "examples-quarter.files"
    listing.write_text("\n".join(files[3::4]) + "\n", encoding="utf-8")
    return str(listing)


def callgrind_count(script: str, arguments: list[str], target: str) -> int:
    """The instructions ``python script *arguments`` executes under callgrind (``target`` names it in an error)."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    environment["PYTHONHASHSEED"] = "0"  # set and dict orders, hence the work, the same every run
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, script, *arguments]
    result = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    found = re.search(r"Collected : (\d+)", result.stderr)
    if result.returncode != 0 or found is None:
        raise SystemExit(f"callgrind failed on {target}:\n{result.stderr[-2000:]}")
    return int(found.group(1))


def _count(target: str, lint: bool) -> int:
    return callgrind_count(__file__, ["--child", target, *(["--lint"] if lint else [])], target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", default=["examples-quarter", "lsp-module"])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--lint", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.lint)
        return 0
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not on PATH (Debian/Ubuntu: apt install valgrind)")
    import tempfile

    print("| target | lint, million instructions | loading, million |")
    print("|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="mlops-lint-count-") as folder:
        for target in args.targets:
            path = _quarter(Path(folder)) if target == "examples-quarter" else target
            # Once without counting: the bytecode of every module the lint imports is written
            # then, not compiled inside one of the two counts.
            subprocess.run([sys.executable, __file__, "--child", path, "--lint"], check=True,
                           env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"})
            loading = _count(path, lint=False)
            linting = _count(path, lint=True)
            print(f"| {target} | {(linting - loading) / 1e6:.0f} | {loading / 1e6:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
