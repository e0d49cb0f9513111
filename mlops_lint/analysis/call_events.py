"""The dataflow's call events by the role of the catalog entry they call, indexed once per module.

Several rules and facts read the calls of a few roles (gradings: metrics and predictions; reports:
print, loggers, sinks; searches and CV evaluators): each used to scan every call event of the
module (a long module has thousands) for its roles. One pass files them by role; each asks for
its roles.
"""

from __future__ import annotations

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.values import Event


class CallEventsByRole:
    """Call events whose callee the catalog knows, by its role; see the module docstring."""

    def __init__(self, module: AnalyzedModule) -> None:
        by_role: dict[str, list[Event]] = {}
        for event in module.dataflow.events_of("call"):
            entry = event.entry
            if entry is not None:
                by_role.setdefault(entry.role, []).append(event)
        self._by_role = by_role

    def of(self, *roles: str) -> list[Event]:
        """The call events of these roles: in flow order within each role, role after role."""
        if len(roles) == 1:
            return self._by_role.get(roles[0], [])
        return [event for role in roles for event in self._by_role.get(role, ())]


def call_events(module: AnalyzedModule) -> CallEventsByRole:
    return module.shared(CallEventsByRole)
