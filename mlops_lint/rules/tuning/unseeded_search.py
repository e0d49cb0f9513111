"""MLO301: a hyper-parameter search whose sampling or CV folds are not seeded.

The sampler and the CV splitter a search is given are objects of the dataflow: the calls that
built them (``made_by``) say whether they are seeded, wherever they were built. A seed argument
that is itself a call of a seed-setter without a seed (``random_state=np.random.seed()``)
passes None, and draws a fresh seed from the system besides: no seed.
"""

from __future__ import annotations

import ast
from typing import Iterator

from mlops_lint.analysis.arguments import argument, has_unpacking, keyword, seeded, shuffles
from mlops_lint.analysis.call_events import call_events
from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.values import Event
from mlops_lint.catalog import ApiEntry
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.rules.shapes import in_source_order

_SEARCH_ROLES = ("search", "parameter-sampler")


def _object(event: Event, param: str | None) -> tuple[ast.Call, ApiEntry] | None:
    """The catalog object passed as ``param=`` in this evaluation of the call, and the call that built it."""
    value = next((arg.value for arg in event.data if arg.name == param), None) if param else None
    if value is None or value.made_by is None or value.instance_of is None:
        return None
    return value.made_by, value.instance_of


class UnseededSearch(Rule):
    code = "MLO301"
    fields = ("search", "reason", "advice")
    related = ("seed",)

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        by_call: dict[ast.Call, list[Event]] = {}
        for event in call_events(module).of(*_SEARCH_ROLES):  # a call has one role: each call's events stay in flow order
            by_call.setdefault(event.call, []).append(event)
        for call, entry in module.calls_with_role(*_SEARCH_ROLES):
            events = by_call.get(call, [])
            finding = self._own_seed(module, call, entry) or self._sampler(module, call, entry, events) or self._cv(module, call, entry, events)
            if finding is not None:
                yield finding

    def _own_seed(self, module: AnalyzedModule, call: ast.Call, entry: ApiEntry) -> Finding | None:
        if entry.get("seed-param") is None:
            return None
        state, reseeding = _seed_state(module, call, entry)
        if state is not False:
            return None
        param = entry.get("seed-param")
        reason = f"it is called with `{param}={ast.unparse(reseeding)}`, which passes None" if reseeding is not None \
            else f"it is called without `{param}`"
        return Finding(call, {"search": entry.short_name, "reason": reason, "advice": f"pass `{param}=<int>`"})

    def _sampler(self, module: AnalyzedModule, call: ast.Call, entry: ApiEntry, events: list[Event]) -> Finding | None:
        param = entry.get("sampler-param")
        if param is None or has_unpacking(call):
            return None
        if keyword(call, param) is None:
            return Finding(call, {"search": entry.short_name, "reason": "it has no `sampler`, and the default one draws an unseeded seed",
                                  "advice": "pass `sampler=TPESampler(seed=<int>)`"})
        for sampler_call, sampler, _ in self._unseeded(module, events, param, "sampler"):
            return Finding(call, {"search": entry.short_name, "reason": f"its sampler {sampler.short_name} has no `{sampler.get('seed-param')}`",
                                  "advice": f"pass `{sampler.short_name}({sampler.get('seed-param')}=<int>)`"},
                           related=(("seed", sampler_call),))
        return None

    def _cv(self, module: AnalyzedModule, call: ast.Call, entry: ApiEntry, events: list[Event]) -> Finding | None:
        for cv_call, cv, reseeding in self._unseeded(module, events, entry.get("cv-param"), "cv-splitter"):
            if shuffles(cv_call, cv) is not True:
                continue
            param = cv.get("seed-param")
            how = f"with `{param}={ast.unparse(reseeding)}`, which passes None" if reseeding is not None else f"without `{param}`"
            return Finding(call, {"search": entry.short_name, "reason": f"its cv={cv.short_name} shuffles {how}",
                                  "advice": f"pass `{param}=<int>` to {cv.short_name}"},
                           related=(("seed", cv_call),))
        return None

    @staticmethod
    def _unseeded(module: AnalyzedModule, events: list[Event], param: str | None, role: str) -> list[tuple[ast.Call, ApiEntry, ast.Call | None]]:
        """The objects of ``role`` passed as ``param=`` (in any evaluation of the call) built without
        their seed, with the seed-setter call passed as their seed, if that is how."""
        found: dict[ast.Call, tuple[ApiEntry, ast.Call | None]] = {}
        for event in events:
            passed = _object(event, param)
            if passed is None or passed[1].role != role or passed[1].get("seed-param") is None:
                continue
            state, reseeding = _seed_state(module, *passed)
            if state is False:
                found[passed[0]] = (passed[1], reseeding)
        return [(node, *found[node]) for node in in_source_order(found)]


def _seed_state(module: AnalyzedModule, call: ast.Call, entry: ApiEntry) -> tuple[bool | None, ast.Call | None]:
    """Whether ``call`` passes its seed (``arguments.seeded``), and the seed-setter call passed
    as the seed when that is why it does not (``random_state=np.random.seed()`` is None)."""
    state = seeded(call, entry)
    if state is not True:
        return state, None
    seed = argument(call, entry.get("seed-position"), entry.get("seed-param"))
    if isinstance(seed, ast.Call) and not seed.args and not seed.keywords:
        setter = module.callee(seed)
        if setter is not None and setter.role == "seed-setter":
            return False, seed
    return True, None
