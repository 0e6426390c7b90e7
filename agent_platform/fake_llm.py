"""A scripted, deterministic OpenAI-compatible chat-completions server (no key, no network)."""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ScriptedAnswer:
    status: int
    body: dict[str, Any]
    delay: float = 0.0


def _agent_of(messages: list[dict[str, Any]]) -> str:
    for m in messages:
        if m.get("role") == "system":
            found = re.search(r"You are the (\w+) agent", m.get("content") or "")
            if found:
                return found.group(1)
    return "assistant"


def _user_message(messages: list[dict[str, Any]]) -> str:
    return next((m.get("content") or "" for m in messages if m.get("role") == "user"), "")


def _completion(
    content: str | None, tool_calls: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_calls:
        message["tool_calls"] = tool_calls
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "model": "scripted",
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "tool_calls" if tool_calls else "stop",
            }
        ],
    }


def _tool_calls(
    agent: str, messages: list[dict[str, Any]], calls: list[dict[str, Any]]
) -> list[dict]:
    """Ids are a pure function of the conversation, so concurrent runs get the same ids in any order."""
    before = sum(len(m.get("tool_calls") or []) for m in messages if m.get("role") == "assistant")
    return [
        {
            "id": f"call_{agent}_{before + i + 1}",
            "type": "function",
            "function": {
                "name": c["name"],
                "arguments": json.dumps(c.get("arguments", {}), sort_keys=True),
            },
        }
        for i, c in enumerate(calls)
    ]


DEFAULT_TOOLS = {
    "data": [{"name": "get_usage", "arguments": {"account": "acme"}}],
    "optimization": [
        {"name": "estimate_savings", "arguments": {"monthly_cost": 1200.0, "percent": 20}}
    ],
}


class ScriptedLLM:
    """Plays `steps` in order, one per request, then answers by the default rules. A step with
    `"for": "<user message>"` is kept for the requests of that user message (so concurrent users
    get their own script whatever the interleaving); the other steps serve any request.

    Default rules: a request whose user message contains "optimize", for an agent that has tools
    to call (data, optimization) and no tool result yet, gets tool calls; every other request
    gets a content answer naming the agent and what it saw.
    """

    def __init__(self, steps: list[dict[str, Any]] | None = None) -> None:
        self._steps = list(steps or [])
        self._lock = threading.Lock()
        self.requests: list[dict[str, Any]] = []

    @classmethod
    def default(cls) -> ScriptedLLM:
        return cls()

    @classmethod
    def from_steps(cls, steps: list[dict[str, Any]]) -> ScriptedLLM:
        for i, step in enumerate(steps):
            if not isinstance(step, dict) or not set(step) <= {
                "content",
                "tool_calls",
                "status",
                "delay",
                "for",
            }:
                raise ValueError(
                    f"script step {i}: {step!r} is not one of content/tool_calls/status/delay/for"
                )
        return cls(steps)

    def plan(self, body: dict[str, Any]) -> ScriptedAnswer:
        messages = body.get("messages") or []
        with self._lock:
            self.requests.append(body)
            step = self._next_step(_user_message(messages))
        agent = _agent_of(messages)
        if step is not None:
            delay = float(step.get("delay", 0.0))
            if "status" in step and step["status"] >= 400:
                return ScriptedAnswer(
                    step["status"], {"error": {"message": "scripted failure"}}, delay
                )
            if "tool_calls" in step:
                calls = _tool_calls(agent, messages, step["tool_calls"])
                return ScriptedAnswer(200, _completion(step.get("content"), calls), delay)
            if "content" in step:
                return ScriptedAnswer(200, _completion(step["content"]), delay)
            if delay:
                return ScriptedAnswer(200, self._default(agent, messages), delay)
        return ScriptedAnswer(200, self._default(agent, messages))

    def _next_step(self, user: str) -> dict[str, Any] | None:
        """The first step `for` this user message, else the first step for any message."""
        for wanted in (user, None):
            for i, step in enumerate(self._steps):
                if step.get("for") == wanted:
                    return self._steps.pop(i)
        return None

    def respond(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        answer = self.plan(body)
        return answer.status, answer.body

    async def answer(self, body: dict[str, Any]) -> ScriptedAnswer:
        answer = self.plan(body)
        if answer.delay:
            import asyncio  # here: the fake-LLM server (threads) starts without it

            await asyncio.sleep(answer.delay)
        return answer

    def _default(self, agent: str, messages: list[dict[str, Any]]) -> dict[str, Any]:
        user = _user_message(messages)
        tool_results = [m for m in messages if m.get("role") == "tool"]
        if "optimize" in user.lower() and agent in DEFAULT_TOOLS and not tool_results:
            return _completion(None, _tool_calls(agent, messages, DEFAULT_TOOLS[agent]))
        if tool_results:
            return _completion(
                f"{agent}: noted {len(tool_results)} tool result(s): {tool_results[-1]['content']}"
            )
        notes = [m for m in messages if m.get("role") == "assistant" and not m.get("tool_calls")]
        if notes:
            findings = notes[-1]["content"].count("\n")
            return _completion(
                f"{agent}: answer to {user!r}, built on {findings} finding(s) of the other agents."
            )
        return _completion(f"{agent}: here is my answer to {user!r}.")


def serve(script: ScriptedLLM, host: str, port: int) -> None:
    """Serves `script` over HTTP/1.1 until the process ends: POST /v1/chat/completions, GET /health,
    GET /v1/_requests (the request bodies so far, for test recorders). One thread per connection,
    so a scripted delay holds only its own request. The standard library only: it is started once
    per live test, and starts in a fraction of the time an ASGI server takes."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the service's client expects

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: int, payload: Any) -> None:
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up waiting (its timeout)

        def do_GET(self) -> None:
            if self.path == "/health":
                self._send(200, {"status": "ok"})
            elif self.path == "/v1/_requests":
                with script._lock:
                    self._send(200, list(script.requests))
            else:
                self._send(404, {"error": {"message": f"no route {self.path}"}})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if self.path != "/v1/chat/completions":
                self._send(404, {"error": {"message": f"no route {self.path}"}})
                return
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            if not isinstance(body, dict):
                self._send(400, {"error": {"message": "body must be a JSON object"}})
                return
            answer = script.plan(body)
            if answer.delay:
                time.sleep(answer.delay)
            self._send(answer.status, answer.body)

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    server.serve_forever()
