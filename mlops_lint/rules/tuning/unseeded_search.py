"""MLO301: a hyper-parameter search whose sampling or CV folds are not seeded."""

from __future__ import annotations

import ast
from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.catalog import ApiEntry
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.analysis.arguments import has_unpacking, keyword, seeded, shuffles
from mlops_lint.rules.tuning.calls import CallFacts, facts_for

_SEARCH_ROLES = ("search", "parameter-sampler")


class UnseededSearch(Rule):
    code = "MLO301"
    fields = ("search", "reason", "advice")
    related = ("seed",)

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        facts = facts_for(module)
        for call, entry in facts.catalog_calls():
            if entry.role not in _SEARCH_ROLES:
                continue
            finding = self._own_seed(call, entry) or self._sampler(facts, call, entry) or self._cv(facts, call, entry)
            if finding is not None:
                yield finding

    def _own_seed(self, call: ast.Call, entry: ApiEntry) -> Finding | None:
        if entry.get("seed-param") is None or seeded(call, entry) is not False:
            return None
        return Finding(call, {"search": entry.short_name, "reason": f"it is called without `{entry.get('seed-param')}`",
                              "advice": f"pass `{entry.get('seed-param')}=<int>`"})

    def _sampler(self, facts: CallFacts, call: ast.Call, entry: ApiEntry) -> Finding | None:
        param = entry.get("sampler-param")
        if param is None or has_unpacking(call):
            return None
        given = keyword(call, param)
        if given is None:
            return Finding(call, {"search": entry.short_name, "reason": "it has no `sampler`, and the default one draws an unseeded seed",
                                  "advice": "pass `sampler=TPESampler(seed=<int>)`"})
        resolved = facts.resolve_call(given, call.lineno)
        if resolved is None:
            return None
        sampler_call, sampler = resolved
        if sampler.role != "sampler" or sampler.get("seed-param") is None or seeded(sampler_call, sampler) is not False:
            return None
        return Finding(call, {"search": entry.short_name, "reason": f"its sampler {sampler.short_name} has no `{sampler.get('seed-param')}`",
                              "advice": f"pass `{sampler.short_name}({sampler.get('seed-param')}=<int>)`"},
                       related=(("seed", sampler_call),))

    def _cv(self, facts: CallFacts, call: ast.Call, entry: ApiEntry) -> Finding | None:
        resolved = facts.resolve_call(keyword(call, entry.get("cv-param")), call.lineno)
        if entry.get("cv-param") is None or resolved is None:
            return None
        cv_call, cv = resolved
        if cv.role != "cv-splitter" or cv.get("seed-param") is None:
            return None
        if shuffles(cv_call, cv) is not True or seeded(cv_call, cv) is not False:
            return None
        return Finding(call, {"search": entry.short_name, "reason": f"its cv={cv.short_name} shuffles without `{cv.get('seed-param')}`",
                              "advice": f"pass `{cv.get('seed-param')}=<int>` to {cv.short_name}"},
                       related=(("seed", cv_call),))
