"""MLO203: candidates are chosen, or tried for choosing, by their scores on the test set.

A test grading is a metric or ``.score``/``.evaluate`` whose data is (partly) the test set
(``analysis/held_out.py``: not a validation split, not a CV fold). Three shapes:

- an explicit choice: in a loop holding a test grading, its score is compared with another
  non-constant value (``if acc > best_acc``) or assigned to a ``best*`` name; anywhere, test scores
  (directly, or a list or table they were put into) reach ``max``/``min``/``sorted``/``argmax``/
  ``idxmax``/``sort_values`` (the function's arguments or the method's object). Comparisons with a
  constant (``assert acc > 0.9``) only check, a picked value scaled by arithmetic
  (``min(scores) * 0.9``, a plot limit) is no choice, and a threshold picked by its own value
  (``argmin(abs(thresholds))`` of a curve: catalog ``thresholds-output``) is chosen by no score;
- a sweep: a loop over hyper-parameter values or thresholds whose turns grade a candidate that
  changes with the loop on the test set (``sweeps.py``), whether the winner is then taken by
  ``max``, read off a plot or typed in by hand;
- a search objective (catalog ``objective-param``: Optuna's ``study.optimize(objective)``,
  hyperopt's ``fmin(fn)``) that returns a test-set score.

One finding per test grading: the first choice made with it.
"""

from __future__ import annotations

import ast
from typing import Iterator

from mlops_lint.analysis.arguments import argument
from mlops_lint.analysis.grading import REPORTING_ROLES, Grading, gradings, reported_calls, upstream_calls
from mlops_lint.analysis.held_out import held_out
from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.naming import CallsByName, NamesByContext
from mlops_lint.analysis.values import Value
from mlops_lint.analysis.walk import walk
from mlops_lint.engine.message import LineRef
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.rules.exam.sweeps import SweepReader

_PICKERS = frozenset({"max", "min", "sorted", "argmax", "argmin", "nanargmax", "nanargmin", "idxmax", "idxmin", "nlargest", "nsmallest", "sort_values"})
_ORDER = (ast.Gt, ast.GtE, ast.Lt, ast.LtE)
# Pickers that order the candidates rather than return the winner.
_ORDERINGS = frozenset({"sorted", "sort_values", "nlargest", "nsmallest"})
_Candidate = tuple[ast.AST, ast.Call, str, tuple[tuple[str, ast.AST], ...]]


def _where(candidate: _Candidate) -> tuple[int, int]:
    return getattr(candidate[0], "lineno", 0), getattr(candidate[0], "col_offset", 0)


def _picker(call: ast.Call) -> str | None:
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
    return name if name in _PICKERS else None


def _loops(module: AnalyzedModule) -> list[ast.For | ast.AsyncFor | ast.While]:
    return [*module.nodes_of(ast.For), *module.nodes_of(ast.AsyncFor), *module.nodes_of(ast.While)]


def _enclosing_loops(module: AnalyzedModule, node: ast.AST) -> Iterator[ast.For | ast.AsyncFor | ast.While]:
    """The loops whose body holds ``node`` (at any depth), innermost first."""
    parents = module.parents
    child, parent = node, parents.get(node)
    while parent is not None:
        if isinstance(parent, (ast.For, ast.AsyncFor, ast.While)) and any(child is statement for statement in parent.body):
            yield parent
        child, parent = parent, parents.get(parent)


def _test_gradings(module: AnalyzedModule) -> dict[ast.Call, Grading]:
    """Gradings (not predictions) on the test set, by call."""
    facts = held_out(module)
    found: dict[ast.Call, Grading] = {}
    for grading in gradings(module):
        if grading.kind == "predict" or grading.node in found:
            continue
        if any(facts.test_origin(arg.value, arg.node, only=False, by_name=True) is not None for arg in grading.data):
            found[grading.node] = grading
    return found


def _other_gradings(module: AnalyzedModule, tests: dict[ast.Call, Grading]) -> frozenset[ast.Call]:
    """Gradings on anything but the test set (a training score drawn next to a test score)."""
    return frozenset(g.node for g in gradings(module) if g.kind != "predict" and g.node not in tests)


_MUTATORS = frozenset({"append", "extend", "insert", "add", "update"})


def _kept_scores(module: AnalyzedModule) -> frozenset[ast.AST]:
    """Calls whose result is kept for comparing: stored (``errors.append(mse)``, ``scores[k] = s``),
    compared, returned, printed, logged or shown as a notebook cell's value. A score drawn into a
    plot label and dropped compares nothing by itself."""
    flow = module.dataflow
    kept: list[Value] = []
    for kind in ("store", "return", "check"):  # a set: the events' order does not matter
        for event in flow.events_of(kind):
            kept.extend(event.values)
    for call in module.shared(CallsByName).named(_MUTATORS):
        if isinstance(call.func, ast.Attribute):
            kept.extend(flow.value_of(argument) for argument in [*call.args, *(k.value for k in call.keywords)])
    return reported_calls(module).union(upstream_calls(kept))


def _drawn(module: AnalyzedModule, picker: ast.Call) -> bool:
    """The picked value only feeds a call made for its effect (``ax.set_ylim(np.min(scores), 1)``,
    ``plt.plot([errors.index.min(), ...])``) that reports nothing: an axis limit, a line drawn."""
    parents = module.parents
    current: ast.AST | None = parents.get(picker)
    outer: ast.Call | None = None
    while current is not None and not isinstance(current, ast.stmt):
        if isinstance(current, ast.Call):
            outer = current
        current = parents.get(current)
    if not isinstance(current, ast.Expr) or outer is None or outer is not current.value:
        return False
    entry = module.callee(outer)
    return entry is None or entry.role not in REPORTING_ROLES


def _keys_of_a_mapping(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("keys", "items") and not node.args


def _loads_by_name(module: AnalyzedModule) -> dict[str, list[ast.Name]]:
    """Every read of each name, indexed once per module (asked for each ordering call)."""
    loads: dict[str, list[ast.Name]] = {}
    for name in module.shared(NamesByContext).loaded:
        loads.setdefault(name.id, []).append(name)
    return loads


def _first_taken(module: AnalyzedModule, call: ast.Call) -> bool:
    """The first element of an ordering is read (``ranked.iloc[0]``, ``sorted(...)[0]``, ``.head(1)``)."""
    parents = module.parents
    bound: set[str] = set()
    parent = parents.get(call)
    if isinstance(parent, ast.Assign) and parent.value is call:
        bound = {t.id for t in parent.targets if isinstance(t, ast.Name)}
    candidates: list[ast.expr] = [call] if not bound else []
    loads = module.shared(_loads_by_name)
    for name in bound:
        candidates.extend(loads.get(name, ()))
    for node in candidates:
        current: ast.AST = node
        parent = parents.get(current)
        while isinstance(parent, ast.Attribute) and parent.attr in ("iloc", "loc", "index", "values") and parent.value is current:
            current, parent = parent, parents.get(parent)
        if isinstance(parent, ast.Subscript) and parent.value is current and isinstance(parent.slice, ast.Constant) and parent.slice.value in (0, -1):
            return True
        if isinstance(parent, ast.Attribute) and parent.attr == "head":
            call_parent = parents.get(parent)
            if isinstance(call_parent, ast.Call) and call_parent.args and isinstance(call_parent.args[0], ast.Constant) and call_parent.args[0].value == 1:
                return True
    return False


def _orders(compare: ast.Compare) -> bool:
    """``a < b``, ``score >= best``: a comparison that orders (a choice by score may be made with it)."""
    return all(isinstance(op, _ORDER) for op in compare.ops)


def _best_so_far(assign: ast.Assign) -> bool:
    """``best = ...``, ``best_score = ...``: a best-so-far assignment."""
    return any(isinstance(t, ast.Name) and t.id.lower().startswith("best") for t in assign.targets)


def _appends(call: ast.Call) -> bool:
    """``scores.append(x)``: a value collected (and later picked from)."""
    return isinstance(call.func, ast.Attribute) and call.func.attr == "append" and bool(call.args)


class TestSetModelSelection(Rule):
    code = "MLO203"
    fields = ("how", "score", "eval_line")
    related = ("evaluation", "loop")

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        tests = _test_gradings(module)
        if not tests:
            return
        # An explicit choice names how the winner is taken: it is reported before a sweep or an
        # objective that grades with the same call.
        explicit = sorted(self._explicit_choices(module, tests), key=_where)
        implicit = sorted([*self._sweeps(module, tests), *self._objectives(module, tests)], key=_where)
        reported: set[ast.Call] = set()
        for node, evaluation, how, related in [*explicit, *implicit]:
            if evaluation in reported:
                continue
            reported.add(evaluation)
            yield Finding(
                node,
                {"how": how, "score": evaluation.func, "eval_line": LineRef(evaluation)},
                related=related or (("evaluation", evaluation),),
            )

    # --- explicit choices ---------------------------------------------------------------------
    def _explicit_choices(self, module: AnalyzedModule, tests: dict[ast.Call, Grading]) -> Iterator[_Candidate]:
        flow = module.dataflow

        def scored(value: Value) -> ast.Call | None:
            return next((node for _, node in sorted(value.calls, key=lambda c: c[1].lineno) if node in tests), None)

        # assert brier(y_test, p_raw) > brier(y_test, p_calibrated): a check of a claim, not a choice.
        # (Read only when a loop grading on the test set compares something: most modules have none.)
        asserted: set[int] | None = None
        appended: dict[str, ast.Call] = {}
        grading_loops = {loop for call in tests for loop in _enclosing_loops(module, call)}
        # Only a loop whose body holds a node the walk below looks at is walked: one pass over the
        # module's comparisons, assignments and append calls instead of a walk of every graded loop.
        looked_at = [
            *(node for node in module.nodes_of(ast.Compare) if _orders(node)),
            *(assign for name in module.shared(NamesByContext).stored if name.id.lower().startswith("best")
              and isinstance(assign := module.parents.get(name), ast.Assign) and _best_so_far(assign)),
            *(node for node in module.shared(CallsByName).named(("append",)) if _appends(node)),
        ]
        grading_loops &= {loop for node in looked_at for loop in _enclosing_loops(module, node)}
        for loop in _loops(module):
            if loop not in grading_loops:
                continue  # no test grading in its body, or nothing a choice is made with
            for node in (n for statement in loop.body for n in walk(statement)):
                if isinstance(node, ast.Compare) and _orders(node):
                    if asserted is None:
                        asserted = {id(n) for statement in module.nodes_of(ast.Assert) for n in walk(statement)}
                    if id(node) in asserted:
                        continue
                    sides = [node.left, *node.comparators]
                    if not any(isinstance(side, ast.Constant) for side in sides):
                        found = next((s for s in (scored(flow.value_of(side)) for side in sides) if s), None)
                        if found is not None:
                            yield node, found, "a comparison", ()
                elif isinstance(node, ast.Assign) and _best_so_far(node):
                    found = scored(flow.value_of(node.value))
                    if found is not None:
                        yield node, found, "a best-so-far assignment", ()
                elif isinstance(node, ast.Call) and _appends(node):
                    found = scored(flow.value_of(node.args[0]))
                    func = node.func
                    assert isinstance(func, ast.Attribute)  # as _appends checked
                    name = func.value.id if isinstance(func.value, ast.Name) else None
                    if found is not None and name is not None:
                        appended.setdefault(name, found)
        pickers = module.shared(CallsByName).named(_PICKERS)
        if not pickers:
            return
        others = _other_gradings(module, tests)
        # A picked value that is an operand of arithmetic (min(scores) * 0.9) is not a choice.
        operands = {id(side) for binop in module.nodes_of(ast.BinOp) for side in (binop.left, binop.right)}
        # max(np.max(a), np.max(b)): the outer call decides what the inner ones are for.
        nested = {id(inner) for outer in pickers for argument in outer.args for inner in walk(argument) if inner is not outer}
        for node in pickers:
            picker = _picker(node)
            if not picker or id(node) in operands or id(node) in nested:
                continue
            if any(isinstance(a, ast.Constant) for a in node.args):
                continue  # max(n // 5000, 1): a bound, not a choice among candidates
            if not any(k.arg == "key" for k in node.keywords) and any(_keys_of_a_mapping(a) for a in node.args):
                continue  # sorted(stats.keys()), sorted(stats.items()): ordered by name, not by score
            receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
            if isinstance(receiver, ast.Attribute) and receiver.attr in ("index", "columns"):
                continue  # errors.index.min(): the smallest label, not the best score
            if _drawn(module, node):
                continue
            arguments = [*node.args, *(k.value for k in node.keywords)]
            if isinstance(node.func, ast.Attribute):
                arguments.append(node.func.value)  # table.sort_values(...), scores.idxmax()
            values = [flow.value_of(a) for a in arguments]
            if any(node_ in others for value in values for _, node_ in value.calls):
                continue  # test scores with other scores: a range to draw, not a choice by test score
            collected = [n.id for a in arguments for n in walk(a) if isinstance(n, ast.Name) and n.id in appended]
            found = next((s for s in (scored(value) for value in values) if s), None)
            if found is None and collected:
                found = appended[collected[0]]
            if found is None:
                continue
            if picker in _ORDERINGS and not (_first_taken(module, node) or collected or any(_enclosing_loops(module, found))):
                continue  # a table of separately graded models sorted for display: a report, not a choice
            yield node, found, f"{picker}()", ()

    # --- sweeps -------------------------------------------------------------------------------
    def _sweeps(self, module: AnalyzedModule, tests: dict[ast.Call, Grading]) -> Iterator[_Candidate]:
        def seeds(call: ast.Call) -> frozenset[str]:
            entry = module.callee(call)
            seed = entry.get("seed-param") if entry is not None else None
            return frozenset({seed}) if seed else frozenset()

        kept = _kept_scores(module)
        reader = SweepReader(module, lambda call: call in tests and call in kept, seeds)
        # A loop can try candidates only when its body holds a kept test grading or calls a function
        # of the module (which the reader follows): the others are not read statement by statement.
        graded = [call for call in tests if call in kept]
        followed = [call for call in module.shared(CallsByName).named(reader.functions) if isinstance(call.func, ast.Name)]
        worth = {loop for call in [*graded, *followed] for loop in _enclosing_loops(module, call)}
        for loop in _loops(module):
            if loop not in worth:
                continue
            evaluation = reader.first_candidate_grading(loop)
            if evaluation is not None:
                yield evaluation, evaluation, f"a loop trying one candidate per turn (line {module.line_label(loop.lineno)})", (("loop", loop),)

    # --- search objectives --------------------------------------------------------------------
    def _objectives(self, module: AnalyzedModule, tests: dict[ast.Call, Grading]) -> Iterator[_Candidate]:
        flow = module.dataflow
        # One comprehension keeps the calls of a search or of a search's method (a long module has
        # thousands of call events and few of those).
        searching = [event for event in flow.events_of("call")
                     if (event.entry is not None and event.entry.role == "search")
                     or (event.receiver is not None and event.receiver.instance_of is not None
                         and event.receiver.instance_of.role == "search")]
        for event in searching:
            search = event.entry
            receiver = event.receiver
            if search is None or search.role != "search":
                # study.optimize(objective): a trains method of the study object
                search = receiver.instance_of if receiver is not None else None
                if search is None or search.role != "search" or not isinstance(event.call.func, ast.Attribute) \
                        or event.call.func.attr not in search.get("trains", ()):
                    continue
            param = search.get("objective-param")
            if param is None:
                continue
            objective = argument(event.call, search.get("objective-position"), param)
            function = flow.value_of(objective).function if objective is not None else None
            if function is None:
                continue
            for returned in (n for n in walk(function) if isinstance(n, ast.Return)):
                if returned.value is None:
                    continue
                evaluation = next((c for _, c in sorted(flow.value_of(returned.value).calls, key=lambda c: c[1].lineno) if c in tests), None)
                if evaluation is not None:
                    yield event.call, evaluation, f"the objective '{function.name}' of {search.short_name}", (("evaluation", evaluation),)
                    break
