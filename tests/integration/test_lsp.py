"""The language server over stdio, driven by a raw JSON-RPC client: open, receive diagnostics, change, receive the update."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from harness import FITTED_AFTER_SPLIT

pytest.importorskip("pygls")

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 30  # seconds per awaited message; the whole test stays well under a minute

# A non-ASCII name before the reported column: LSP counts UTF-16 units ("𝒳" is two), we count code points.
LEAKY = """\
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

X = StandardScaler().fit_transform(X)
𝒳, X_test, y_train, y_test = train_test_split(X, y)
"""


class Client:
    """Just enough of an LSP client: Content-Length framing, requests with ids, a queue of incoming messages."""

    def __init__(self, cwd: Path) -> None:
        env = {**os.environ}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mlops_lint", "server"], cwd=cwd, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        self.incoming: queue.Queue[dict[str, Any]] = queue.Queue()
        self.unclaimed: list[dict[str, Any]] = []
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
            self.incoming.put(json.loads(stream.read(int(headers["content-length"]))))

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def request(self, method: str, params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == self.next_id and "method" not in m)

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def wait(self, matches) -> dict[str, Any]:
        """The first message, received or to come, that ``matches``; the others stay for later waits.

        Lints run in parallel, so two documents' diagnostics may arrive in either order.
        """
        for index, message in enumerate(self.unclaimed):
            if matches(message):
                return self.unclaimed.pop(index)
        while True:
            try:
                message = self.incoming.get(timeout=TIMEOUT)
            except queue.Empty:
                pytest.fail(f"no matching message within {TIMEOUT}s; stderr: {self._stop_and_read_stderr()}")
            if matches(message):
                return message
            self.unclaimed.append(message)

    def _stop_and_read_stderr(self) -> str:
        # A blocking read would wait for the server (or a lint child holding the same pipe) to write or exit.
        self.process.kill()
        self.process.wait(timeout=TIMEOUT)
        os.set_blocking(self.process.stderr.fileno(), False)
        return (self.process.stderr.read() or b"").decode(errors="replace")

    def diagnostics(self, uri: str) -> dict[str, Any]:
        return self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri)

    def open_notebook(self, uri: str, cells: list[str], texts: list[str]) -> None:
        self.notify("notebookDocument/didOpen", {
            "notebookDocument": {"uri": uri, "notebookType": "jupyter-notebook", "version": 1,
                                 "cells": [{"kind": 2, "document": c} for c in cells]},
            "cellTextDocuments": [{"uri": c, "languageId": "python", "version": 1, "text": t} for c, t in zip(cells, texts)],
        })

    def code_actions(self, uri: str, diagnostic: dict[str, Any], only: list[str] | None = None,
                     about: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
        """The code actions offered at ``diagnostic``'s range (about it, unless ``about`` says otherwise)."""
        context: dict[str, Any] = {"diagnostics": [diagnostic] if about is None else about}
        if only is not None:
            context["only"] = only
        answer = self.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": diagnostic["range"], "context": context})
        return answer["result"]  # type: ignore[no-any-return]

    def cell_diagnostics(self, cells: list[str]) -> dict[str, list[dict[str, Any]]]:
        """The next diagnostics published for each cell (cells are published in any order)."""
        return {cell: self.diagnostics(cell)["params"]["diagnostics"] for cell in cells}

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.process.wait(timeout=TIMEOUT)
        finally:
            if self.process.poll() is None:
                self.process.kill()


@pytest.fixture
def client(tmp_path):
    client = Client(tmp_path)
    result = client.request("initialize", {
        "processId": os.getpid(),
        "rootUri": tmp_path.as_uri(),
        "capabilities": {"general": {"positionEncodings": ["utf-16"]}, "notebookDocument": {"synchronization": {}}},
    })
    client.capabilities = result["result"]["capabilities"]
    assert result["result"]["serverInfo"]["name"] == "mlops-lint"
    client.notify("initialized", {})
    yield client
    client.close()


def test_advertises_sync_save_notebooks_and_quick_fixes(client):
    capabilities = client.capabilities
    assert capabilities["positionEncoding"] == "utf-16"
    assert capabilities["textDocumentSync"] == {"openClose": True, "change": 2, "save": True}
    assert capabilities["codeActionProvider"] == {"codeActionKinds": ["quickfix", "source.fixAll.mlops-lint"]}
    assert capabilities["notebookDocumentSync"]["notebookSelector"] == [{"notebook": "*", "cells": [{"language": "python"}]}]


def test_publishes_exact_ranges_and_related_fit_then_clears_on_fix(client, tmp_path):
    uri = (tmp_path / "train.py").as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": LEAKY}})
    published = client.diagnostics(uri)["params"]
    assert published["version"] == 1
    [diagnostic] = published["diagnostics"]
    # The split call: line 5, code points 29..51 (0-based); "𝒳" is one code point but two UTF-16 units.
    assert diagnostic == {
        "range": {"start": {"line": 4, "character": 30}, "end": {"line": 4, "character": 52}},
        "severity": 1,
        "code": "MLO101",
        "codeDescription": {"href": "https://github.com/mlops-lint/mlops-lint/blob/main/docs/rules/MLO101.md"},
        "source": "mlops-lint",
        "message": "StandardScaler fitted on 'X' (line 4) before 'X' is split (line 5); "
                   "fit it on the training split only, or put it in a Pipeline",
        "relatedInformation": [{
            "location": {"uri": uri, "range": {"start": {"line": 3, "character": 4}, "end": {"line": 3, "character": 37}}},
            "message": "fitted here",
        }],
    }

    client.notify("textDocument/didChange", {
        "textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"text": FITTED_AFTER_SPLIT}],
    })
    assert client.diagnostics(uri)["params"] == {"uri": uri, "version": 2, "diagnostics": []}


def test_a_fixable_finding_offers_its_fix_as_a_code_action(client, tmp_path):
    uri = (tmp_path / "train.py").as_uri()
    text = ("from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler\n\n"
            "X = StandardScaler().fit_transform(X)\nX_train, X_test, y_train, y_test = train_test_split(X, y)\n")
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
    [diagnostic] = client.diagnostics(uri)["params"]["diagnostics"]
    actions = client.code_actions(uri, diagnostic)
    [action] = [a for a in actions if a["kind"] == "quickfix"]
    assert action["title"].startswith("Split first") and action["title"].endswith("(unsafe)") and not action.get("isPreferred")
    edits = action["edit"]["changes"][uri]
    new_lines = "".join(edit["newText"] for edit in edits)
    assert "fit_transform(X_train)" in new_lines and "transform(X_test)" in new_lines


def test_incremental_change_and_save_republish(client, tmp_path):
    uri = (tmp_path / "train.py").as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": FITTED_AFTER_SPLIT}})
    assert client.diagnostics(uri)["params"]["diagnostics"] == []
    # Replace the split line (line 4) by the leaky order's two lines, as an editor's ranged edit.
    client.notify("textDocument/didChange", {
        "textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{
            "range": {"start": {"line": 3, "character": 0}, "end": {"line": 5, "character": 0}},
            "text": "X = StandardScaler().fit_transform(X)\nX_train, X_test, y_train, y_test = train_test_split(X, y)\n",
        }],
    })
    [diagnostic] = client.diagnostics(uri)["params"]["diagnostics"]
    assert (diagnostic["code"], diagnostic["range"]["start"]) == ("MLO101", {"line": 4, "character": 35})
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    [again] = client.diagnostics(uri)["params"]["diagnostics"]
    assert again == diagnostic
    # After incremental edits the code action still finds the finding and its fix.
    actions = client.code_actions(uri, diagnostic)
    assert [action["kind"] for action in actions] == ["quickfix"]  # its fix is unsafe: fix-all has none


def test_config_of_the_project_applies(client, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.mlops-lint]\nignore = ['MLO101']\n")
    uri = (tmp_path / "train.py").as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": LEAKY}})
    assert client.diagnostics(uri)["params"]["diagnostics"] == []


def test_per_file_ignores_match_paths_relative_to_the_workspace(client, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.mlops-lint]\nper-file-ignores = { 'scratch/*' = ['MLO101'] }\n")
    (tmp_path / "scratch").mkdir()
    ignored, linted = (tmp_path / "scratch" / "train.py").as_uri(), (tmp_path / "train.py").as_uri()
    for uri in (ignored, linted):
        client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": LEAKY}})
    assert client.diagnostics(ignored)["params"]["diagnostics"] == []
    assert [d["code"] for d in client.diagnostics(linted)["params"]["diagnostics"]] == ["MLO101"]


def test_notebook_cells_get_their_own_diagnostics(client, tmp_path):
    notebook = (tmp_path / "explore.ipynb").as_uri()
    cells = [f"vscode-notebook-cell:{tmp_path / 'explore.ipynb'}#C{n}" for n in (1, 2)]
    texts = [
        "from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler\n%matplotlib inline\n",
        "X = StandardScaler().fit_transform(X)\nX_train, X_test, y_train, y_test = train_test_split(X, y)\n",
    ]
    client.open_notebook(notebook, cells, texts)
    received = client.cell_diagnostics(cells)
    assert received[cells[0]] == []
    [diagnostic] = received[cells[1]]
    assert (diagnostic["code"], diagnostic["range"]["start"]) == ("MLO101", {"line": 1, "character": 35})
    assert diagnostic["relatedInformation"][0]["location"] == {
        "uri": cells[1], "range": {"start": {"line": 0, "character": 4}, "end": {"line": 0, "character": 37}},
    }

    client.notify("notebookDocument/didChange", {
        "notebookDocument": {"uri": notebook, "version": 2},
        "change": {"cells": {"textContent": [{
            "document": {"uri": cells[1], "version": 2},
            "changes": [{"text": "X_train, X_test, y_train, y_test = train_test_split(X, y)\n"}],
        }]}},
    })
    received = client.cell_diagnostics(cells)
    assert received == {cells[0]: [], cells[1]: []}

    client.notify("notebookDocument/didClose", {
        "notebookDocument": {"uri": notebook}, "cellTextDocuments": [{"uri": c} for c in cells],
    })
    for cell in cells:
        assert client.diagnostics(cell)["params"]["diagnostics"] == []


def test_server_without_pygls_says_how_to_install(tmp_path):
    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text("import sys\nsys.modules['pygls'] = None\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-m", "mlops_lint", "server"], env=env, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=TIMEOUT)
    assert result.returncode == 2
    assert "pip install 'mlops-lint[lsp]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_fix_becomes_a_quick_fix_with_utf16_ranges():
    from lsprotocol import types

    from mlops_lint.diagnostics import Applicability, Diagnostic, Fix, Location, Position, Severity, TextEdit
    from mlops_lint.integrations.lsp import Target, client_units, quick_fix, to_lsp
    from pygls.workspace import TextDocument

    document = TextDocument("file:///t.py", "𝒳 = f(a)\n")
    target = Target(document.uri, client_units(document))
    place = Location("t.py", Position(1, 4), Position(1, 8))
    edit = TextEdit(Position(1, 6), Position(1, 7), "b")
    base = Diagnostic("MLO999", "x", "message", Severity.WARNING, place)
    with_fix = Diagnostic("MLO999", "x", "message", Severity.WARNING, place, fix=Fix("use b", Applicability.SAFE, (edit,)))
    whole = lambda edit: (document.uri, edit)  # noqa: E731
    targets = {document.uri: target}.get
    assert quick_fix(base, to_lsp(base, lambda _: target), whole, targets) is None
    assert quick_fix(Diagnostic("MLO999", "x", "m", Severity.INFO, place, fix=Fix("t", Applicability.SAFE)),
                     to_lsp(base, lambda _: target), whole, targets) is None
    published = to_lsp(with_fix, lambda _: target)
    assert published.severity == types.DiagnosticSeverity.Warning
    action = quick_fix(with_fix, published, whole, targets)
    assert action.title == "use b" and action.is_preferred and action.kind == types.CodeActionKind.QuickFix
    [text_edit] = action.edit.changes["file:///t.py"]
    assert (text_edit.range.start.character, text_edit.range.end.character, text_edit.new_text) == (7, 8, "b")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_ranges_convert_to_the_client_units_as_pygls_converts_them(encoding):
    # client_units skips pygls's count of units on ASCII lines: it must answer as pygls does everywhere,
    # past a line's end and past the last line included.
    from lsprotocol import types
    from pygls.workspace import TextDocument

    from mlops_lint.integrations.lsp import Target, client_units

    text = "x = 1\n𝒳 = f(a)  # é\n\nlast = 'ü'"
    document = TextDocument("file:///t.py", text, position_codec=_codec(encoding))
    convert = Target(document.uri, client_units(document)).to_client
    for line in range(6):
        for start in range(14):
            for end in (start, start + 3, 40):
                range_ = types.Range(start=types.Position(line=line, character=start), end=types.Position(line=line, character=end))
                assert convert(range_) == document.position_codec.range_to_client_units(document.lines, range_), (line, start, end)


def _codec(encoding: str):  # type: ignore[no-untyped-def]
    from lsprotocol import types
    from pygls.workspace import PositionCodec

    return PositionCodec(types.PositionEncodingKind(encoding))


def test_a_document_above_the_size_limit_gets_one_diagnostic_and_is_not_analysed(client, tmp_path):
    from mlops_lint.integrations.lint_jobs import MAX_DOCUMENT_BYTES

    uri = (tmp_path / "huge.py").as_uri()
    line = LEAKY.replace("\n", "  # padding padding padding\n")
    text = line * (MAX_DOCUMENT_BYTES // len(line.encode("utf-8")) + 1)
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
    [diagnostic] = client.diagnostics(uri)["params"]["diagnostics"]
    assert diagnostic["code"] == "MLO002" and diagnostic["message"].startswith("file too large (")
    # The server goes on serving: a small document is linted as usual.
    small = (tmp_path / "small.py").as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": small, "languageId": "python", "version": 1, "text": LEAKY}})
    assert [d["code"] for d in client.diagnostics(small)["params"]["diagnostics"]] == ["MLO101"]


def test_a_burst_of_edits_ends_with_the_diagnostics_of_the_last_text(client, tmp_path):
    uri = (tmp_path / "train.py").as_uri()
    texts = {1: FITTED_AFTER_SPLIT}
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": texts[1]}})
    for version in range(2, 12):  # alternate leaky and clean text, as fast as the pipe takes it
        texts[version] = LEAKY if version % 2 else FITTED_AFTER_SPLIT
        client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                 "contentChanges": [{"text": texts[version]}]})
    seen = []
    while not seen or seen[-1]["version"] != 11:
        seen.append(client.diagnostics(uri)["params"])
    # Whatever was published on the way matched the text of its version, in order; the last is version 11's.
    assert [p["version"] for p in seen] == sorted(p["version"] for p in seen)
    for published in seen:
        expected = ["MLO101"] if texts[published["version"]] == LEAKY else []
        assert [d["code"] for d in published["diagnostics"]] == expected
    assert [d["code"] for d in seen[-1]["diagnostics"]] == ["MLO101"]


def test_requests_are_answered_while_a_long_lint_runs(client, tmp_path):
    uri, other = (tmp_path / "long.py").as_uri(), (tmp_path / "other.py").as_uri()
    body = LEAKY + "".join(f"scaler_{n} = StandardScaler().fit(X_train)\nprint(scaler_{n}.mean_)\n" for n in range(3000))
    client.notify("textDocument/didOpen", {"textDocument": {"uri": other, "languageId": "python", "version": 1, "text": LEAKY}})
    client.diagnostics(other)
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": body}})
    answer = client.request("textDocument/codeAction", {
        "textDocument": {"uri": other}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
        "context": {"diagnostics": []},
    })
    assert answer["result"] == []
    # The answer came first: the long module's diagnostics were not published yet.
    assert all(m.get("params", {}).get("uri") != uri for m in [*client.unclaimed, *client.incoming.queue])
    client.diagnostics(uri)


# --- code actions offer what --fix does (issue 17, item 6) ----------------------------------------

FIXTURES = ROOT / "tests" / "fixtures"


def _fixable_fixtures() -> list[Path]:
    """Every .py fixture with a finding labelled fixable (any rule, as `--select ALL` reports)."""
    from harness import lint_text

    every = {f"MLO{n}" for n in range(100, 700)}
    return [path for path in sorted(FIXTURES.rglob("*.py"))
            if any(d.fix is not None for d in lint_text(path.read_text(encoding="utf-8"), every, filename=path.name))]


def _apply(text: str, edits: list[dict]) -> str:
    """LSP edits (UTF-16 positions) applied to ``text``, last first."""
    lines = text.split("\n")

    def offset(position: dict) -> int:
        line = position["line"]
        if line >= len(lines):
            return len(text)
        prefix = lines[line].encode("utf-16-le")[: 2 * position["character"]].decode("utf-16-le")
        return sum(len(before) + 1 for before in lines[:line]) + len(prefix)

    for edit in sorted(edits, key=lambda e: (e["range"]["start"]["line"], e["range"]["start"]["character"]), reverse=True):
        text = text[: offset(edit["range"]["start"])] + edit["newText"] + text[offset(edit["range"]["end"]):]
    return text


def test_every_fixable_fixture_gets_the_fix_of_check_fix_as_a_code_action(client, tmp_path):
    from harness import run_cli

    (tmp_path / "pyproject.toml").write_text('[tool.mlops-lint]\nselect = ["ALL"]\n')
    fixtures = _fixable_fixtures()
    assert len(fixtures) >= 20  # the probe can tell: fixtures of every fixer
    offered = 0
    for number, fixture in enumerate(fixtures):
        text = fixture.read_text(encoding="utf-8")
        path = tmp_path / f"f{number}_{fixture.name}"
        uri = path.as_uri()
        client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
        diagnostics = client.diagnostics(uri)["params"]["diagnostics"]
        path.write_text(text, encoding="utf-8")
        fixed_by_cli = {}
        for diagnostic in diagnostics:
            actions = client.code_actions(uri, diagnostic, only=["quickfix"])
            if not actions:
                continue
            [action] = actions
            offered += 1
            fixed = _apply(text, action["edit"]["changes"][uri])
            assert fixed != text
            # The quick fix is the edit --fix makes for this finding: applying it, the finding is gone.
            fixed_by_cli.setdefault(diagnostic["code"], fixed)
            compile(fixed, str(fixture), "exec")
        for code, fixed in fixed_by_cli.items():
            path.write_text(fixed, encoding="utf-8")
            before = run_cli("check", "--select", code, "--output-format", "json", "--no-cache", str(path), cwd=tmp_path)
            path.write_text(text, encoding="utf-8")
            after = run_cli("check", "--select", code, "--output-format", "json", "--no-cache", str(path), cwd=tmp_path)
            assert len(json.loads(before.stdout)["diagnostics"]) < len(json.loads(after.stdout)["diagnostics"]), (fixture, code)
    assert offered >= len(fixtures)


# MLO301 on line 5 (the search), its fix on line 4 (where the folds are built).
UNSEEDED_FOLDS = ("from sklearn.model_selection import GridSearchCV, KFold\nfrom sklearn.svm import SVC\n\n"
                  "folds = KFold(n_splits=5, shuffle=True)\nsearch = GridSearchCV(SVC(), {'C': [1, 10]}, cv=folds)\n")


def test_fix_all_is_the_safe_fixes_of_check_fix(client, tmp_path):
    from harness import run_cli

    text = UNSEEDED_FOLDS
    uri = (tmp_path / "tune.py").as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
    [diagnostic] = client.diagnostics(uri)["params"]["diagnostics"]
    assert (diagnostic["code"], diagnostic["range"]["start"]["line"]) == ("MLO301", 4)
    [quick] = client.code_actions(uri, diagnostic, only=["quickfix"])
    assert quick["title"] == "Seed the CV splitter where it is built" and quick["isPreferred"]
    [fix_all] = client.code_actions(uri, diagnostic, only=["source.fixAll"], about=[])
    assert fix_all["kind"] == "source.fixAll.mlops-lint"
    (tmp_path / "tune.py").write_text(text)
    run_cli("check", "--fix", "tune.py", cwd=tmp_path)
    expected = (tmp_path / "tune.py").read_text()
    assert "KFold(n_splits=5, shuffle=True, random_state=0)" in expected
    assert _apply(text, fix_all["edit"]["changes"][uri]) == expected == _apply(text, quick["edit"]["changes"][uri])


def test_the_fixes_offered_are_those_of_the_text_the_editor_holds_after_each_edit(client, tmp_path):
    # Fixes are proposed when code actions are asked for, once per version: an edit must not leave
    # the fixes of the text before it on offer.
    text = UNSEEDED_FOLDS
    uri = (tmp_path / "tune.py").as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
    [before] = client.diagnostics(uri)["params"]["diagnostics"]
    [quick] = client.code_actions(uri, before, only=["quickfix"])
    [edit] = quick["edit"]["changes"][uri]
    assert (before["range"]["start"]["line"], edit["range"]["start"]["line"]) == (4, 3)
    [fix_all] = client.code_actions(uri, before, only=["source.fixAll"], about=[])
    assert fix_all["edit"]["changes"][uri][0]["range"]["start"]["line"] == 3

    # Two lines above: the finding and the line its fix edits move down by two.
    moved = "import os\nimport sys\n" + text
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"range": {"start": {"line": 0, "character": 0},
                                                                           "end": {"line": 0, "character": 0}},
                                                                 "text": "import os\nimport sys\n"}]})
    [after] = client.diagnostics(uri)["params"]["diagnostics"]
    assert after["range"]["start"]["line"] == 6
    assert client.code_actions(uri, before, only=["quickfix"]) == []  # no finding starts there any more
    [quick] = client.code_actions(uri, after, only=["quickfix"])
    seeded_by_the_fix = moved.replace("shuffle=True)", "shuffle=True, random_state=0)")
    assert _apply(moved, quick["edit"]["changes"][uri]) == seeded_by_the_fix
    [fix_all] = client.code_actions(uri, after, only=["source.fixAll"], about=[])
    assert _apply(moved, fix_all["edit"]["changes"][uri]) == seeded_by_the_fix

    # Seeded by hand: the finding and its fix are gone.
    seeded = moved.replace("shuffle=True)", "shuffle=True, random_state=1)")
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": seeded}]})
    assert client.diagnostics(uri)["params"]["diagnostics"] == []
    assert client.code_actions(uri, after) == []
    assert client.code_actions(uri, after, only=["source.fixAll"], about=[]) == []


def _children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (Linux: read from /proc)."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                    # "pid (command) state ppid ...": the command may hold spaces, so read after its ")".
                    if int(stat.read().rpartition(")")[2].split()[1]) == pid:
                        found.add(int(entry))
            except (OSError, ValueError, IndexError):
                pass  # gone meanwhile
    return found


def _new_child(pid: int, before: set[int]) -> int:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if new := _children(pid) - before:
            return min(new)
        time.sleep(0.005)
    pytest.fail("the server forked no process for fix-all")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="lints run in forked children on Linux only")
def test_requests_are_answered_while_fix_all_runs(client, tmp_path):
    # "Fix all" runs --fix on the whole document: off the event loop, like a lint. Its process is
    # stopped until the other request is answered, so the order does not depend on timing.
    uri, other = (tmp_path / "long.py").as_uri(), (tmp_path / "other.py").as_uri()
    body = ("from sklearn.model_selection import GridSearchCV, KFold\nfrom sklearn.svm import SVC\n"
            "folds = KFold(n_splits=5, shuffle=True)\nsearch = GridSearchCV(SVC(), {'C': [1, 10]}, cv=folds)\n"
            + "".join(f"scaler_{n} = StandardScaler().fit(X_train)\nprint(scaler_{n}.mean_)\n" for n in range(3000)))
    for name, text in ((other, LEAKY), (uri, body)):
        client.notify("textDocument/didOpen", {"textDocument": {"uri": name, "languageId": "python", "version": 1, "text": text}})
        client.diagnostics(name)
    server, before = client.process.pid, _children(client.process.pid)
    client.send({"id": 1000, "method": "textDocument/codeAction", "params": {
        "textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
        "context": {"diagnostics": [], "only": ["source.fixAll"]},
    }})
    fixing = _new_child(server, before)
    os.kill(fixing, signal.SIGSTOP)
    try:
        answer = client.request("textDocument/codeAction", {
            "textDocument": {"uri": other}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": []},
        })
        assert answer["result"] == []
        assert all(m.get("id") != 1000 for m in [*client.unclaimed, *client.incoming.queue])
    finally:
        os.kill(fixing, signal.SIGCONT)
    [fix_all] = client.wait(lambda m: m.get("id") == 1000)["result"]
    [edit] = fix_all["edit"]["changes"][uri]
    assert edit["range"]["start"]["line"] == 2 and "random_state=0" in edit["newText"]


def test_the_findings_linted_without_fixes_are_those_of_check(tmp_path, monkeypatch):
    # The server lints on every change without proposing fixes: the same findings, only fixless.
    from dataclasses import replace

    from mlops_lint.integrations.lsp import lint_text

    (tmp_path / "pyproject.toml").write_text('[tool.mlops-lint]\nselect = ["ALL"]\n')
    monkeypatch.chdir(tmp_path)
    fixtures = [*_fixable_fixtures(), *_fixable_notebooks()]
    for number, fixture in enumerate(fixtures):
        text, path = fixture.read_text(encoding="utf-8"), str(tmp_path / f"f{number}_{fixture.name}")
        with_fixes = lint_text(path, text)
        assert any(d.fix is not None for d in with_fixes), fixture
        assert lint_text(path, text, fixes=False) == [replace(d, fix=None) for d in with_fixes], fixture


def test_a_notebook_cells_quick_fix_edits_the_cells_it_touches(client, tmp_path):
    notebook = (tmp_path / "explore.ipynb").as_uri()
    cells = [f"vscode-notebook-cell:{tmp_path / 'explore.ipynb'}#C{n}" for n in (1, 2, 3)]
    texts = [
        "from sklearn.linear_model import LogisticRegression\nfrom sklearn.model_selection import cross_val_score\n"
        "from sklearn.preprocessing import StandardScaler\n%matplotlib inline",
        "X = StandardScaler().fit_transform(X)",
        "scores = cross_val_score(LogisticRegression(), X, y)",
    ]
    client.open_notebook(notebook, cells, texts)
    received = client.cell_diagnostics(cells)
    [diagnostic] = received[cells[2]]
    assert (diagnostic["code"], diagnostic["range"]["start"]["line"]) == ("MLO101", 0)
    [action] = client.code_actions(cells[2], diagnostic)
    changes = action["edit"]["changes"]
    assert sorted(changes) == sorted(cells)
    assert _apply(texts[0], changes[cells[0]]).endswith("StandardScaler\nfrom sklearn.pipeline import make_pipeline\n%matplotlib inline")
    assert _apply(texts[1], changes[cells[1]]) == ""
    assert _apply(texts[2], changes[cells[2]]) == "scores = cross_val_score(make_pipeline(StandardScaler(), LogisticRegression()), X, y)"


def _fixable_notebooks() -> list[Path]:
    """Every notebook fixture with a finding labelled fixable (any rule)."""
    from mlops_lint.catalog import load_catalog
    from mlops_lint.engine.lint import LintOptions, lint_document
    from mlops_lint.source import read_document

    catalog = load_catalog()
    every = LintOptions(selected=frozenset(catalog.rules))
    return [path for path in sorted(FIXTURES.rglob("*.ipynb"))
            if any(d.fix is not None for d in lint_document(read_document(str(path)), catalog, every))]


def test_every_fixable_notebook_fixture_gets_its_fixes_as_cell_code_actions(client, tmp_path):
    from harness import notebook_json, run_cli

    (tmp_path / "pyproject.toml").write_text('[tool.mlops-lint]\nselect = ["ALL"]\n')
    notebooks = _fixable_notebooks()
    assert len(notebooks) >= 8  # the probe can tell: notebooks of the leakage, time and seed fixers
    offered = 0
    for number, fixture in enumerate(notebooks):
        texts = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                 for c in json.loads(fixture.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
        path = tmp_path / f"n{number}_{fixture.name}"
        cells = [f"vscode-notebook-cell:{path}#C{n}" for n in range(len(texts))]
        client.open_notebook(path.as_uri(), cells, texts)
        published = client.cell_diagnostics(cells)
        fixed_codes = set()
        for cell, diagnostics in published.items():
            for diagnostic in diagnostics:
                actions = client.code_actions(cell, diagnostic, only=["quickfix"])
                if not actions:
                    continue
                [action] = actions
                offered += 1
                code = diagnostic["code"]
                if code in fixed_codes:
                    continue
                fixed_codes.add(code)
                fixed = [_apply(text, action["edit"]["changes"].get(uri, [])) for uri, text in zip(cells, texts)]
                assert fixed != texts, (fixture, code)
                # Applied to the cells, the quick fix removes the finding, and every cell still parses.
                counts = []
                for sources in (texts, fixed):
                    path.write_text(notebook_json(*sources), encoding="utf-8")
                    result = run_cli("check", "--select", f"{code},MLO001", "--output-format", "json", "--no-cache",
                                     str(path), cwd=tmp_path)
                    found = json.loads(result.stdout)["diagnostics"]
                    assert "MLO001" not in {d["code"] for d in found}, (fixture, code)
                    counts.append(len(found))
                assert counts[1] < counts[0], (fixture, code)
    assert offered >= len(notebooks)


PROJECT_TRAIN = """\
import pandas as pd
from sklearn.model_selection import train_test_split

from utils import prepare

frame = pd.read_csv("houses.csv")
X = prepare(frame.drop(columns="price"))
X_train, X_test, y_train, y_test = train_test_split(X, frame["price"], random_state=0)
"""
HARMLESS_UTILS = "def prepare(frame):\n    return frame.dropna()\n"
LEAKY_UTILS = """\
from sklearn.preprocessing import StandardScaler


def prepare(frame):
    return StandardScaler().fit_transform(frame.dropna())
"""


def test_a_module_edited_in_the_editor_relints_its_importers_with_the_buffer_not_the_disk(client, tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "utils.py").write_text(HARMLESS_UTILS)  # the disk stays harmless throughout
    train, utils = (tmp_path / "train.py").as_uri(), (tmp_path / "utils.py").as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": train, "languageId": "python", "version": 1, "text": PROJECT_TRAIN}})
    assert client.diagnostics(train)["params"]["diagnostics"] == []

    # utils.py opened with unsaved leaky text: train.py is linted again, reading that buffer.
    client.notify("textDocument/didOpen", {"textDocument": {"uri": utils, "languageId": "python", "version": 1, "text": LEAKY_UTILS}})
    [diagnostic] = client.diagnostics(train)["params"]["diagnostics"]
    assert (diagnostic["code"], diagnostic["range"]["start"]["line"]) == ("MLO101", 7)
    # The fit is a related location in utils.py, named by its own uri.
    assert diagnostic["relatedInformation"] == [{
        "location": {"uri": utils, "range": {"start": {"line": 4, "character": 11}, "end": {"line": 4, "character": 57}}},
        "message": "fitted here",
    }]

    client.notify("textDocument/didChange", {"textDocument": {"uri": utils, "version": 2}, "contentChanges": [{"text": HARMLESS_UTILS}]})
    assert client.diagnostics(train)["params"]["diagnostics"] == []
