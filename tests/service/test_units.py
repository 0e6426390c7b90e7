"""Unit tests of the service's parts: context, auth, store, tools, the scripted LLM, the LLM client."""

from __future__ import annotations

import time

import httpx
import jwt
import pytest
import respx

from agent_platform.auth import issue_token, verify_token
from agent_platform.context import UserExecutionContext
from agent_platform.errors import AuthError, InvalidContextError, LLMError
from agent_platform.fake_llm import ScriptedLLM
from agent_platform.store import Store
from agent_platform.tools import ToolDispatcher, ToolError
from tests.service.support import LLM_URL, mock_llm


@pytest.mark.parametrize("field", ["user_id", "thread_id", "run_id", "request_id", "websocket_client_id"])
@pytest.mark.parametrize("bad", ["", "  ", "placeholder", "placeholder_user", "None", "temp_1", "registry"])
def test_context_refuses_empty_and_placeholder_ids(field: str, bad: str) -> None:
    ids = dict(user_id="u1", thread_id="t1", run_id="r1", request_id="q1", websocket_client_id="c1")
    ids[field] = bad
    with pytest.raises(InvalidContextError, match=field):
        UserExecutionContext(**ids)


def test_context_new_mints_distinct_ids() -> None:
    a, b = UserExecutionContext.new("alice"), UserExecutionContext.new("alice")
    assert a.user_id == b.user_id == "alice"
    assert len({a.run_id, b.run_id, a.request_id, b.request_id, a.thread_id, b.thread_id}) == 6


SECRET = "unit-test-secret-of-at-least-32-bytes!"


def test_token_round_trip_and_rejections() -> None:
    token = issue_token("u1", "alice", secret=SECRET, ttl_seconds=60)
    assert verify_token(token, secret=SECRET)["sub"] == "u1"
    with pytest.raises(AuthError, match="missing"):
        verify_token(None, secret=SECRET)
    with pytest.raises(AuthError, match="invalid"):
        verify_token(token, secret=SECRET[::-1])
    expired = issue_token("u1", "alice", secret=SECRET, ttl_seconds=60, now=time.time() - 3600)
    with pytest.raises(AuthError, match="expired"):
        verify_token(expired, secret=SECRET)
    unsigned = jwt.encode({"sub": "u1", "exp": time.time() + 60}, key=None, algorithm="none")
    with pytest.raises(AuthError):
        verify_token(unsigned, secret=SECRET)


def test_store_users_threads_messages_runs(tmp_path) -> None:
    store = Store(str(tmp_path / "db.sqlite"))
    uid = store.create_user("alice", "pw")
    assert store.authenticate("alice", "pw") == uid
    assert store.authenticate("alice", "wrong") is None
    with pytest.raises(ValueError, match="already exists"):
        store.create_user("alice", "pw2")
    thread = store.ensure_thread(uid, None)
    assert store.ensure_thread(uid, thread) == thread
    with pytest.raises(PermissionError):
        store.ensure_thread("someone-else", thread)
    ctx = UserExecutionContext.new(uid, thread_id=thread)
    store.add_message(thread, "user", "hi")
    store.start_run(ctx)
    store.finish_run(ctx.run_id, "failed", "boom")
    assert [m["content"] for m in store.messages(thread)] == ["hi"]
    (run,) = store.runs(thread)
    assert (run["status"], run["error"]) == ("failed", "boom")
    # a real file: a second connection sees the rows
    assert Store(store.path).authenticate("alice", "pw") == uid


@pytest.mark.asyncio
async def test_tools_are_deterministic_and_report_bad_input() -> None:
    tools = ToolDispatcher()
    assert len(tools.names()) >= 3
    assert await tools.execute("estimate_savings", {"monthly_cost": 1000, "percent": 10}) == {
        "monthly_cost": 1000.0,
        "percent": 10.0,
        "monthly_savings": 100.0,
    }
    for name, args in [("lookup_pricing", {"model": "nope"}), ("get_usage", {"account": "x"}), ("nope", {})]:
        with pytest.raises(ToolError):
            await tools.execute(name, args)


def test_scripted_llm_default_calls_a_tool_for_optimize_then_answers() -> None:
    llm = ScriptedLLM.default()
    system = {"role": "system", "content": "You are the data agent."}
    status, body = llm.respond({"messages": [system, {"role": "user", "content": "please optimize"}]})
    call = body["choices"][0]["message"]["tool_calls"][0]
    assert status == 200 and call["id"] == "call_data_1" and call["function"]["name"] == "get_usage"
    tool_msg = {"role": "tool", "tool_call_id": call["id"], "content": "{}"}
    _, body = llm.respond({"messages": [system, {"role": "user", "content": "please optimize"}, tool_msg]})
    assert body["choices"][0]["message"]["content"]


def test_scripted_llm_steps_play_in_order_then_fall_back() -> None:
    llm = ScriptedLLM.from_steps([{"status": 500}, {"content": "scripted"}])
    request = {"messages": [{"role": "user", "content": "hi"}]}
    assert llm.respond(request)[0] == 500
    assert llm.respond(request)[1]["choices"][0]["message"]["content"] == "scripted"
    assert "hi" in llm.respond(request)[1]["choices"][0]["message"]["content"]
    with pytest.raises(ValueError, match="step 0"):
        ScriptedLLM.from_steps([{"bogus": 1}])


@pytest.mark.asyncio
async def test_llm_client_retries_once_then_raises(llm) -> None:
    with respx.mock(assert_all_called=True) as router:
        route = router.post(f"{LLM_URL}/v1/chat/completions").mock(return_value=httpx.Response(503))
        with pytest.raises(LLMError, match="HTTP 503"):
            await llm.complete([{"role": "user", "content": "hi"}], [])
        assert route.call_count == 2


@pytest.mark.asyncio
async def test_llm_client_recovers_on_retry_and_times_out(llm) -> None:
    script = ScriptedLLM.from_steps([{"status": 500}])
    with respx.mock(assert_all_called=True) as router:
        mock_llm(router, script)
        reply = await llm.complete([{"role": "user", "content": "hi"}], [])
        assert reply.content and not reply.tool_calls
    slow = ScriptedLLM.from_steps([{"delay": 5}, {"delay": 5}])
    with respx.mock(assert_all_called=True) as router:
        router.post(f"{LLM_URL}/v1/chat/completions").mock(side_effect=httpx.ReadTimeout("slow"))
        with pytest.raises(LLMError, match="timed out"):
            await llm.complete([{"role": "user", "content": "hi"}], [])
    assert slow.requests == []
