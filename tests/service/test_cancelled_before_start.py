"""A message whose run has not started when the socket closes is still persisted and answered.

A server's receive queue hands over frames that arrived together without yielding (uvicorn's
`asyncio.Queue.get` on a non-empty queue): a message followed at once by the close reaches the
endpoint's finally before the run's task ever ran. A disconnect cancels the runs already executing
(recorded `cancelled`, the message kept); one not yet started must not lose the user's message."""

from __future__ import annotations

import asyncio
import json

import pytest
import respx

from agent_platform.app import create_app
from agent_platform.auth import issue_token
from agent_platform.fake_llm import ScriptedLLM
from agent_platform.settings import Settings
from tests.service.support import JWT_SECRET, LLM_URL, mock_llm

pytestmark = pytest.mark.asyncio


async def _connect_send_and_close(app, token: str, frames: list[str]) -> list[dict]:
    """Drive the app's /ws as an ASGI server would, every frame already queued on arrival."""
    queued = [{"type": "websocket.connect"}]
    queued += [{"type": "websocket.receive", "text": f} for f in frames]
    queued.append({"type": "websocket.disconnect", "code": 1000})
    sent: list[dict] = []

    async def receive() -> dict:
        return queued.pop(0)  # no suspension: frames that arrived together

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "websocket", "asgi": {"version": "3.0"}, "path": "/ws", "raw_path": b"/ws",
        "query_string": b"", "headers": [(b"authorization", f"Bearer {token}".encode())],
        "scheme": "ws", "server": ("testserver", 80), "client": ("127.0.0.1", 1), "subprotocols": [],
        "root_path": "", "app": app,
    }  # fmt: skip
    await app(scope, receive, send)
    return sent


async def test_a_message_sent_just_before_the_socket_closes_is_kept_and_answered(tmp_path) -> None:
    settings = Settings(str(tmp_path / "db.sqlite"), LLM_URL, JWT_SECRET)
    with respx.mock(assert_all_called=False) as router:
        mock_llm(router, ScriptedLLM())
        app = create_app(settings)
        store = app.state.store
        user = store.create_user("alice", "pw-alice-xxxxxxxx")
        token = issue_token(user, "alice", secret=JWT_SECRET, ttl_seconds=60)
        frame = json.dumps({"type": "user_message", "content": "hello"})
        sent = await asyncio.wait_for(_connect_send_and_close(app, token, [frame]), 10)
        assert sent[0]["type"] == "websocket.accept"
        assert not app.state.runs_in_flight
        (run,) = store.runs()
        assert run["status"] == "completed"
        messages = [(m["role"], m["content"]) for m in store.messages(run["thread_id"])]
        assert [role for role, _ in messages] == ["user", "assistant"]
        assert messages[0] == ("user", "hello") and messages[1][1]  # kept, and answered
