"""Support for the service's own tests: in-memory sinks over a real ConnectionManager, a scripted LLM
mocked at the httpx transport, and a live server + fake LLM on loopback."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import respx

from agent_platform.connections import ConnectionManager
from agent_platform.demo import free_port, running
from agent_platform.fake_llm import ScriptedLLM
from agent_platform.llm import LLMClient

LLM_URL = "http://llm.test"


class Sinks:
    """Events each user received, through a real ConnectionManager."""

    def __init__(self) -> None:
        self.connections = ConnectionManager()
        self.events: dict[str, list[dict]] = {}

    def connect(self, user_id: str) -> list[dict]:
        received = self.events.setdefault(user_id, [])

        async def send(event: dict) -> None:
            received.append(event)

        self.connections.register(user_id, f"client-of-{user_id}", send)
        return received


@pytest.fixture
def sinks() -> Sinks:
    return Sinks()


def mock_llm(router: respx.MockRouter, script: ScriptedLLM) -> None:
    async def answer(request: httpx.Request) -> httpx.Response:
        scripted = await script.answer(json.loads(request.content))
        return httpx.Response(scripted.status, json=scripted.body)

    router.post(f"{LLM_URL}/v1/chat/completions").mock(side_effect=answer)


@pytest.fixture
def llm() -> LLMClient:
    return LLMClient(LLM_URL, timeout=0.5)


@dataclass
class LiveService:
    url: str
    db: str

    def create_user(self, name: str, password: str = "pw-" + "secret") -> str:
        out = subprocess.run(
            [sys.executable, "-m", "agent_platform", "create-user", name, "--password", password, "--db", self.db],
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout.strip()

    @property
    def ws_url(self) -> str:
        return self.url.replace("http", "ws", 1) + "/ws"


JWT_SECRET = "live-test-secret-of-at-least-32-bytes"


@pytest.fixture
def live_service(tmp_path: Path) -> Iterator[LiveService]:
    db = str(tmp_path / "service.db")
    llm_port, port = free_port(), free_port()
    llm_url, url = f"http://127.0.0.1:{llm_port}", f"http://127.0.0.1:{port}"
    with running(["fake-llm", "--port", str(llm_port)], llm_url):
        with running(
            ["serve", "--port", str(port), "--db", db, "--llm-url", llm_url, "--jwt-secret", JWT_SECRET], url
        ):
            yield LiveService(url, db)


@pytest.fixture
def live_service_llm_down(tmp_path: Path) -> Iterator[LiveService]:
    db = str(tmp_path / "service.db")
    port = free_port()
    dead_llm = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    url = f"http://127.0.0.1:{port}"
    argv = ["serve", "--port", str(port), "--db", db, "--llm-url", dead_llm, "--jwt-secret", JWT_SECRET]
    with running([*argv, "--llm-timeout", "1"], url):
        yield LiveService(url, db)
