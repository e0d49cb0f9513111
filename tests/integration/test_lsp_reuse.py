"""The language server reuses a document's parse and walk across its versions (engine/reuse.py):
what it publishes after each edit is what `mlops-lint check` says of that version."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from mlops_lint.engine import parse as parse_module

pytest.importorskip("pygls")

from test_lsp import Client, client  # noqa: E402,F401  - the real server over stdio, and its fixture

BASE = """\
import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


def load(path):
    return np.load(path)


X = StandardScaler().fit_transform(load("x.npy"))
y = load("y.npy")
X_train, X_test, y_train, y_test = train_test_split(X, y)
print(X_train.shape)
"""


def _check(path: Path, text: str) -> list[tuple[str, int, int]]:
    """What `mlops-lint check` reports on ``text`` saved at ``path``: (code, line, column), 0-based as LSP."""
    path.write_text(text, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mlops_lint", "check", "--output-format", "json", str(path)],
                            cwd=path.parent, capture_output=True, text=True, check=False)
    found = json.loads(result.stdout)["diagnostics"]
    return sorted((d["code"], d["location"]["row"] - 1, d["location"]["column"] - 1) for d in found)


def _published(message: dict[str, Any]) -> list[tuple[str, int, int]]:
    return sorted((d["code"], d["range"]["start"]["line"], d["range"]["start"]["character"])
                  for d in message["params"]["diagnostics"])


def test_each_edited_version_gets_the_diagnostics_of_check(client, tmp_path):  # noqa: F811
    uri = (tmp_path / "train.py").as_uri()
    versions = [
        BASE,
        BASE.replace('load("y.npy")', 'load("labels.npy")'),  # typing inside a line
        BASE.replace("print(X_train.shape)", "X_test = StandardScaler().fit_transform(X_test)\nprint(X_train.shape)"),  # a line added
        BASE.replace("X = StandardScaler().fit_transform(", "X = StandardScaler().fit_transform(("),  # a bracket broken
        BASE.replace("X = StandardScaler().fit_transform(", "X = (StandardScaler().fit_transform("),  # and closed elsewhere
        BASE.replace("\n\ndef load(path):\n", "\n\n@staticmethod\ndef load(path):\n"),  # a decorator
        BASE.replace('y = load("y.npy")\n', ""),  # a line deleted
        BASE,
    ]
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": versions[0]}})
    for number, text in enumerate(versions, start=1):
        if number > 1:
            client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": number},
                                                     "contentChanges": [{"text": text}]})
        message = client.wait(lambda m, version=number: m.get("method") == "textDocument/publishDiagnostics"
                              and m["params"]["uri"] == uri and m["params"].get("version") == version)
        expected = _check(tmp_path / f"check_{number}.py", text)
        assert _published(message) == expected, number
    assert {code for code, _, _ in _check(tmp_path / "check_base.py", BASE)} >= {"MLO101"}  # findings to compare


class _Document(SimpleNamespace):
    pass


def _server_about_to_lint(monkeypatch: pytest.MonkeyPatch, text: str) -> tuple[Any, list[object]]:
    """A server whose next lint of "key" reads ``text``; its jobs are recorded, not run."""
    from mlops_lint.integrations import lsp
    from mlops_lint.integrations.lsp import MlopsLintServer, Snapshot

    server = MlopsLintServer()
    snapshot = Snapshot("train.py", text, (_Document(source=text),), ("state",))
    monkeypatch.setattr(server, "_snapshot", lambda key: snapshot)
    monkeypatch.setattr(server, "_open_modules", lambda key: ())
    monkeypatch.setattr(server, "warm_up", lambda: None)
    handed: list[object] = []
    monkeypatch.setattr(lsp, "start_lint", lambda lint: handed.append(parse_module._handed_over))
    return server, handed


def test_a_forked_lint_is_handed_the_front_end_of_its_very_text(monkeypatch: pytest.MonkeyPatch) -> None:
    from mlops_lint.integrations import lint_jobs

    monkeypatch.setattr(lint_jobs, "_FORK", True)
    server, handed = _server_about_to_lint(monkeypatch, BASE)
    server._begin("key")
    [(text, cells, parsed)] = handed  # type: ignore[misc]
    assert (text, cells) == (BASE, None) and parsed.tree is not None and parsed.index is not None
    assert parse_module._handed_over is None  # only the child keeps it
    server.close("key")
    assert server.front_ends is not None and "key" not in server.front_ends._kept  # dropped on close


def test_a_lint_on_a_thread_parses_its_own_text(monkeypatch: pytest.MonkeyPatch) -> None:
    from mlops_lint.integrations import lint_jobs

    monkeypatch.setattr(lint_jobs, "_FORK", False)  # macOS, Windows: the lint would mutate a kept tree
    server, handed = _server_about_to_lint(monkeypatch, BASE)
    server._begin("key")
    assert handed == [None] and server.front_ends is None


def test_a_failure_of_the_reuse_leaves_the_lint_to_parse_its_text(monkeypatch: pytest.MonkeyPatch) -> None:
    from mlops_lint.engine import reuse
    from mlops_lint.integrations import lint_jobs

    monkeypatch.setattr(lint_jobs, "_FORK", True)
    server, handed = _server_about_to_lint(monkeypatch, BASE)

    def broken(document: object) -> object:
        raise ValueError("a bug")

    monkeypatch.setattr(reuse, "_afresh", broken)
    server._begin("key")
    assert handed == [None]  # the lint still starts, and parses on its own
