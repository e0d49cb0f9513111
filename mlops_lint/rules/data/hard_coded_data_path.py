"""MLO501: a data set is read from an absolute path on one user's machine."""

from __future__ import annotations

import re
from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.analysis.arguments import argument
from mlops_lint.rules.strings import leading_string, opens_for_writing


class HardCodedDataPath(Rule):
    code = "MLO501"
    fields = ("reader", "path")

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        patterns = [re.compile(pattern) for pattern in options.get("path-patterns", [])]
        for call, entry in module.calls_with_role("loader", "downloader"):
            if entry.get("path-arg") is None and entry.get("path-keyword") is None:
                continue
            if opens_for_writing(call, entry):
                continue
            path_node = argument(call, entry.get("path-arg"), entry.get("path-keyword"))
            path = leading_string(module, path_node)
            if path is None or not any(pattern.match(path) for pattern in patterns):
                continue
            yield Finding(call, {"reader": entry.short_name, "path": path})
