"""End to end over a real uvicorn server and the fake LLM on 127.0.0.1, with a real WebSocket client."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time

import httpx
import pytest
import websockets
from websockets.exceptions import ConnectionClosed

from agent_platform.auth import issue_token
from agent_platform.events import EVENT_TYPES, TERMINAL_EVENTS
from tests.service.support import JWT_SECRET, LiveService

PASSWORD = "correct horse"


async def login(service: LiveService, user: str) -> str:
    async with httpx.AsyncClient(base_url=service.url) as http:
        response = await http.post("/auth/login", json={"username": user, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


async def until_terminal(ws, timeout: float = 20.0) -> list[dict]:
    events: list[dict] = []
    async with asyncio.timeout(timeout):
        while not events or events[-1]["type"] not in TERMINAL_EVENTS:
            events.append(json.loads(await ws.recv()))
    return events


def rows(db: str, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


@pytest.mark.asyncio
async def test_golden_path_live(live_service: LiveService) -> None:
    live_service.create_user("alice", PASSWORD)
    token = await login(live_service, "alice")
    headers = {"Authorization": f"Bearer {token}"}
    async with websockets.connect(live_service.ws_url, additional_headers=headers) as ws:
        await ws.send(json.dumps({"type": "user_message", "content": "Please optimize my cloud costs"}))
        events = await until_terminal(ws)
    kinds = [e["type"] for e in events]
    assert kinds[0] == "agent_started" and kinds[-1] == "agent_completed"
    assert set(kinds) == set(EVENT_TYPES) - {"agent_error"}
    opened = [e["payload"]["tool_call_id"] for e in events if e["type"] == "tool_executing"]
    closed = [e["payload"]["tool_call_id"] for e in events if e["type"] == "tool_completed"]
    assert opened == closed and opened
    assert len({(e["run_id"], e["thread_id"]) for e in events}) == 1
    assert all(e["agent"] and e["timestamp"].endswith("Z") for e in events)
    response = events[-1]["payload"]["response"]
    assert response
    thread = events[0]["thread_id"]
    assert rows(live_service.db, f"SELECT role, content FROM messages WHERE thread_id = '{thread}' ORDER BY id") == [
        ("user", "Please optimize my cloud costs"),
        ("assistant", response),
    ]
    assert rows(live_service.db, "SELECT status FROM runs") == [("completed",)]


@pytest.mark.asyncio
async def test_follow_up_in_the_same_thread_with_the_query_token(live_service: LiveService) -> None:
    live_service.create_user("alice", PASSWORD)
    token = await login(live_service, "alice")
    async with websockets.connect(f"{live_service.ws_url}?token={token}") as ws:
        await ws.send(json.dumps({"type": "user_message", "content": "hello"}))
        first = await until_terminal(ws)
        thread = first[0]["thread_id"]
        await ws.send(json.dumps({"type": "user_message", "content": "and again", "thread_id": thread}))
        second = await until_terminal(ws)
    assert second[0]["thread_id"] == thread and second[0]["run_id"] != first[0]["run_id"]
    assert len(rows(live_service.db, f"SELECT 1 FROM messages WHERE thread_id = '{thread}'")) == 4


@pytest.mark.asyncio
async def test_login_rejects_wrong_password_and_malformed_body(live_service: LiveService) -> None:
    live_service.create_user("alice", PASSWORD)
    async with httpx.AsyncClient(base_url=live_service.url) as http:
        wrong = await http.post("/auth/login", json={"username": "alice", "password": "nope"})
        nobody = await http.post("/auth/login", json={"username": "mallory", "password": PASSWORD})
        malformed = await http.post("/auth/login", json={"username": "alice"})
        not_json = await http.post("/auth/login", content=b"{not json")
    assert (wrong.status_code, nobody.status_code) == (401, 401)
    assert (malformed.status_code, not_json.status_code) == (422, 422)
    assert "password" in malformed.json()["detail"]


@pytest.mark.asyncio
@pytest.mark.parametrize("case", ["missing", "forged", "expired"])
async def test_websocket_refuses_bad_tokens_with_1008(live_service: LiveService, case: str) -> None:
    uid = live_service.create_user("alice", PASSWORD)
    token = {
        "missing": None,
        "forged": issue_token(uid, "alice", secret="not-the-server-secret-but-just-as-long", ttl_seconds=60),
        "expired": issue_token(uid, "alice", secret=JWT_SECRET, ttl_seconds=60, now=time.time() - 7200),
    }[case]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with websockets.connect(live_service.ws_url, additional_headers=headers) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 10)
    assert closed.value.rcvd.code == 1008


@pytest.mark.asyncio
async def test_malformed_message_gets_an_error_and_the_connection_stays_usable(live_service: LiveService) -> None:
    live_service.create_user("alice", PASSWORD)
    token = await login(live_service, "alice")
    async with websockets.connect(live_service.ws_url, additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        for bad in ["{not json", json.dumps({"type": "user_message"}), json.dumps({"type": "other"})]:
            await ws.send(bad)
            error = json.loads(await asyncio.wait_for(ws.recv(), 10))
            assert error["type"] == "error" and error["payload"]["code"] == "invalid_message"
        await ws.send(json.dumps({"type": "user_message", "content": "still there?"}))
        events = await until_terminal(ws)
    assert events[-1]["type"] == "agent_completed"


@pytest.mark.asyncio
async def test_llm_down_gives_agent_error_keeps_the_message_and_fails_the_run(live_service_llm_down) -> None:
    service = live_service_llm_down
    service.create_user("alice", PASSWORD)
    token = await login(service, "alice")
    async with websockets.connect(service.ws_url, additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        await ws.send(json.dumps({"type": "user_message", "content": "hello?"}))
        events = await until_terminal(ws)
    assert [e["type"] for e in events] == ["agent_started", "agent_thinking", "agent_error"]
    assert "failed after 2 attempts" in events[-1]["payload"]["error"]
    assert rows(service.db, "SELECT role, content FROM messages") == [("user", "hello?")]
    ((status, error),) = rows(service.db, "SELECT status, error FROM runs")
    assert status == "failed" and error


@pytest.mark.asyncio
async def test_two_users_at_once_see_only_their_own_events(live_service: LiveService) -> None:
    for user in ("alice", "bob"):
        live_service.create_user(user, PASSWORD)
    tokens = {user: await login(live_service, user) for user in ("alice", "bob")}

    async def chat(user: str) -> list[dict]:
        headers = {"Authorization": f"Bearer {tokens[user]}"}
        async with websockets.connect(live_service.ws_url, additional_headers=headers) as ws:
            await ws.send(json.dumps({"type": "user_message", "content": f"{user}: please optimize"}))
            events = await until_terminal(ws)
            with pytest.raises(TimeoutError):  # nothing else arrives for this user
                await asyncio.wait_for(ws.recv(), 0.3)
            return events

    alice, bob = await asyncio.gather(chat("alice"), chat("bob"))
    for events, user in ((alice, "alice"), (bob, "bob")):
        assert len({e["run_id"] for e in events}) == 1
        assert events[0]["payload"]["message"].startswith(user)
    assert alice[0]["run_id"] != bob[0]["run_id"]
