"""Discover's ranking arithmetic: the fast method-set similarities are the set operations' floats."""

from __future__ import annotations

import random

from harness.discover.config_block import canonical_guess
from harness.discover.rank import (
    Definition,
    Evidence,
    Group,
    _may_play_by_words,
    _modifier,
    last_word,
    learn_roles,
    may_play_a_role,
    role_and_subject,
    words,
)
from harness.discover.similarity import mean_similarity, similarities


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


def test_a_name_that_plays_a_role_with_some_learned_words_may_play_one_before_learning() -> None:
    rng = random.Random(11)
    heads = ["Payment", "Order", "Legacy", "User", "Ws", "Item", "Data", "Mock", "V2", "Base"]
    tails = ["Factory", "Registry", "Calculator", "Config", "Impl", "Agent", "Entity", "Item",
             "Row", "Flow", "Handle", "Io", "Class", "Sensor", "Test", "Description", "Base"]  # fmt: skip
    names = [
        "".join(rng.sample(heads, rng.randint(0, 2)) + rng.sample(tails, rng.randint(1, 3)))
        for _ in range(400)
    ]
    names += ["X", "FactoryImpl", "RowImpl", "get_thing", "SensorEntityDescription", "IoRow"]
    played = 0
    for _ in range(30):
        learned = frozenset(learn_roles(rng.sample(names, 120), at_least=rng.choice([1, 2, 3])))
        for name in names:
            if role_and_subject(name, learned) is not None:
                played += 1
                assert may_play_a_role(name), (name, sorted(learned))
    assert played > 1000  # the property was put to the test
    assert not may_play_a_role("PaymentConfig") and not may_play_a_role("OrderRowV2")
    assert may_play_a_role("PaymentCalculator") and may_play_a_role("FactoryImpl")


def test_deciding_by_the_last_word_decides_as_the_words_do() -> None:
    rng = random.Random(5)
    parts = ["A", "B", "X", "Io", "HTTP", "Http", "2", "v2", "V2", "url", "Factory", "Impl",
             "Agent", "Config", "Row", "_", "Web", "Socket", "WebSocket", "Flow", "ABCd", "x9", "é", "Ä"]  # fmt: skip
    for _ in range(100_000):
        name = "".join(rng.choice(parts) for _ in range(rng.randint(1, 5)))
        assert may_play_a_role(name) == _may_play_by_words(name), name
        assert last_word(name) is None or [last_word(name)] == words(name)[-1:], name


def _naive_canonical(group: Group, evidence: Evidence) -> Definition:
    """The canonical guess as first written: every key in full, set operations per pair."""
    candidates = [m for m in group.members if m.kind == "class"] or group.members

    def closeness(m: Definition) -> float:
        others = [o for o in candidates if o is not m and (o.methods or m.methods)]
        return sum(len(m.methods & o.methods) / len(m.methods | o.methods) for o in others)

    def modifiers(m: Definition) -> int:
        return sum(1 for w in words(m.name) if _modifier(w))

    return max(
        candidates,
        key=lambda m: (evidence.weight(m), closeness(m), -modifiers(m), -m.path.count("/")),
    )


def test_the_canonical_guess_is_the_full_key_s_first_maximum() -> None:
    rng = random.Random(3)
    methods = ["create", "close", "emit", "send", "get", "run"]
    names = ["OrderFactory", "LegacyOrderFactory", "OldOrderFactory", "OrderFactoryV2"]
    decided_by_closeness = 0
    for _ in range(300):
        members = [
            Definition(
                rng.choice(names),
                rng.choice(["a", "b", "c.d"]),
                "/".join(["p"] * rng.randint(1, 3)) + ".py",
                rng.randint(1, 9),
                rng.choice(["class", "class", "class", "getter"]),
                frozenset(rng.sample(methods, rng.randint(0, 4))),
            )
            for _ in range(rng.randint(1, 7))
        ]
        evidence = Evidence()
        for m in members:
            evidence.imported[(m.module, m.name)] = rng.choice([0, 0, 1, 2])
        group = Group("factory", frozenset({"order"}), members)
        expected = _naive_canonical(group, evidence)
        assert canonical_guess(group, evidence) is expected
        weights = [evidence.weight(m) for m in members if m.kind == "class"]
        decided_by_closeness += len(weights) > 1 and weights.count(max(weights)) > 1
    assert decided_by_closeness > 50  # ties of the evidence were put to the test


def test_value_and_double_names_decided_fast_as_by_their_words() -> None:
    from harness.discover.names import VALUE_WORDS, _tokens, is_value_name
    from harness.discover.rank import DOUBLE_WORDS, is_double_name

    rng = random.Random(7)
    parts = ["A", "Io", "HTTP", "Http", "2", "v2", "Config", "State", "Row", "_", "Web", "Socket",
             "WebSocket", "Fake", "mock", "Test", "Stub", "Spy", "Factory", "ABCd", "x9", "é"]  # fmt: skip
    for _ in range(50_000):
        name = "".join(rng.choice(parts) for _ in range(rng.randint(1, 5)))
        tokens = _tokens(name)
        slow_value = name.startswith("_") or not tokens or tokens[-1].lower() in VALUE_WORDS
        assert is_value_name(name) == slow_value, name
        ws = words(name)
        slow_double = bool(ws) and (ws[0] in DOUBLE_WORDS or ws[-1] in DOUBLE_WORDS)
        assert is_double_name(name) == slow_double, name
