"""Whether a file the prefilter rules out still reaches ML code through the project's modules it imports.

The prefilter (engine/prefilter.py) keeps a file only when it imports a package the catalog
describes. A script that imports nothing but ``from utils import split_data`` can still leak,
when ``utils.py`` imports scikit-learn: it is kept when one of the project modules it imports
is kept, or reaches one that is (each module read once per run, an import cycle cut where it
closes). Like the prefilter it reads text, not trees: every ``import`` / ``from ... import``
line names the modules it might load (``from pkg import a`` may load ``pkg.a``), so a file that
could reach a kept module is never ruled out; one more file parsed is the price of a guess.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from mlops_lint.engine.prefilter import Prefilter
    from mlops_lint.project.layout import Layout
    from mlops_lint.project.model import Project

_FROM = re.compile(r"^[ \t]*from[ \t]+(\.*)[ \t]*([\w.]*)[ \t]+import[ \t]*\(?([^#\n]*)", re.MULTILINE)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([^#\n]*)", re.MULTILINE)
_SYS_PATH = re.compile(
    r"sys\.path\.(?:append|insert)\(\s*(?:\d+\s*,\s*)?(?:(?:os\.path\.)?(?:abspath|realpath)\(|(?:pathlib\.)?Path\()?\s*[rR]?['\"]([^'\"\n]+)['\"]")
_NAME = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


def _imported(text: str) -> Iterator[tuple[int, str]]:
    """(relative level, dotted name) of every module an import line may load."""
    for match in _FROM.finditer(text):
        level, module = len(match.group(1)), match.group(2)
        if module or level:
            yield level, module
        for name in _NAME.findall(match.group(3)):
            if name != "as" and "." not in name:
                yield level, f"{module}.{name}" if module else name
    for match in _IMPORT.finditer(text):
        for part in match.group(1).split(","):
            words = part.split()
            if words and _NAME.fullmatch(words[0]):
                yield 0, words[0]


Consulted = dict[str, "str | None"]  # file → digest of the bytes read, None when absent


def _imported_files(project: Project, path: str, text: str, consulted: Consulted) -> Iterator[str]:
    yield from imported_files(project.layout, path, text, consulted)


def imported_files(layout: Layout, path: str, text: str, consulted: Consulted) -> Iterator[str]:
    """The project module files that the module ``path`` (its ``text``) may load; ``consulted`` gets
    each file whose absence decided an answer."""
    root = layout.project_root(path)
    roots = layout.import_roots(path, _SYS_PATH.findall(text))
    for level, dotted in _imported(text):
        if level:
            package = layout.package_of(path, level)
            if package is None:
                continue
            dotted = ".".join(p for p in (package, dotted) if p)
            if not dotted:
                continue
        probed: list[str] = []
        found = layout.find(dotted, roots, root, probed)
        for candidate in probed:
            if found is None or candidate != found.path:
                consulted.setdefault(candidate, None)
        if found is not None:
            yield found.path


# Per run: module → (whether it reaches ML code, every file that answer read or looked for).
_Memo = dict[str, tuple[bool, Consulted]]


def _reaches(project: Project, path: str, text: str, prefilter: Prefilter, memo: _Memo,
             visiting: set[str]) -> tuple[bool, Consulted, bool]:
    """(answer, files consulted, whether an import cycle was cut on the way: then a "no" is not final)."""
    visiting.add(path)
    consulted: Consulted = {}
    cut = False
    try:
        for imported in _imported_files(project, path, text, consulted):
            if imported in visiting:
                cut = True
                continue
            known = memo.get(imported)
            if known is None:
                other, other_digest = project.text_and_digest(imported)
                inner: Consulted = {}
                inner_cut = False
                if other is None:
                    answer = False
                elif prefilter.keeps(other):
                    answer = True
                else:
                    answer, inner, inner_cut = _reaches(project, imported, other, prefilter, memo, visiting)
                known = (answer, {imported: other_digest, **inner})
                if answer or not inner_cut:
                    memo[imported] = known
                cut = cut or inner_cut
            consulted.update(known[1])
            if known[0]:
                return True, consulted, cut
        return False, consulted, cut
    finally:
        visiting.discard(path)


def reaches_ml_code(project: Project, path: str, text: str, prefilter: Prefilter) -> bool:
    """Whether ``text`` (the module at ``path``) imports a project module the prefilter keeps, or one that reaches one."""
    memo: _Memo = project.__dict__.setdefault("_reaches_ml_code", {})
    answer, consulted, _ = _reaches(project, os.path.normpath(path), text, prefilter, memo, set())
    for file, known in consulted.items():
        project.record(file, known)
    return answer
