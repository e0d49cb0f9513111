"""Time from the last keystroke to the diagnostics, through the real language server over stdio.

    python benchmarks/lsp_latency.py [--rounds 7] [--lines 5000] [--keystrokes 8] [--interval 0.08]

Starts ``python -m mlops_lint server`` (the language server an editor starts), opens a module and a
notebook of about ``--lines`` lines each (benchmarks/scaling.py's templates: the leaky script, and
the notebook that mixes every template in cells), waits for their first diagnostics, then types:
each round sends ``--keystrokes`` incremental changes, one character each, ``--interval`` seconds
apart, at the end of the last line (of the last cell), and measures the wall time from sending the
last keystroke to receiving the diagnostics of that very version. It prints the median and the
range over ``--rounds`` rounds, the CPU time the server and its lint processes spent on a round
(median; Linux only: it reads /proc; lints killed by a later keystroke included), and the wall and
CPU time of one in-process lint of the same text as the server lints it on a change, without fix
proposals (what the server cannot go below). Wall times on a busy machine follow its load; CPU
times much less. Target (issue 16): 300 ms on a 5k-line module or notebook.

``--pythonpath DIR`` runs the server from another checkout (to compare with an older version).
Servers that publish notebook cells without a version are timed to the last cell's publication
after the round's last keystroke.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from scaling import notebook, python_module  # noqa: E402

WAIT = 600.0  # seconds: a server that lints on its event loop may queue many lints


class Server:
    """The server process and a reader thread that timestamps each message as it arrives."""

    def __init__(self, cwd: Path, pythonpath: str | None) -> None:
        environment = dict(os.environ)
        if pythonpath:
            environment["PYTHONPATH"] = pythonpath
        self.process = subprocess.Popen([sys.executable, "-m", "mlops_lint", "server"], cwd=cwd, env=environment,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.incoming: queue.Queue[tuple[float, dict[str, Any]]] = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            headers = {}
            while (line := stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            if not headers:
                return
            body = stream.read(int(headers["content-length"]))
            self.incoming.put((time.perf_counter(), json.loads(body)))

    def send(self, message: dict[str, Any]) -> float:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()
        return time.perf_counter()

    def notify(self, method: str, params: Any) -> float:
        return self.send({"method": method, "params": params})

    def request(self, method: str, params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == self.next_id and "method" not in m)[1]

    def wait(self, matches: Callable[[dict[str, Any]], bool]) -> tuple[float, dict[str, Any]]:
        deadline = time.perf_counter() + WAIT
        while True:
            arrived, message = self.incoming.get(timeout=max(deadline - time.perf_counter(), 0.001))
            if matches(message):
                return arrived, message

    def drain(self) -> None:
        while True:
            try:
                self.incoming.get_nowait()
            except queue.Empty:
                return

    def cpu_seconds(self) -> float | None:
        """CPU time of the server and of its children it has reaped (its lints); None without /proc."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # utime stime cutime cstime

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()


def _published(uri: str, version: int | None = None) -> Callable[[dict[str, Any]], bool]:
    def matches(message: dict[str, Any]) -> bool:
        if message.get("method") != "textDocument/publishDiagnostics" or message["params"]["uri"] != uri:
            return False
        published = message["params"].get("version")
        return version is None or published is None or published == version

    return matches


def _append(line: int, character: int, text: str) -> dict[str, Any]:
    position = {"line": line, "character": character}
    return {"range": {"start": position, "end": position}, "text": text}


def _round_cpu(server: Server, before: float | None, cpu: list[float]) -> None:
    time.sleep(0.1)  # the last lint process is reaped (its CPU counted) shortly after it answers
    after = server.cpu_seconds()
    if before is not None and after is not None:
        cpu.append(after - before)


def type_into_module(server: Server, folder: Path, text: str, args: argparse.Namespace, cpu: list[float]) -> list[float]:
    uri = (folder / "long_module.py").as_uri()
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
    server.wait(_published(uri, 1))
    lines = text.split("\n")
    line, column, version, latencies = len(lines) - 1, len(lines[-1]), 1, []
    server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [_append(line, column, "#")]})
    version, column = 2, column + 1
    for _ in range(args.rounds):
        time.sleep(args.pause)
        server.drain()
        before = server.cpu_seconds()
        for stroke in range(args.keystrokes):
            version += 1
            sent = server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                           "contentChanges": [_append(line, column, "x")]})
            column += 1
            if stroke < args.keystrokes - 1:
                time.sleep(args.interval)
        arrived, _ = server.wait(_published(uri, version))
        latencies.append(arrived - sent)
        _round_cpu(server, before, cpu)
    return latencies


def type_into_notebook(server: Server, folder: Path, document: str, args: argparse.Namespace, cpu: list[float]) -> list[float]:
    path = folder / "long_notebook.ipynb"
    cells = ["".join(cell["source"]) for cell in json.loads(document)["cells"] if cell["cell_type"] == "code"]
    uris = [f"vscode-notebook-cell:{path}#C{n}" for n in range(len(cells))]
    server.notify("notebookDocument/didOpen", {
        "notebookDocument": {"uri": path.as_uri(), "notebookType": "jupyter-notebook", "version": 1,
                             "cells": [{"kind": 2, "document": uri} for uri in uris]},
        "cellTextDocuments": [{"uri": uri, "languageId": "python", "version": 1, "text": text} for uri, text in zip(uris, cells)],
    })
    last = uris[-1]
    server.wait(_published(last))
    lines = cells[-1].split("\n")
    line, column = len(lines) - 1, len(lines[-1])
    notebook_version, cell_version, latencies = 1, 1, []
    for _ in range(args.rounds):
        time.sleep(args.pause)
        server.drain()
        before = server.cpu_seconds()
        for stroke in range(args.keystrokes):
            notebook_version += 1
            cell_version += 1
            sent = server.notify("notebookDocument/didChange", {
                "notebookDocument": {"uri": path.as_uri(), "version": notebook_version},
                "change": {"cells": {"textContent": [{"document": {"uri": last, "version": cell_version},
                                                      "changes": [_append(line, column, "#" if column == len(lines[-1]) else "x")]}]}},
            })
            column += 1
            if stroke < args.keystrokes - 1:
                time.sleep(args.interval)
        # A server that publishes cells without versions lints every keystroke: wait for the last one.
        arrived, message = server.wait(_published(last, cell_version))
        if message["params"].get("version") is None:
            for _ in range(args.keystrokes - 1):
                arrived, _ = server.wait(_published(last))
        latencies.append(arrived - sent)
        _round_cpu(server, before, cpu)
    return latencies


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def in_process_lint_seconds(name: str, text: str, runs: int = 3) -> tuple[float, float]:
    """Wall and CPU seconds (medians) of one lint of ``text`` as the server lints it on a change."""
    from mlops_lint.integrations.lsp import lint_text

    lint_text(name, text, fixes=False)
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), _cpu()
        lint_text(name, text, fixes=False)
        walls.append(time.perf_counter() - start)
        cpus.append(_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--keystrokes", type=int, default=8)
    parser.add_argument("--interval", type=float, default=0.08, help="seconds between keystrokes (0.08: a fast typist)")
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between rounds")
    parser.add_argument("--template", default="leaky script", help="the module's template (benchmarks/scaling.py)")
    parser.add_argument("--pythonpath", help="run the server from this checkout instead")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    module_text, notebook_text = python_module(args.template, args.lines), notebook(args.lines)
    print(f"{args.rounds} rounds of {args.keystrokes} keystrokes {args.interval * 1000:.0f} ms apart; "
          f"Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}\n")
    print("| document | lines | last keystroke → diagnostics, median ms | min–max ms | server CPU a round ms "
          "| one lint in-process ms | its CPU ms |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="mlops-lint-lsp-") as name:
        folder = Path(name)
        server = Server(folder, args.pythonpath)
        try:
            server.request("initialize", {"processId": os.getpid(), "rootUri": folder.as_uri(),
                                          "capabilities": {"notebookDocument": {"synchronization": {}}}})
            server.notify("initialized", {})
            cases = [
                (f"module ({args.template})", module_text.count("\n"), lambda cpu: type_into_module(server, folder, module_text, args, cpu),
                 lambda: in_process_lint_seconds(str(folder / "m.py"), module_text)),
                ("notebook (every template)", _code_lines(notebook_text),
                 lambda cpu: type_into_notebook(server, folder, notebook_text, args, cpu),
                 lambda: in_process_lint_seconds(str(folder / "n.ipynb"), _code_only(notebook_text))),
            ]
            for label, lines, measure, floor in cases:
                rounds_cpu: list[float] = []
                latencies = measure(rounds_cpu)
                wall, cpu = floor()
                server_cpu = f"{1000 * statistics.median(rounds_cpu):.0f}" if rounds_cpu else "–"
                print(f"| {label} | {lines} | {1000 * statistics.median(latencies):.0f} | "
                      f"{1000 * min(latencies):.0f}–{1000 * max(latencies):.0f} | {server_cpu} | {1000 * wall:.0f} | {1000 * cpu:.0f} |")
        finally:
            server.close()
    return 0


def _code_lines(document: str) -> int:
    return sum("".join(c["source"]).count("\n") for c in json.loads(document)["cells"] if c["cell_type"] == "code")


def _code_only(document: str) -> str:
    """The notebook as the server hands it to the engine: its code cells only."""
    data = json.loads(document)
    data["cells"] = [cell for cell in data["cells"] if cell["cell_type"] == "code"]
    return json.dumps(data)


if __name__ == "__main__":
    raise SystemExit(main())
