"""JupyterLab's route: the real jupyter-lsp finds `mlops-lint server` by its entry point and talks to it.

jupyter-lsp's own LanguageServerManager discovers the spec; its own LanguageServerSession starts
the process and carries the JSON-RPC (as it does behind JupyterLab's websocket); the notebook
arrives as jupyterlab-lsp sends it, one Python virtual document named like the notebook.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest

from mlops_lint.integrations.jupyter_lsp import MlopsLintSpec, as_lintable

pytest.importorskip("pygls")
jupyter_lsp = pytest.importorskip("jupyter_lsp")

TIMEOUT = 60  # seconds per awaited message

# Three cells as jupyterlab-lsp joins them (two blank lines between cells). It rewrote
# `%matplotlib inline` itself; the help line at the end is left for the server to read as IPython would.
VIRTUAL_DOCUMENT = """\
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
get_ipython().run_line_magic("matplotlib", " inline")
df = pd.read_csv("data.csv")


X = StandardScaler().fit_transform(df)


X_train, X_test = train_test_split(X, random_state=0)
X_train.shape?
"""


def _line_and_column(text: str, needle: str) -> tuple[int, int]:
    for number, line in enumerate(text.split("\n")):
        if needle in line:
            return number, line.index(needle)
    raise AssertionError(needle)


class Conversation:
    """JupyterLab's side of jupyter-lsp's session: send JSON-RPC, await what the server answers."""

    def __init__(self, manager) -> None:
        self.session = manager.sessions["mlops-lint"]
        self.received: asyncio.Queue = asyncio.Queue()

        async def on_server_message(message, session) -> None:  # where jupyter-lsp hands messages to JupyterLab
            self.received.put_nowait(message)

        manager.on_server_message = on_server_message

    def send(self, **message) -> None:
        self.session.write(json.dumps({"jsonrpc": "2.0", **message}))

    async def until(self, wanted) -> dict:
        while True:
            message = json.loads(await asyncio.wait_for(self.received.get(), TIMEOUT))
            if wanted(message):
                return message

    async def open(self, root: Path, uri: str, text: str) -> list[dict]:
        """initialize, open one document, return the diagnostics published for it."""
        self.send(id=1, method="initialize", params={"processId": None, "rootUri": root.as_uri(), "capabilities": {}})
        initialized = await self.until(lambda m: m.get("id") == 1)
        assert initialized["result"]["serverInfo"]["name"] == "mlops-lint"
        self.send(method="initialized", params={})
        self.send(method="textDocument/didOpen", params={"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
        published = await self.until(lambda m: m.get("method") == "textDocument/publishDiagnostics")
        assert published["params"]["uri"] == uri
        return published["params"]["diagnostics"]


def discovered(tmp_path, monkeypatch):
    """jupyter-lsp's manager, initialised as the Jupyter server does it, in its folder."""
    monkeypatch.chdir(tmp_path)  # jupyter-lsp starts servers in the Jupyter server's folder
    manager = jupyter_lsp.LanguageServerManager()
    manager.initialize()
    return manager


def test_jupyter_lsp_discovers_a_working_mlops_lint_server(tmp_path, monkeypatch):
    manager = discovered(tmp_path, monkeypatch)
    spec = manager.language_servers["mlops-lint"]
    assert (spec["argv"], spec["languages"], spec["display_name"]) == (
        [sys.executable, "-m", "mlops_lint", "server"], ["python"], "mlops-lint")
    uri = (tmp_path / ".virtual_documents" / "analysis.ipynb").as_uri()

    async def scenario() -> list[dict]:
        conversation = Conversation(manager)
        conversation.session.initialize()
        try:
            return await conversation.open(tmp_path, uri, VIRTUAL_DOCUMENT)
        finally:
            conversation.session.stop()

    [diagnostic] = asyncio.run(scenario())
    split_line, split_column = _line_and_column(VIRTUAL_DOCUMENT, "train_test_split(X")
    fit_line, fit_column = _line_and_column(VIRTUAL_DOCUMENT, "StandardScaler()")
    assert (diagnostic["code"], diagnostic["range"]["start"]) == ("MLO101", {"line": split_line, "character": split_column})
    [related] = diagnostic["relatedInformation"]
    assert related["message"] == "fitted here"
    assert (related["location"]["uri"], related["location"]["range"]["start"]) == (uri, {"line": fit_line, "character": fit_column})


def test_a_notebooks_quick_fix_comes_back_as_an_edit_of_its_virtual_document(tmp_path, monkeypatch):
    manager = discovered(tmp_path, monkeypatch)
    uri = (tmp_path / ".virtual_documents" / "fixable.ipynb").as_uri()
    text = ("from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler\n\n\n"
            "X = StandardScaler().fit_transform(X)\n\n\nX_train, X_test, y_train, y_test = train_test_split(X, y)\n")

    async def scenario() -> tuple[list[dict], dict]:
        conversation = Conversation(manager)
        conversation.session.initialize()
        try:
            diagnostics = await conversation.open(tmp_path, uri, text)
            conversation.send(id=2, method="textDocument/codeAction", params={
                "textDocument": {"uri": uri}, "range": diagnostics[0]["range"], "context": {"diagnostics": diagnostics}})
            return diagnostics, await conversation.until(lambda m: m.get("id") == 2)
        finally:
            conversation.session.stop()

    diagnostics, answer = asyncio.run(scenario())
    assert [(d["code"], d["range"]["start"]["line"]) for d in diagnostics] == [("MLO101", 7)]
    [action] = answer["result"]
    assert (action["kind"], list(action["edit"]["changes"])) == ("quickfix", [uri])
    assert applied(text, action["edit"]["changes"][uri]) == (
        "from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler\n\n\n\n\n"
        "X_train, X_test, y_train, y_test = train_test_split(X, y)\nstandard_scaler = StandardScaler()\n"
        "X_train = standard_scaler.fit_transform(X_train)\nX_test = standard_scaler.transform(X_test)\n"
    )


def applied(text: str, edits: list[dict]) -> str:
    """The text after an LSP client applies ``edits`` (ASCII text: UTF-16 columns are code points)."""
    starts = [0]
    for line in text.split("\n"):
        starts.append(starts[-1] + len(line) + 1)

    def offset(position: dict) -> int:
        return starts[position["line"]] + position["character"]

    for edit in sorted(edits, key=lambda e: offset(e["range"]["start"]), reverse=True):
        text = text[: offset(edit["range"]["start"])] + edit["newText"] + text[offset(edit["range"]["end"]):]
    return text


def test_a_virtual_document_is_read_as_the_notebook_it_stands_for(tmp_path):
    virtual = tmp_path / ".virtual_documents" / "sub" / "analysis.ipynb"
    lintable = as_lintable(str(virtual), "\nimport os\n\nx = 1\n\n\n  y = 2\n\n\n\n\nz = 3\n")
    assert lintable.path == str(tmp_path / "sub" / "analysis.ipynb")
    assert [cell["source"] for cell in json.loads(lintable.text)["cells"]] == ["import os\n\nx = 1", "  y = 2", "z = 3"]
    assert lintable.cell_starts == (2, 7, 12)
    plain = as_lintable(str(tmp_path / "train.py"), "x = 1\n")
    assert (plain.path, plain.text, plain.cell_starts) == (str(tmp_path / "train.py"), "x = 1\n", ())


def test_a_cell_being_typed_does_not_hide_the_findings_of_the_others(tmp_path):
    from mlops_lint.integrations.lsp import lint_text

    text = VIRTUAL_DOCUMENT.replace("X_train.shape?", "X_train.shape?\n\n\nmodel = (")
    lintable = as_lintable(str(tmp_path / ".virtual_documents" / "analysis.ipynb"), text)
    found = lintable.to_document(lint_text(lintable.path, lintable.text))
    lines = text.split("\n")
    assert [(d.code, d.location.cell, d.location.start.line, lines[d.location.start.line - 1]) for d in found] == [
        ("MLO101", None, 11, "X_train, X_test = train_test_split(X, random_state=0)"),
        ("MLO001", None, 15, "model = ("),
    ]
    assert "(line 1 of cell 2) before 'X' is split (line 1 of cell 3)" in found[0].message


def test_without_pygls_the_spec_is_listed_with_its_install_command_but_not_started(monkeypatch):
    monkeypatch.setattr(MlopsLintSpec, "is_installed", lambda self, manager=None: False)
    [(key, spec)] = MlopsLintSpec()(None).items()
    assert (key, spec["argv"], spec["install"]) == ("mlops-lint", [], {"pip": "pip install 'mlops-lint[lsp]'"})
    errors = list(jupyter_lsp.schema.LANGUAGE_SERVER_SPEC_MAP.iter_errors({key: spec}))
    assert errors == []
