"""The fix of a finding, computed when the finding is made: a finding is fixable only with edits in hand.

Called by the engine for the findings of rules whose catalog declares a ``fix``. A fixer that
declines the shape, or fails, leaves the finding without a fix: it is then not labelled fixable
anywhere (full output, JSON, SARIF, the summary's count), and ``--fix`` does not try it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Mapping

from mlops_lint.diagnostics import Applicability, Fix, TextEdit
from mlops_lint.fixes.registry import FixContext, fixers
from mlops_lint.fixes.texts import NotebookText, NotExpressible
from mlops_lint.source import SourceDocument

if TYPE_CHECKING:
    from mlops_lint.analysis.module import AnalyzedModule
    from mlops_lint.catalog import RuleSpec
    from mlops_lint.engine.rule import Finding


def propose(spec: "RuleSpec", module: "AnalyzedModule", finding: "Finding", options: Mapping[str, Any],
            fields: Mapping[str, str]) -> Fix | None:
    declared = spec.fix
    function = fixers().get(spec.code)
    if declared is None or function is None:
        return None
    try:
        proposal = function(FixContext(module, finding, options))
    except Exception:  # a broken fixer costs its finding the fix, never the finding itself
        logging.getLogger(__name__).debug("the fixer of %s failed on %s", spec.code, module.path, exc_info=True)
        return None
    if proposal is None or not proposal.edits or not _expressible(module, proposal.edits):
        return None
    title = declared.titles.get(proposal.kind, declared.title) if proposal.kind else declared.title
    return Fix(title.format_map(fields), Applicability(declared.safety), proposal.edits)


def _shown_notebook(module: "AnalyzedModule") -> NotebookText:
    return NotebookText.shown(SourceDocument(module.path, module.text, module.cell_map))


def _expressible(module: "AnalyzedModule", edits: tuple[TextEdit, ...]) -> bool:
    """Whether ``--fix`` could write these edits: in a notebook, each within one cell and clear of
    the lines that stand in for IPython syntax (``%time x = f()``), as ``fixes/texts.py`` requires."""
    if module.cell_map is None:
        return True
    try:
        module.shared(_shown_notebook).check(edits)
    except NotExpressible:
        return False
    return True
