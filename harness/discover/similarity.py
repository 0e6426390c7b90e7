"""Method-set similarity of the classes of a family: the Jaccard index of every two, exact, fast.

Each set is a bit mask and each row of the table is computed by C-level maps, so a group of a
thousand classes costs milliseconds, not seconds; the values are the floats the set operations
give (the same integers divided), so sums over them in the same order are the same to the last bit.
"""

from __future__ import annotations

import functools
import operator
from itertools import chain, repeat


def similarities(sets: list[frozenset[str]]) -> tuple[list[int], list[list[float]]]:
    """The index of each of `sets` among the distinct ones, and for every two distinct sets their
    Jaccard similarity `len(a & b) / len(a | b)` (0.0 for two empty sets)."""
    distinct = list(dict.fromkeys(sets))
    index = {s: i for i, s in enumerate(distinct)}
    bits: dict[str, int] = {}
    for s in distinct:
        for name in s:
            bits.setdefault(name, 1 << len(bits))
    masks = [functools.reduce(operator.or_, (bits[n] for n in s), 0) for s in distinct]
    sizes = [len(s) for s in distinct]
    table: list[list[float]] = []
    for i, (mask, size) in enumerate(zip(masks, sizes, strict=True)):
        # from the diagonal on; before it, the rows above hold the same values (symmetry)
        common = list(map(int.bit_count, map(mask.__and__, masks[i:])))
        union = map(max, map(operator.sub, map(size.__add__, sizes[i:]), common), repeat(1))
        table.append([*map(operator.itemgetter(i), table), *map(operator.truediv, common, union)])
    return [index[s] for s in sets], table


def mean_similarity(sets: list[frozenset[str]]) -> float:
    """The mean Jaccard similarity of every two of `sets` of which at least one is not empty, summed
    in pair order (two empty sets add 0.0, which changes no sum, and are not counted)."""
    ids, table = similarities(sets)
    empty = sum(1 for s in sets if not s)
    pairs = len(sets) * (len(sets) - 1) // 2 - empty * (empty - 1) // 2
    rows = (map(table[k].__getitem__, ids[i + 1 :]) for i, k in enumerate(ids))
    return sum(chain.from_iterable(rows)) / pairs if pairs else 0.0
