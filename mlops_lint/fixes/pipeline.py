"""Move a transformer, selector or sampler fitted before cross-validation into a pipeline around the estimator.

    X = StandardScaler().fit_transform(X)           cross_val_score(make_pipeline(StandardScaler(), model), X, y)
    cross_val_score(model, X, y)              →     GridSearchCV(make_pipeline(StandardScaler(), SVC()),
    GridSearchCV(SVC(), {"C": [1, 10]}).fit(X, y)                {"svc__C": [1, 10]}).fit(X, y)

The fit's statement goes, and every cross-validation or search that read its output gets the
raw data and the pipeline instead. So the fix is the same for every finding of one fit, and is
made only when each read of the fitted names after the fit is the data of such a call. The
pipeline factory is the catalog's (``wraps-roles``: scikit-learn's ``make_pipeline`` for
transformers and selectors, imbalanced-learn's for samplers). In a search, the parameter space's
keys gain the estimator's step name (``svc__C``), as ``make_pipeline`` names it, so the space
must be a literal dict (or list of dicts) with string keys, and the search object may be read
for nothing whose keys or steps changed (only ``fit`` and ``best_score_``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from mlops_lint.analysis.arguments import argument, has_unpacking
from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.catalog import ApiEntry
from mlops_lint.diagnostics import TextEdit
from mlops_lint.fixes.registry import FixContext, Proposal
from mlops_lint.fixes.scope import Placed, assigned_names, mentioned, mentions, placed_in_scope, statement_of

_SEARCH_READS = frozenset({"fit", "best_score_"})  # what stays true of a search once its estimator is a pipeline


@dataclass(frozen=True)
class Evaluation:
    """A cross-validation (or search) that reads the fitted data: the call whose data it is, and the
    call holding the estimator argument (the same call, or the search's constructor)."""

    data_call: ast.Call
    constructor: ast.Call
    entry: ApiEntry
    estimator: ast.expr


def _evaluation(module: AnalyzedModule, call: ast.Call) -> Evaluation | None:
    entry = module.callee(call)
    constructor = call
    if entry is not None and entry.role == "search":
        return None  # a search constructor is not where data goes; its fit is
    if entry is None or entry.role != "cv-evaluator":
        # search.fit(X, y): the estimator is in the call that built the search.
        if not isinstance(call.func, ast.Attribute) or call.func.attr != "fit":
            return None
        receiver = call.func.value
        built = receiver if isinstance(receiver, ast.Call) else module.dataflow.value_of(receiver).made_by
        entry = module.callee(built) if built is not None else None
        if built is None or entry is None or entry.role != "search":
            return None
        constructor = built
    if has_unpacking(constructor):
        return None
    estimator = argument(constructor, entry.get("estimator-position"), entry.get("estimator-param"))
    return None if estimator is None else Evaluation(call, constructor, entry, estimator)


def _step_name(module: AnalyzedModule, estimator: ast.expr) -> str | None:
    """The name ``make_pipeline`` gives the estimator's step: its class name in lower case."""
    built = estimator if isinstance(estimator, ast.Call) else module.dataflow.value_of(estimator).made_by
    if built is None:
        return None
    func = built.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    entry = module.callee(built)
    if entry is None or name is None or not name[:1].isupper():
        return None  # only a class the catalog knows: a factory's product is named by what it returns
    return entry.short_name.lower()


def _space_edits(context: FixContext, evaluation: Evaluation, step: str) -> list[TextEdit] | None:
    """Prefix each key of the search's parameter space with ``step__``."""
    entry = evaluation.entry
    space = argument(evaluation.constructor, entry.get("space-position"), entry.get("space-param"))
    if space is None:
        return None
    if isinstance(space, ast.Name):
        space = _only_binding(context, space)
        if space is None:
            return None
    dicts = space.elts if isinstance(space, ast.List) else [space]
    if not all(isinstance(d, ast.Dict) for d in dicts):
        return None
    edits = []
    for table in dicts:
        for key in table.keys:  # type: ignore[attr-defined]
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                return None
            text = context.source.text(key)
            if text[:1] not in "'\"":
                return None  # a prefixed or implicitly joined string: not rewritten
            edits.append(TextEdit(context.source.start(key), context.source.end(key), text[0] + f"{step}__{key.value}" + text[0]))
    return edits


def _only_binding(context: FixContext, name: ast.Name) -> ast.expr | None:
    """The literal a name was bound to, when that binding and this read are its only mentions."""
    module = context.module
    every = [n for n in module.nodes_of(ast.Name) if n.id == name.id]
    stores = [n for n in every if isinstance(n.ctx, ast.Store)]
    if len(every) != 2 or len(stores) != 1:
        return None
    statement = statement_of(module, stores[0])
    if not isinstance(statement, ast.Assign) or assigned_names(statement, statement.value) != [name.id]:
        return None
    return statement.value


def _search_reads_ok(context: FixContext, evaluation: Evaluation) -> bool:
    """A named search is read only for what the pipeline keeps (its fit, its best score)."""
    receiver = evaluation.data_call.func.value if isinstance(evaluation.data_call.func, ast.Attribute) else None
    if not isinstance(receiver, ast.Name):
        return True
    module = context.module
    for node in module.nodes_of(ast.Name):
        if node.id != receiver.id or isinstance(node.ctx, ast.Store):
            continue
        parent = module.parents.get(node)
        if not (isinstance(parent, ast.Attribute) and parent.attr in _SEARCH_READS):
            return False
    return True


def _factory(context: FixContext, role: str) -> str | None:
    """The catalog's pipeline factory for a fitted object of ``role``."""
    for name, entry in context.module.catalog.api.items():
        if entry.role == "pipeline" and role in (entry.get("wraps-roles") or ()):
            return name
    return None


def _step(context: FixContext, fit: ast.Call, fit_place: Placed) -> tuple[str, str, list[str]] | None:
    """The pipeline step's text, the role of the fitted object, and the names the fit assigned."""
    module = context.module
    receiver = fit.func.value  # type: ignore[attr-defined]
    if isinstance(receiver, ast.Call):
        entry = module.callee(receiver)
        if entry is None:
            return None
        text = context.source.text(receiver)
        if "\n" in text:
            return None
    elif isinstance(receiver, ast.Name):
        value = module.dataflow.value_of(receiver)
        entry = value.instance_of
        # The object goes into the pipeline: nothing else may use it (it is no longer fitted here).
        uses = [n for n in module.nodes_of(ast.Name) if n.id == receiver.id]
        if entry is None or value.made_by is None or len(uses) != 2:
            return None
        text = receiver.id
    else:
        return None
    targets = assigned_names(fit_place.statement, fit)
    if targets is None or not all(isinstance(a, ast.Name) for a in fit.args) or fit.keywords:
        return None
    return text, entry.role, targets


def fit_inside_pipeline(context: FixContext, fit: ast.Call, sink: ast.Call) -> Proposal | None:
    module = context.module
    fit_place = placed_in_scope(module, fit)
    if fit_place is None:
        return None
    step = _step(context, fit, fit_place)
    if step is None:
        return None
    step_text, role, targets = step
    sources = [a.id for a in fit.args]  # type: ignore[attr-defined]
    if len(targets) != (1 if fit.func.attr == "fit_transform" else len(sources)):  # type: ignore[attr-defined]
        return None
    raw = dict(zip(targets, sources))  # X_scaled → X; X, y (resampled) → X, y
    fitted = set(targets)
    # Every read of the fitted names after the fit must be the data of a cross-validation.
    later = fit_place.following()
    if mentioned(fit_place.functions_before, fitted | set(sources)):
        return None
    evaluations: dict[int, Evaluation] = {}
    renamed: list[ast.Name] = []
    for name in (n for statement in later for n in mentions(statement, fitted | set(sources))):
        if isinstance(name.ctx, ast.Store):
            return None  # rebound: what follows would read another value
        if name.id not in fitted:
            continue  # the raw data read again: unchanged by the fix
        call = module.parents.get(name)
        if isinstance(call, ast.keyword):
            call = module.parents.get(call)
        evaluation = _evaluation(module, call) if isinstance(call, ast.Call) else None
        if evaluation is None or any(name is node for node in ast.walk(evaluation.estimator)):
            return None
        evaluations[id(evaluation.data_call)] = evaluation
        if raw[name.id] != name.id:
            renamed.append(name)
    if not any(e.data_call is sink for e in evaluations.values()):
        return None
    factory = _factory(context, role)
    if factory is None:
        return None
    imports = context.imports()
    first_line = min(e.constructor.lineno for e in evaluations.values())
    spelled = imports.spell(factory, first_line)
    if spelled is None:
        return None
    source = context.source
    edits: list[TextEdit] = []
    for evaluation in evaluations.values():
        if evaluation.constructor is not evaluation.data_call:
            step_name = _step_name(module, evaluation.estimator)
            space = _space_edits(context, evaluation, step_name) if step_name is not None else None
            if space is None or not _search_reads_ok(context, evaluation):
                return None
            edits.extend(space)
        estimator = evaluation.estimator
        edits.append(source.replace(estimator, f"{spelled}({step_text}, {source.text(estimator)})"))
    deleted = source.delete_statement(fit_place.statement)
    added = imports.edits(min(fit_place.statement.lineno, first_line))
    if deleted is None or added is None:
        return None
    edits.extend(source.replace(name, raw[name.id]) for name in renamed)
    return Proposal(tuple([*added, deleted, *edits]), "pipeline")
