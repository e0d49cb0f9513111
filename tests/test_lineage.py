"""Shared lineage sets (analysis/lineage.py) read exactly as the frozensets they replace."""

from __future__ import annotations

from mlops_lint.analysis.lineage import Lineage, union


def _chain(length: int, start: int = 0) -> tuple[object, frozenset[int]]:
    """A lineage built as a long script builds it (one element more per statement), and the plain set."""
    shared: object = frozenset()
    for element in range(start, start + length):
        shared = union(shared, frozenset((element,)))  # type: ignore[arg-type]
    return shared, frozenset(range(start, start + length))


def test_small_unions_stay_plain_frozensets():
    result = union(frozenset({1, 2}), frozenset({3}))
    assert type(result) is frozenset
    assert result == {1, 2, 3}


def test_union_with_a_subset_or_the_empty_set_returns_the_first_set_itself():
    first = frozenset({1, 2, 3})
    assert union(first, frozenset({2})) is first
    assert union(first, frozenset()) is first
    assert union(frozenset(), first) is first


def test_a_long_chain_shares_its_parts_and_equals_the_plain_union():
    shared, plain = _chain(500)
    assert type(shared) is Lineage
    assert shared == plain and plain == shared
    assert hash(shared) == hash(plain)
    assert len(shared) == 500
    assert 499 in shared and 500 not in shared
    assert sorted(shared) == sorted(plain)


def test_set_operations_answer_as_the_plain_set_does():
    shared, plain = _chain(100)
    other = frozenset({5, 150})
    assert shared & other == plain & other == {5}
    assert shared - frozenset(range(1, 100)) == {0}
    assert frozenset({5, 150}) - shared == {150}
    assert not shared.isdisjoint(other)
    assert shared.isdisjoint(frozenset({-1}))
    assert frozenset({1, 2}) <= shared and not shared <= frozenset({1, 2})
    assert (shared | other) == plain | other
    assert (other | shared) == plain | other


def test_joining_two_chains_that_share_history_counts_each_element_once():
    base, _ = _chain(60)
    left = union(base, frozenset({"left"}))
    right = union(base, frozenset({"right"}))
    joined = union(left, right)
    assert len(joined) == 62
    assert joined == frozenset(range(60)) | {"left", "right"}


def test_a_very_deep_chain_is_collected_without_recursion():
    shared, plain = _chain(20_000)
    assert shared == plain
