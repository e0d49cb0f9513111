"""Facts the dataflow attaches to values: lineage, fits applied upstream, train/test roles, objects.

Plain frozen records; the interpreter in ``dataflow.py`` builds them, rules only read them.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import partial
from types import MappingProxyType
from typing import AbstractSet, Any, Callable, Hashable, Iterable, Mapping, NamedTuple

from mlops_lint.analysis.lineage import SMALL, union
from mlops_lint.catalog import ApiEntry

TRAIN = "train"
TEST = "test"
# The middle part of a split in three by position (``data[k:m]``): neither trained on nor the test.
VALIDATION = "validation"


@dataclass(frozen=True, eq=False)
class Fit:
    """One fit, resample or selection: something learnt from ``data`` at ``node``.

    ``kind`` is ``"fit"`` (fit/fit_transform/partial_fit of an object), ``"resample"``
    (fit_resample, ``sklearn.utils.resample``, upsampling ``df.sample``), ``"select"`` (a
    supervised score function whose result picks columns) or ``"statistic"`` (a number learnt
    from the rows by hand: ``X.mean()``, ``np.median(X)``; ``analysis/statistics.py``). ``entry`` is the catalog entry of the
    object's class or of the function (None for objects the catalog does not know). ``data_node``
    is the expression of the data argument (for naming it). Compared by identity: one record per
    interpretation of a call. ``made_by`` is the call that built the fitted object, when known.
    """

    kind: str
    node: ast.Call
    entry: ApiEntry | None
    data: "Value"
    target: "Value | None"
    data_node: ast.expr | None
    seq: int
    made_by: ast.Call | None = None  # the constructor of the fitted object (its settings: ``categories=``)

    @property
    def role(self) -> str | None:
        return self.entry.role if self.entry is not None else None

    @property
    def on_training_split(self) -> bool:
        """Fitted on data that is the training part of a split (the safe way)."""
        return self.data.roles == frozenset({TRAIN})


@dataclass(frozen=True, slots=True)
class Value:
    """What the analysis knows about the value of an expression.

    - ``sources``: lineage — the loads, parameters and unknown names the value derives from.
    - ``fits``: every fit/resample/selection whose output flowed into this value (``Fit`` records).
    - ``roles``: ``{"train"}``, ``{"test"}``, both (merged branches/stacked data) or empty.
    - ``calls``: ``(qualified name or ".method", call node)`` of library and method calls upstream.
    - ``instance_of``: for objects built from a catalog class, its ``ApiEntry``.
    - ``fitted``: for objects, the fits performed on this very object (``sc.fit(X)``).
    - ``elements``: for tuples (split outputs, ``fit_resample``), the value of each position.
    - ``item``: what iterating over the value yields (a CV splitter's ``split`` yields index pairs).
    - ``function``: a function of this module, followed at call sites.
    - ``made_by``: for objects, the call that constructed this very object (its identity: the
      search whose outcome is read, the splitter whose settings decide a split, the model scored).
    - ``origin``: the expression this value was last bound from by a plain assignment
      (``grid = {...}`` then ``GridSearchCV(svc, grid)``: the grid's literal).
    - ``columns``: for a data frame whose columns were written by label (``df["a_s"] = ...``), what
      each written column holds apart from the rest of the frame (``analysis/columns.py``); the
      value itself is the whole frame. Like ``origin``, it does not flow on into derived values.
    - ``picked``: which columns of a frame the value holds, by label, where known (``Picked``,
      ``analysis/column_picks.py``). Kept by row selections and splits; not by derived values.
    """

    sources: AbstractSet[Hashable] = frozenset()  # plain or shared (analysis/lineage.py)
    fits: AbstractSet[Fit] = frozenset()  # plain or shared (analysis/lineage.py)
    roles: frozenset[str] = frozenset()
    calls: AbstractSet[tuple[str, ast.Call]] = frozenset()  # plain or shared (analysis/lineage.py)
    split_nodes: AbstractSet[ast.expr] = frozenset()  # plain or shared (analysis/lineage.py)
    instance_of: ApiEntry | None = None
    fitted: AbstractSet[Fit] = frozenset()  # plain or shared (analysis/lineage.py)
    elements: tuple["Value", ...] | None = None
    item: "Value | None" = None
    function: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    made_by: ast.Call | None = None
    origin: ast.expr | None = None
    columns: "Columns | None" = None
    picked: "Picked | None" = None
    # What ``as_data`` answered (None: not asked yet; True: the value itself, a reference to itself
    # would be a cycle). Not a fact: neither compared nor shown, and ``evolve`` does not copy it.
    _data_view: "Value | bool | None" = field(default=None, init=False, repr=False, compare=False)

    @property
    def role(self) -> str | None:
        """``"train"`` or ``"test"`` when the value has exactly that one role, else None."""
        return next(iter(self.roles)) if len(self.roles) == 1 else None

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def derives_from(self, qualname: str) -> bool:
        """True when a call named ``qualname`` (or ``".method"`` for a method) is upstream."""
        return any(name == qualname for name, _ in self.calls)

    def calls_named(self, *names: str) -> list[ast.Call]:
        """The upstream call nodes whose qualified name (or ``".method"``) is one of ``names``."""
        wanted = set(names)
        return sorted((node for name, node in self.calls if name in wanted), key=lambda n: (n.lineno, n.col_offset))

    def shares_lineage(self, other: "Value") -> bool:
        return not self.sources.isdisjoint(other.sources)

    def fingerprint(self) -> tuple[object, ...]:
        """A hashable summary that tells values apart (ApiEntry holds a dict: compared by identity)."""
        elements = tuple(e.fingerprint() for e in self.elements) if self.elements is not None else None
        item = self.item.fingerprint() if self.item is not None else None
        columns = self.columns.fingerprint() if self.columns is not None else None
        return (self.sources, self.fits, self.roles, self.split_nodes, id(self.instance_of), self.fitted, elements, item, self.function,
                self.made_by, columns, self.picked)

    def as_data(self) -> "Value":
        """The value seen as data flowing on: without tuple structure, object identity or origin."""
        # Asked at every use of a value in an operation: the answer is kept beside the fields.
        known = self._data_view
        if known is not None:
            return self if known is True else known  # type: ignore[return-value]  # True or a Value
        if (self.elements is None and self.item is None and self.instance_of is None and not self.fitted
                and self.function is None and self.made_by is None and self.origin is None and self.columns is None
                and self.picked is None):
            _keep_data_view(self, True)
            return self
        if not (self.sources or self.fits or self.roles or self.calls or self.split_nodes):
            view = EMPTY
        else:
            view = _data(self.sources, self.fits, self.roles, self.calls, self.split_nodes)
        _keep_data_view(self, view)
        return view


@dataclass(frozen=True)
class Columns:
    """What a frame's columns written by label hold (``df["a_s"] = sc.fit_transform(df[["a"]])``).

    ``base`` is the frame without those columns; ``written`` has, per label, the value written and
    whether the write replaced a column the frame already had (``df[c] = f(df[c])``, a partial
    ``df.loc[rows, c] = v``) rather than adding a new one. Reading other columns by label reads
    ``base`` alone; reading columns by position reads ``base`` and the replaced ones.
    """

    base: Value
    written: tuple[tuple[str, Value, bool], ...]

    def fingerprint(self) -> tuple[object, ...]:
        return (self.base.fingerprint(), tuple((label, value.fingerprint(), replaced) for label, value, replaced in self.written))


@dataclass(frozen=True)
class Picked:
    """Which columns of a frame a value holds, by label (``analysis/column_picks.py``).

    ``frame`` is the frame's lineage (its ``sources``). ``labels`` are the columns held when they
    were taken by label (``df[["a", "b"]]``); None with ``whole``: every column of the frame but
    ``dropped`` (a frame as loaded, ``df.drop(columns=[...])``); None without ``whole``: not known.
    ``node`` is where the columns were taken. ``same_row`` has, per column written into the frame
    by label, how it was computed from the frame's other columns (``Derivation``).
    """

    frame: AbstractSet[Hashable]
    labels: frozenset[str] | None
    whole: bool
    dropped: frozenset[str]
    node: ast.expr | None
    same_row: tuple["Derivation", ...] = ()


class Derivation(NamedTuple):
    """Column ``label`` written at ``write`` from the frame's columns ``reads`` at the same row (not
    through a lag); ``shifted``: its expression also shifts rows (``df["c"].shift(-1)``)."""

    label: str
    reads: frozenset[str]
    write: ast.expr
    shifted: bool


EMPTY = Value()


@dataclass(frozen=True)
class Part:
    """A lineage source: position ``index`` of what ``call`` returned, when the call started a
    lineage of its own (``(x_train, y_train), (x_test, y_test) = mnist.load_data()``). The parts
    are different rows, so one does not hold the rows of another."""

    call: ast.Call
    index: int


def call_of(source: Hashable) -> ast.Call | None:
    """The call that started a lineage source: the call itself, or the call a Part was unpacked from."""
    if isinstance(source, Part):
        return source.call
    return source if isinstance(source, ast.Call) else None


class _Unfrozen:
    """Value's slots without its frozen ``__setattr__``: the hot paths fill one of these with plain
    attribute stores, then make it the Value it is (``__class__``, the same layout). A frozen
    dataclass's ``__init__`` sets each field through ``object.__setattr__``, and Values are built for
    most expressions of every module (a slotted Value built this way costs about 30 % fewer
    instructions than the instance dict filled by ``update`` that it replaces, freeing it too)."""

    __slots__ = Value.__slots__  # the dataclass adds them


_new = object.__new__
_NONE: frozenset[Any] = frozenset()
# ``as_data``'s answer, kept on a frozen Value (the slot's own setter: not the frozen __setattr__).
_keep_data_view: Callable[[Value, "Value | bool"], None] = vars(Value)["_data_view"].__set__


def _data(sources: AbstractSet[Hashable], fits: AbstractSet[Fit], roles: frozenset[str], calls: AbstractSet[tuple[str, ast.Call]],
          split_nodes: AbstractSet[ast.expr]) -> Value:
    value: Any = _new(_Unfrozen)
    value.sources, value.fits, value.roles, value.calls, value.split_nodes = sources, fits, roles, calls, split_nodes
    value.instance_of = value.elements = value.item = value.function = value.made_by = value.origin = value.columns = value.picked = None
    value.fitted = _NONE
    value._data_view = True  # none of the object fields: it is its own data view, known from the start
    value.__class__ = Value
    return value  # type: ignore[no-any-return]


def new_fit(kind: str, node: ast.Call, entry: ApiEntry | None, data: Value, target: Value | None, data_node: ast.expr | None,
            seq: int, made_by: ast.Call | None = None) -> Fit:
    """``Fit(...)``, built as ``_data`` builds values: not through the frozen dataclass's eight
    ``object.__setattr__`` calls (a Fit for every fit evaluated)."""
    fit = _new(Fit)
    fit.__dict__.update(kind=kind, node=node, entry=entry, data=data, target=target, data_node=data_node, seq=seq, made_by=made_by)
    return fit


def new_lineage(source: Hashable, calls: AbstractSet[tuple[str, ast.Call]] = frozenset()) -> Value:
    """``Value(sources=frozenset({source}), calls=calls)``: data that starts a lineage (a load, a score,
    a parameter, a free name), built as ``_data`` builds values."""
    return _data(frozenset((source,)), frozenset(), frozenset(), calls, frozenset())


def evolve(value: Value, **changes: object) -> Value:
    """``dataclasses.replace`` without its per-call introspection (this runs for most expressions)."""
    new: Any = _new(_Unfrozen)
    new.sources, new.fits, new.roles, new.calls, new.split_nodes = value.sources, value.fits, value.roles, value.calls, value.split_nodes
    new.instance_of, new.fitted, new.elements, new.item = value.instance_of, value.fitted, value.elements, value.item
    new.function, new.made_by, new.origin, new.columns, new.picked = value.function, value.made_by, value.origin, value.columns, value.picked
    new._data_view = None  # the changes may make it another view
    for name, change in changes.items():
        setattr(new, name, change)
    new.__class__ = Value
    return new  # type: ignore[no-any-return]


def with_origin(value: Value, origin: ast.expr) -> Value:
    """``evolve(value, origin=origin)``, for every ``name = expr``: the origin is no data, so the data
    view stays the one ``value`` has (a bound name is used in operations, each asking for it)."""
    view = value._data_view
    if view is True:  # ``value`` is data alone: its own view, or EMPTY's when it holds nothing
        view = value if value.sources or value.fits or value.roles or value.calls or value.split_nodes else EMPTY
    new: Any = _new(_Unfrozen)
    new.sources, new.fits, new.roles, new.calls, new.split_nodes = value.sources, value.fits, value.roles, value.calls, value.split_nodes
    new.instance_of, new.fitted, new.elements, new.item = value.instance_of, value.fitted, value.elements, value.item
    new.function, new.made_by, new.columns, new.picked = value.function, value.made_by, value.columns, value.picked
    new.origin = origin
    new._data_view = view
    new.__class__ = Value
    return new  # type: ignore[no-any-return]


def join(values: Iterable[Value]) -> Value:
    """The value that may be any of ``values`` (merged branches) or derives from all (an operation)."""
    first: Value | None = None
    rest: list[Value] = []
    for v in values:
        if v is EMPTY:
            continue
        if first is None:
            first = v
        elif v is not first:
            rest.append(v)
    if first is None:
        return EMPTY
    if not rest:
        return first
    sources, fits, roles, calls, splits, fitted = first.sources, first.fits, first.roles, first.calls, first.split_nodes, first.fitted
    instance, function, made_by, origin = first.instance_of, first.function, first.made_by, first.origin
    columns, picked, elements, item = first.columns, first.picked, first.elements, first.item
    items = [item] if item is not None else []
    for v in rest:
        # Lineage sets share their parts past a small size (analysis/lineage.py): a long chain of
        # derivations must not copy its whole history at every step.
        sources = union(sources, v.sources)
        fits = union(fits, v.fits)
        if v.roles and not v.roles <= roles:
            roles = roles | v.roles
        calls = union(calls, v.calls)
        splits = union(splits, v.split_nodes)
        fitted = union(fitted, v.fitted)
        if v.instance_of is not instance:
            instance = None
        if v.function is not function:
            function = None
        if v.made_by is not made_by:
            made_by = None
        if v.origin is not origin:
            origin = None
        if v.columns is not columns:
            columns = None
        if v.picked is not picked:
            picked = None
        if elements is not None and (v.elements is None or len(v.elements) != len(elements)):
            elements = None
        if v.item is not None:
            items.append(v.item)
    if elements is not None:
        elements = tuple(join(parts) for parts in zip(elements, *(v.elements for v in rest)))
    new: Any = _new(_Unfrozen)
    new.sources, new.fits, new.roles, new.calls, new.split_nodes, new.instance_of, new.fitted = sources, fits, roles, calls, splits, instance, fitted
    new.elements, new.item = elements, (items[0] if len(items) == 1 else join(items)) if items else None
    new.function, new.made_by, new.origin, new.columns, new.picked = function, made_by, origin, columns, picked
    new._data_view = None
    new.__class__ = Value
    return new  # type: ignore[no-any-return]


def _with_call(calls: AbstractSet[tuple[str, ast.Call]], call: tuple[str, ast.Call]) -> AbstractSet[tuple[str, ast.Call]]:
    """``union(calls, {call})``, a small plain set grown in one step (a call is added at most calls evaluated)."""
    if type(calls) is frozenset and len(calls) < SMALL:
        return calls.union((call,))
    return union(calls, frozenset((call,)))


def derive(inputs: Iterable[Value], call: tuple[str, ast.Call] | None = None, **changes: object) -> Value:
    """A new data value computed from ``inputs`` (their lineage, fits and roles flow on)."""
    # ``join`` of the inputs' ``as_data()``, which have none of the object fields: only the five
    # data fields to merge (the most common operation of the dataflow, so spelt out here).
    # The data view and union's trivial cases are read inline, not called: a frame less per input.
    data: list[Value] = []
    for v in inputs:
        if v is EMPTY:  # a literal's value, the most common input
            continue
        view = v._data_view
        if view is not True:
            v = v.as_data() if view is None else view  # type: ignore[assignment]  # a Value
            if v is EMPTY:
                continue
        if not data or v is not data[0]:
            data.append(v)
    sources: AbstractSet[Hashable]
    fits: AbstractSet[Fit]
    calls: AbstractSet[tuple[str, ast.Call]]
    splits: AbstractSet[ast.expr]
    if not data:
        if call is None and not changes:
            return EMPTY
        sources, fits, roles, calls, splits = _NONE, _NONE, _NONE, _NONE, _NONE
    elif len(data) == 1:
        first = data[0]
        if call is None and not changes:
            return first
        sources, fits, roles, calls, splits = first.sources, first.fits, first.roles, first.calls, first.split_nodes
    else:
        first = data[0]
        sources, fits, roles, calls, splits = first.sources, first.fits, first.roles, first.calls, first.split_nodes
        for v in data[1:]:
            if v.sources and v.sources is not sources:
                sources = union(sources, v.sources)
            if v.fits and v.fits is not fits:
                fits = union(fits, v.fits)
            if v.roles and not v.roles <= roles:
                roles = roles | v.roles
            if v.calls and v.calls is not calls:
                calls = union(calls, v.calls)
            if v.split_nodes and v.split_nodes is not splits:
                splits = union(splits, v.split_nodes)
    if call is not None:
        calls = _with_call(calls, call)
    if not changes:
        return _data(sources, fits, roles, calls, splits)
    # One Value with the changes made (``instance_of=``, ``roles=``), not a data value then its evolved copy.
    new: Any = _new(_Unfrozen)
    new.sources, new.fits, new.roles, new.calls, new.split_nodes = sources, fits, roles, calls, splits
    new.instance_of = new.elements = new.item = new.function = new.made_by = new.origin = new.columns = new.picked = None
    new.fitted = _NONE
    new._data_view = None
    for name, change in changes.items():
        setattr(new, name, change)
    new.__class__ = Value
    return new  # type: ignore[no-any-return]


class DataArg(NamedTuple):
    """One data argument of an event: its expression and its value (a tuple: events make many)."""

    node: ast.expr
    value: Value
    name: str  # "X", "y", "groups", "arrays[i]"; for call events the position ("0") or the keyword


NO_KEYWORDS: Mapping[str | None, Value] = MappingProxyType({})


class Event(NamedTuple):
    """One thing that happened to values, in flow order (``seq``).

    What data went through (``kind``):

    - ``"fit"``, ``"transform"``, ``"resample"``, ``"search-fit"``: a fit of an object or function
      (``fit`` the Fit record), its use, a resampling;
    - ``"statistic"``: a statistic of the rows computed by hand (``df["Age"].median()``), ``fit``
      its record and ``data`` the data it was computed on;
    - ``"split"`` (``train_test_split`` or a CV splitter's ``split``; a split by position or mask,
      ``X[:n]``/``X[n:]``, whose ``node`` is its first part, ``data`` the one value cut and
      ``parts`` every part's node with its role: ``analysis/positional_splits.py``),
      ``"cross-validate"`` (a cv-evaluator call).

    Where values went (every evaluation of the node emits one):

    - ``"call"``: a call of a catalog entry or of a function of the module (defined anywhere), or
      any call of an object's method or given an object (``made_by``), with ``entry`` its catalog entry
      (``AnalyzedModule.callee``) or None,
      ``data`` its arguments (``name``: the position as a string, or the keyword), ``receiver``
      the value of the object of a method call, ``function`` the module's function it runs;
    - ``"check"``: values looked at by syntax: an ``assert``'s test, a comparison's operands, an
      attribute the catalog lists as a data check (``df.dtypes``);
    - ``"return"``: a ``return`` value or a ``yield``ed one;
    - ``"store"``: a value written to an attribute or an item (``self.best = v``, ``run["x"] = v``);
      ``receiver`` is the value of the object written to;
    - ``"expression"``: the value of an expression statement (what a notebook displays).

    ``node`` is the call for the first two groups and the statement, expression or target
    otherwise; ``entry`` the catalog entry of the function or of the object's class. An immutable
    tuple, as DataArg: a module's flow has an event for most of its calls.
    """

    kind: str
    node: ast.AST
    entry: ApiEntry | None
    data: tuple[DataArg, ...]
    seq: int
    fit: Fit | None = None
    receiver: Value | None = None
    keywords: Mapping[str | None, Value] = NO_KEYWORDS
    function: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    parts: tuple[tuple[ast.expr, str], ...] = ()

    @property
    def call(self) -> ast.Call:
        """The call of an event of a call (every kind but check, return, store, expression and a
        split by position or mask, whose node is a subscript: use ``node`` for splits)."""
        assert isinstance(self.node, ast.Call), self.kind
        return self.node

    @property
    def is_split_or_cv(self) -> bool:
        return self.kind in ("split", "cross-validate", "search-fit")

    @property
    def values(self) -> list[Value]:
        """Every value the event involves: its data and its object."""
        found = [arg.value for arg in self.data]
        if self.receiver is not None:
            found.append(self.receiver)
        return found


# A DataArg or an Event from a tuple of all its fields in order, without the NamedTuple's
# Python-level ``__new__`` (a frame per record): for the dataflow's hottest records, call events.
new_data_arg = partial(tuple.__new__, DataArg)
new_event = partial(tuple.__new__, Event)
