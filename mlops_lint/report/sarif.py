"""SARIF 2.1.0 for code scanning: the catalog's rules as ``tool.driver.rules``, findings as results."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import quote

from mlops_lint import __version__
from mlops_lint.catalog import RuleSpec, load_catalog
from mlops_lint.diagnostics import Diagnostic, Location

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: str) -> str:
    if os.path.isabs(path):
        return Path(path).as_uri()
    return quote(path.replace(os.sep, "/"))


def _physical(location: Location) -> dict[str, Any]:
    return {
        "artifactLocation": {"uri": _uri(location.path)},
        "region": {
            "startLine": location.start.line,
            "startColumn": location.start.column + 1,
            "endLine": location.end.line,
            "endColumn": location.end.column + 1,
        },
    }


def _location(location: Location, **extra: Any) -> dict[str, Any]:
    result: dict[str, Any] = {"physicalLocation": _physical(location), **extra}
    if location.cell is not None:
        # The region is relative to this notebook cell (1-based, counting every cell), not to the JSON file.
        result["properties"] = {"notebookCell": location.cell}
    return result


def _rule(spec: RuleSpec) -> dict[str, Any]:
    docs = spec.docs
    full = " ".join(str(docs[key]) for key in ("what", "why") if docs.get(key)) or spec.summary
    return {
        "id": spec.code,
        "name": spec.name,
        "shortDescription": {"text": spec.summary},
        "fullDescription": {"text": full},
        "helpUri": spec.url,
        "help": {"text": f"{spec.summary}. See {spec.url}"},
        "defaultConfiguration": {"level": _LEVEL[spec.severity], "enabled": spec.default},
        "properties": {"tags": [spec.antipattern]},
    }


def _result(d: Diagnostic, index: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": d.code,
        "ruleIndex": index,
        "level": _LEVEL[d.severity.value],
        "message": {"text": d.message},
        "locations": [_location(d.location)],
    }
    if d.related:
        result["relatedLocations"] = [
            _location(r.location, id=number, message={"text": r.label}) for number, r in enumerate(d.related, 1)
        ]
    if d.location.cell is not None:
        result["properties"] = {"notebookCell": d.location.cell}
    return result


def as_dict(diagnostics: Sequence[Diagnostic]) -> dict[str, Any]:
    specs = sorted(load_catalog().rules.values(), key=lambda spec: spec.code)
    index = {spec.code: number for number, spec in enumerate(specs)}
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mlops-lint",
                        "version": __version__,
                        "informationUri": "https://github.com/mlops-lint/mlops-lint",
                        "rules": [_rule(spec) for spec in specs],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [_result(d, index[d.code]) for d in diagnostics],
            }
        ],
    }


def render(diagnostics: Sequence[Diagnostic]) -> str:
    return json.dumps(as_dict(diagnostics), indent=2, ensure_ascii=False) + "\n"
