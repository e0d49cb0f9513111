"""A stable JSON document of the findings; the schema is documented in docs/json-schema.md."""

from __future__ import annotations

import json
from typing import Any, Sequence

from mlops_lint.diagnostics import Diagnostic, Location
from mlops_lint.report.text_safety import valid_unicode_data

SCHEMA_VERSION = 1


def _location(location: Location) -> dict[str, Any]:
    return {
        "filename": location.path,
        "cell": location.cell,
        "location": {"row": location.start.line, "column": location.start.column + 1},
        "end_location": {"row": location.end.line, "column": location.end.column + 1},
    }


def as_dict(diagnostic: Diagnostic) -> dict[str, Any]:
    fix = diagnostic.fix
    return {
        "code": diagnostic.code,
        "name": diagnostic.name,
        "message": diagnostic.message,
        "severity": diagnostic.severity.value,
        **_location(diagnostic.location),
        "related": [{"label": r.label, **_location(r.location)} for r in diagnostic.related],
        "fix": None if fix is None else {"message": fix.title, "applicability": fix.applicability.value},
        "url": diagnostic.url,
    }


def render(diagnostics: Sequence[Diagnostic]) -> str:
    document = {"schema_version": SCHEMA_VERSION, "diagnostics": [as_dict(d) for d in diagnostics]}
    # A file name that is not UTF-8 (lone surrogates) would make the document invalid UTF-8.
    return json.dumps(valid_unicode_data(document), indent=2, ensure_ascii=False) + "\n"
