"""The Rule base class and the Finding a rule yields."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Iterator

if TYPE_CHECKING:  # the analysis layer loads only when a file is analysed
    from mlops_lint.analysis.module import AnalyzedModule


@dataclass(frozen=True)
class Finding:
    """What a rule reports: the node to point at, the message fields, other labelled places.

    ``related`` pairs a key of the rule's catalog ``related`` table (its label) with a node.
    A finding of a rule whose catalog entry declares a ``fix`` is marked fixable; ``fix=False``
    opts one finding out when the rule knows its fixer cannot handle it.
    """

    node: ast.AST
    fields: dict[str, Any] = field(default_factory=dict)
    related: tuple[tuple[str, ast.AST], ...] = ()
    fix: Any = None


class Rule:
    """Subclass once per rule: set ``code`` and implement ``check``. Logic only; text lives in the catalog."""

    code: ClassVar[str]

    def check(self, module: AnalyzedModule) -> Iterator[Finding]:  # pragma: no cover - abstract
        raise NotImplementedError
