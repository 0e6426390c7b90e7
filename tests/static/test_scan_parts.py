"""The scanner's speed parts keep its answers: the needle matcher, batches on a forked helper, the
expression walk of `extract` (breadth first, as `ast.walk`), and module names' fast path."""

from __future__ import annotations

import ast
import os
import random
import textwrap

import pytest

from harness.scan.batches import Batches
from harness.scan.facts import Reference, extract, module_name
from harness.scan.needles import NeedleMatcher


def _mentions(data: bytes, needles: list[str]) -> bool:
    return any(n.encode() in data for n in needles)


@pytest.mark.parametrize("automaton", [True, False], ids=["automaton", "one-by-one"])
def test_the_needle_matcher_answers_as_searching_each_needle_would(automaton: bool) -> None:
    rnd = random.Random(7)
    subjects = ["PaymentGateway", "OrderEvent", "ExecutionEngine", "AgentRun", "UserSession"]
    roles = ["Factory", "Registry", "Notifier", "Supervisor", "Bridge"]
    needles = (
        [s + r for s in subjects for r in roles]
        + [f"core.{s.lower()}" for s in subjects]
        + ["Maker", "x", "Ünïcode"]
    )
    matcher = NeedleMatcher(needles, automaton=automaton)
    assert (matcher._find is not None) == automaton  # the wheel is installed here
    words = [*needles, *subjects, *roles, "core.", "Factor", "Regis", "ake", "plain", "\n", "Ün"]
    for _ in range(3000):
        data = " ".join(rnd.choice(words)[: rnd.randint(1, 30)] for _ in range(rnd.randint(0, 6)))
        assert matcher.search(data.encode()) == _mentions(data.encode(), needles), data


@pytest.mark.parametrize("automaton", [True, False], ids=["automaton", "one-by-one"])
def test_the_needle_matcher_without_needles_matches_nothing(automaton: bool) -> None:
    assert not NeedleMatcher([], automaton=automaton).search(b"anything")
    assert NeedleMatcher(["", "abc"], automaton=automaton).search(b"xxabcxx")
    assert not NeedleMatcher(["", "abc"], automaton=automaton).search(b"xxabxcx")


def _square_all(batch: list[int]) -> list[int]:
    if -1 in batch:
        raise ValueError("a bad batch")
    return [n * n for n in batch]


def _pids(batch: list[int]) -> list[int]:
    import time

    time.sleep(0.02)  # long enough that this process takes batches too
    return [os.getpid()] * len(batch)


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_batches_give_every_result_in_order_whoever_runs_them(jobs: int) -> None:
    batches: Batches[list[int], list[int]] = Batches(_square_all, jobs)
    for start in range(0, 100, 7):
        batches.add(list(range(start, min(start + 7, 100))))
    assert [n for part in batches.results() for n in part] == [n * n for n in range(100)]


def test_a_helper_and_this_process_share_the_batches() -> None:
    batches: Batches[list[int], list[int]] = Batches(_pids, 2)
    for _ in range(8):
        batches.add([0])
    pids = {pid for part in batches.results() for pid in part}
    assert os.getpid() in pids and len(pids) == 2


def test_an_error_in_a_batch_reaches_the_caller() -> None:
    batches: Batches[list[int], list[int]] = Batches(_square_all, 2)
    for batch in ([1, 2], [-1], [3], [4], [5]):
        batches.add(batch)
    with pytest.raises(ValueError, match="a bad batch"):
        batches.results()


def _walk_references(tree: ast.Module) -> list[tuple[str, str, int]]:
    """Every `base.attr` of the tree (a plain model: the example has no assignment target)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            parts, value = [], node.value
            while isinstance(value, ast.Attribute):
                parts.append(value.attr)
                value = value.value
            if isinstance(value, ast.Name) and value.id not in ("self", "cls"):
                found.append((".".join([value.id, *reversed(parts)]), node.attr, node.lineno))
    return found


def test_extract_finds_references_in_every_kind_of_expression() -> None:
    source = textwrap.dedent(
        """
        import m
        @m.deco(k=m.kw)
        def f(a: m.A = m.d, *args: m.B, k: m.C = m.e, **kw: m.D) -> m.E:
            x = {**m.mapping, m.key: m.val}
            y = [m.i for m.t in m.it if m.cond]
            z = lambda q=m.lam_default: q.attr
            w = f"{m.fmt!r:{m.spec}}"
            with m.ctx() as v, m.ctx2():
                pass
            for n in m.seq[m.lo:m.hi:m.step]:
                yield m.out
            match m.subject:
                case _:
                    m.in_case
            return (await m.aw) if m.test else m.other
        """
    )
    tree = ast.parse(source)
    facts = extract(tree, "pkg/mod.py")
    got = {(r.base, r.attr) for r in facts.references}
    assert got == {(b, a) for b, a, _ in _walk_references(tree)}
    assert Reference("m", "deco", 3) in facts.references


def test_module_names_fast_path_agrees_with_the_general_one() -> None:
    cases = {
        ("src/pkg/mod.py", ("src",)): ("pkg.mod", False),
        ("src/pkg/__init__.py", ("src",)): ("pkg", True),
        ("lib/src/x.pyi", ("lib/src", "lib")): ("x", False),
        ("lib/src/x.py", ("lib",)): ("src.x", False),
        ("srcx/a.py", ("src",)): ("srcx.a", False),
        ("src", ("src",)): ("src", False),
        ("__init__.py", ("src",)): ("", True),
        ("./pkg//mod.py", ("src",)): ("pkg.mod", False),
        ("a.b/mod.py", ()): ("a.b.mod", False),
    }
    for (rel, roots), expected in cases.items():
        assert module_name(rel, roots) == expected, rel


def test_the_finding_order_key_is_the_dataclass_order() -> None:
    import dataclasses

    from harness.model import Finding
    from harness.pin.membership import FINDING_ORDER

    assert FINDING_ORDER.__reduce__()[1] == tuple(f.name for f in dataclasses.fields(Finding))


def test_definitions_only_facts_are_the_full_facts_minus_bodies_and_expressions() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "harness"
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_bytes())
        full = extract(tree, path.name)
        light = extract(tree, path.name, definitions_only=True)
        assert light.definitions == full.definitions and light.assignments == full.assignments
        assert light.name_imports == tuple(i for i in full.name_imports if i.scope != "function")
        assert light.references == () and light.all_names == full.all_names


@pytest.mark.parametrize("jobs", [1, 2])
def test_batches_never_pile_up_beyond_a_few_waiting(jobs: int) -> None:
    from harness.scan import batches as module

    batches: Batches[list[int], list[int]] = Batches(_pids, jobs)
    for _ in range(12):
        batches.add([0])
        assert len(batches._waiting) <= module.MOST_WAITING  # this process ran the surplus
    assert len(batches.results()) == 12
