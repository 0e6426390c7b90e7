"""Two drivers, one transcript: the app in process (LLM mocked with respx) or live on loopback."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import respx
import websockets

from harness.characterize.scenario import Scenario
from harness.characterize.target import CharacterizationTarget, LLMAnswer
from harness.errors import HarnessError


class ConnectionClosedError(HarnessError):
    """The server closed the WebSocket; `code` says why (1008: policy violation)."""

    def __init__(self, code: int | None) -> None:
        super().__init__(f"WebSocket closed by the server (code {code})")
        self.code = code


def password_of(user: str) -> str:
    return f"pw-{user}-{'x' * 8}"


# --------------------------------------------------------------------------------- in process


class InProcessWebSocket:
    """A WebSocket client speaking ASGI directly to the app, on the test's own event loop."""

    def __init__(self, app: Any, path: str, query: dict[str, str], headers: dict[str, str]) -> None:
        self._to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._scope = {
            "type": "websocket",
            "asgi": {"version": "3.0"},
            "scheme": "ws",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": urlencode(query).encode(),
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
            "server": ("testserver", 80),
            "client": ("127.0.0.1", 50000),
            "subprotocols": [],
        }
        self._app = app
        self._task: asyncio.Task[None] | None = None
        self.close_code: int | None = None

    async def open(self) -> InProcessWebSocket:
        self._to_app.put_nowait({"type": "websocket.connect"})
        self._task = asyncio.create_task(self._app(self._scope, self._to_app.get, self._from_app.put))
        message = await self._from_app.get()
        if message["type"] == "websocket.close":
            raise ConnectionClosedError(message.get("code"))
        return self

    async def send_text(self, text: str) -> None:
        await self._to_app.put({"type": "websocket.receive", "text": text})

    async def recv(self) -> dict[str, Any]:
        message = await self._from_app.get()
        if message["type"] == "websocket.close":
            self.close_code = message.get("code", 1000)
            raise ConnectionClosedError(self.close_code)
        return json.loads(message.get("text") or message["bytes"])

    async def close(self) -> None:
        await self._to_app.put({"type": "websocket.disconnect", "code": 1000})
        if self._task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._task, 10)


def mock_llm_route(
    router: respx.MockRouter,
    url: str,
    respond: Callable[[dict[str, Any]], Awaitable[LLMAnswer]],
    bodies: list[dict[str, Any]],
) -> None:
    """Mocks the LLM at the httpx transport: records each request body, answers as `respond` says,
    and honours the client's read timeout the way a real socket would."""

    async def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        bodies.append(body)
        status, payload, delay = await respond(body)
        read_timeout = (request.extensions.get("timeout") or {}).get("read")
        if delay and read_timeout is not None and delay > read_timeout:
            await asyncio.sleep(read_timeout)
            raise httpx.ReadTimeout("scripted delay beyond the client's read timeout", request=request)
        if delay:
            await asyncio.sleep(delay)
        return httpx.Response(status, json=payload)

    router.post(url).mock(side_effect=answer)


class InProcessDriver:
    """The ASGI app in the test process; the LLM mocked at the httpx transport with respx."""

    llm_url = "http://llm.characterization.invalid"

    def __init__(self, target: CharacterizationTarget, scenario: Scenario, workdir: Path) -> None:
        self.target, self.scenario = target, scenario
        self.db_path = str(workdir / "service.db")
        self._llm_bodies: list[dict[str, Any]] = []
        self._router = respx.mock(assert_all_mocked=True, assert_all_called=False)

    async def __aenter__(self) -> InProcessDriver:
        for user in self.scenario.users:
            self.target.create_user(self.db_path, user, password_of(user))
        router = self._router.__enter__()
        respond = self.target.llm_responder(self.scenario.llm_script)
        mock_llm_route(router, f"{self.llm_url}{self.target.llm_path}", respond, self._llm_bodies)
        self.app = self.target.build_app(self.db_path, self.llm_url, self.scenario.llm_timeout)
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://testserver")
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.http.aclose()
        self._router.__exit__(*exc)

    async def login(self, username: str, password: str) -> httpx.Response:
        return await self.http.post("/auth/login", json={"username": username, "password": password})

    async def connect(self, token: str | None, path: str = "/ws") -> InProcessWebSocket:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        return await InProcessWebSocket(self.app, path, {}, headers).open()

    def llm_bodies(self) -> list[dict[str, Any]]:
        return list(self._llm_bodies)


# --------------------------------------------------------------------------------------- live


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise HarnessError(f"{url}: the server exited with code {process.returncode} before it was healthy")
        try:
            if httpx.get(f"{url}/health", timeout=0.5).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise HarnessError(f"{url}: not healthy after {timeout:.0f} s")


class LiveWebSocket:
    def __init__(self, ws: Any) -> None:
        self._ws = ws

    async def send_text(self, text: str) -> None:
        await self._ws.send(text)

    async def recv(self) -> dict[str, Any]:
        try:
            return json.loads(await self._ws.recv())
        except websockets.ConnectionClosed as exc:
            raise ConnectionClosedError(exc.rcvd.code if exc.rcvd else None) from None

    async def close(self) -> None:
        await self._ws.close()


class LiveDriver:
    """uvicorn + the fake LLM as real processes on 127.0.0.1, a real `websockets` client."""

    def __init__(self, target: CharacterizationTarget, scenario: Scenario, workdir: Path) -> None:
        self.target, self.scenario, self.workdir = target, scenario, workdir
        self.db_path = str(workdir / "service.db")
        self._processes: list[subprocess.Popen[bytes]] = []

    def _start(self, argv: list[str], url: str) -> None:
        process = subprocess.Popen([sys.executable, *argv], stdout=subprocess.DEVNULL)
        self._processes.append(process)
        wait_until_healthy(url, process)

    async def __aenter__(self) -> LiveDriver:
        for user in self.scenario.users:
            self.target.create_user(self.db_path, user, password_of(user))
        script = self.workdir / "llm_script.json"
        script.write_text(json.dumps(list(self.scenario.llm_script)), encoding="utf-8")
        llm_port, port = free_port(), free_port()
        self.llm_url, self.url = f"http://127.0.0.1:{llm_port}", f"http://127.0.0.1:{port}"
        try:
            self._start(list(self.target.fake_llm_argv(llm_port, str(script))), self.llm_url)
            argv = self.target.serve_argv(port, self.db_path, self.llm_url, self.scenario.llm_timeout)
            self._start(list(argv), self.url)
        except BaseException:
            self._stop()
            raise
        self.http = httpx.AsyncClient(base_url=self.url, timeout=10)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.aclose()
        self._stop()

    def _stop(self) -> None:
        for process in self._processes:
            process.terminate()
        for process in self._processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._processes.clear()

    async def login(self, username: str, password: str) -> httpx.Response:
        return await self.http.post("/auth/login", json={"username": username, "password": password})

    async def connect(self, token: str | None, path: str = "/ws") -> LiveWebSocket:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        ws_url = self.url.replace("http", "ws", 1) + path
        return LiveWebSocket(await websockets.connect(ws_url, additional_headers=headers))

    def llm_bodies(self) -> list[dict[str, Any]]:
        return httpx.get(f"{self.llm_url}/v1/_requests", timeout=5).json()
