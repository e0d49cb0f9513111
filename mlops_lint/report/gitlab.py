"""GitLab Code Quality report: a JSON list of issues with fingerprints that survive line moves."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Sequence

from mlops_lint.diagnostics import Diagnostic
from mlops_lint.report.source_lines import NOT_READ, SourceLines
from mlops_lint.report.text_safety import valid_unicode_data

_SEVERITY = {"error": "major", "warning": "minor", "info": "info"}
_DIGITS = re.compile(r"\d+")


def _anchor(d: Diagnostic, sources: SourceLines) -> str:
    """What identifies the finding besides its code and file: the flagged line's text, not its number.

    Messages quote line numbers, so when the source cannot be read they count with digits removed.
    """
    text = sources.line_text(d.location) if d.code != NOT_READ else None
    if text is not None:
        return " ".join(text.split())
    return _DIGITS.sub("#", d.message)


def fingerprints(diagnostics: Sequence[Diagnostic], sources: SourceLines | None = None) -> list[str]:
    sources = sources or SourceLines()
    seen: dict[str, int] = {}
    result = []
    for d in diagnostics:
        key = "\0".join((d.code, d.location.path, str(d.location.cell or ""), _anchor(d, sources)))
        # Identical lines flagged twice in a file are told apart by their order of appearance.
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        # surrogatepass: a file name that is not UTF-8 still hashes (to the same value every run).
        result.append(hashlib.sha256(f"{key}\0{occurrence}".encode("utf-8", "surrogatepass")).hexdigest()[:32])
    return result


def as_dicts(diagnostics: Sequence[Diagnostic], sources: SourceLines | None = None) -> list[dict[str, Any]]:
    return [
        {
            "description": f"{d.code} {d.message}",
            "check_name": f"{d.code} {d.name}",
            "fingerprint": fingerprint,
            "severity": _SEVERITY[d.severity.value],
            "location": {
                "path": d.location.path,
                "lines": {"begin": d.location.start.line, "end": d.location.end.line},
            },
        }
        for d, fingerprint in zip(diagnostics, fingerprints(diagnostics, sources))
    ]


def render(diagnostics: Sequence[Diagnostic], sources: SourceLines | None = None) -> str:
    """``sources``: the text behind the findings (unsaved stdin included); default, the files on disk."""
    return json.dumps(valid_unicode_data(as_dicts(diagnostics, sources)), indent=2, ensure_ascii=False) + "\n"
