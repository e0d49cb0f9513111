"""Sets that share their parts: the lineage a value carries (``Value.sources``, ``calls``, ``fits``).

A long script derives each value from the one before (``df = df.fillna(0)``, a thousand times over).
As plain frozensets, each value's lineage copied its predecessor's: O(n) per statement, O(n²) per
module in time and memory. ``union`` keeps small sets plain (most values of most modules), and past
``SMALL`` elements builds a ``Lineage`` instead: a node naming the sets it joins, made in O(1).

A ``Lineage`` is a read-only set (``collections.abc.Set``) equal to, and hashing like, the frozenset
of its elements: rules read it as they read any set. Iterating it, ``in``, ``len``, comparing or
hashing collects its elements once (a walk of the nodes below it) and keeps them.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any, Hashable, Iterator, TypeVar

T = TypeVar("T", bound=Hashable)

# Sets up to this size stay frozensets: copying them is cheaper than a node, and a walk.
SMALL = 32
_EMPTY: frozenset[Any] = frozenset()


class Lineage(AbstractSet):  # type: ignore[type-arg]  # elements of any hashable type
    """The union of ``parts`` (frozensets or other Lineages, none empty), collected on first read."""

    __slots__ = ("parts", "_elements")

    def __init__(self, parts: tuple[AbstractSet[Any], ...]) -> None:
        self.parts = parts
        self._elements: frozenset[Any] | None = None

    def frozen(self) -> frozenset[Any]:
        """The elements, as a frozenset (collected once)."""
        elements = self._elements
        if elements is None:
            elements = self._elements = _EMPTY.union(*self._leaves())
        return elements

    def _leaves(self) -> list[AbstractSet[Any]]:
        """The plain sets (or already collected nodes) below this node, each distinct one once."""
        leaves: list[AbstractSet[Any]] = []
        seen: set[int] = set()
        stack = list(self.parts)
        while stack:
            part = stack.pop()
            if id(part) in seen:
                continue
            seen.add(id(part))
            if type(part) is Lineage:
                if part._elements is not None:
                    leaves.append(part._elements)
                else:
                    stack.extend(part.parts)
            else:
                leaves.append(part)
        return leaves

    # --- the set protocol, on the collected elements -----------------------------------------
    def __iter__(self) -> Iterator[Any]:
        return iter(self.frozen())

    def __len__(self) -> int:
        return len(self.frozen())

    def __contains__(self, item: object) -> bool:
        return item in self.frozen()

    def __bool__(self) -> bool:
        return True  # made of non-empty parts only

    def __hash__(self) -> int:
        return hash(self.frozen())

    def __eq__(self, other: object) -> bool:
        if other is self:
            return True
        if isinstance(other, AbstractSet):
            return self.frozen() == _plain(other)
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __le__(self, other: AbstractSet[Any]) -> bool:
        return self.frozen() <= _plain(other) if isinstance(other, AbstractSet) else NotImplemented

    def __lt__(self, other: AbstractSet[Any]) -> bool:
        return self.frozen() < _plain(other) if isinstance(other, AbstractSet) else NotImplemented

    def __ge__(self, other: AbstractSet[Any]) -> bool:
        return self.frozen() >= _plain(other) if isinstance(other, AbstractSet) else NotImplemented

    def __gt__(self, other: AbstractSet[Any]) -> bool:
        return self.frozen() > _plain(other) if isinstance(other, AbstractSet) else NotImplemented

    def __or__(self, other: AbstractSet[Any]) -> AbstractSet[Any]:
        return union(self, _as_set(other)) if isinstance(other, AbstractSet) else NotImplemented

    def __ror__(self, other: AbstractSet[Any]) -> AbstractSet[Any]:
        return union(_as_set(other), self) if isinstance(other, AbstractSet) else NotImplemented

    def __and__(self, other: AbstractSet[Any]) -> frozenset[Any]:
        return self.frozen() & _plain(other) if isinstance(other, AbstractSet) else NotImplemented

    __rand__ = __and__

    def __sub__(self, other: AbstractSet[Any]) -> frozenset[Any]:
        return self.frozen() - _plain(other) if isinstance(other, AbstractSet) else NotImplemented

    def __rsub__(self, other: AbstractSet[Any]) -> frozenset[Any]:
        return frozenset(other) - self.frozen() if isinstance(other, AbstractSet) else NotImplemented

    def __xor__(self, other: AbstractSet[Any]) -> frozenset[Any]:
        return self.frozen() ^ _plain(other) if isinstance(other, AbstractSet) else NotImplemented

    __rxor__ = __xor__

    def isdisjoint(self, other: Any) -> bool:
        return self.frozen().isdisjoint(other)

    def union(self, *others: Any) -> AbstractSet[Any]:
        result: AbstractSet[Any] = self
        for other in others:
            result = union(result, _as_set(other))
        return result

    def intersection(self, *others: Any) -> frozenset[Any]:
        return self.frozen().intersection(*others)

    def difference(self, *others: Any) -> frozenset[Any]:
        return self.frozen().difference(*others)

    def issubset(self, other: Any) -> bool:
        return self.frozen().issubset(other)

    def issuperset(self, other: Any) -> bool:
        return self.frozen().issuperset(other)

    def __repr__(self) -> str:
        return f"Lineage({set(self.frozen())!r})"


def _plain(items: AbstractSet[Any]) -> AbstractSet[Any]:
    return items.frozen() if type(items) is Lineage else items


def _as_set(items: Any) -> AbstractSet[Any]:
    return items if isinstance(items, (frozenset, Lineage)) else frozenset(items)


def union(first: AbstractSet[T], second: AbstractSet[T]) -> AbstractSet[T]:
    """``first | second``, sharing both when the result is not small (see the module docstring)."""
    if second is first or not second:
        return first
    if not first:
        return second
    if type(first) is frozenset and type(second) is frozenset:
        if second <= first:
            return first
        if len(first) + len(second) <= SMALL:
            return first | second
    return Lineage((first, second))
