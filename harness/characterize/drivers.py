"""Two drivers, one transcript: the app in process (LLM stub mocked with respx) or live on loopback.

A driver runs one fresh instance of the target and offers an HTTP client (`http`), WebSocket
channels (`connect`) and the stub LLM's received requests; what goes over the wire is the
target's business (harness.characterize.target)."""

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
from websockets.typing import Subprotocol

from harness.characterize.interpreter import ConnectionClosedError
from harness.characterize.scenario import Scenario
from harness.characterize.target import Instance, LLMAnswer, Target
from harness.characterize.wire import SocketAuth
from harness.errors import HarnessError

# --------------------------------------------------------------------------------- in process


class InProcessWebSocket:
    """A WebSocket client speaking ASGI directly to the app, on the test's own event loop."""

    def __init__(self, app: Any, path: str, auth: SocketAuth) -> None:
        self._to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._scope = {
            "type": "websocket",
            "asgi": {"version": "3.0"},
            "scheme": "ws",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": urlencode(auth.query).encode(),
            "headers": [(k.lower().encode(), v.encode()) for k, v in auth.headers],
            "server": ("testserver", 80),
            "client": ("127.0.0.1", 50000),
            "subprotocols": list(auth.subprotocols),
        }
        self._app = app
        self._task: asyncio.Task[None] | None = None
        self.close_code: int | None = None

    async def open(self) -> InProcessWebSocket:
        self._to_app.put_nowait({"type": "websocket.connect"})
        self._task = asyncio.create_task(
            self._app(self._scope, self._to_app.get, self._from_app.put)
        )
        message = await self._from_app.get()
        if message["type"] == "websocket.close":
            raise ConnectionClosedError(message.get("code"))
        return self

    async def say(self, frame: str, text: str, thread: str | None) -> None:
        await self.raw(frame)

    async def raw(self, frame: str) -> None:
        await self._to_app.put({"type": "websocket.receive", "text": frame})

    async def receive(self) -> Any:
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
            raise httpx.ReadTimeout(
                "scripted delay beyond the client's read timeout", request=request
            )
        if delay:
            await asyncio.sleep(delay)
        return httpx.Response(status, json=payload)

    router.post(url).mock(side_effect=answer)


def _create_users(target: Target, scenario: Scenario, state: Path, driver: str) -> None:
    """Each scenario user made in the fresh instance by the target's `create_user(state, username,
    password)`; a service without the hook has its users built in (they must log in as they are)."""
    create_user = getattr(target.service, "create_user", None)
    if not callable(create_user):
        return
    for user in scenario.users:
        create_user(state, *target.credentials_of(user))


class InProcessDriver:
    """The ASGI app in the test process; outgoing httpx calls mocked with respx (the stub LLM's
    route answered by the target's responder; any other call fails)."""

    llm_url = "http://llm.characterization.invalid"

    def __init__(self, target: Target, scenario: Scenario, workdir: Path) -> None:
        self.target, self.scenario = target, scenario
        has_llm = target.llm is not None
        self.instance = Instance(workdir, self.llm_url if has_llm else None, scenario.llm_timeout)
        self._llm_bodies: list[dict[str, Any]] = []
        self._router = respx.mock(assert_all_mocked=True, assert_all_called=False)

    async def __aenter__(self) -> InProcessDriver:
        _create_users(self.target, self.scenario, self.instance.state, "in-process")
        build_app = self.target.hook("build_app", "the in-process driver")
        router = self._router.__enter__()
        llm = self.target.llm
        if llm is not None:
            mock_llm_route(
                router,
                f"{self.llm_url}{llm.path}",
                llm.responder(self.scenario.llm_script),
                self._llm_bodies,
            )
        self.app = build_app(self.instance)
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://testserver"
        )
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.http.aclose()
        self._router.__exit__(*exc)

    async def connect(self, auth: SocketAuth) -> InProcessWebSocket:
        return await InProcessWebSocket(self.app, self.target.socket, auth).open()

    def llm_bodies(self) -> list[dict[str, Any]]:
        return list(self._llm_bodies)


# --------------------------------------------------------------------------------------- live


# The live driver only speaks plain http to 127.0.0.1: no TLS, so no CA bundle to load (httpx's
# default loads it for every client, 30-50 ms each, which was most of a live run's start-up).
PLAIN_HTTP = False
STOP_GRACE = 10.0  # seconds the service gets to exit after SIGTERM before it is killed


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise HarnessError(
                f"{url}: the server exited with code {process.returncode} before it was healthy"
            )
        try:
            if httpx.get(url, timeout=0.5, verify=PLAIN_HTTP).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.01)
    raise HarnessError(f"{url}: not healthy after {timeout:.0f} s")


class LiveWebSocket:
    """A real `websockets` client connection."""

    def __init__(self, ws: Any) -> None:
        self._ws = ws

    @classmethod
    async def open(cls, base_url: str, path: str, auth: SocketAuth) -> LiveWebSocket:
        url = (
            base_url.replace("http", "ws", 1)
            + path
            + (f"?{urlencode(auth.query)}" if auth.query else "")
        )
        try:
            ws = await websockets.connect(
                url,
                additional_headers=list(auth.headers),
                subprotocols=[Subprotocol(p) for p in auth.subprotocols] or None,
            )
        except websockets.InvalidStatus as exc:
            raise ConnectionClosedError(exc.response.status_code) from None
        return cls(ws)

    async def say(self, frame: str, text: str, thread: str | None) -> None:
        await self.raw(frame)

    async def raw(self, frame: str) -> None:
        await self._ws.send(frame)

    async def receive(self) -> Any:
        try:
            return json.loads(await self._ws.recv())
        except websockets.ConnectionClosed as exc:
            raise ConnectionClosedError(exc.rcvd.code if exc.rcvd else None) from None

    async def close(self) -> None:
        await self._ws.close()


class LiveDriver:
    """The service (and the stub LLM, if any) as real processes on 127.0.0.1; a real client."""

    def __init__(self, target: Target, scenario: Scenario, workdir: Path) -> None:
        self.target, self.scenario, self.workdir = target, scenario, workdir
        self.instance = Instance(workdir, None, scenario.llm_timeout)
        self._processes: list[tuple[subprocess.Popen[bytes], float]] = []

    def _start(self, argv: list[str], grace: float) -> subprocess.Popen[bytes]:
        process = subprocess.Popen([sys.executable, *argv], stdout=subprocess.DEVNULL)
        self._processes.append((process, grace))
        return process

    async def __aenter__(self) -> LiveDriver:
        _create_users(self.target, self.scenario, self.instance.state, "live")
        serve_argv = self.target.hook("serve_argv", "the live driver")
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        try:
            waits = []
            llm = self.target.llm
            if llm is not None:
                script = self.workdir / "llm_script.json"
                script.write_text(json.dumps(list(self.scenario.llm_script)), encoding="utf-8")
                llm_port = free_port()
                self.llm_url = f"http://127.0.0.1:{llm_port}"
                # the stub holds no state and may be asleep in a scripted delay: no grace at the end
                stub = self._start(list(llm.argv(llm_port, str(script))), grace=0.0)
                waits.append((f"{self.llm_url}{llm.requests}", stub))
                self.instance = Instance(self.workdir, self.llm_url, self.scenario.llm_timeout)
            # both start at once: the service only calls the LLM once a scenario runs
            service = self._start(list(serve_argv(self.instance, port)), grace=STOP_GRACE)
            waits.append((f"{self.url}{self.target.health}", service))
            for url, process in waits:
                wait_until_healthy(url, process)
        except BaseException:
            self._stop()
            raise
        self.http = httpx.AsyncClient(base_url=self.url, timeout=10, verify=PLAIN_HTTP)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.http.aclose()
        self._stop()

    def _stop(self) -> None:
        """The service first (SIGTERM, then SIGKILL after its grace), then the LLM stub."""
        for process, grace in reversed(self._processes):
            if grace > 0:
                process.terminate()
                try:
                    process.wait(timeout=grace)
                    continue
                except subprocess.TimeoutExpired:
                    pass
            process.kill()
            process.wait()
        self._processes.clear()

    async def connect(self, auth: SocketAuth) -> LiveWebSocket:
        return await LiveWebSocket.open(self.url, self.target.socket, auth)

    def llm_bodies(self) -> list[dict[str, Any]]:
        if self.target.llm is None:
            return []
        return httpx.get(
            f"{self.llm_url}{self.target.llm.requests}", timeout=5, verify=PLAIN_HTTP
        ).json()
