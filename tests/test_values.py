"""The value algebra's shortcuts (analysis/values.py) answer as the plain definitions do."""

from __future__ import annotations

import ast

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.values import (EMPTY, NO_KEYWORDS, TEST, TRAIN, DataArg, Event, Value, derive, evolve, join, new_data_arg,
                                        new_event, new_lineage)
from mlops_lint.catalog import load_catalog

_CALL = ast.parse("f(x)", mode="eval").body
assert isinstance(_CALL, ast.Call)
_ORIGIN = ast.Name("x")


def _data(source: str, role: str | None = None) -> Value:
    return Value(sources=frozenset({source}), roles=frozenset({role}) if role else frozenset())


def test_a_data_view_is_not_kept_by_an_evolved_value():
    named = evolve(_data("a"), origin=_ORIGIN)  # a bound name: not its own data view
    assert named.as_data().sources == {"a"}
    changed = evolve(named, sources=frozenset({"b"}))
    assert changed.as_data().sources == {"b"}
    assert changed.as_data().origin is None


def test_a_data_view_is_asked_once_and_a_plain_value_is_its_own():
    named = evolve(_data("a"), origin=_ORIGIN)
    assert named.as_data() is named.as_data()
    plain = _data("a")
    assert plain.as_data() is plain
    assert evolve(EMPTY, origin=_ORIGIN).as_data() is EMPTY


def test_derive_is_the_join_of_the_inputs_data_with_the_call_added():
    inputs = [evolve(_data("a", TRAIN), origin=_ORIGIN), _data("b", TEST), EMPTY]
    call = ("numpy.hstack", _CALL)
    derived = derive(inputs, call)
    joined = join([v.as_data() for v in inputs])
    assert (derived.sources, derived.roles, derived.fits) == (joined.sources, joined.roles, joined.fits)
    assert set(derived.calls) == {call}
    assert derived.origin is None and derived.elements is None
    assert derive([_data("a")], call).sources == {"a"}
    assert derive([], call).calls == {call}


def test_a_node_evaluated_at_each_call_site_holds_every_evaluation_joined():
    code = "def scale(frame):\n    return frame * 2\n\nscale(load_a())\nscale(load_b())\n"
    module = AnalyzedModule("example.py", code, ast.parse(code), load_catalog())
    body = next(n for n in ast.walk(module.tree) if isinstance(n, ast.BinOp))
    sources = module.dataflow.value_of(body).sources
    calls = {n.func.id: n for n in ast.walk(module.tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    # on its own (the parameter), then at each call site (what each loader returned)
    assert calls["load_a"] in sources and calls["load_b"] in sources
    assert any(isinstance(s, tuple) and s[0] == "param" for s in sources)
    assert module.dataflow.value_of(body) is module.dataflow.value_of(body)


def test_records_built_from_plain_tuples_equal_those_built_by_their_constructors():
    # new_event takes every field in order: a field added to Event must be added where call events are built.
    receiver = _data("r")
    arg = new_data_arg((_ORIGIN, _data("a"), "0"))
    assert type(arg) is DataArg and arg == DataArg(_ORIGIN, _data("a"), "0")
    built = new_event(("call", _CALL, None, (arg,), 7, None, receiver, NO_KEYWORDS, None, ()))
    assert type(built) is Event
    assert built == Event("call", _CALL, None, (arg,), 7, receiver=receiver)
    assert len(Event._fields) == len(built)


def test_a_value_derive_builds_is_its_own_data_view_and_keeps_only_data():
    derived = derive([_data("a"), evolve(_data("b"), origin=_ORIGIN)], ("f", _CALL))
    assert derived.as_data() is derived
    assert derived == Value(sources=frozenset({"a", "b"}), calls=frozenset({("f", _CALL)}))
    assert new_lineage("s").as_data() == Value(sources=frozenset({"s"}))
    assert evolve(new_lineage("s"), origin=_ORIGIN).as_data() == Value(sources=frozenset({"s"}))


def test_a_fit_built_directly_has_every_field_its_constructor_sets():
    from mlops_lint.analysis.values import Fit, new_fit

    built = new_fit("fit", _CALL, None, _data("a"), None, _ORIGIN, 3, _CALL)
    assert type(built) is Fit
    assert built.__dict__ == Fit("fit", _CALL, None, _data("a"), None, _ORIGIN, 3, _CALL).__dict__


def test_a_call_added_to_a_value_s_calls_keeps_every_upstream_call():
    from mlops_lint.analysis.lineage import SMALL

    calls = [ast.Call(ast.Name("f"), [], []) for _ in range(SMALL + 2)]
    value = _data("a")
    for call in calls:
        value = derive([value], ("f", call))
    assert value.calls == {("f", call) for call in calls}


def test_values_built_on_the_fast_paths_are_frozen_values_equal_to_those_their_constructor_builds():
    import dataclasses

    import pytest

    full = Value(sources=frozenset({"a"}), roles=frozenset({TRAIN}), instance_of=None, elements=(EMPTY,), origin=_ORIGIN, made_by=_CALL)
    built = [
        (derive([_data("a"), _data("b")]), Value(sources=frozenset({"a", "b"}))),
        (evolve(full, origin=None), dataclasses.replace(full, origin=None)),
        (join([full, evolve(full, made_by=None)]), dataclasses.replace(full, made_by=None)),
        (new_lineage("s"), Value(sources=frozenset({"s"}))),
    ]
    for value, expected in built:
        assert type(value) is Value and value == expected and hash(value) == hash(expected)
        assert not hasattr(value, "__dict__")
        with pytest.raises(dataclasses.FrozenInstanceError):
            value.sources = frozenset()  # type: ignore[misc]
    with pytest.raises(AttributeError):
        evolve(full, not_a_field=1)


def test_a_value_bound_with_its_origin_equals_the_evolved_one_and_keeps_its_data_view():
    from mlops_lint.analysis.values import with_origin

    other = ast.Name("y")
    for value in (_data("a"), derive([_data("a")], ("f", _CALL)), evolve(_data("b"), origin=other), Value(made_by=_CALL), EMPTY):
        value.as_data()
        bound = with_origin(value, _ORIGIN)
        assert bound == evolve(value, origin=_ORIGIN) and bound.origin is _ORIGIN
        assert bound.as_data() == value.as_data()
        assert (bound.as_data() is EMPTY) == (value.as_data() is EMPTY)
