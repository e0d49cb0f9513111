"""Whether values were looked at before they reach a place: the dataflow's checks, swept in flow order.

A check is an ``assert``, a comparison, a catalog ``data-check`` (a call, or an attribute such as
``df.dtypes``), or a log call whose entry says that logging values looks at them
(``checks-values``). Each looks at the values it is given: for a call, its arguments and its
object. MLO503 asks it about loaded data reaching a fit, MLO601 about predictions reaching a sink.
"""

from __future__ import annotations

from typing import Callable, Hashable, Iterable, Iterator, TypeVar

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.values import Event, Value

Origin = TypeVar("Origin", bound=Hashable)


def is_check(event: Event) -> bool:
    if event.kind == "check":
        return True
    entry = event.entry
    return event.kind == "call" and entry is not None and (entry.role == "data-check" or bool(entry.get("checks-values")))


def unchecked(
    module: AnalyzedModule,
    targets: list[Event],
    values_of: Callable[[Event], Iterable[Value]],
    origins_of: Callable[[Value], Iterable[Origin]],
) -> Iterator[tuple[Event, set[Origin]]]:
    """Each target event, in flow order, with the origins its values carry that no earlier check
    looked at (events with none are left out). ``origins_of`` says what a value carries."""
    checks = [event for event in module.dataflow.events_of("check", "call") if is_check(event)]
    ordered = sorted([*checks, *targets], key=lambda event: event.seq)
    checked: set[Origin] = set()
    wanted = {id(event) for event in targets}
    for event in ordered:
        if id(event) in wanted:
            carried = {origin for value in values_of(event) for origin in origins_of(value)} - checked
            if carried:
                yield event, carried
        else:
            checked.update(origin for value in event.values for origin in origins_of(value))
