"""The experiment API: the control's answer always, candidates observed beside it (sync and async),
exceptions and timeouts recorded, random order, sampling, the normalizer's comparison, accepted
divergences."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import uuid

import pytest

from harness.characterize.normalize import KeyRule
from harness.experiment import Divergence, Experiment, ExperimentError, Observation


def observed(**kwargs) -> tuple[Experiment, list[Observation]]:
    seen: list[Observation] = []
    candidates = kwargs.pop("candidates")
    return Experiment("fam", candidates, publisher=seen.append, seed=7, **kwargs), seen


def test_the_leaf_imports_no_test_stack_and_no_http_client() -> None:
    code = (
        "import sys, harness.experiment\n"
        "heavy = [m for m in ('pytest', '_pytest', 'hypothesis', 'syrupy', 'httpx', 'harness.config', "
        "'harness.pin', 'harness.scan') if m in sys.modules]\n"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_control_answers_and_a_matching_candidate_is_a_match() -> None:
    experiment, seen = observed(candidates={"new": lambda x: x * 2}, name="double")
    assert experiment.run(lambda x: x * 2, 21) == 42
    assert [(o.family, o.member, o.call, o.outcome) for o in seen] == [("fam", "new", "double", "match")]


def test_a_different_answer_is_a_mismatch_with_its_diff_and_the_control_still_answers() -> None:
    experiment, seen = observed(candidates={"new": lambda x: {"total": x + 1}})
    assert experiment.run(lambda x: {"total": x}, 1) == {"total": 1}
    assert seen[0].outcome == "mismatch"
    assert '- "total": 1' in seen[0].diff and '+ "total": 2' in seen[0].diff


def test_the_controls_exception_is_raised_and_an_equal_one_of_the_candidate_matches() -> None:
    def control(x):
        raise KeyError(x)

    experiment, seen = observed(candidates={"same": control, "other": lambda x: x})
    with pytest.raises(KeyError):
        experiment.run(control, "k")
    assert {o.member: o.outcome for o in seen} == {"same": "match", "other": "mismatch"}


def test_a_candidates_exception_is_recorded_never_raised() -> None:
    def broken(x):
        raise RuntimeError("candidate bug")

    experiment, seen = observed(candidates={"broken": broken})
    assert experiment.run(lambda x: x, 3) == 3
    assert (seen[0].outcome, seen[0].error) == ("error", "RuntimeError: candidate bug")


def test_a_slow_sync_candidate_is_left_at_its_time_limit() -> None:
    release = threading.Event()
    returned = []

    def slow(x):
        release.wait(30)
        return returned[:]  # what the caller had got when the candidate finished

    experiment, seen = observed(candidates={"slow": slow}, timeout=0.05)
    assert experiment.run(lambda x: x, 5) == 5
    returned.append("the call returned first")
    release.set()
    assert seen[0].outcome == "timeout"


@pytest.mark.asyncio
async def test_async_candidates_run_beside_the_control_on_its_loop() -> None:
    async def control(x):
        await asyncio.sleep(0)
        return {"id": str(uuid.uuid4()), "x": x}

    async def candidate(x):
        return {"id": str(uuid.uuid4()), "x": x}

    async def wrong(x):
        return {"id": str(uuid.uuid4()), "x": x + 1}

    experiment, seen = observed(candidates={"same": candidate, "wrong": wrong})
    assert (await experiment.arun(control, 1))["x"] == 1
    await experiment.drain()
    assert {o.member: o.outcome for o in seen} == {"same": "match", "wrong": "mismatch"}


@pytest.mark.asyncio
async def test_an_async_candidate_that_never_ends_is_cut_at_its_limit() -> None:
    hang = asyncio.Event()
    cancelled = []

    async def forever(x):
        try:
            await hang.wait()
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    experiment, seen = observed(candidates={"forever": forever}, timeout=0.05)
    assert await experiment.arun(lambda x: x, 9) == 9
    assert seen == []  # the call returned with the control; the candidate is still being waited for
    await experiment.drain()
    await asyncio.sleep(0)
    assert seen[0].outcome == "timeout" and cancelled == [True]


@pytest.mark.asyncio
async def test_a_blocking_sync_candidate_does_not_block_the_controls_loop() -> None:
    release = threading.Event()
    ticks = []

    def blocking(x):
        release.wait(30)
        return x

    async def control(x):
        for _ in range(3):  # the loop keeps turning while the candidate blocks its thread
            ticks.append(x)
            await asyncio.sleep(0.01)
        return x

    experiment, seen = observed(candidates={"blocking": blocking}, timeout=0.2)
    assert await experiment.arun(control, 4) == 4
    await experiment.drain()
    release.set()
    assert ticks == [4, 4, 4] and seen[0].outcome == "timeout"


@pytest.mark.asyncio
async def test_cancelling_the_call_cancels_its_candidates() -> None:
    started, cancelled = [], []

    async def candidate():
        started.append(True)
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    for seed in range(8):  # the candidate starts before the control for some seeds, after for others
        control_waits = asyncio.Event()

        async def control(control_waits: asyncio.Event = control_waits) -> None:
            control_waits.set()
            await asyncio.sleep(30)

        seen: list[Observation] = []
        experiment = Experiment("fam", {"c": candidate}, publisher=seen.append, timeout=60, seed=seed)
        call = asyncio.ensure_future(experiment.arun(control))
        await control_waits.wait()
        await asyncio.sleep(0)
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        await asyncio.sleep(0)
        assert seen == []
    assert started and cancelled == started


def test_candidates_run_in_random_order_around_the_control() -> None:
    order: list[list[str]] = []

    def control():
        order[-1].append("control")

    def candidate():
        order[-1].append("candidate")

    experiment, _ = observed(candidates={"c": candidate})
    for _ in range(40):
        order.append([])
        experiment.run(control)
    assert {tuple(o) for o in order} == {("control", "candidate"), ("candidate", "control")}


def test_sampling_by_rate_and_by_predicate() -> None:
    calls = []
    never, _ = observed(candidates={"c": calls.append}, sample=0.0)
    for i in range(20):
        assert never.run(lambda x: None, i) is None
    assert calls == []
    some, _ = observed(candidates={"c": calls.append}, sample=0.5)
    for i in range(200):
        some.run(lambda x: None, i)
    assert 60 < len(calls) < 140
    calls.clear()
    chosen, seen = observed(candidates={"c": calls.append}, sample=lambda x: x % 10 == 0)
    for i in range(30):
        chosen.run(lambda x: None, i)
    assert calls == [0, 10, 20] and len(seen) == 3


def test_fresh_ids_used_the_same_way_are_equal_and_a_swapped_one_is_not() -> None:
    rules = (KeyRule("run", ("run_id",)),)
    a, b, c = (str(uuid.uuid4()) for _ in range(3))
    experiment, seen = observed(
        candidates={"same": lambda: {"run_id": b, "echo": f"run {b}"}, "swapped": lambda: {"run_id": b, "echo": f"run {c}"}},
        rules=rules,
    )  # fmt: skip
    experiment.run(lambda: {"run_id": a, "echo": f"run {a}"})
    assert {o.member: o.outcome for o in seen} == {"same": "match", "swapped": "mismatch"}


def test_the_callers_comparison_and_clean_decide_equality() -> None:
    experiment, seen = observed(
        candidates={"rounded": lambda: 1.0004, "far": lambda: 1.5},
        compare=lambda control, candidate: abs(control - candidate) < 0.01,
    )
    experiment.run(lambda: 1.0)
    assert {o.member: o.outcome for o in seen} == {"rounded": "match", "far": "mismatch"}
    cleaned, seen = observed(candidates={"c": lambda: {"v": 1, "at": 2}}, clean=lambda r: r["v"])
    cleaned.run(lambda: {"v": 1, "at": 1})
    assert seen[0].outcome == "match"


def test_a_declared_divergence_of_the_member_makes_the_mismatch_accepted() -> None:
    declared = (
        Divergence("old", "test_same_answer", "old rounds down"),
        Divergence("narrow", "test_same_answer", "only for one call", cases=("other_call",)),
    )
    experiment, seen = observed(
        candidates={"old": lambda: 1, "narrow": lambda: 1, "new": lambda: 1},
        divergences=declared, contract="test_same_answer", name="price",
    )  # fmt: skip
    experiment.run(lambda: 2)
    outcomes = {o.member: (o.outcome, o.reason) for o in seen}
    assert outcomes == {"old": ("accepted", "old rounds down"), "narrow": ("mismatch", ""), "new": ("mismatch", "")}
    other, seen = observed(candidates={"old": lambda: 1}, divergences=declared, contract="test_other")
    other.run(lambda: 2)
    assert seen[0].outcome == "mismatch"  # declared for another contract: not this experiment's


def test_a_publisher_that_raises_never_fails_the_call() -> None:
    def boom(observation):
        raise OSError("no space left on device")

    experiment = Experiment("fam", {"c": lambda: 1}, publisher=[boom], seed=1)
    assert experiment.run(lambda: 2) == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"candidates": {}}, "at least one candidate"),
        ({"candidates": {"c": len}, "sample": 1.5}, "sample rate 1.5 is not in 0..1"),
        ({"candidates": {"c": len}, "timeout": 0}, "timeout 0 must be positive"),
        ({"candidates": {"c": len}, "redact": ["("]}, "redaction pattern does not compile"),
    ],
)
def test_a_wrongly_declared_experiment_is_a_clear_error(kwargs, message) -> None:
    with pytest.raises(ExperimentError, match=message):
        Experiment("fam", publisher=[], **kwargs)


def test_an_observation_is_one_json_object_with_its_durations() -> None:
    experiment, seen = observed(candidates={"c": lambda: 1})
    experiment.run(lambda: 1)
    data = json.loads(json.dumps(seen[0].to_data()))
    assert data["version"] == 1 and data["control_ms"] >= 0 and data["overhead_ms"] >= 0
    assert Observation.from_data(data) == seen[0]
