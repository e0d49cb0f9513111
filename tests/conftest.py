"""Test set-up shared by every test: imports from this checkout, nothing written into it, honest marks."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

# Hypothesis keeps no example database (replaying stored failures would make a run depend on
# earlier runs) and keeps its other files out of the checkout. It draws the same examples on every
# run, and neither a per-example deadline nor its too-slow health check applies: on a loaded
# machine (CI, a shared 2-core box) generation took longer than its limit and failed a run
# whose code was fine. Speed is measured in benchmarks/, not here.
settings.register_profile(
    "mlops-lint", database=None, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("mlops-lint")
set_hypothesis_home_dir(tempfile.mkdtemp(prefix="mlops-lint-tests-hypothesis-"))

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(ROOT))
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))

_BEFORE = pytest.StashKey[set]()


def _untracked(root: Path) -> set[str]:
    """Paths git does not track in the checkout, ignored ones included (bytecode aside)."""
    listing = subprocess.run(
        ["git", "status", "--porcelain", "--ignored", "--untracked-files=all"],
        cwd=root, capture_output=True, text=True, check=False,
    )
    if listing.returncode != 0:
        return set()
    paths = {line[3:] for line in listing.stdout.splitlines()}
    return {p for p in paths if "__pycache__/" not in p and not p.startswith((".pytest_cache/", ".ci-venv/"))}


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_BEFORE] = _untracked(ROOT)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    created = sorted(_untracked(ROOT) - session.config.stash.get(_BEFORE, set()))
    if created:
        # A test that writes into the checkout dirties every developer's tree: fail the run.
        print(f"\nThe tests wrote into the checkout: {', '.join(created[:10])}", file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _cache_of_its_own(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test caches results in a folder of its own (subprocesses inherit it): never in the
    checkout, and never a result cached by another test (one may have patched a rule)."""
    monkeypatch.setenv("MLOPS_LINT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(autouse=True)
def _a_process_needs_the_integration_mark(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The quick loop (``-m "not slow and not integration"``) starts no process: a test that does is marked."""
    if request.node.get_closest_marker("integration") or request.node.get_closest_marker("slow"):
        return

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(
            f"{request.node.nodeid} starts a process: mark it @pytest.mark.integration (see CONTRIBUTING.md)"
        )

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)
    monkeypatch.setattr(os, "fork", refuse)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # tests/integration/ drives real clients (flake8, pre-commit, an LSP client, pip): processes all.
    for item in items:
        if "integration" in item.path.parts:
            item.add_marker(pytest.mark.integration)


@pytest.fixture
def session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A real IPython InteractiveShell with stand-in libraries (tests/ipython_harness.py)."""
    from ipython_harness import shell_session

    yield from shell_session(tmp_path, monkeypatch)
