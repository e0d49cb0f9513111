"""The project a linted file belongs to: its other modules, read when the file's analysis needs them.

- ``layout.py``: projects, import roots and module files (never outside the project);
- ``model.py``: the modules read for one process, each parsed and set up once (``Project``), and
  what one module sees of the others (``ModuleLink``, the ``ProjectLink`` of analysis/project.py);
- ``relevance.py``: whether a file without ML imports reaches ML code through its imports;
- ``dependencies.py``: what a file's findings depended on, so a cached result is reused only while
  none of it changed;
- ``summary.py``, ``summarise.py``: what each function of a module does to data, as data (step 1);
- ``pipeline.py``: a project as two pure steps, summaries per module then findings per file, for a
  map over many projects (docs/performance.md, "Scaling out"), and ``mlops-lint summarise``.

What crosses a process boundary is ``ProjectOptions`` (plain data); each process builds its own
``Project`` from it (``project_for``).
"""

from __future__ import annotations

from dataclasses import dataclass

from mlops_lint.source.reading import DEFAULT_MAX_FILE_SIZE


@dataclass(frozen=True)
class ProjectOptions:
    """What a process needs to read a run's projects (picklable: the workers of a pool receive it).

    ``given``: the folders the run was given (a file's own folder for a file named alone), the
    fallback project of a file with no ``pyproject.toml``/``setup.cfg``/``.git`` above it.
    ``overlay``: texts that replace files on disk (an editor's open buffers), as (path, bytes).
    ``absolute``: name the other files of a project by absolute paths, as the run names its own
    (else relative to the current folder, when inside it).
    ``closed``: the overlay is the whole project: nothing is read from disk, not even whether a
    file exists (the findings step of ``pipeline.py``, a pure function of the bytes it is given).
    """

    given: tuple[str, ...]
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    overlay: tuple[tuple[str, bytes], ...] = ()
    absolute: bool = False
    closed: bool = False
