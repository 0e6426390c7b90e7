"""The engine experiment (behind a setting): the canonical factory answers each chat message; the
candidate factories run the same message beside it, on a tape of the control's LLM replies, with
their events captured and never sent, and no rows written. The harness compares and publishes."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from agent_platform.connections import ConnectionManager
from agent_platform.context import UserExecutionContext
from agent_platform.engine.engine import ExecutionEngine
from agent_platform.errors import LLMError
from agent_platform.llm import LLMClient, LLMReply
from agent_platform.settings import Settings

FAMILY = "execution-engine-factory"
CALL = "run_message"
# what the experiment compares, one user's run as that user sees it: the contract it stands for
CONTRACT = "test_same_transcript_as_the_canonical"


def _key(messages: list[dict[str, Any]], tools: list[dict[str, Any]]) -> str:
    return json.dumps({"messages": messages, "tools": tools}, sort_keys=True, default=str)


class LLMTape:
    """The control's LLM replies of one call, by request: a candidate asking the same thing gets
    the same reply (or the same failure) without calling the LLM; asking what the control never
    asked fails once the control is done."""

    def __init__(self) -> None:
        self._slots: dict[str, list[asyncio.Future[LLMReply]]] = {}
        self.closed = False

    def slot(self, key: str, index: int) -> asyncio.Future[LLMReply]:
        slots = self._slots.setdefault(key, [])
        while len(slots) <= index:
            future: asyncio.Future[LLMReply] = asyncio.get_running_loop().create_future()
            future.add_done_callback(lambda f: f.cancelled() or f.exception())
            slots.append(future)
        return slots[index]

    def close(self) -> None:
        self.closed = True
        for slots in self._slots.values():
            for future in slots:
                if not future.done():
                    future.set_exception(LLMError("the control made no such LLM request"))


class _Counted:
    def __init__(self, tape: LLMTape) -> None:
        self.tape = tape
        self.seen: dict[str, int] = {}

    def next_slot(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]) -> asyncio.Future[LLMReply]:
        key = _key(messages, tools)
        index = self.seen.get(key, 0)
        self.seen[key] = index + 1
        return self.tape.slot(key, index)


class RecordingLLM(_Counted):
    """The control's LLM client, each reply also put on the tape."""

    def __init__(self, llm: Any, tape: LLMTape) -> None:
        super().__init__(tape)
        self.llm = llm

    async def complete(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]) -> LLMReply:
        slot = self.next_slot(messages, tools)
        try:
            reply = await self.llm.complete(messages, tools)
        except LLMError as exc:
            if not slot.done():
                slot.set_exception(LLMError(str(exc)))
            raise
        if not slot.done():
            slot.set_result(reply)
        return reply


class TapeLLM(_Counted):
    """A candidate's LLM client: replies come from the tape, never from the LLM."""

    async def complete(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]) -> LLMReply:
        return await asyncio.shield(self.next_slot(messages, tools))


def _events_of(connections: ConnectionManager, context: UserExecutionContext, tag: str):
    """Registers a sink for the context's user on `connections`; its list gets the events of this
    run (its run id) in the order the user would see them. Returns (events, unregister)."""
    events: list[dict[str, Any]] = []
    client = f"experiment:{tag}:{context.run_id}"

    async def sink(event: dict[str, Any]) -> None:
        if event.get("run_id") == context.run_id:
            events.append(json.loads(json.dumps(event)))

    connections.register(context.user_id, client, sink)
    return events, lambda: connections.unregister(client)


def _member(spec: str) -> tuple[str, Any]:
    """'[NAME=]module:Object' -> (member name, the object)."""
    name, _, target = spec.rpartition("=")
    module, _, attribute = target.partition(":")
    if not module or not attribute:
        raise ValueError(f"experiment candidate {spec!r}: expected [NAME=]module:Object")
    obj = importlib.import_module(module)
    for part in attribute.split("."):
        obj = getattr(obj, part)
    return name or attribute.rsplit(".", 1)[-1], obj


async def _open(factory: Any, context: UserExecutionContext) -> tuple[ExecutionEngine, Callable[[], Awaitable[Any]]]:
    for method in ("create_for_context", "create_engine"):
        if hasattr(factory, method):
            engine = getattr(factory, method)(context)
            return engine, engine.close
    scope = factory.scope(context)  # a request-scoped factory
    engine = await scope.__aenter__()
    return engine, lambda: scope.__aexit__(None, None, None)


class EngineExperiment:
    """Wraps the canonical engine's run of one message in a harness experiment."""

    def __init__(self, settings: Settings, llm: LLMClient, *, publisher: Any = None) -> None:
        from harness.characterize.normalize import PATTERN_RULES, KeyRule
        from harness.experiment import Experiment, JsonLinesPublisher, load_divergences

        self.capture = ConnectionManager()  # the candidates' users: never a real socket
        self.factories = {}
        for spec in settings.experiment_candidates:
            member, cls = _member(spec)
            self.factories[member] = cls(llm=llm, connections=self.capture, store=None,  # no rows written
                                         max_engines_per_user=settings.max_engines_per_user)  # fmt: skip
        rules = (
            KeyRule("run", ("run_id",)),
            KeyRule("thread", ("thread_id",)),
            KeyRule("timestamp", ("timestamp",), identity=False),
            *PATTERN_RULES,
        )
        divergences = load_divergences(Path(settings.experiment_divergences)) if settings.experiment_divergences else ()
        self.experiment = Experiment(
            FAMILY,
            {member: self._candidate(member) for member in self.factories},
            name=CALL,
            publisher=publisher or JsonLinesPublisher(settings.experiment_log or "ssot-experiments.jsonl"),
            sample=settings.experiment_sample,
            timeout=settings.experiment_timeout,
            rules=rules,
            divergences=divergences,
            contract=CONTRACT,
        )

    def around(self, engine: ExecutionEngine, connections: ConnectionManager) -> Any:
        """`engine` whose run() is experimented on; close() is the engine's own."""
        return _Experimented(self, engine, connections)

    async def run(self, engine: ExecutionEngine, connections: ConnectionManager, content: str) -> Any:
        context = engine.context
        if not self.experiment.sampled(context, content):  # not sampled: the plain path, no wiring
            return await engine.run(content)
        tape = LLMTape()

        async def control(context: UserExecutionContext, content: str, tape: LLMTape) -> dict[str, Any]:
            engine.llm = RecordingLLM(engine.llm, tape)
            events, unregister = _events_of(connections, context, "control")
            try:
                result = await engine.run(content)
            finally:
                unregister()
                tape.close()
            return {"result": dataclasses.asdict(result), "events": events}

        return await self.experiment.arun_all(control, context, content, tape)

    def _candidate(self, member: str) -> Callable[..., Awaitable[dict[str, Any]]]:
        async def candidate(context: UserExecutionContext, content: str, tape: LLMTape) -> dict[str, Any]:
            engine, close = await _open(self.factories[member], context)
            engine.llm = TapeLLM(tape)
            events, unregister = _events_of(self.capture, context, member)
            try:
                result = await engine.run(content)
            finally:
                unregister()
                await close()
            return {"result": dataclasses.asdict(result), "events": events}

        return candidate


class _Experimented:
    def __init__(self, experiment: EngineExperiment, engine: ExecutionEngine, connections: ConnectionManager) -> None:
        self.experiment, self.engine, self.connections = experiment, engine, connections

    async def run(self, content: str) -> Any:
        return await self.experiment.run(self.engine, self.connections, content)

    async def close(self) -> None:
        await self.engine.close()
