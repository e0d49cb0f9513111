"""Count the instructions of one keystroke's lint in the language server, split between its two processes.

    python benchmarks/lsp_child_instructions.py [module] [notebook]

Since the server reuses the parse and walk of what an edit did not touch (mlops_lint/engine/reuse.py),
a keystroke's work is done in two places: the server builds the new version's front end from the
last one's, then the forked child lints with it. For the 5k-line module and notebook of
benchmarks/lsp_latency.py, with one character typed at the end of the last line (of the last
cell), this counts under callgrind (as benchmarks/instructions.py does, ``PYTHONHASHSEED=0``):

- ``from scratch``: the lint of the new text as a child without reuse does it (``lint_document``
  with the collector off, as in the child);
- ``server step``: ``FrontEnds.parsed`` of the new version, the last version's already kept;
- ``child``: the lint of the new text with that front end handed over, without the release that
  the child's exit makes useless.

Each figure is the difference between two runs of a fresh interpreter that stop at successive
stages (everything loaded, the last version's front end built, ...), so loading is not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from instructions import callgrind_count  # noqa: E402  - a sibling script, as lsp_latency.py imports scaling

LINES = 5000


def _child(target: str, stage: int, reuse: bool) -> None:
    """Runs under callgrind: stage 0 loads, 1 also builds the server's front end of the new version, 2 lints."""
    sys.path.insert(0, str(HERE))
    import gc

    from scaling import notebook, python_module

    from mlops_lint.analysis import module  # noqa: F401  - imported by the first lint otherwise
    from mlops_lint.catalog import load_catalog
    from mlops_lint.engine.lint import LintOptions, exit_after_lint, lint_document
    from mlops_lint.engine.parse import handed_over
    from mlops_lint.engine.registry import check_pairing
    from mlops_lint.engine.reuse import FrontEnds
    from mlops_lint.source import document_from_bytes

    catalog = load_catalog(None)
    check_pairing(catalog)
    options = LintOptions(selected=frozenset(code for code, spec in catalog.rules.items() if spec.default), propose_fixes=False)
    if target == "module":
        text = python_module("leaky script", LINES)
        old = document_from_bytes("/lsp/leaky.py", text.encode())
        new = document_from_bytes("/lsp/leaky.py", (text + "x").encode())
    else:
        data = json.loads(notebook(LINES))
        old = document_from_bytes("/lsp/notebook.ipynb", json.dumps(data).encode())
        code = [cell for cell in data["cells"] if cell["cell_type"] == "code"]
        code[-1]["source"] = "".join(code[-1]["source"]) + "x"
        new = document_from_bytes("/lsp/notebook.ipynb", json.dumps(data).encode())
    gc.disable()  # as in the forked child
    if not reuse:
        if stage >= 2:
            lint_document(new, catalog, options)
        os._exit(0)  # as the child leaves: the interpreter's clean-up is not the lint's
    front_ends = FrontEnds()
    front_ends.parsed("key", old)
    if stage >= 1:
        parsed = front_ends.parsed("key", new)
    if stage >= 2:
        exit_after_lint()
        with handed_over(new.text, new.cell_map.starts if new.cell_map is not None else None, parsed):
            lint_document(new, catalog, options)
    os._exit(0)


def _count(target: str, stage: int, reuse: bool) -> int:
    return callgrind_count(__file__, ["--child", target, "--stage", str(stage), *(["--reuse"] if reuse else [])], target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", default=["module", "notebook"], help="module, notebook or both")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--stage", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--reuse", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.stage, args.reuse)
        return 0
    if not set(args.targets) <= {"module", "notebook"}:
        parser.error("the targets are module and notebook")
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not on PATH (Debian/Ubuntu: apt install valgrind)")
    print("| document | from scratch, million instructions | server step | child | server step + child |")
    print("|---|---|---|---|---|")
    for target in args.targets:
        # Once without counting: the bytecode of every module is written then, not compiled in a count.
        subprocess.run([sys.executable, __file__, "--child", target, "--stage", "2", "--reuse"], check=True,
                       env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"})
        scratch = _count(target, 2, False) - _count(target, 0, False)
        loaded, stepped, linted = (_count(target, stage, True) for stage in (0, 1, 2))
        step, child = stepped - loaded, linted - stepped
        print(f"| {target} | {scratch / 1e6:.0f} | {step / 1e6:.0f} | {child / 1e6:.0f} | {(step + child) / 1e6:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
