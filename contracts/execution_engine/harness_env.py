"""What every contract runs in: a fresh SQLite file, a real ConnectionManager with one in-memory sink
per user, and the LLM mocked at the httpx transport with the service's own scripted LLM."""

from __future__ import annotations

import functools
import json
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import respx

from agent_platform.connections import ConnectionManager
from agent_platform.fake_llm import ScriptedLLM
from agent_platform.llm import LLMClient
from agent_platform.store import Store
from contracts.common import TLS
from contracts.target import TARGET, description
from contracts.users import hashed_once
from harness.characterize.drivers import mock_llm_route

LLM_URL = "http://llm.contract.invalid"


@dataclass
class Env:
    store: Store
    connections: ConnectionManager
    llm: LLMClient
    events: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    llm_bodies: list[dict[str, Any]] = field(default_factory=list)
    user_ids: dict[str, str] = field(default_factory=dict)

    def user(self, name: str) -> str:
        """A user of the store with an in-memory WebSocket sink; returns the user id."""
        if name not in self.user_ids:
            with hashed_once():
                user_id = self.store.create_user(name, description().password_of(name))
            self.user_ids[name] = user_id
            received = self.events.setdefault(user_id, [])

            async def send(event: dict[str, Any], received: list = received) -> None:
                received.append(json.loads(json.dumps(event)))

            self.connections.register(user_id, f"sink-{name}", send)
        return self.user_ids[name]


def _responder(scripts: dict[str, Sequence[dict]] | Sequence[dict]):
    """One ScriptedLLM for all, or one per user message (so interleaving never changes the answers)."""
    if isinstance(scripts, dict):
        by_message = {message: ScriptedLLM.from_steps(list(steps)) for message, steps in scripts.items()}
        default = ScriptedLLM.default()
    else:
        by_message, default = {}, ScriptedLLM.from_steps(list(scripts))

    async def respond(body: dict[str, Any]):
        user = next((m.get("content") for m in body.get("messages", []) if m.get("role") == "user"), "")
        answer = by_message.get(user, default).plan(body)
        return answer.status, answer.body, answer.delay

    return respond


@contextmanager
def mocked_llm(script: dict[str, Sequence[dict]] | Sequence[dict], bodies: list[dict[str, Any]]) -> Iterator[None]:
    """Within it, LLM_URL answers as `script` says (mocked at the httpx transport); request bodies go to `bodies`."""
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router:
        mock_llm_route(router, f"{LLM_URL}{description().llm.path}", _responder(script), bodies)
        yield


@functools.cache
def _empty_database() -> bytes:
    """A database file with the service's schema, made once per process: a contract starts from a
    copy of it instead of creating the schema (and switching to WAL) with several fsyncs each time."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "service.db"
        Store(str(path)).close()
        return path.read_bytes()


@contextmanager
def contract_env(
    workdir: Path, script: dict[str, Sequence[dict]] | Sequence[dict] = (), *, llm_timeout: float = 2.0
) -> Iterator[Env]:
    (workdir / "service.db").write_bytes(_empty_database())
    env = Env(store=Store(str(workdir / "service.db")), connections=ConnectionManager(), llm=LLMClient(LLM_URL, timeout=llm_timeout, client=httpx.AsyncClient(verify=TLS)))
    # a contract reads every row back through this same connection: it needs no fsync per commit
    # (SQLite's default in WAL mode), about a sixth of the contracts' wall time
    env.store._db.execute("PRAGMA synchronous=OFF")
    with mocked_llm(script, env.llm_bodies):
        try:
            yield env
            left = TARGET.leftovers(workdir)
            assert left == [], f"the contract left behind: {'; '.join(left)}"
        finally:
            env.store.close()
