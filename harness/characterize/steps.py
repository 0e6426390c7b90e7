"""Scenario steps as typed values, parsed from JSON with errors naming the file and line."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from harness.errors import ConfigError


@dataclass(frozen=True)
class Say:
    """`user` sends a message (in the thread of their last run with `thread: previous`)."""

    user: str
    text: str
    same_thread: bool = False


@dataclass(frozen=True)
class Raw:
    """`user` sends exactly `text` (malformed frames, other protocol messages)."""

    user: str
    text: str


@dataclass(frozen=True)
class Wait:
    """`user` reads events until one of type `until` ("terminal": any type that ends a run)."""

    user: str
    until: str = "terminal"


@dataclass(frozen=True)
class WaitLLMCalls:
    """The stub LLM has received at least `count` requests (the service is 'thinking')."""

    user: str
    count: int


@dataclass(frozen=True)
class Disconnect:
    """`user` closes their connection."""

    user: str


@dataclass(frozen=True)
class Connect:
    """`user`, who disconnected, logs in again on a new connection."""

    user: str


Step = Say | Raw | Wait | WaitLLMCalls | Disconnect | Connect
ACTIONS = ("say", "raw", "wait", "wait_llm_calls", "disconnect", "connect")


def parse_step(raw: Any, users: Sequence[str], where: str) -> Step:
    """One step from its JSON object; `where` names the file and line for errors."""
    if isinstance(raw, Say | Raw | Wait | WaitLLMCalls | Disconnect | Connect):
        return raw
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: a step must be a JSON object, got {raw!r}")
    if raw.get("user") not in users:
        raise ConfigError(
            f"{where}: 'user' must be one of the scenario's users {list(users)}, got {raw.get('user')!r}"
        )
    actions = [a for a in ACTIONS if a in raw]
    if len(actions) != 1:
        raise ConfigError(
            f"{where}: a step has exactly one of {', '.join(ACTIONS)}; this one has {actions or 'none'}"
        )
    action, user, value = actions[0], raw["user"], raw[actions[0]]
    allowed = {"user", action} | ({"thread"} if action == "say" else set())
    extra = sorted(set(raw) - allowed)
    if extra:
        raise ConfigError(
            f"{where}: unknown key {extra[0]!r} in a {action!r} step (allowed: {', '.join(sorted(allowed))})"
        )
    if action in ("say", "raw", "wait") and (
        not isinstance(value, str) or (action != "raw" and not value)
    ):
        raise ConfigError(f"{where}: {action!r} takes a non-empty string, got {value!r}")
    if action == "say":
        thread = raw.get("thread")
        if thread not in (None, "previous", "new"):
            raise ConfigError(
                f"{where}: 'thread' is 'previous' (the thread of the user's last run) or 'new', got {thread!r}"
            )
        return Say(user, value, thread == "previous")
    if action == "raw":
        return Raw(user, value)
    if action == "wait":
        return Wait(user, value)
    if action == "wait_llm_calls":
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigError(f"{where}: 'wait_llm_calls' takes a positive integer, got {value!r}")
        return WaitLLMCalls(user, value)
    if value is not True:
        raise ConfigError(f"{where}: {action!r} takes true, got {value!r}")
    return Connect(user) if action == "connect" else Disconnect(user)


def step_lines(text: str) -> list[int]:
    """The line of each element of the top-level object's "steps" array in JSON `text` (empty when
    there is none); used to point errors at the step."""
    decoder = json.JSONDecoder()
    ws = " \t\r\n"

    def skip(i: int) -> int:
        while i < len(text) and text[i] in ws:
            i += 1
        return i

    try:
        i = skip(0)
        if text[i] != "{":
            return []
        i = skip(i + 1)
        while i < len(text) and text[i] != "}":
            key, i = decoder.raw_decode(text, i)
            i = skip(skip(i) + 1)  # past ':'
            if key != "steps" or text[i] != "[":
                _, i = decoder.raw_decode(text, i)
                i = skip(i)
                i = skip(i + 1) if text[i] == "," else i
                continue
            lines, i = [], skip(i + 1)
            while text[i] != "]":
                lines.append(text.count("\n", 0, i) + 1)
                _, i = decoder.raw_decode(text, i)
                i = skip(i)
                i = skip(i + 1) if text[i] == "," else i
            return lines
    except (ValueError, IndexError):
        return []
    return []
