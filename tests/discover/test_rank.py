"""Discover's ranking arithmetic: the fast method-set similarities are the set operations' floats."""

from __future__ import annotations

import random

from harness.discover.rank import mean_similarity, similarities


def _naive_mean(sets: list[frozenset[str]]) -> float:
    pairs = [(a, b) for i, a in enumerate(sets) for b in sets[i + 1 :] if a or b]
    return sum(len(a & b) / len(a | b) for a, b in pairs) / len(pairs) if pairs else 0.0


def test_similarities_give_the_set_operations_floats_to_the_last_bit() -> None:
    rng = random.Random(7)
    names = [f"m{i}" for i in range(40)]
    for _ in range(50):
        sets = [frozenset(rng.sample(names, rng.choice([0, 0, 1, 3, 7, 20]))) for _ in range(60)]
        ids, table = similarities(sets)
        assert [sets[ids.index(i)] for i in ids] == sets  # each index names its own set
        for a, ia in zip(sets, ids, strict=True):
            for b, ib in zip(sets, ids, strict=True):
                expected = len(a & b) / len(a | b) if a or b else 0.0
                assert table[ia][ib] == expected
        assert mean_similarity(sets) == _naive_mean(sets)  # same floats, same order


def test_the_mean_similarity_of_groups_without_pairs_with_methods_is_zero() -> None:
    assert mean_similarity([]) == mean_similarity([frozenset()]) == 0.0
    assert mean_similarity([frozenset(), frozenset()]) == 0.0
    assert mean_similarity([frozenset({"a"}), frozenset()]) == 0.0
    assert mean_similarity([frozenset({"a", "b"}), frozenset({"b"})]) == 0.5
