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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from mlops_lint.engine.prefilter import Prefilter
    from mlops_lint.project.layout import Found, Layout
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
    for _, found in _found(layout, path, text, consulted):
        yield found.path


def imported_modules(layout: Layout, path: str, text: str) -> dict[str, str]:
    """The project modules that the module ``path`` (its ``text``) may import, by the absolute
    dotted name it imports them under (``from . import utils`` in ``pkg/``: ``pkg.utils``) → file."""
    return {dotted: found.path for dotted, found in _found(layout, path, text, {}) if not found.rest}


def _found(layout: Layout, path: str, text: str, consulted: Consulted) -> Iterator[tuple[str, Found]]:
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
            yield dotted, found


@dataclass(frozen=True)
class _Module:
    """One module as the question needs it, read and scanned once per run."""

    kept: bool  # the prefilter keeps it: it imports ML code itself
    imports: tuple[str, ...]  # the project module files it may load
    consulted: Consulted  # its own digest, and the files whose absence decided its imports


def _module(project: Project, path: str, prefilter: Prefilter, modules: dict[str, _Module]) -> _Module:
    known = modules.get(path)
    if known is None:
        text, text_digest = project.text_and_digest(path)
        consulted: Consulted = {path: text_digest}
        if text is None:
            known = _Module(False, (), consulted)
        elif prefilter.keeps(text):
            known = _Module(True, (), consulted)
        else:
            known = _Module(False, tuple(_imported_files(project, path, text, consulted)), consulted)
        modules[path] = known
    return known


# Per run: module → (whether it reaches ML code, every file that answer read or looked for).
_Memo = dict[str, tuple[bool, Consulted]]


def reaches_ml_code(project: Project, path: str, text: str, prefilter: Prefilter) -> bool:
    """Whether ``text`` (the module at ``path``) imports a project module the prefilter keeps, or one that reaches one.

    A walk of the import graph from ``path``, each module scanned once per run. When nothing it
    reaches is kept, nothing any module on the way reaches is either: they all get that answer at
    once (with every file the walk consulted, a superset of theirs), so a package whose modules
    import each other is walked once, not once per module and cycle.
    """
    answers: _Memo = project.__dict__.setdefault("_reaches_ml_code", {})
    modules: dict[str, _Module] = project.__dict__.setdefault("_reaches_ml_code_modules", {})
    start = os.path.normpath(path)
    known = answers.get(start)
    if known is None:
        consulted: Consulted = {}
        pending = list(_imported_files(project, start, text, consulted))
        seen = {start, *pending}
        answer = False
        while pending and not answer:
            current = pending.pop()
            settled = answers.get(current)
            if settled is not None and not settled[0]:
                consulted.update(settled[1])  # nothing past it is kept
                continue
            module = _module(project, current, prefilter, modules)
            consulted.update(module.consulted)
            answer = module.kept or (settled is not None and settled[0])
            for imported in module.imports:
                if imported not in seen:
                    seen.add(imported)
                    pending.append(imported)
        known = (answer, consulted)
        if not answer:
            for module_path in seen:
                answers.setdefault(module_path, known)
        answers[start] = known
    for file, file_digest in known[1].items():
        project.record(file, file_digest)
    return known[0]
