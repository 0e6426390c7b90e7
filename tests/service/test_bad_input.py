"""Bad input never crashes the service: every bad frame, login body, token, LLM answer and URL form
gets a clear error, over a real uvicorn server on 127.0.0.1 and a real WebSocket client."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest
import websockets
from websockets.exceptions import ConnectionClosed

from agent_platform.auth import issue_token
from agent_platform.context import UserExecutionContext
from agent_platform.demo import free_port, running
from agent_platform.store import INTERRUPTED, Store
from tests.service.support import JWT_SECRET

pytestmark = pytest.mark.asyncio
PASSWORD = "correct horse"


def rows(db: str, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


@contextlib.contextmanager
def service(db: str, llm_url: str, *extra: str) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [
        "serve",
        "--port",
        str(port),
        "--db",
        db,
        "--llm-url",
        llm_url,
        "--jwt-secret",
        JWT_SECRET,
        *extra,
    ]
    with running(argv, url):
        yield url


@contextlib.contextmanager
def fake_llm(script: list[dict] | None, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    argv = ["fake-llm", "--port", str(port)]
    if script is not None:
        (tmp_path / "script.json").write_text(json.dumps(script), encoding="utf-8")
        argv += ["--script", str(tmp_path / "script.json")]
    with running(argv, f"http://127.0.0.1:{port}"):
        yield f"http://127.0.0.1:{port}"


Handler = Callable[[asyncio.StreamWriter], Awaitable[None]]


@contextlib.asynccontextmanager
async def raw_llm(handler: Handler) -> AsyncIterator[str]:
    """An 'LLM' on loopback that answers every request with whatever bytes `handler` writes."""

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            (
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            ),
            0,
        )
        await reader.readexactly(length)
        try:
            await handler(writer)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}"


def json_answer(body: dict) -> Handler:
    async def write(writer: asyncio.StreamWriter) -> None:
        data = json.dumps(body).encode()
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n"
            % len(data)
            + data
        )
        await writer.drain()

    return write


async def drip(writer: asyncio.StreamWriter) -> None:
    """Headers at once, then one byte of the body every 0.2 s for a minute: never a read timeout."""
    writer.write(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 400\r\n\r\n"
    )
    for _ in range(300):
        writer.write(b" ")
        await writer.drain()
        await asyncio.sleep(0.2)


async def login(url: str, user: str) -> str:
    async with httpx.AsyncClient(base_url=url) as http:
        response = await http.post("/auth/login", json={"username": user, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


@contextlib.asynccontextmanager
async def socket_of(url: str, token: str) -> AsyncIterator[websockets.ClientConnection]:
    ws_url = url.replace("http", "ws", 1) + "/ws"
    async with websockets.connect(
        ws_url, additional_headers={"Authorization": f"Bearer {token}"}, max_size=None
    ) as ws:
        yield ws


async def next_event(ws, timeout: float = 20.0) -> dict:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def until_terminal(ws, timeout: float = 20.0) -> list[dict]:
    events: list[dict] = []
    async with asyncio.timeout(timeout):
        while not events or events[-1]["type"] not in {"agent_completed", "agent_error", "error"}:
            events.append(json.loads(await ws.recv()))
    return events


def new_db(tmp_path: Path, *users: str) -> tuple[str, dict[str, str]]:
    db = str(tmp_path / "service.db")
    store = Store(db)
    ids = {user: store.create_user(user, PASSWORD) for user in users}
    store.close()
    return db, ids


# --- one service for the checks that need no particular LLM ------------------------------------


@pytest.fixture(scope="module")
def plain(tmp_path_factory) -> Iterator[tuple[str, str, dict[str, str]]]:
    tmp_path = tmp_path_factory.mktemp("plain")
    db, ids = new_db(tmp_path, "alice")
    with fake_llm(None, tmp_path) as llm_url, service(db, llm_url) as url:
        yield url, db, ids


async def test_a_binary_frame_gets_an_error_event_and_the_connection_stays_usable(plain) -> None:
    url, _, _ = plain
    async with socket_of(url, await login(url, "alice")) as ws:
        await ws.send(b'{"type": "user_message", "content": "hi"}')
        error = await next_event(ws)
        assert error["type"] == "error" and error["payload"]["code"] == "invalid_message"
        assert "binary" in error["payload"]["detail"]
        await ws.send(json.dumps({"type": "user_message", "content": "still there?"}))
        assert (await until_terminal(ws))[-1]["type"] == "agent_completed"


async def test_a_deeply_nested_frame_gets_an_error_event(plain) -> None:
    url, _, _ = plain
    async with socket_of(url, await login(url, "alice")) as ws:
        await ws.send("[" * 20_000 + "]" * 20_000)
        error = await next_event(ws)
        assert error["payload"] == {"code": "invalid_message", "detail": "message nests too deeply"}
        await ws.send(json.dumps({"type": "user_message", "content": "still there?"}))
        assert (await until_terminal(ws))[-1]["type"] == "agent_completed"


@pytest.mark.parametrize(
    "body",
    [
        b'{"username": "\\ud800", "password": "x"}',
        b'{"username": "alice", "password": "\\udfff"}',
        b'{"username": ' + b"[" * 100_000 + b"]" * 100_000 + b', "password": "x"}',
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=["surrogate-username", "surrogate-password", "nested-value", "nested-body"],
)
async def test_login_never_answers_500_for_bad_input(plain, body: bytes) -> None:
    url, _, _ = plain
    async with httpx.AsyncClient(base_url=url) as http:
        response = await http.post(
            "/auth/login", content=body, headers={"content-type": "application/json"}
        )
    assert response.status_code == 422, response.text
    assert response.json()["detail"]


async def test_admin_stats_needs_a_valid_token(plain) -> None:
    url, _, ids = plain
    async with httpx.AsyncClient(base_url=url) as http:
        anonymous = await http.get("/admin/stats")
        forged = await http.get("/admin/stats", headers={"Authorization": "Bearer not-a-token"})
        token = await login(url, "alice")
        allowed = await http.get("/admin/stats", headers={"Authorization": f"Bearer {token}"})
    assert (anonymous.status_code, forged.status_code) == (401, 401)
    assert "Authorization: Bearer" in anonymous.json()["detail"]
    assert allowed.status_code == 200 and allowed.json() == {"active_engines": 0}


@pytest.mark.parametrize("subject", ["", "   ", "no-such-user"])
async def test_a_token_without_a_real_subject_is_refused_with_1008(plain, subject: str) -> None:
    url, _, _ = plain
    token = issue_token(subject, "alice", secret=JWT_SECRET, ttl_seconds=60)
    async with socket_of(url, token) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 10)
    assert closed.value.rcvd.code == 1008


async def test_an_oversized_message_gets_a_clear_error_not_an_echo(plain) -> None:
    url, db, _ = plain
    before = rows(db, "SELECT count(*) FROM messages")
    async with socket_of(url, await login(url, "alice")) as ws:
        for content in ("x" * 40_000, "y" * 10_000_000):
            await ws.send(
                json.dumps({"type": "user_message", "content": content, "message_id": "big"})
            )
            raw = await asyncio.wait_for(ws.recv(), 20)
            error = json.loads(raw)
            assert error["type"] == "error" and error["payload"]["code"] == "message_too_large"
            assert "at most" in error["payload"]["detail"] and len(raw) < 1000
    assert rows(db, "SELECT count(*) FROM messages") == before


# --- services with a particular LLM ----------------------------------------------------------


async def test_a_message_refused_by_the_limit_is_kept_and_answered_with_its_id(tmp_path) -> None:
    db, _ = new_db(tmp_path, "alice")
    with fake_llm([{"delay": 3}, {"delay": 3}], tmp_path) as llm_url, service(db, llm_url) as url:
        async with socket_of(url, await login(url, "alice")) as ws:
            for n in (1, 2, 3):
                await ws.send(
                    json.dumps(
                        {"type": "user_message", "content": f"question {n}", "message_id": f"m{n}"}
                    )
                )
            refused = await next_event(ws)
            while refused["type"] != "error":
                refused = await next_event(ws)
            finished = await until_terminal(ws) + await until_terminal(ws)
    assert refused["payload"]["code"] == "concurrency_limit"
    assert refused["payload"]["message_id"] == "m3"
    thread = refused["payload"]["thread_id"]
    assert rows(db, f"SELECT role, content FROM messages WHERE thread_id = '{thread}'") == [
        ("user", "question 3")
    ]
    assert rows(db, f"SELECT status FROM runs WHERE thread_id = '{thread}'") == [("refused",)]
    assert rows(db, "SELECT id FROM threads WHERE id NOT IN (SELECT thread_id FROM messages)") == []
    assert finished[-1]["type"] == "agent_completed"


async def test_a_dripping_llm_answer_obeys_the_llm_timeout(tmp_path) -> None:
    db, _ = new_db(tmp_path, "alice")
    async with raw_llm(drip) as llm_url:
        with service(db, llm_url, "--llm-timeout", "1") as url:
            async with socket_of(url, await login(url, "alice")) as ws:
                await ws.send(json.dumps({"type": "user_message", "content": "hello"}))
                started = time.monotonic()
                events = await until_terminal(ws, timeout=30)
                took = time.monotonic() - started
    assert events[-1]["type"] == "agent_error"
    assert events[-1]["payload"]["error"] == "LLM request failed after 2 attempts: timed out"
    assert took < 15, (
        f"two 1 s attempts took {took:.1f} s: the deadline does not hold for a dripping body"
    )


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ({"choices": []}, "LLM request failed after 2 attempts: malformed response (no choices)"),
        (
            {"choices": [{"message": {"role": "assistant", "content": ""}}]},
            "the LLM gave the report agent an empty answer",
        ),
        (
            {"choices": [{"message": {"role": "assistant", "content": None}}]},
            "the LLM gave the report agent an empty answer",
        ),
    ],
    ids=["no-choices", "empty-content", "null-content"],
)
async def test_an_empty_llm_answer_ends_in_agent_error(tmp_path, answer: dict, error: str) -> None:
    db, _ = new_db(tmp_path, "alice")
    async with raw_llm(json_answer(answer)) as llm_url:
        with service(db, llm_url) as url:
            async with socket_of(url, await login(url, "alice")) as ws:
                await ws.send(json.dumps({"type": "user_message", "content": "hello"}))
                events = await until_terminal(ws)
    assert events[-1]["type"] == "agent_error" and events[-1]["payload"]["error"] == error
    assert rows(db, "SELECT status, error FROM runs") == [("failed", error)]


async def test_the_llm_url_may_end_in_v1(tmp_path) -> None:
    db, _ = new_db(tmp_path, "alice")
    with fake_llm(None, tmp_path) as llm_url, service(db, llm_url + "/v1/") as url:
        async with socket_of(url, await login(url, "alice")) as ws:
            await ws.send(json.dumps({"type": "user_message", "content": "hello"}))
            events = await until_terminal(ws)
    assert events[-1]["type"] == "agent_completed", events[-1]


async def test_runs_interrupted_by_a_stop_are_marked_failed_at_start_up(tmp_path) -> None:
    db, ids = new_db(tmp_path, "alice")
    store = Store(db)
    interrupted = UserExecutionContext.new(ids["alice"])
    store.ensure_thread(ids["alice"], interrupted.thread_id)
    store.start_run(interrupted)  # what a crash mid-run leaves behind
    store.close()
    with fake_llm(None, tmp_path) as llm_url, service(db, llm_url):
        assert rows(db, "SELECT status, error FROM runs") == [("failed", INTERRUPTED)]
