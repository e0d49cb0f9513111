"""Replay the output of an unchanged command before the command line is even parsed.

A warm run that answers.py can answer still pays for importing the command line (click and the
reporters cost more than checking that nothing changed). So the entry points call ``replay``
first: when the same command line, in the same folder, printing to the same kind of output, was
answered or recorded before, and that run's record still holds (answers.load_valid: the
configuration candidates, discovery run again, every file), the printed text and the exit status
are replayed, and nothing else is loaded.

Only plain ``check`` runs printing to files or pipes (CI, pre-commit, editors' tasks) are
replayed: not when stdout or stderr is a terminal (colours, the progress bar), not with ``--fix``,
``--diff``, stdin, ``--verbose`` or ``--no-cache``, and not when the configuration gave warnings.
The summary line on stderr is the one the cached answer prints, with the replay's own time.
Anything unexpected means a normal run.
"""

from __future__ import annotations

import os
import sys
import time

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
    if sys.stderr is None or sys.stderr.isatty():  # a person watching gets the progress bar of a real run
        return False
    for arg in argv:
        if arg == "-" or arg.split("=", 1)[0] in _NOT_REPLAYED:
            return False
        if arg.startswith("-") and not arg.startswith("--"):
            letters = arg[1:]
            if not (letters.startswith("j") or set(letters) == {"q"}):  # -q, -j N; never a cluster with -v or -h
                return False
    return True


def _base(argv: list[str]) -> str | None:
    explicit = None
    for index, arg in enumerate(argv):
        if arg == "--cache-dir" and index + 1 < len(argv):
            explicit = argv[index + 1]
        elif arg.startswith("--cache-dir="):
            explicit = arg.split("=", 1)[1]
    return folder.base_path(explicit)


def _key(argv: list[str], tool: str) -> str:
    context = [argv, os.getcwd(), sys.stdout.encoding, sys.stdout.errors, os.environ.get("NO_COLOR")]
    return hash_parts(str(FORMAT).encode(), tool.encode(), ascii(context).encode())  # not json: it loads re


def _runs(argv: list[str], create: bool) -> str | None:
    base = _base(argv)
    if base is None:
        return None
    try:
        return folder.trusted_path(base, folder.RUNS, create=create)
    except (folder.UntrustedFolder, OSError):
        return None


def _valid(document: Any, key: str) -> bool:
    return (
        type(document) is dict and document.get("kind") == KIND and document.get("key") == key
        and type(document.get("run")) is str and type(document.get("stdout")) is str
        and type(document.get("exit")) is int and document["exit"] in (0, 1, 2)
        and type(document.get("summary")) is list and len(document["summary"]) in (0, 2)
        and all(type(part) is str for part in document["summary"])
    )


def replay(argv: list[str]) -> None:
    """Print the recorded output and exit when this command's last run still holds; else return."""
    global _armed
    started = time.perf_counter()
    if not _eligible(argv):
        return
    _armed = argv
    runs = _runs(argv, create=False)
    if runs is None:
        return
    from mlops_lint.catalog.locate import catalog_path

    key = _key(argv, tool_fingerprint(catalog_path()))
    document = folder.read_json(os.path.join(runs, f"replay-{key}.json"))
    if not _valid(document, key) or answers.load_valid(runs, document["run"]) is None:
        return
    summary = ""
    if document["summary"]:
        before, after = document["summary"]
        summary = f"{before}{time.perf_counter() - started:.1f}{after}"
    _print_and_exit(document["stdout"], summary, document["exit"])


def _print_and_exit(text: str, summary: str, status: int) -> NoReturn:
    sys.stdout.write(text)
    sys.stdout.flush()
    if summary:
        sys.stderr.write(summary)
        sys.stderr.flush()
    raise SystemExit(status)


# The summary line's time, as cli.py passes it: replaced by the replay's own time.
_NO_TIME = " in 0.0 s: "


def remember(text: str, status: int, summary: str = "") -> None:
    """After a normal run of an armed command: keep its output for ``replay``, tied to its run record.

    ``summary`` is the line the command prints on stderr when answered from the cache, with a time
    of 0.0 s; a summary whose time cannot be found is not replayed (the command runs normally).
    """
    if _armed is None or answers.last_record is None:
        return
    parts: list[str] = []
    if summary:
        before, found, after = summary.partition(_NO_TIME)
        if not found:
            return
        parts = [before + " in ", " s: " + after]
    runs, run_key = answers.last_record
    if runs != _runs(_armed, create=False):
        return  # the run used another cache folder than the command line says: never mix them
    try:
        text.encode(sys.stdout.encoding or "utf-8", sys.stdout.errors or "strict")
    except (UnicodeError, LookupError):
        return  # printed by click's own fallbacks: not replayed
    from mlops_lint.catalog.locate import catalog_path

    key = _key(_armed, tool_fingerprint(catalog_path()))
    document = {"format": FORMAT, "kind": KIND, "key": key, "run": run_key, "stdout": text, "exit": status, "summary": parts}
    folder.write_json(os.path.join(runs, f"replay-{key}.json"), document)
