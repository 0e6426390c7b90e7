"""ToolDispatcher: the deterministic tools agents may call."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any


class ToolError(Exception):
    """A tool refused its input; reported to the agent and the user, the run goes on."""


USAGE = {
    "acme": {"monthly_cost": 1200.0, "services": {"compute": 800.0, "storage": 250.0, "network": 150.0}},
    "globex": {"monthly_cost": 430.0, "services": {"compute": 300.0, "storage": 130.0}},
}
PRICING = {"gpt-4o": 5.0, "gpt-4o-mini": 0.15, "claude-3-haiku": 0.25}


async def get_usage(account: str = "acme") -> dict[str, Any]:
    if account not in USAGE:
        raise ToolError(f"no usage data for account {account!r}")
    return {"account": account, **USAGE[account]}


async def estimate_savings(monthly_cost: float, percent: float = 20.0) -> dict[str, Any]:
    if not 0 <= float(percent) <= 100:
        raise ToolError(f"percent must be within 0..100, got {percent!r}")
    savings = round(float(monthly_cost) * float(percent) / 100, 2)
    return {"monthly_cost": float(monthly_cost), "percent": float(percent), "monthly_savings": savings}


async def lookup_pricing(model: str) -> dict[str, Any]:
    if model not in PRICING:
        raise ToolError(f"unknown model {model!r}")
    return {"model": model, "usd_per_million_tokens": PRICING[model]}


_SCHEMAS = {
    "get_usage": {"account": {"type": "string"}},
    "estimate_savings": {"monthly_cost": {"type": "number"}, "percent": {"type": "number"}},
    "lookup_pricing": {"model": {"type": "string"}},
}


class ToolDispatcher:
    def __init__(self) -> None:
        self._tools: dict[str, Callable[..., Awaitable[dict[str, Any]]]] = {
            "get_usage": get_usage,
            "estimate_savings": estimate_savings,
            "lookup_pricing": lookup_pricing,
        }

    def names(self) -> list[str]:
        return sorted(self._tools)

    def schemas(self) -> list[dict[str, Any]]:
        return [
            {
                "type": "function",
                "function": {
                    "name": name,
                    "parameters": {"type": "object", "properties": _SCHEMAS[name]},
                },
            }
            for name in self.names()
        ]

    async def execute(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        tool = self._tools.get(name)
        if tool is None:
            raise ToolError(f"unknown tool {name!r}")
        try:
            return await tool(**arguments)
        except TypeError as exc:
            raise ToolError(f"bad arguments for {name}: {exc}") from None
