"""Whether a file's bytes mention any of many needles, through a few shared substrings searched first.

Searching 60 needles one by one costs 60 passes over every file. Most files mention none, and
needles share parts (`Factory` in `PaymentGatewayFactory` and `InvoiceBatchFactory`, `core.` in
module paths): a greedy cover picks a few such keys, each contained in several needles, so a file
that holds no key is dismissed after a few passes, and only the needles of a key found are tried.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

# Shorter keys are dismissed by too few files to pay for the second look they cause; longer ones
# would rarely be shared.
SHORTEST_KEY = 5
LONGEST_KEY = 16
# The cover stops after this many shared keys (each round counts every substring again); the
# needles left are then tried one by one, as are all of them above _MOST_NEEDLES.
_MOST_KEYS = 24
_MOST_NEEDLES = 200


class NeedleMatcher:
    """`matcher.search(data)`: does `data` (bytes) contain any of the needles?"""

    def __init__(self, needles: Iterable[str]) -> None:
        unique = sorted({n for n in needles if n})
        self.needles = tuple(unique)
        self._groups = _cover(unique)

    def search(self, data: bytes) -> bool:
        for key, group in self._groups:
            if key in data and (group is None or any(n in data for n in group)):
                return True
        return False


def _cover(needles: list[str]) -> list[tuple[bytes, tuple[bytes, ...] | None]]:
    """(key, needles containing it) pairs covering every needle; None: the key is the needle."""
    if len(needles) > _MOST_NEEDLES:
        return [(n.encode(), None) for n in needles]
    left = set(needles)
    groups: list[tuple[bytes, tuple[bytes, ...] | None]] = []
    while left and len(groups) < _MOST_KEYS:
        counts: Counter[str] = Counter()
        for n in left:
            counts.update(
                {
                    n[i:j]
                    for i in range(len(n) - SHORTEST_KEY + 1)
                    for j in range(i + SHORTEST_KEY, min(len(n), i + LONGEST_KEY) + 1)
                }
            )
        best = max(counts, key=lambda s: (counts[s], len(s), s), default=None)
        if best is None or counts[best] < 2:
            break  # nothing shared any more
        covered = sorted(n for n in left if best in n)
        left.difference_update(covered)
        groups.append((best.encode(), tuple(n.encode() for n in covered)))
    groups += [(n.encode(), None) for n in sorted(left)]
    return groups
