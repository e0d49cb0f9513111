"""Replay the output of an unchanged command before the command line is even parsed.

A warm run that answers.py can answer still pays for importing the command line (click and the
reporters cost more than checking that nothing changed). So the entry points call ``replay``
first: when the same command line, in the same folder, printing to the same kind of output, was
answered or recorded before, and that run's record still holds (answers.load_valid: the
configuration candidates, discovery run again, every file), the printed text and the exit status
are replayed, and nothing else is loaded.

Only plain ``check`` runs printing to a file or a pipe (CI, pre-commit, editors' tasks) are
replayed: not on a terminal (colours), not with ``--fix``, ``--diff``, stdin, ``--verbose`` or
``--no-cache``. Anything unexpected means a normal run.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from mlops_lint.cache import answers, folder
from mlops_lint.cache.fingerprint import FORMAT, hash_parts, tool_fingerprint

TYPE_CHECKING = False  # typing is not loaded on this path (annotations are never evaluated)
if TYPE_CHECKING:
    from typing import Any, NoReturn

KIND = "mlops-lint replay"
_OTHER_COMMANDS = {"rules", "rule", "server", "--help", "-h", "--version"}
_NOT_REPLAYED = {"--fix", "--diff", "--unsafe-fixes", "--verbose", "--no-cache", "--help", "-h", "--version"}

# The command line of this process when its output may be recorded for replay (set by ``replay``).
_armed: list[str] | None = None


def _eligible(argv: list[str]) -> bool:
    if argv and argv[0] in _OTHER_COMMANDS:
        return False
    if os.environ.get("MLOPS_LINT_DEBUG") == "1" or sys.stdout is None or sys.stdout.isatty():
        return False
    for arg in argv:
        if arg == "-" or arg.split("=", 1)[0] in _NOT_REPLAYED:
            return False
        if arg.startswith("-") and not arg.startswith("--"):
            letters = arg[1:]
            if not (letters.startswith("j") or set(letters) == {"q"}):  # -q, -j N; never a cluster with -v or -h
                return False
    return True


def _base(argv: list[str]) -> Path | None:
    explicit = None
    for index, arg in enumerate(argv):
        if arg == "--cache-dir" and index + 1 < len(argv):
            explicit = Path(argv[index + 1])
        elif arg.startswith("--cache-dir="):
            explicit = Path(arg.split("=", 1)[1])
    return folder.base_folder(explicit)


def _key(argv: list[str], tool: str) -> str:
    context = [argv, os.getcwd(), sys.stdout.encoding, sys.stdout.errors, os.environ.get("NO_COLOR")]
    return hash_parts(str(FORMAT).encode(), tool.encode(), json.dumps(context).encode("utf-8", "surrogateescape"))


def _runs(argv: list[str], create: bool) -> Path | None:
    base = _base(argv)
    if base is None:
        return None
    try:
        return folder.trusted_folder(base, folder.RUNS, create=create)
    except (folder.UntrustedFolder, OSError):
        return None


def _valid(document: Any, key: str) -> bool:
    return (
        type(document) is dict and document.get("kind") == KIND and document.get("key") == key
        and type(document.get("run")) is str and type(document.get("stdout")) is str
        and type(document.get("exit")) is int and document["exit"] in (0, 1, 2)
    )


def replay(argv: list[str]) -> None:
    """Print the recorded output and exit when this command's last run still holds; else return."""
    global _armed
    if not _eligible(argv):
        return
    _armed = argv
    runs = _runs(argv, create=False)
    if runs is None:
        return
    from mlops_lint.catalog.locate import catalog_dir

    key = _key(argv, tool_fingerprint(catalog_dir()))
    data = folder.read_file(runs / f"replay-{key}.json")
    if data is None:
        return
    try:
        document = json.loads(data)
    except ValueError:
        return
    if not _valid(document, key) or answers.load_valid(runs, document["run"]) is None:
        return
    _print_and_exit(document["stdout"], document["exit"])


def _print_and_exit(text: str, status: int) -> NoReturn:
    sys.stdout.write(text)
    sys.stdout.flush()
    raise SystemExit(status)


def remember(text: str, status: int) -> None:
    """After a normal run of an armed command: keep its output for ``replay``, tied to its run record."""
    if _armed is None or answers.last_record is None:
        return
    runs, run_key = answers.last_record
    if runs != _runs(_armed, create=False):
        return  # the run used another cache folder than the command line says: never mix them
    try:
        text.encode(sys.stdout.encoding or "utf-8", sys.stdout.errors or "strict")
    except (UnicodeError, LookupError):
        return  # printed by click's own fallbacks: not replayed
    from mlops_lint.catalog.locate import catalog_dir

    key = _key(_armed, tool_fingerprint(catalog_dir()))
    document = {"format": FORMAT, "kind": KIND, "key": key, "run": run_key, "stdout": text, "exit": status}
    try:
        folder.write_file(runs / f"replay-{key}.json", json.dumps(document, separators=(",", ":")).encode("ascii"))
    except OSError as problem:
        folder.explain(problem)
