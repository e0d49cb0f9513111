"""Issue 13, item 1: a cache planted by the linted repository (or anyone) runs no code.

The attack: the results cache used to be a pickle loaded from ``.mlops-lint-cache/<key>.pickle``
inside the linted tree, and its key was predictable. The attacker computes the key of the victim's
run exactly as mlops-lint computed it and commits a pickle whose loading runs code. The same
payload is also planted wherever the caches live now (the user's cache folder, under every name
mlops-lint reads there) and as the catalog snapshot. Every planted file must be ignored or read as
data: no code runs, and the findings are those of an uncached run.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from harness import LEAKY
from mlops_lint.cache import folder
from mlops_lint.cache.answers import _key as answer_key
from mlops_lint.cache.fingerprint import PACKAGE, tool_fingerprint
from mlops_lint.cache.results import configuration_key
from mlops_lint.catalog import load, load_catalog, snapshot
from mlops_lint.catalog.locate import catalog_dir
from mlops_lint.run import RunRequest
from mlops_lint.selection import selected_codes


class Payload:
    """Unpickling this writes ``marker``: what an attacker's pickle would do, harmlessly."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return exec, (f"open({str(self.marker)!r}, 'w').write('code ran')",)


def _old_hash(*parts: bytes) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()


def _old_tree_fingerprint(root: Path, suffixes: tuple[str, ...], content: bool) -> str:
    parts: list[bytes] = []
    for where, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(suffixes):
                path = os.path.join(where, name)
                parts.append(os.path.relpath(path, root).encode("utf-8"))
                if content:
                    parts.append(Path(path).read_bytes())
                else:
                    info = os.stat(path)
                    parts.append(f"{info.st_size}:{info.st_mtime_ns}".encode())
    return _old_hash(*parts)


def old_run_key() -> str:
    """The key of the default configuration, computed as mlops-lint 0.1's cache.run_key did."""
    from mlops_lint import __version__

    selected = selected_codes(load_catalog(), None)
    settings = json.dumps({"selected": sorted(selected), "options": {}, "noqa": True}, sort_keys=True, default=repr)
    return _old_hash(
        b"1", __version__.encode(), sys.version.encode(),
        _old_tree_fingerprint(PACKAGE, (".py",), content=False).encode(),
        _old_tree_fingerprint(catalog_dir(), (".toml",), content=True).encode(),
        settings.encode(),
    )


def _check(tree: Path, base: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mlops_lint", "check", "--output-format", "concise", *args, "."],
        cwd=tree, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1", "MLOPS_LINT_CACHE_DIR": str(base)},
    )


@pytest.mark.integration
def test_item_01_a_pickle_planted_for_the_current_key_runs_no_code(tmp_path, monkeypatch):
    marker = tmp_path / "code-ran"
    payload = pickle.dumps({"train.py": Payload(marker)})
    tree, base = tmp_path / "repo", tmp_path / "user-cache"
    tree.mkdir()
    (tree / "pyproject.toml").write_text("[project]\nname = 'victim'\n")
    (tree / "train.py").write_text(LEAKY)
    # Where mlops-lint 0.1 looked: committed to the repository, for the key it would compute today.
    old = tree / ".mlops-lint-cache"
    old.mkdir()
    (old / ".gitignore").write_text("*\n")
    (old / f"{old_run_key()}.pickle").write_bytes(payload)
    # Where the caches live now, under every name they are read by (as if the folder were writable).
    project = folder.trusted_folder(base, folder.project_name(tree), create=True)
    selected = selected_codes(load_catalog(), None)
    (project / f"results-{configuration_key(selected, {}, True)}.json").write_bytes(payload)
    (project / f"{old_run_key()}.pickle").write_bytes(payload)
    runs = folder.trusted_folder(base, folder.RUNS, create=True)
    monkeypatch.chdir(tree)
    run_key = answer_key(RunRequest(paths=(".",), use_cache=True), tool_fingerprint(catalog_dir()))
    (runs / f"{run_key}.json").write_bytes(payload)

    uncached = _check(tree, base, "--no-cache")
    cold, warm = _check(tree, base), _check(tree, base)

    assert not marker.exists(), "a planted pickle ran code"
    assert uncached.stdout == cold.stdout == warm.stdout
    assert "train.py:5:36: MLO101" in warm.stdout and warm.returncode == 1


def test_item_01_a_pickle_planted_as_the_catalog_snapshot_runs_no_code(tmp_path, monkeypatch):
    marker = tmp_path / "code-ran"
    monkeypatch.setattr(snapshot, "_FOLDER", tmp_path / "pycache")
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    (tmp_path / "pycache").mkdir()
    root = catalog_dir()
    files = sorted(root.glob("MLO*.toml")) + sorted((root / "api").glob("*.toml"))
    key = snapshot.snapshot_key([(p.relative_to(root).as_posix(), p.read_bytes()) for p in files])
    for name in (f"catalog-{key}.pickle", f"catalog-{key}.json"):
        (tmp_path / "pycache" / name).write_bytes(pickle.dumps(Payload(marker)))
    load.load_catalog.cache_clear()
    try:
        catalog = load.load_catalog()
    finally:
        load.load_catalog.cache_clear()
    assert not marker.exists(), "a planted pickle ran code"
    assert catalog.rules == load._parse(
        [(p, p.read_bytes()) for p in sorted(root.glob("MLO*.toml"))],
        [(p, p.read_bytes()) for p in sorted((root / "api").glob("*.toml"))],
    ).rules


@pytest.mark.parametrize("module", ["mlops_lint.cache.results", "mlops_lint.cache.answers", "mlops_lint.catalog.snapshot"])
def test_item_01_no_cache_module_can_unpickle(module):
    # Data, not code, by construction: the modules that read caches do not even import pickle.
    source = Path(__import__(module, fromlist=["_"]).__file__).read_text(encoding="utf-8")
    assert "pickle" not in source.replace("never a pickle", "")
