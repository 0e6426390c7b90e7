"""The golden path once, end to end: fake LLM + server on free loopback ports + a scripted client."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from typing import Any

import httpx
import websockets

from agent_platform.events import TERMINAL_EVENTS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the process exited with {process.returncode} before it was healthy")
        try:
            if httpx.get(f"{url}/health", timeout=0.5).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError(f"{url}: not healthy after {timeout:.0f} s")


@contextlib.contextmanager
def running(argv: list[str], url: str) -> Iterator[subprocess.Popen]:
    process = subprocess.Popen([sys.executable, "-m", "agent_platform", *argv])
    try:
        wait_healthy(url, process)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def chat(base_url: str, username: str, password: str, content: str, timeout: float = 30.0) -> list[dict]:
    """Logs in, sends one message over /ws and returns every event up to the terminal one."""
    async with httpx.AsyncClient(base_url=base_url) as http:
        response = await http.post("/auth/login", json={"username": username, "password": password})
        response.raise_for_status()
        token = response.json()["access_token"]
    ws_url = base_url.replace("http", "ws", 1) + "/ws"
    events: list[dict[str, Any]] = []
    async with websockets.connect(ws_url, additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        await ws.send(json.dumps({"type": "user_message", "content": content}))
        async with asyncio.timeout(timeout):
            while not events or events[-1]["type"] not in TERMINAL_EVENTS:
                events.append(json.loads(await ws.recv()))
    return events


def format_event(event: dict[str, Any]) -> str:
    payload = json.dumps(event.get("payload", {}), sort_keys=True)
    return f"{event['type']:<16} {event.get('agent', ''):<13} {payload}"


def main(message: str = "Please optimize my cloud costs") -> int:
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "demo.db")
        subprocess.run(
            [sys.executable, "-m", "agent_platform", "create-user", "demo", "--password", "demo-pw", "--db", db],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        llm_port, port = free_port(), free_port()
        llm_url, url = f"http://127.0.0.1:{llm_port}", f"http://127.0.0.1:{port}"
        with running(["fake-llm", "--port", str(llm_port)], llm_url):
            with running(["serve", "--port", str(port), "--db", db, "--llm-url", llm_url], url):
                events = asyncio.run(chat(url, "demo", "demo-pw", message))
    print(f"golden path: login -> agent execution -> AI response ({len(events)} events)")
    for event in events:
        print("  " + format_event(event))
    last = events[-1]
    if last["type"] != "agent_completed":
        print(f"the run ended with {last['type']}", file=sys.stderr)
        return 1
    print(f"AI response: {last['payload']['response']}")
    return 0
