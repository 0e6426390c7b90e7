"""LLMClient: OpenAI-compatible chat completions over httpx, with one deadline per request and one retry."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from agent_platform.errors import LLMError


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class LLMReply:
    content: str | None
    tool_calls: list[ToolCall] = field(default_factory=list)


class LLMClient:
    def __init__(
        self,
        base_url: str,
        *,
        model: str = "scripted",
        timeout: float = 5.0,
        retries: int = 1,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        # "http://host" and "http://host/v1" (the usual form for OpenAI-compatible servers) are one API
        self.base_url = base_url.rstrip("/").removesuffix("/v1")
        self.model = model
        self.retries = retries
        self._timeout = httpx.Timeout(timeout, connect=min(timeout, 2.0))
        # one deadline per request, body included (a dripping answer cannot outlive it): the connect
        # budget plus `timeout`, so a busy machine's slow connect is not counted against the answer
        self.deadline = timeout + min(timeout, 2.0)
        self._client = client

    async def complete(
        self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]
    ) -> LLMReply:
        body: dict[str, Any] = {"model": self.model, "messages": messages}
        if tools:
            body["tools"] = tools
        last: Exception | None = None
        for _ in range(self.retries + 1):
            try:
                return _parse(await self._post(body))
            except (
                httpx.HTTPError,
                TimeoutError,
                ValueError,
                KeyError,
                TypeError,
                IndexError,
            ) as exc:
                last = exc
        raise LLMError(f"LLM request failed after {self.retries + 1} attempts: {_describe(last)}")

    async def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        url = f"{self.base_url}/v1/chat/completions"
        if self._client is None:  # one client for the LLMClient's life: one pool, one TLS set-up
            self._client = httpx.AsyncClient(timeout=self._timeout)
        async with asyncio.timeout(self.deadline):
            response = await self._client.post(url, json=body, timeout=self._timeout)
            response.raise_for_status()
            return response.json()

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def _parse(data: dict[str, Any]) -> LLMReply:
    choices = data["choices"]
    if not isinstance(choices, list) or not choices:
        raise ValueError("no choices")
    message = choices[0]["message"]
    calls = [
        ToolCall(
            id=call["id"],
            name=call["function"]["name"],
            arguments=json.loads(call["function"].get("arguments") or "{}"),
        )
        for call in message.get("tool_calls") or []
    ]
    return LLMReply(content=message.get("content"), tool_calls=calls)


def _describe(exc: Exception | None) -> str:
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return "timed out"
    if isinstance(exc, httpx.HTTPStatusError):
        return f"HTTP {exc.response.status_code}"
    if isinstance(exc, httpx.HTTPError):
        return f"{type(exc).__name__}: unreachable"
    if isinstance(exc, ValueError) and str(exc) == "no choices":
        return "malformed response (no choices)"
    return f"malformed response ({type(exc).__name__})"
