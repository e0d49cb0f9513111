"""What a module of the project does to the data its functions are given: summaries as plain data.

A ``ModuleSummary`` holds, for each function, method (``Class.method``) of a module, a
``FunctionSummary`` in the dataflow's vocabulary (``analysis/values.py``, events):

- ``effects``: what happens to data inside it — ``fit``, ``transform``, ``resample``,
  ``statistic``, ``split`` (with ``shuffle``: True, False, None when unknowable),
  ``cross-validate``, ``search-fit``, ``evaluate`` (a metric), ``log`` (an experiment logger or
  recorder) and ``time-evidence`` (date parsing, lags) — each with the ``parameters`` whose data
  goes in (empty: data the function loads or builds itself), the catalog ``api`` that does it,
  the ``line`` and, when it happens in another module's function it calls, ``through`` that
  function's qualified name;
- ``returns``: the parameters the returned value derives from, the kinds of fits it carries,
  its train/test roles (per position for a returned tuple);
- ``writes``: the attributes it assigns (``self.scaler``).

Everything is a frozen dataclass of strings, ints, bools and tuples, so it pickles and turns into
JSON and back (``encode``/``decode``). ``decode`` checks every field: a summary read from a cache
file is untrusted input (docs/safety.md), and anything that is not exactly what ``encode`` writes
raises ``InvalidSummary``, which the cache treats as a miss.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mlops_lint.project.dependencies import digest

FORMAT = 1
EFFECT_KINDS = frozenset({
    "fit", "transform", "resample", "statistic", "split", "cross-validate", "search-fit",
    "evaluate", "log", "time-evidence",
})
ROLES = frozenset({"train", "test", "validation"})


class InvalidSummary(ValueError):
    """A value that is not a summary this version of mlops-lint writes."""


@dataclass(frozen=True)
class Effect:
    """One thing a function does to data (see the module docstring)."""

    kind: str
    api: str  # the catalog's qualified name of what does it; "" when the catalog names none
    parameters: tuple[str, ...]  # the function's parameters whose data goes in
    line: int  # in the module that holds the code (``through``'s module when set)
    shuffle: bool | None = None  # splits only
    through: str = ""  # the function of another project module it happens in ("utils.split_data")
    # splits only: the function's parameter that decides ``shuffle`` (``shuffle`` is then its default)
    shuffle_parameter: str = ""


@dataclass(frozen=True)
class Returns:
    """What a function returns: where it comes from, what was learnt from it, which rows it holds."""

    parameters: tuple[str, ...] = ()
    fitted: tuple[str, ...] = ()  # kinds of the fits it carries ("fit", "resample", "select", "statistic")
    roles: tuple[str, ...] = ()
    elements: tuple[tuple[str, ...], ...] = ()  # a returned tuple: the roles of each position


@dataclass(frozen=True)
class FunctionSummary:
    name: str  # "clean", "DataUtils.load"
    line: int
    parameters: tuple[str, ...]
    effects: tuple[Effect, ...] = ()
    returns: Returns = Returns()
    writes: tuple[str, ...] = ()  # attributes it assigns: "self.scaler"


@dataclass(frozen=True)
class ModuleSummary:
    """A module's functions, summarised; ``digest`` is that of the bytes summarised.

    ``imports``: the project modules it imports, as it names them (absolute dotted names).
    ``complete``: False when the module could not be decoded, parsed or analysed (no functions).
    """

    digest: str
    imports: tuple[str, ...] = ()
    functions: tuple[FunctionSummary, ...] = ()
    complete: bool = True

    def function(self, name: str) -> FunctionSummary | None:
        return next((f for f in self.functions if f.name == name), None)

    def fingerprint(self) -> str:
        """A digest of what the summary says (not of the bytes it was made from): a dependent's
        cache key changes only when this does, so an edit that changes no summary stops there."""
        said = encode(self)
        del said["digest"]
        return digest(json.dumps(said, separators=(",", ":"), sort_keys=True).encode())


# --- JSON -------------------------------------------------------------------------------------
def _effect(effect: Effect) -> list[Any]:
    return [effect.kind, effect.api, list(effect.parameters), effect.line, effect.shuffle, effect.through, effect.shuffle_parameter]


def encode(summary: ModuleSummary) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "digest": summary.digest,
        "imports": list(summary.imports),
        "complete": summary.complete,
        "functions": [
            [f.name, f.line, list(f.parameters), [_effect(e) for e in f.effects],
             [list(f.returns.parameters), list(f.returns.fitted), list(f.returns.roles),
              [list(roles) for roles in f.returns.elements]],
             list(f.writes)]
            for f in summary.functions
        ],
    }


def _list(value: Any, length: int | None = None) -> list[Any]:
    if type(value) is not list or (length is not None and len(value) != length):
        raise InvalidSummary("not a list of the expected length")
    return value


def _str(value: Any) -> str:
    if type(value) is not str:
        raise InvalidSummary("not a string")
    return value


def _line(value: Any) -> int:
    if type(value) is not int or value < 0:  # type() is exact: a bool is not a line
        raise InvalidSummary("not a line number")
    return value


def _names(value: Any) -> tuple[str, ...]:
    return tuple(_str(item) for item in _list(value))


def _roles(value: Any) -> tuple[str, ...]:
    roles = _names(value)
    if not set(roles) <= ROLES:
        raise InvalidSummary("unknown role")
    return roles


def _decode_effect(value: Any) -> Effect:
    kind, api, parameters, line, shuffle, through, shuffle_parameter = _list(value, 7)
    if kind not in EFFECT_KINDS or type(kind) is not str:
        raise InvalidSummary("unknown effect")
    if shuffle is not None and type(shuffle) is not bool:
        raise InvalidSummary("shuffle is not a boolean")
    return Effect(kind, _str(api), _names(parameters), _line(line), shuffle, _str(through), _str(shuffle_parameter))


def _decode_function(value: Any) -> FunctionSummary:
    name, line, parameters, effects, returns, writes = _list(value, 6)
    returned_parameters, fitted, roles, elements = _list(returns, 4)
    return FunctionSummary(
        name=_str(name),
        line=_line(line),
        parameters=_names(parameters),
        effects=tuple(_decode_effect(e) for e in _list(effects)),
        returns=Returns(_names(returned_parameters), _names(fitted), _roles(roles), tuple(_roles(r) for r in _list(elements))),
        writes=_names(writes),
    )


def decode(value: Any) -> ModuleSummary:
    """``encode``'s output back; ``InvalidSummary`` for anything else."""
    if type(value) is not dict or set(value) != {"format", "digest", "imports", "complete", "functions"}:
        raise InvalidSummary("not a summary")
    if value["format"] != FORMAT or type(value["format"]) is not int or type(value["complete"]) is not bool:
        raise InvalidSummary("another format")
    return ModuleSummary(
        digest=_str(value["digest"]),
        imports=_names(value["imports"]),
        functions=tuple(_decode_function(f) for f in _list(value["functions"])),
        complete=value["complete"],
    )
