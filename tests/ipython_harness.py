"""A real IPython InteractiveShell for the extension's tests, with stand-in sklearn/pandas modules.

The stand-ins make the users' cells run without the real libraries (the linter never imports
them either: it reads the cells); shell commands are recorded instead of run. History stays in
memory and the IPython directory in tmp.
"""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass, field
from typing import Any

import pytest

interactiveshell = pytest.importorskip("IPython.core.interactiveshell")

from IPython.utils.capture import capture_output  # noqa: E402
from traitlets.config import Config  # noqa: E402


@dataclass
class Ran:
    """One cell run: IPython's result, what it printed and what it displayed."""

    result: Any
    stdout: str
    outputs: list = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return [output.data.get("text/plain", "") for output in self.outputs]

    @property
    def htmls(self) -> list[str]:
        return [output.data.get("text/html", "") for output in self.outputs]


class Session:
    def __init__(self, shell: Any, commands: list[str]) -> None:
        self.shell = shell
        self.commands = commands  # the shell commands the cells asked for

    def run(self, source: str, cell_id: str | None = None) -> Ran:
        with capture_output() as captured:
            result = self.shell.run_cell(source, store_history=True, cell_id=cell_id)
        return Ran(result, captured.stdout, list(captured.outputs))

    def extension(self):
        from mlops_lint.integrations.ipython import extension_of

        return extension_of(self.shell)


class _Frame:
    def __init__(self, columns: dict[str, list]) -> None:
        self.columns = columns

    def drop(self, columns: str) -> _Frame:
        return _Frame({k: v for k, v in self.columns.items() if k != columns})

    def __getitem__(self, key: str) -> list:
        return self.columns[key]


class _Estimator:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def fit(self, X: Any, y: Any = None) -> _Estimator:
        return self

    def transform(self, X: Any) -> Any:
        return X

    def fit_transform(self, X: Any, y: Any = None) -> Any:
        return X

    def predict(self, X: Any) -> list:
        return [0]

    def score(self, X: Any, y: Any) -> float:
        return 1.0


def _module(name: str, **members: Any) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__dict__.update(members)
    return module


def stand_in_modules() -> dict[str, types.ModuleType]:
    def read_csv(path: str) -> _Frame:
        return _Frame({"a": [1, 2], "b": [3, 4], "label": [0, 1]})

    def train_test_split(*arrays: Any, **options: Any) -> list:
        return [part for array in arrays for part in (array, array)]

    return {
        "pandas": _module("pandas", read_csv=read_csv),
        "sklearn": _module("sklearn"),
        "sklearn.model_selection": _module("sklearn.model_selection", train_test_split=train_test_split),
        "sklearn.preprocessing": _module("sklearn.preprocessing", StandardScaler=_Estimator),
        "sklearn.linear_model": _module("sklearn.linear_model", LogisticRegression=_Estimator),
    }


def shell_session(tmp_path, monkeypatch):
    """A fresh InteractiveShell in an empty working folder, the extension not loaded yet (the
    ``session`` fixture of tests/conftest.py)."""
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / ".ipython"))
    monkeypatch.chdir(tmp_path)
    for name, module in stand_in_modules().items():
        monkeypatch.setitem(sys.modules, name, module)
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    shell_class = interactiveshell.InteractiveShell
    shell_class.clear_instance()
    shell = shell_class.instance(config=config, colors="nocolor")
    # The users' shell lines (`!echo`, `ls`) are recorded, not run: the tests start no process.
    commands: list[str] = []
    shell.system = commands.append
    shell.getoutput = lambda command, split=True, depth=0: commands.append(command) or []
    yield Session(shell, commands)
    from mlops_lint.integrations.ipython import unload_ipython_extension

    unload_ipython_extension(shell)
    shell_class.clear_instance()
