"""Reading a file's helper modules (mlops_lint/project/) reads only the project, never runs it, and stays bounded.

The attack: a linted ``train.py`` imports ``helper``, and ``helper.py`` is a symbolic link to a
file outside the repository, or ``sys.path.append("../..")`` points the imports at the folder
above it, or ``helper.py`` is a 4 GB file, or it runs code when imported. Each must leave the
caller analysed as if the helper were an unknown library.
"""

from __future__ import annotations

from pathlib import Path

from mlops_lint.run import RunRequest, run

FIT = "from sklearn.preprocessing import StandardScaler\n\n\ndef scale(frame):\n    return StandardScaler().fit_transform(frame)\n"


def _train(imports: str) -> str:
    return (f"import sys\nfrom sklearn.model_selection import train_test_split\n{imports}\n\n"
            "X = scale(X)\nX_train, X_test = train_test_split(X, random_state=0)\n")


def _leaks(folder: Path, max_file_size: int | None = None) -> list[tuple[str, int, tuple[str, ...]]]:
    found = run(RunRequest(paths=(str(folder / "train.py"),), select=("MLO101",), max_file_size=max_file_size))
    return [(d.code, d.location.start.line, tuple(r.location.path for r in d.related)) for d in found]


def _project(tmp_path: Path, train: str) -> Path:
    project = tmp_path / "repo"
    project.mkdir()
    (project / "pyproject.toml").write_text("")
    (project / "train.py").write_text(train)
    return project


def test_a_helper_inside_the_project_is_followed(tmp_path):
    # The positive control of the cases below: the same helper, inside the project, is read.
    project = _project(tmp_path, _train("from helper import scale"))
    (project / "helper.py").write_text(FIT)
    [(code, line, related)] = _leaks(project)
    assert (code, line) == ("MLO101", 6) and any(path.endswith("helper.py") for path in related)


def test_a_helper_that_links_out_of_the_project_is_never_read(tmp_path):
    (tmp_path / "secret.py").write_text(FIT)
    project = _project(tmp_path, _train("from helper import scale"))
    (project / "helper.py").symlink_to(tmp_path / "secret.py")
    assert _leaks(project) == []


def test_a_sys_path_addition_out_of_the_project_is_ignored(tmp_path):
    (tmp_path / "outside.py").write_text(FIT)
    project = _project(tmp_path, _train('sys.path.append("..")\nfrom outside import scale'))
    assert _leaks(project) == []


def test_a_helper_above_the_size_limit_is_not_read(tmp_path):
    project = _project(tmp_path, _train("from helper import scale"))
    (project / "helper.py").write_text(FIT + "#" * 4096 + "\n")
    assert _leaks(project, max_file_size=2048) == []


def test_a_helper_module_is_read_never_run(tmp_path):
    project = _project(tmp_path, _train("from helper import scale"))
    marker = tmp_path / "ran"
    (project / "helper.py").write_text(f"open({str(marker)!r}, 'w').close()\nimport os\nos.system('touch {marker}')\n" + FIT)
    [(code, line, _)] = _leaks(project)
    assert (code, line) == ("MLO101", 6)
    assert not marker.exists()


def test_a_module_named_like_a_library_is_not_taken_for_it(tmp_path):
    # sklearn.py in the tree is text, never the library: the catalog keeps describing sklearn's calls.
    project = _project(tmp_path, _train("from helper import scale"))
    (project / "helper.py").write_text(FIT)
    (project / "sklearn.py").write_text("def train_test_split(*a, **k):\n    return a\n")
    [(code, line, _)] = _leaks(project)
    assert (code, line) == ("MLO101", 6)
