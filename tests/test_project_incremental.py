"""A warm run after one module of a project changed analyses that module and the files that import it, nothing else.

Issue 18, "Cost": the results cache keys each file on the project modules its analysis read
(project/dependencies.py), so an edit to ``helpers/h2.py`` re-analyses ``h2.py`` and the scripts
that import it; every other file is answered from the cache. Counted, not timed.
"""

from __future__ import annotations

from pathlib import Path

from mlops_lint.observer import CHECKED, RunObserver
from mlops_lint.run import RunRequest, run_request

HELPERS = 5
SCRIPTS = 20

HELPER = """\
from sklearn.preprocessing import StandardScaler


def prepare(frame):
    return StandardScaler().fit_transform(frame){tail}
"""
SCRIPT = """\
import pandas as pd
from sklearn.model_selection import train_test_split

from helpers.h{helper} import prepare

frame = pd.read_csv("data.csv")
X = prepare(frame)
X_train, X_test = train_test_split(X, random_state=0)
"""
STANDALONE = "import csv\n\nwith open('data.csv') as handle:\n    print(sum(1 for _ in csv.reader(handle)))\n"


class Analysed(RunObserver):
    def __init__(self) -> None:
        self.paths: set[str] = set()

    def file(self, path: str, outcome: str) -> None:
        if outcome == CHECKED:
            self.paths.add(Path(path).name)


def _run(root: Path, cache: Path) -> tuple[set[str], set[str]]:
    """(the files analysed, the files with an MLO101 finding)."""
    observer = Analysed()
    result = run_request(RunRequest(paths=(str(root),), select=("MLO101",), use_cache=True, cache_dir=cache, observer=observer))
    return observer.paths, {Path(d.location.path).name for d in result.diagnostics if d.code == "MLO101"}


def test_a_changed_helper_reanalyses_itself_and_its_importers_only(tmp_path):
    root = tmp_path / "project"
    (root / "helpers").mkdir(parents=True)
    (root / "pyproject.toml").write_text("")
    (root / "helpers" / "__init__.py").write_text("")
    for number in range(HELPERS):
        (root / "helpers" / f"h{number}.py").write_text(HELPER.format(tail=""))
    for number in range(SCRIPTS):
        (root / f"train_{number}.py").write_text(SCRIPT.format(helper=number % HELPERS))
    (root / "report.py").write_text(STANDALONE)
    cache = tmp_path / "cache"

    analysed, leaky = _run(root, cache)
    assert len(analysed) == HELPERS + SCRIPTS  # report.py imports no ML library: not analysed
    assert leaky == {f"train_{n}.py" for n in range(SCRIPTS)}

    (root / "helpers" / "h2.py").write_text(HELPER.format(tail=".round(3)"))
    analysed, leaky = _run(root, cache)
    assert analysed == {"h2.py", *(f"train_{n}.py" for n in range(SCRIPTS) if n % HELPERS == 2)}
    assert leaky == {f"train_{n}.py" for n in range(SCRIPTS)}

    # The helper stops fitting: only its importers' findings go, and only they were analysed again.
    (root / "helpers" / "h2.py").write_text("def prepare(frame):\n    return frame.round(3)\n")
    analysed, leaky = _run(root, cache)
    assert analysed == {"h2.py", *(f"train_{n}.py" for n in range(SCRIPTS) if n % HELPERS == 2)} - {"h2.py"}
    assert leaky == {f"train_{n}.py" for n in range(SCRIPTS) if n % HELPERS != 2}
