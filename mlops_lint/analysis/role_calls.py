"""The module's calls of several catalog roles, in walk order, without a scan of every resolved call.

``AnalyzedModule.calls_with_role`` answers one role from its index, and several roles by filtering
every call the catalog knows (a long module has thousands). Rules asking for a few roles, of which
a module usually calls one at most (``loader`` and ``downloader``), get that role's indexed list.
"""

from __future__ import annotations

import ast

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.catalog import ApiEntry


def calls_of_roles(module: AnalyzedModule, *roles: str) -> list[tuple[ast.Call, ApiEntry]]:
    """``module.calls_with_role(*roles)``: the same calls in the same (walk) order."""
    called = [role for role in roles if module.calls_with_role(role)]
    if len(called) <= 1:
        return list(module.calls_with_role(called[0])) if called else []
    return module.calls_with_role(*called)  # several roles called: merged by the module's walk
