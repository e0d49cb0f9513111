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
from mlops_lint.report.text_safety import valid_unicode_data

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _path_bytes(path: str) -> bytes:
    """The file name's bytes: a name that is not UTF-8 is held with surrogate escapes, and its URI
    percent-encodes its real bytes (``%FF``), as RFC 3986 means it to."""
    try:
        return os.fsencode(path)
    except UnicodeEncodeError:  # a lone surrogate that no file name on disk decodes to
        return path.encode("utf-8", "surrogatepass")


def _uri(path: str) -> str:
    if os.path.isabs(path):
        try:
            return Path(path).as_uri()
        except (UnicodeEncodeError, ValueError):
            return "file://" + quote(_path_bytes(path.replace(os.sep, "/")))
    return quote(_path_bytes(path.replace(os.sep, "/")))


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
    # Only the rules that have results: the document stays small and does not change when an
    # unrelated rule is added to the catalog (code scanning needs no more).
    used = {d.code for d in diagnostics}
    specs = sorted((spec for spec in load_catalog().rules.values() if spec.code in used), key=lambda spec: spec.code)
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
    return json.dumps(valid_unicode_data(as_dict(diagnostics)), indent=2, ensure_ascii=False) + "\n"
