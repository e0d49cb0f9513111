"""Module lookups of project/layout.py: what is found, and every file whose absence decided it."""

from __future__ import annotations

import os

from mlops_lint.project.layout import Found, Layout


def _layout(root: str) -> Layout:
    return Layout([root], frozenset({"sklearn"}))


def _candidates(base: str, *parts: str) -> list[str]:
    stem = os.path.join(base, *parts)
    return [stem + ".py", os.path.join(stem, "__init__.py")]


def test_a_name_under_an_absent_folder_records_every_probe(tmp_path):
    root = str(tmp_path)
    probed: list[str] = []
    assert _layout(root).find("helpers.load.clean", (root,), root, probed) is None
    # No stat inside the absent helpers/ folder, but each file that would change the answer is listed.
    assert probed == [*_candidates(root, "helpers", "load", "clean"), *_candidates(root, "helpers", "load"),
                      *_candidates(root, "helpers")]


def test_a_module_inside_a_folder_without_init_is_found(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "prep.py").write_text("def clean(df):\n    return df\n")
    root = str(tmp_path)
    layout = _layout(root)
    probed: list[str] = []
    found = layout.find("pkg.prep.clean", (root,), root, probed)
    assert found == Found(os.path.join(root, "pkg", "prep.py"), ("clean",))
    assert probed == [*_candidates(root, "pkg", "prep", "clean"), os.path.join(root, "pkg", "prep.py")]
    again: list[str] = []  # answered from the memo: the same module, the same probes
    assert layout.find("pkg.prep.clean", (root,), root, again) == found
    assert again == probed


def test_a_package_of_the_catalog_is_never_a_project_module(tmp_path):
    (tmp_path / "sklearn.py").write_text("")
    probed: list[str] = []
    assert _layout(str(tmp_path)).find("sklearn.svm", (str(tmp_path),), str(tmp_path), probed) is None
    assert probed == []


def test_a_closed_layout_finds_its_files_without_the_disk(tmp_path):
    root = str(tmp_path)  # empty on disk: only the layout's file list has the module
    module = os.path.join(root, "pkg", "prep.py")
    layout = Layout([root], frozenset(), frozenset({module}))
    probed: list[str] = []
    assert layout.find("pkg.prep.clean", (root,), root, probed) == Found(module, ("clean",))
    assert probed == [*_candidates(root, "pkg", "prep", "clean"), module]


def test_lookup_gives_the_probes_made_in_vain_and_the_same_answer_again(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "prep.py").write_text("def clean(df):\n    return df\n")
    root = str(tmp_path)
    layout = _layout(root)
    found, absent = layout.lookup("pkg.prep.clean", (root,), root)
    assert found == Found(os.path.join(root, "pkg", "prep.py"), ("clean",))
    assert absent == tuple(_candidates(root, "pkg", "prep", "clean"))  # the module file itself is not absent
    assert layout.lookup("pkg.prep.clean", (root,), root)[1] is absent  # memoised: a link records it as is
    probed: list[str] = []
    assert layout.find("pkg.prep.clean", (root,), root, probed) == found
    assert probed == [*absent, found.path]
    assert layout.lookup("helpers.clean", (root,), root) == (
        None, (*_candidates(root, "helpers", "clean"), *_candidates(root, "helpers")))


def test_a_recorder_keeps_the_first_answer_for_a_path_recorded_absent_again():
    from mlops_lint.project.dependencies import Recorder

    recorder = Recorder()
    recorder.add("/p/helpers.py", "digest-read")
    recorder.add_absent(("/p/helpers.py", "/p/helpers/__init__.py"))
    recorder.add_absent(("/p/helpers/__init__.py",))
    assert recorder.files == {"/p/helpers.py": "digest-read", "/p/helpers/__init__.py": None}


def test_sys_path_additions_are_read_from_the_calls_however_sys_is_spelt():
    import ast

    from mlops_lint.analysis.module import AnalyzedModule
    from mlops_lint.catalog import load_catalog
    from mlops_lint.project.model import sys_path_additions

    def additions(text: str) -> tuple[str, ...]:
        return sys_path_additions(AnalyzedModule(path="x.py", text=text, tree=ast.parse(text), catalog=load_catalog()))

    assert additions('import sys\nsys.path.append("../lib")\nsys.path.insert(0, "../src")\n') == ("../src", "../lib")
    # Python reads the identifier "ｓｙｓ" as "sys": the text holds no "sys", the call is still an addition.
    assert additions('import ｓｙｓ\nｓｙｓ.path.insert(0, "../src")\n') == ("../src",)
    assert additions('import os\nos.path.join("../src")\n') == ()
