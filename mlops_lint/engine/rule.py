"""The Rule base class and the Finding a rule yields."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Iterator, Mapping

if TYPE_CHECKING:  # the analysis layer loads only when a file is analysed
    from mlops_lint.analysis.module import AnalyzedModule

# A rule's options: the catalog's defaults overlaid with the user's ``[tool.mlops-lint.<rule-name>]``.
Options = Mapping[str, Any]


@dataclass(frozen=True)
class Finding:
    """What a rule reports: the node to point at, the message fields, other labelled places.

    ``related`` pairs a key of the rule's catalog ``related`` table (its label) with a node.
    """

    node: ast.AST
    fields: dict[str, Any] = field(default_factory=dict)
    related: tuple[tuple[str, ast.AST], ...] = ()


class Rule:
    """Subclass once per rule: set ``code`` and implement ``check``. Logic only; text lives in the catalog.

    ``fields`` names the message fields each finding fills (the placeholders of the catalog's
    ``message`` and fix title) and ``related`` the keys of its related places (the catalog's
    ``related`` labels); both are checked against the catalog when rules meet it
    (``engine/message.py``). Field values may be syntax nodes, ``LineRef``s or catalog entries:
    the engine writes them out.
    """

    code: ClassVar[str]
    fields: ClassVar[tuple[str, ...]] = ()
    related: ClassVar[tuple[str, ...]] = ()

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:  # pragma: no cover - abstract
        raise NotImplementedError
