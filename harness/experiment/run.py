"""Experiment: run the control and its candidates for one call, return the control's answer (or
raise its exception), always; candidates run time-limited, in random order, maybe sampled."""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import logging
import random
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from harness.characterize.normalize import PATTERN_RULES, Rule
from harness.errors import HarnessError
from harness.experiment.observe import Observation, Run, classify
from harness.experiment.publish import JsonLinesPublisher, Publisher, as_publisher
from harness.experiment.redact import compile_patterns, redact
from harness.prove.divergences import Divergence

LOG = logging.getLogger("harness.experiment")
DEFAULT_LOG = "ssot-experiments.jsonl"


class ExperimentError(HarnessError):
    """An experiment is declared wrongly (no candidate, a rate outside 0..1, a bad pattern)."""


def _is_async(function: Callable[..., Any]) -> bool:
    return inspect.iscoroutinefunction(function) or inspect.iscoroutinefunction(
        getattr(function, "__call__", None)  # noqa: B004 - an object whose __call__ is async
    )


def _call_sync(function: Callable[..., Any], args: tuple, kwargs: dict) -> Run:
    """`function` called here; an awaitable result is run to completion in a loop of its own."""
    started = time.perf_counter()
    try:
        value = function(*args, **kwargs)
        if inspect.isawaitable(value):
            value = asyncio.run(_awaited(value))
    except Exception as exc:
        return Run(error=exc, seconds=time.perf_counter() - started)
    return Run(value=value, seconds=time.perf_counter() - started)


async def _awaited(value: Awaitable[Any]) -> Any:
    return await value


def _in_thread(function: Callable[..., Any], args: tuple, kwargs: dict, limit: float) -> Run:
    """`function` in a daemon thread, waited for at most `limit` seconds (then left behind)."""
    box: list[Run] = []
    thread = threading.Thread(
        target=lambda: box.append(_call_sync(function, args, kwargs)),
        name="ssot-experiment-candidate",
        daemon=True,
    )
    started = time.perf_counter()
    thread.start()
    thread.join(limit)
    return box[0] if box else Run(seconds=time.perf_counter() - started, timed_out=True)


class Experiment:
    """One experiment of a family: `candidates` (member name -> callable with the control's
    signature) run beside the control of each call, and each is observed and published.

    `sample`: a rate in 0..1, or a predicate over the call's arguments; `timeout`: each candidate's
    time limit in seconds; `rules` (the normalizer's) or `compare(control, candidate) -> bool`
    decide equality, after `clean(result)` picks what is compared; a mismatch that a declared
    `divergences` entry covers (same member, `contract` when given, the call among its cases) is
    counted as accepted. `redact`: patterns replaced in what is published, beside the built-in
    secret patterns. `publisher`: one or several publishers or callables (default: a JSON-lines
    file, ssot-experiments.jsonl)."""

    def __init__(
        self,
        family: str,
        candidates: Mapping[str, Callable[..., Any]],
        *,
        name: str = "call",
        publisher: Publisher | Callable[[Observation], object] | Sequence[Any] | None = None,
        sample: float | Callable[..., bool] = 1.0,
        timeout: float = 1.0,
        rules: Iterable[Rule] = PATTERN_RULES,
        clean: Callable[[Any], Any] | None = None,
        compare: Callable[[Any, Any], bool] | None = None,
        divergences: Iterable[Divergence] = (),
        contract: str | None = None,
        redact: Iterable[str] = (),
        seed: int | None = None,
    ) -> None:
        if not family or not candidates:
            raise ExperimentError(
                f"experiment {name!r}: give the family's name and at least one candidate member"
            )
        if not callable(sample) and not 0.0 <= float(sample) <= 1.0:
            raise ExperimentError(
                f"experiment {family}/{name}: sample rate {sample!r} is not in 0..1"
            )
        if not timeout > 0:
            raise ExperimentError(
                f"experiment {family}/{name}: timeout {timeout!r} must be positive seconds"
            )
        try:
            self.redact = compile_patterns(redact)
        except Exception as exc:
            raise ExperimentError(
                f"experiment {family}/{name}: a redaction pattern does not compile: {exc}"
            ) from None
        self.family, self.name = family, name
        self.candidates = dict(candidates)
        self.sample, self.timeout = sample, float(timeout)
        # a required rule (a snapshot's safeguard) does not apply to one call's result
        self.rules = tuple(dataclasses.replace(r, required=False) for r in rules)
        self.clean, self.compare = clean, compare
        self.divergences = tuple(divergences)
        self.contract = contract
        given: list[Any]
        if publisher is None:
            given = [_default_log()]
        elif isinstance(publisher, list | tuple):
            given = list(publisher)
        else:
            given = [publisher]
        self.publishers = tuple(as_publisher(p) for p in given)
        self._random = random.Random(seed)
        self._pending: set[asyncio.Future[None]] = set()

    # ------------------------------------------------------------------ the call, sync and async

    def run(self, control: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """The control's answer to `control(*args, **kwargs)`; candidates in threads, in turn."""
        if not self.sampled(*args, **kwargs):
            return control(*args, **kwargs)
        return self.run_all(control, *args, **kwargs)

    def run_all(self, control: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """`run` without the sampling decision (the caller took it with `sampled`)."""
        started, at = time.perf_counter(), _now()
        before, after = self._order()
        runs = {m: _in_thread(self.candidates[m], args, kwargs, self.timeout) for m in before}
        control_run = self._control_sync(control, args, kwargs)
        runs |= {m: _in_thread(self.candidates[m], args, kwargs, self.timeout) for m in after}
        self._observe(control_run, runs, time.perf_counter() - started - control_run.seconds, at)
        return control_run.unwrap()

    async def arun(self, control: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """The control's answer, awaited in the caller's own task; candidates as tasks on this loop
        (async ones) or in threads (sync ones), started in random order around the control, each
        cut at its limit. The call returns when the control does: the candidates are waited for,
        compared and published in the background (`drain()` waits for that), so neither their
        time nor the caller's cancellation after the answer touches them."""
        if not self.sampled(*args, **kwargs):
            result = control(*args, **kwargs)
            return await result if inspect.isawaitable(result) else result
        return await self.arun_all(control, *args, **kwargs)

    async def arun_all(self, control: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """`arun` without the sampling decision (the caller took it with `sampled`, e.g. to set up
        what only an experimented call needs)."""
        started, at = time.perf_counter(), _now()
        tasks: dict[str, asyncio.Task[Run]] = {}
        before, after = self._order()
        try:
            for member in before:  # these start at the control's first wait
                tasks[member] = self._start(member, args, kwargs)
            # the control runs in the caller's own task, as it would without the experiment: what
            # the caller's task does next (and in what order its events go out) does not change
            control_run = await self._control_async(control, args, kwargs)
        except BaseException:  # cancelled from outside: nothing of the experiment outlives the call
            for task in tasks.values():
                task.cancel()
            raise
        for member in after:
            tasks[member] = self._start(member, args, kwargs)
        overhead = time.perf_counter() - started - control_run.seconds
        finish = asyncio.ensure_future(self._finish(control_run, tasks, overhead, at))
        self._pending.add(finish)
        finish.add_done_callback(self._pending.discard)
        return control_run.unwrap()

    async def _finish(
        self, control: Run, tasks: Mapping[str, asyncio.Task[Run]], overhead: float, at: str
    ) -> None:
        runs = {member: await task for member, task in tasks.items()}
        self._observe(control, runs, overhead, at)

    async def drain(self) -> None:
        """Waits until every call's candidates are observed and published (at shutdown, in tests)."""
        while self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)

    def _start(self, member: str, args: tuple, kwargs: dict) -> asyncio.Task[Run]:
        return asyncio.ensure_future(self._candidate_async(self.candidates[member], args, kwargs))

    def _control_sync(self, control: Callable[..., Any], args: tuple, kwargs: dict) -> Run:
        started = time.perf_counter()
        try:
            value = control(*args, **kwargs)
        except Exception as exc:
            return Run(error=exc, seconds=time.perf_counter() - started)
        return Run(value=value, seconds=time.perf_counter() - started)

    async def _control_async(self, control: Callable[..., Any], args: tuple, kwargs: dict) -> Run:
        started = time.perf_counter()
        try:
            value = control(*args, **kwargs)
            if inspect.isawaitable(value):
                value = await value
        except Exception as exc:
            return Run(error=exc, seconds=time.perf_counter() - started)
        return Run(value=value, seconds=time.perf_counter() - started)

    async def _candidate_async(
        self, function: Callable[..., Any], args: tuple, kwargs: dict
    ) -> Run:
        started = time.perf_counter()
        if _is_async(function):
            inner: asyncio.Future[Any] = asyncio.ensure_future(function(*args, **kwargs))
        else:
            inner = asyncio.get_running_loop().run_in_executor(
                None, _call_sync, function, args, kwargs
            )
        try:
            done, _ = await asyncio.wait({inner}, timeout=self.timeout)
        except asyncio.CancelledError:
            inner.cancel()
            raise
        seconds = time.perf_counter() - started
        if not done:
            inner.cancel()  # not awaited: a candidate that ignores cancellation cannot hold us
            inner.add_done_callback(_swallow)
            return Run(seconds=seconds, timed_out=True)
        if inner.cancelled():
            return Run(error=asyncio.CancelledError("the candidate was cancelled"), seconds=seconds)
        error = inner.exception()
        if error is not None:
            return Run(error=error, seconds=seconds)
        value = inner.result()
        return value if isinstance(value, Run) else Run(value=value, seconds=seconds)

    # ------------------------------------------------------------------ sampling, order, publishing

    def sampled(self, *args: Any, **kwargs: Any) -> bool:
        """Whether this call runs the candidates: the rate's draw, or the predicate's answer (a
        predicate that raises says no)."""
        sample = self.sample
        if callable(sample):
            try:
                return bool(sample(*args, **kwargs))
            except Exception:
                LOG.debug("experiment %s/%s: the sampling predicate raised", self.family, self.name)
                return False
        rate = float(sample)
        return rate >= 1.0 or (rate > 0.0 and self._random.random() < rate)

    def _order(self) -> tuple[list[str], list[str]]:
        """The candidates in random order, split where the control goes: (before it, after it)."""
        order: list[str | None] = [None, *self.candidates]
        self._random.shuffle(order)
        split = order.index(None)
        return [m for m in order[:split] if m], [m for m in order[split + 1 :] if m]

    def _observe(self, control: Run, runs: Mapping[str, Run], overhead: float, at: str) -> None:
        """Publishes each candidate's observation; `overhead`: seconds the call took beyond the control."""
        overhead_ms = max(0.0, overhead) * 1000
        for member, candidate in runs.items():
            try:
                outcome, diff, error, reason = classify(
                    control, candidate, member=member, call=self.name, rules=self.rules,
                    clean=self.clean, compare=self.compare, divergences=self.divergences,
                    contract=self.contract,
                )  # fmt: skip
            except Exception as exc:  # a result the comparison cannot take is an observation too
                outcome, diff, reason = "error", "", ""
                error = f"comparison failed: {type(exc).__name__}: {exc}"
            observation = Observation(
                family=self.family, member=member, call=self.name, outcome=outcome,
                control_ms=round(control.seconds * 1000, 3), candidate_ms=round(candidate.seconds * 1000, 3),
                overhead_ms=round(overhead_ms, 3), diff=redact(diff, self.redact),
                error=redact(error, self.redact), reason=reason, at=at,
            )  # fmt: skip
            for publisher in self.publishers:
                try:
                    publisher.publish(observation)
                except Exception:  # a publisher's failure is never the caller's
                    LOG.debug("experiment %s/%s: a publisher raised", self.family, self.name)


def _swallow(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()  # retrieved: no "exception was never retrieved" warning


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _default_log() -> Publisher:
    return JsonLinesPublisher(DEFAULT_LOG)
