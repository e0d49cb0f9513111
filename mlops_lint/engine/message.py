"""Turn a finding's fields into the text of its message: nodes, line references and catalog entries.

Rules hand over what they found, never text about it: a syntax node is shown as the code that
spells it (``X_train``, shortened past 40 characters), a ``LineRef`` as the line the user sees
(``12`` in a script, ``3 of cell 2`` in a notebook), a catalog entry as its short name
(``StandardScaler``). Everything else is shown with ``str``. A rule declares the fields it fills
(``Rule.fields``); ``check_fields`` compares them with its catalog message when rules meet the
catalog, so a renamed placeholder fails at start-up instead of printing ``{var}``.
"""

from __future__ import annotations

import ast
import string
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping

# A module of plain functions on nodes (no analysis): imported here, not in ``spelling``, which
# a long module's findings call a thousand times.
from mlops_lint.analysis.names import dotted_name
from mlops_lint.catalog import ApiEntry, CatalogError, RuleSpec

if TYPE_CHECKING:
    from mlops_lint.engine.rule import Rule

_MAX_SPELLING = 40


@dataclass(frozen=True, slots=True)
class LineRef:
    """The line of ``node`` as the user sees it in a message (a notebook's cell and line)."""

    node: ast.AST


def spelling(node: ast.AST) -> str:
    """The source spelling of an expression, shortened to ``_MAX_SPELLING`` characters."""
    text = dotted_name(node) or ast.unparse(node)
    return text if len(text) <= _MAX_SPELLING else text[: _MAX_SPELLING - 1] + "…"


def field_text(value: Any, line_label: Callable[[int], str]) -> str:
    """How one field value reads in a message; ``line_label`` turns a module line into the user's."""
    if isinstance(value, LineRef):
        return line_label(getattr(value.node, "lineno", 1))
    if isinstance(value, ApiEntry):
        return value.short_name
    if isinstance(value, ast.AST):
        return spelling(value)
    return str(value)


def render_fields(fields: Mapping[str, Any], line_label: Callable[[int], str]) -> dict[str, str]:
    return {name: field_text(value, line_label) for name, value in fields.items()}


def placeholders(template: str) -> set[str]:
    """The ``{names}`` a message template asks for."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def check_fields(rule: type[Rule], spec: RuleSpec) -> None:
    """Raise CatalogError when a rule's declared fields or related keys differ from its catalog entry's."""
    titles = [spec.fix.title, *spec.fix.titles.values()] if spec.fix is not None else []
    wanted = placeholders(spec.message).union(*(placeholders(title) for title in titles))
    declared = set(rule.fields)
    if declared != wanted:
        missing, extra = sorted(wanted - declared), sorted(declared - wanted)
        raise CatalogError(
            f"{spec.code}.toml: key 'message' asks for fields {sorted(wanted)} but {rule.__name__} "
            f"declares {sorted(declared)} (missing {missing}, not in the message {extra})"
        )
    if set(rule.related) != set(spec.related):
        raise CatalogError(
            f"{spec.code}.toml: key 'related' labels {sorted(spec.related)} but {rule.__name__} "
            f"reports related places {sorted(rule.related)}"
        )
