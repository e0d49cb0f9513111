"""MLO401: models scored on two different random splits of the same data are compared."""

from __future__ import annotations

import ast
from typing import Iterator, NamedTuple

from mlops_lint.analysis.arguments import keyword
from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.engine.message import LineRef
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.rules.comparison.splits_and_scores import Score, Split, comparisons

_UNKNOWN = object()


class _Earlier(NamedTuple):
    """A split already met in one experiment (same data, same scope), as later splits compare with it."""

    split: Split
    seed: object
    settings: tuple[tuple[str, ...], ...]
    models: frozenset[object]

    @property
    def key(self) -> tuple[object, tuple[tuple[str, ...], ...], frozenset[object]]:
        return self.seed, self.settings, self.models


def _seed(module: AnalyzedModule, split: Split) -> object:
    """The split's fixed seed (a literal), None when it has none, or _UNKNOWN (a generator, a call…)."""
    shuffle = keyword(split.call, "shuffle")
    if isinstance(shuffle, ast.Constant) and shuffle.value is False:
        return "no-shuffle"
    value = keyword(split.call, split.entry.get("seed-param"))
    if isinstance(value, ast.Name):
        value = module.dataflow.value_of(value).origin or value  # SEED = 1 … random_state=SEED
    if value is None or (isinstance(value, ast.Constant) and value.value is None):
        return None
    if isinstance(value, ast.Constant) and isinstance(value.value, int):
        return value.value
    return _UNKNOWN


def _data(split: Split) -> tuple[object, ...]:
    """What is split: the lineage of each data argument."""
    return tuple(arg.value.sources for arg in split.event.data)


def _models(scores: list[Score]) -> frozenset[object]:
    """The models a split's scores grade, where they are known (unknown ones compare with nothing)."""
    return frozenset(score.model for score in scores if score.model is not None)


def _why_different(first_seed: object, second_seed: object, first_settings: tuple[tuple[str, ...], ...],
                   second_settings: tuple[tuple[str, ...], ...]) -> str | None:
    if None in (first_seed, second_seed):
        return "no fixed random_state"
    if first_seed != second_seed:
        return f"random_state {first_seed} vs {second_seed}"
    if first_settings != second_settings:
        return "different split sizes or stratification"
    return None


def _setting(keyword: ast.keyword) -> tuple[str, ...]:
    """One keyword, compared as its tree: a literal value (the usual ``test_size=0.2``) by its repr,
    which tells literals apart as the tree does, without dumping the tree."""
    value = keyword.value
    if value.__class__ is ast.Constant:
        return "literal", str(keyword.arg), repr(value.value), str(value.kind)
    return "tree", ast.dump(keyword)


def _settings(split: Split) -> tuple[tuple[str, ...], ...]:
    """How it is split (sizes, stratification), apart from the seed."""
    param = split.entry.get("seed-param")
    return tuple(sorted(_setting(kw) for kw in split.call.keywords if kw.arg not in (param, "shuffle")))


class InconsistentComparison(Rule):
    code = "MLO401"
    fields = ("first_line", "reason")
    related = ("first",)

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        found = comparisons(module)
        # Only splits of the same data in one scope are compared (one experiment): group them once
        # instead of pairing every split with every earlier one.
        experiments: dict[tuple[int, tuple[object, ...]], list[_Earlier]] = {}
        for split in found.splits:
            scores = found.scores_of(split.call)
            if not scores or found.in_loop(split.call):
                continue
            models = _models(scores)
            seed = _seed(module, split)
            earlier_ones = experiments.setdefault((id(found.scope_of(split.call)), _data(split)), [])
            if seed is not _UNKNOWN and models:
                settings = _settings(split)
                for earlier in earlier_ones:
                    reason = _why_different(earlier.seed, seed, earlier.settings, settings)
                    if reason is not None and earlier.models != models:
                        yield Finding(split.call, {"first_line": LineRef(earlier.split.call), "reason": reason},
                                      related=(("first", earlier.split.call),))
                        break
                key = (seed, settings, models)
                # Earlier splits alike in seed, settings and models give every later split the same
                # answer: the first of them stands for all.
                if all(earlier.key != key for earlier in earlier_ones):
                    earlier_ones.append(_Earlier(split, seed, settings, models))
