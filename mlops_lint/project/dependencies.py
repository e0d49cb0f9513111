"""What a file's findings depend on besides its own bytes: the project files read or looked for.

A file's analysis may read other modules of its project (``model.py``) or look for one that is
not there (``import helpers`` with no ``helpers.py`` yet). Each such file is recorded with the
digest of the bytes read, or None when it was absent; a cached result is reused only while each
of them still reads the same (``still_holds``). The file's project folder is recorded too: the
same file linted as part of another project may see other modules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

# The cache's digest (blake2b from the builtin module): importing hashlib would load OpenSSL
# (~2 ms of every run's start-up) for this one hash.
from mlops_lint.cache.fingerprint import digest as digest

Digest = Callable[[str], "str | None"]  # path → digest of its bytes now, None when it cannot be read


@dataclass(frozen=True)
class Dependencies:
    """The project folder of a file, and every other file its findings depended on: (path, digest or None)."""

    root: str
    files: tuple[tuple[str, str | None], ...] = ()

    def still_holds(self, root: str, current: Digest) -> bool:
        return root == self.root and all(current(path) == known for path, known in self.files)

    def union(self, other: Dependencies) -> Dependencies:
        return Dependencies(self.root, tuple(sorted(set(self.files) | set(other.files))))

    def encode(self) -> dict[str, Any]:
        """As JSON data, for the results cache (cache/results.py)."""
        return {"root": self.root, "files": [[path, known] for path, known in self.files]}

    @staticmethod
    def decode(data: Any) -> Dependencies | None:
        """``encode``'s output back, or None when ``data`` is anything else (a cache file is untrusted)."""
        if type(data) is not dict or type(data.get("root")) is not str or type(data.get("files")) is not list:
            return None
        files = data["files"]
        if not all(type(f) is list and len(f) == 2 and type(f[0]) is str and (f[1] is None or type(f[1]) is str) for f in files):
            return None
        return Dependencies(data["root"], tuple((path, known) for path, known in files))


class Recorder:
    """Collects the files read (path → digest) or looked for in vain (path → None)."""

    def __init__(self) -> None:
        self.files: dict[str, str | None] = {}

    def add(self, path: str, known: str | None) -> None:
        self.files.setdefault(path, known)

    def add_absent(self, paths: tuple[str, ...]) -> None:
        files = self.files
        for path in paths:
            if path not in files:
                files[path] = None

    def merge(self, files: dict[str, str | None]) -> None:
        for path, known in files.items():
            self.files.setdefault(path, known)

    def dependencies(self, root: str, own: str) -> Dependencies:
        return Dependencies(root, tuple(sorted((p, d) for p, d in self.files.items() if p != own)))
