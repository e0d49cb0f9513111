"""The modules of the project as one process reads them: each read, parsed and set up once, on demand.

A linted module asks for another module of its project only through its imports
(``analysis/project.py``: ``ProjectLink``); ``ModuleLink`` answers for one module from its import
roots (``layout.py``). A module asked for is read through the safe reader (a regular file inside
the project, within the size limit; an editor's open buffer first), parsed, and its nodes marked
with their owner; its import table and its top level (``ModuleGlobals``) are computed when first
needed. A module that cannot be read or parsed is unknown, as a module outside the project is:
the caller is analysed as if the helper were a library the catalog does not describe.

Import cycles: a module asked for while its own top level is being set up is unknown to the
asker on that round; the top level is then set up again, the asker seeing the first round's
values, until its names stop changing (at most ``_MAX_ROUNDS`` rounds).

Memory: modules are kept per path while their bytes are unchanged, at most ``_KEPT`` of them
(least recently used first out, never while the file that needed them is being analysed), so a
process holds the import closure of the file at hand, not the project.
"""

from __future__ import annotations

import ast
import os
from collections import OrderedDict
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Iterator

from mlops_lint.project import ProjectOptions
from mlops_lint.project.dependencies import Dependencies, Recorder, digest
from mlops_lint.project.layout import Found, Layout
from mlops_lint.source import SourceError, read_bytes
from mlops_lint.source.document import decode_python

# The analysis layer is imported where a module is read: a warm run checks what cached results
# depended on (digests, project folders) without loading it.
if TYPE_CHECKING:
    from mlops_lint.analysis.module import AnalyzedModule
    from mlops_lint.analysis.project import ModuleNames, ProjectFunction
    from mlops_lint.analysis.module_globals import ModuleGlobals
    from mlops_lint.analysis.values import Value
    from mlops_lint.catalog import Catalog
    from mlops_lint.engine.prefilter import Prefilter

_KEPT = 128
_MAX_ROUNDS = 3
_SYS_PATH = frozenset({"sys.path.append", "sys.path.insert"})
_SYS_PATH_METHODS = frozenset(name.rsplit(".", 1)[1] for name in _SYS_PATH)
_PATH_WRAPPERS = frozenset({"os.path.abspath", "os.path.realpath", "os.path.normpath", "pathlib.Path", "str"})


def _literal_folder(node: ast.expr) -> str | None:
    """The folder of ``".."``, ``os.path.abspath("..")``, ``str(Path("../src"))``."""
    from mlops_lint.analysis.names import dotted_name

    while isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
        name = dotted_name(node.func)
        if name not in _PATH_WRAPPERS and name not in ("Path", "abspath", "realpath"):
            return None
        node = node.args[0]
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
        return node.value
    return None


def sys_path_additions(module: AnalyzedModule) -> tuple[str, ...]:
    """Literal folders the module adds to ``sys.path`` (relative ones to its own folder), in search order."""
    from mlops_lint.analysis.names import dotted_name

    text = module.text
    if "sys" not in text and text.isascii():
        # ``sys.path.insert`` spelt as written names ``sys``, and an ASCII text spells that name
        # only as "sys" (a non-ASCII one may spell it in letters that Python normalises to it):
        # the text tells, without a look at each of a long module's thousands of calls (4 ms).
        return ()
    front: list[str] = []
    back: list[str] = []
    for call in module.nodes_of(ast.Call):
        func = call.func
        if type(func) is not ast.Attribute or func.attr not in _SYS_PATH_METHODS:
            continue  # most calls: not worth spelling out
        # Spelt as written: the import table is completed from these very roots.
        name = dotted_name(func)
        if name not in _SYS_PATH or not call.args:
            continue
        inserted = name == "sys.path.insert"
        folder = _literal_folder(call.args[-1]) if (len(call.args) == 2) == inserted else None
        if folder is not None:
            (front if inserted else back).append(folder)
    return (*front, *back)


def _top_level_names(tree: ast.Module) -> tuple[frozenset[str], frozenset[str] | None]:
    """The names a module binds at its top level, and its literal ``__all__`` (None when it has none)."""
    from mlops_lint.analysis.walk import walk

    defined: set[str] = set()
    public: frozenset[str] | None = None
    statements: list[ast.stmt] = list(tree.body)
    while statements:
        node = statements.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for name in walk(target):
                    if isinstance(name, ast.Name):
                        defined.add(name.id)
                if isinstance(target, ast.Name) and target.id == "__all__" and isinstance(node.value, (ast.List, ast.Tuple)):
                    items = node.value.elts
                    if all(isinstance(i, ast.Constant) and isinstance(i.value, str) for i in items):
                        public = frozenset(i.value for i in items)  # type: ignore[attr-defined]
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            statements.extend(node.body)
            statements.extend(getattr(node, "orelse", []))
            for handler in getattr(node, "handlers", []):
                statements.extend(handler.body)
            statements.extend(getattr(node, "finalbody", []))
    return frozenset(defined), public


class Loaded:
    """One module of the project, read and parsed: its names and its top level, set up when asked."""

    def __init__(self, project: Project, path: str, data_digest: str, module: AnalyzedModule) -> None:
        self.project = project
        self.path = path
        self.digest = data_digest
        self.module = module
        self.globals: ModuleGlobals | None = None
        self.deps = Recorder()  # what setting it up read: whoever uses it depends on that too
        self.deps.add(path, data_digest)

    @cached_property
    def names(self) -> ModuleNames:
        from mlops_lint.analysis.project import ModuleNames

        with self.project.working_for(self):
            imported = {local: frozenset(names) for local, names in self.module.imports.bindings.items()}
        defined, public = _top_level_names(self.module.tree)
        return ModuleNames(imported, defined, public)

    def top_level(self) -> ModuleGlobals | None:
        return self.project.top_level(self)

    def function(self, rest: tuple[str, ...]) -> ProjectFunction | None:
        """The function ``rest`` names in this module: ``("clean",)`` or ``("DataUtils", "load")``."""
        from mlops_lint.analysis.project import ProjectFunction

        flow = self.top_level()
        if flow is None or not 1 <= len(rest) <= 2:
            return None
        if len(rest) == 1:
            value = flow.names.env.get(rest[0])
            function = value.function if value is not None else None
            if function is None:
                return None
            return ProjectFunction(self.module, function, flow.names, flow.functions)
        cls = next((n for n in reversed(self.module.tree.body) if isinstance(n, ast.ClassDef) and n.name == rest[0]), None)
        if cls is None:
            return None
        method = next((n for n in reversed(cls.body) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                       and n.name == rest[1]), None)
        if method is None:
            return None
        decorators = {d.id for d in method.decorator_list if isinstance(d, ast.Name)}
        return ProjectFunction(self.module, method, flow.names, flow.functions, implicit_first="classmethod" in decorators)

    def value(self, name: str) -> Value | None:
        """What the module's top level leaves in ``name``, when that is data (not a function, class or import)."""
        if name not in self.names.defined:
            return None
        flow = self.top_level()
        value = flow.names.env.get(name) if flow is not None else None
        if value is None or value.function is not None or not (value.sources or value.fits or value.instance_of is not None):
            return None
        return value


class ModuleLink:
    """What one module (home or read) sees of the rest of its project: ``ProjectLink`` of analysis/project.py."""

    def __init__(self, project: Project, path: str) -> None:
        self.project = project
        self.path = path  # absolute
        self.module: AnalyzedModule | None = None
        self._found: dict[str, tuple[Found | None, tuple[str, ...]]] = {}  # dotted → Layout.lookup's answer
        self._recorded: dict[str, int] = {}  # dotted → ``Project.recording`` when its absences were last recorded

    @cached_property
    def root(self) -> str:
        return self.project.layout.project_root(self.path)

    @cached_property
    def roots(self) -> tuple[str, ...]:
        added = sys_path_additions(self.module) if self.module is not None else ()
        return self.project.layout.import_roots(self.path, added)

    def _find(self, dotted: str) -> Found | None:
        known = self._found.get(dotted)
        if known is None:
            known = self._found[dotted] = self.project.layout.lookup(dotted, self.roots, self.root)
        # Its absences decided the answer (a file created there changes it): recorded, unless the
        # recorders are those that took them at the last lookup (a module looks a name up per call).
        if known[1] and self._recorded.get(dotted) != self.project.recording:
            self.project.record_absent(known[1])
            self._recorded[dotted] = self.project.recording
        return known[0]

    def _loaded(self, dotted: str) -> tuple[Loaded, tuple[str, ...]] | None:
        found = self._find(dotted)
        if found is None:
            return None
        loaded = self.project.load(found.path)
        return (loaded, found.rest) if loaded is not None else None

    # --- ProjectLink ---------------------------------------------------------------------------
    def absolute(self, level: int, module: str | None) -> str | None:
        package = self.project.layout.package_of(self.path, level)
        if package is None:
            return None
        return ".".join(part for part in (package, module) if part)

    def names_of(self, dotted: str) -> ModuleNames | None:
        found = self._loaded(dotted)
        if found is None or found[1]:
            return None
        loaded, _ = found
        if loaded.path in self.project.naming:
            return None  # an import cycle among the modules' import tables: cut here
        self.project.naming.add(loaded.path)
        try:
            return loaded.names
        finally:
            self.project.naming.discard(loaded.path)

    def function(self, qualified: str) -> ProjectFunction | None:
        found = self._loaded(qualified)
        return found[0].function(found[1]) if found is not None and found[1] else None

    def value(self, qualified: str) -> Value | None:
        found = self._loaded(qualified)
        return found[0].value(found[1][0]) if found is not None and len(found[1]) == 1 else None


def _signature(flow: ModuleGlobals) -> tuple[object, ...]:
    """What a round of a module's top level left in its names, compared across rounds (Fit records are new each round)."""
    return tuple(sorted(
        ((name, value.sources, frozenset(f.node for f in value.fits), value.roles, value.function)
         for name, value in flow.names.env.items()),
        key=lambda item: item[0],
    ))


class Project:
    """The project modules one process has read, and the files each lint depended on (see the module docstring)."""

    def __init__(self, options: ProjectOptions, catalog: Catalog) -> None:
        from mlops_lint.engine.prefilter import api_packages

        self.options = options
        self.catalog = catalog
        self._overlay = {os.path.normpath(os.path.abspath(path)): data for path, data in options.overlay}
        closed = frozenset(self._overlay) if options.closed else None
        self.layout = Layout(options.given, frozenset(api_packages(catalog)), closed)
        self._modules: OrderedDict[str, Loaded] = OrderedDict()
        self._recorders: list[Recorder] = []
        # Changes whenever a recorder is pushed or popped: the same stamp means the same recorders,
        # which already hold whatever was recorded under it (``Recorder.add`` keeps the first answer).
        self.recording = 0
        self._pinned: set[str] = set()
        self._running: dict[str, list[str]] = {}  # module set up now → modules set up inside it
        self._cut: set[str] = set()
        self._digests: dict[str, str | None] = {}
        self.naming: set[str] = set()
        # Each file linted in this process → what its findings depended on (taken by the engine's caller).
        self.found: dict[str, Dependencies] = {}
        # (module path, text, code) → lines where that module's own analysis reports the code (engine/lint.py).
        self.own_findings: dict[tuple[str, str, str], set[int]] = {}

    # --- what a lint depended on ------------------------------------------------------------
    def record(self, path: str, known: str | None) -> None:
        for recorder in self._recorders:
            recorder.add(path, known)

    def record_absent(self, paths: tuple[str, ...]) -> None:
        """``record(path, None)`` for each path: a lookup's probes, thousands of them per run."""
        for recorder in self._recorders:
            recorder.add_absent(paths)

    def _push(self, recorder: Recorder) -> None:
        self._recorders.append(recorder)
        self.recording += 1

    def _pop(self) -> None:
        self._recorders.pop()
        self.recording += 1

    @contextmanager
    def working_for(self, loaded: Loaded) -> Iterator[None]:
        """Whatever is read from here on is a dependency of ``loaded`` too."""
        self._push(loaded.deps)
        try:
            yield
        finally:
            self._pop()

    @contextmanager
    def session(self, path: str) -> Iterator[Recorder]:
        """The analysis of file ``path``: the modules it needs stay loaded, and what it reads is recorded."""
        recorder = Recorder()
        self._push(recorder)
        pinned = set(self._pinned)
        try:
            yield recorder
        finally:
            self._pop()
            self._pinned = pinned
            while len(self._modules) > _KEPT:
                oldest = next((p for p in self._modules if p not in self._pinned), None)
                if oldest is None:
                    break
                del self._modules[oldest]

    def dependencies(self, recorder: Recorder, path: str) -> Dependencies:
        absolute = os.path.normpath(os.path.abspath(path))
        return recorder.dependencies(self.layout.project_root(absolute), absolute)

    def current_digest(self, path: str) -> str | None:
        """The digest of ``path``'s bytes now (None: absent or unreadable), once per run."""
        if path not in self._digests:
            data = self._read(path)
            self._digests[path] = digest(data) if data is not None else None
        return self._digests[path]

    def still_holds(self, path: str, dependencies: Dependencies) -> bool:
        root = self.layout.project_root(os.path.normpath(os.path.abspath(path)))
        return dependencies.still_holds(root, self.current_digest)

    # --- reading modules --------------------------------------------------------------------
    def _read(self, path: str) -> bytes | None:
        if path in self._overlay:
            return self._overlay[path]
        if self.options.closed:
            return None
        try:
            return read_bytes(path, self.options.max_file_size)
        except SourceError:
            return None

    def display_path(self, path: str) -> str:
        """How findings name a file read for another: as the run names its own files (``ProjectOptions.absolute``)."""
        if self.options.absolute:
            return path
        relative = os.path.relpath(path)
        return path if relative.startswith(os.pardir) else relative

    def link(self, path: str) -> ModuleLink:
        return ModuleLink(self, os.path.normpath(os.path.abspath(path)))

    def load(self, path: str) -> Loaded | None:
        """The module at ``path`` (absolute, inside the project), read and parsed, or None."""
        data = self._read(path)
        if data is None:
            self.record(path, None)
            return None
        data_digest = digest(data)
        self._digests.setdefault(path, data_digest)
        loaded = self._modules.get(path)
        if loaded is None or loaded.digest != data_digest:
            loaded = self._parse(path, data, data_digest)
            if loaded is None:
                self.record(path, data_digest)
                return None
            self._modules[path] = loaded
        self._modules.move_to_end(path)
        self._pinned.add(path)
        for recorder in self._recorders:
            recorder.merge(loaded.deps.files)
        return loaded

    def _parse(self, path: str, data: bytes, data_digest: str) -> Loaded | None:
        from mlops_lint.analysis.module import AnalyzedModule
        from mlops_lint.analysis.project import OWNER
        from mlops_lint.engine.parse import ParseFailure, parse

        try:
            text = decode_python(data)
        except SourceError:
            return None
        tree = parse(text, path)
        if isinstance(tree, ParseFailure):
            return None  # a helper with a syntax error: its callers see an unknown function
        link = self.link(path)
        module = AnalyzedModule(path=self.display_path(path), text=text, tree=tree, catalog=self.catalog, project=link)
        link.module = module
        for node in module.nodes:
            setattr(node, OWNER, module)
        return Loaded(self, path, data_digest, module)

    def top_level(self, loaded: Loaded) -> ModuleGlobals | None:
        """The module's top level as importing it leaves it (see the module docstring for cycles)."""
        from mlops_lint.analysis.module_globals import ModuleGlobals

        if loaded.globals is not None or loaded.path in self._running:
            if loaded.globals is None:
                self._cut.add(loaded.path)  # asked for while being set up: unknown this round
            return loaded.globals
        for running in self._running.values():
            running.append(loaded.path)
        previous: tuple[object, ...] | None = None
        for _ in range(_MAX_ROUNDS):
            self._running[loaded.path] = []
            try:
                with self.working_for(loaded):
                    flow = ModuleGlobals(loaded.module)
            finally:
                inside = self._running.pop(loaded.path)
            loaded.globals = flow
            loaded.module.__dict__["dataflow"] = flow  # never a whole analysis of a module read for another
            if loaded.path not in self._cut:
                break
            signature = _signature(flow)
            if signature == previous:
                break
            previous = signature
            # Modules set up inside this round saw this one unknown: set them up again with this round's values.
            for path in inside:
                other = self._modules.get(path)
                if other is not None:
                    other.globals = None
        self._cut.discard(loaded.path)
        return loaded.globals

    # --- files without ML imports that reach ML code through their imports -------------------
    def relevant(self, path: str, text: str, prefilter: Prefilter) -> bool:
        from mlops_lint.project.relevance import reaches_ml_code

        return reaches_ml_code(self, os.path.normpath(os.path.abspath(path)), text, prefilter)

    def text_and_digest(self, path: str) -> tuple[str | None, str | None]:
        """The decoded text of a module of the project and the digest of its bytes (for ``relevance.py``)."""
        data = self._read(path)
        if data is None:
            return None, None
        self._digests.setdefault(path, digest(data))
        try:
            return decode_python(data), digest(data)
        except SourceError:
            return None, digest(data)


# The project model of the run at hand: (its options object, its catalog, the model). A run makes
# one ProjectOptions object (a worker receives one copy): another object is another run, which
# starts afresh, since files may have changed in between.
_CURRENT: list[tuple[ProjectOptions, Catalog, Project]] = []


def project_for(options: ProjectOptions, catalog: Catalog) -> Project:
    """The process's project model for the run these options belong to."""
    if _CURRENT and _CURRENT[0][0] is options and _CURRENT[0][1] is catalog:
        return _CURRENT[0][2]
    project = Project(options, catalog)
    _CURRENT[:] = [(options, catalog, project)]
    return project

