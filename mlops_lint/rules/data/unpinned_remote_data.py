"""MLO502: a data set is read from a URL, bucket or remote registry with no version or checksum."""

from __future__ import annotations

import ast
import re
from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.catalog import ApiEntry
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.analysis.arguments import argument
from mlops_lint.rules.shapes import has_keyword
from mlops_lint.rules.strings import literal_string


class UnpinnedRemoteData(Rule):
    code = "MLO502"
    fields = ("reader", "source")

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        remote = [re.compile(pattern) for pattern in options.get("remote-patterns", [])]
        pinned = [re.compile(pattern) for pattern in options.get("pin-patterns", [])]
        for call, entry in module.calls_with_role("loader", "downloader"):
            if has_keyword(call, entry.get("pin-args", [])):
                continue
            source = self._remote_source(module, call, entry, remote)
            if source is None or any(pattern.search(source) for pattern in pinned):
                continue
            yield Finding(call, {"reader": entry.short_name, "source": source})

    @staticmethod
    def _remote_source(module: AnalyzedModule, call: ast.Call, entry: ApiEntry, remote: list[re.Pattern[str]]) -> str | None:
        """The URL or data-set name the call fetches remotely, or None when it reads local data."""
        path = None
        if entry.get("path-arg") is not None or entry.get("path-keyword") is not None:
            path = literal_string(module, argument(call, entry.get("path-arg"), entry.get("path-keyword")))
        if path is not None and any(pattern.match(path) for pattern in remote):
            return path
        if not entry.get("named-remote") or has_keyword(call, entry.get("local-keywords", [])):
            return None
        # A registry fetch by name (OpenML, the Hub): the name must be a plain identifier, not a path.
        name = path if path is not None else literal_string(module, argument(call, 0, "name"))
        if name is None or name.startswith((".", "/", "~")) or "\\" in name:
            return None
        return name
