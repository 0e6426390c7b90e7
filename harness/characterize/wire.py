"""The pieces of a service's wire protocol (login, token transport, message frame, event shape),
as declared values that each know how to do their one job; the harness holds no default shape."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.errors import HarnessError

if TYPE_CHECKING:  # the normalizer imports this module: it stays free of the HTTP stack
    import httpx


class ProtocolError(HarnessError):
    """The service answered in a shape its target description does not declare."""


MISSING: Any = object()


def pointer_parts(pointer: str) -> tuple[str, ...]:
    """The reference tokens of an RFC 6901 JSON pointer ("" is the whole document)."""
    if pointer == "":
        return ()
    if not pointer.startswith("/"):
        raise ValueError(f"JSON pointer {pointer!r} must start with '/'")
    return tuple(p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/"))


def pointer_get(data: Any, pointer: str | None, default: Any = MISSING) -> Any:
    """The value at `pointer` in `data`, or `default` where there is none."""
    if pointer is None:
        return default
    for part in pointer_parts(pointer):
        if isinstance(data, Mapping) and part in data:
            data = data[part]
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return default
    return data


def pointer_set(data: dict[str, Any], pointer: str, value: Any) -> dict[str, Any]:
    """A deep copy of `data` with `value` at `pointer` (intermediate objects are created)."""
    out = copy.deepcopy(data)
    parts = pointer_parts(pointer)
    if not parts:
        raise ValueError("cannot set the whole document")
    node = out
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
    return out


# ------------------------------------------------------------------------------------- login


@dataclass(frozen=True)
class Login:
    """An HTTP request that trades a username and password for a token found at `token` (a JSON
    pointer into the answer). `encoding`: "json" (a JSON body) or "form" (a form post)."""

    path: str
    username: str  # field name of the username in the request
    password: str  # field name of the password in the request
    token: str  # JSON pointer of the token in the answer
    encoding: str = "json"

    async def __call__(self, http: httpx.AsyncClient, username: str, password: str) -> str:
        fields = {self.username: username, self.password: password}
        if self.encoding == "form":
            response = await http.post(self.path, data=fields)
        else:
            response = await http.post(self.path, json=fields)
        if response.status_code != 200:
            raise ProtocolError(
                f"login of {username!r} at {self.path} answered {response.status_code}"
            )
        try:
            token = pointer_get(response.json(), self.token)
        except ValueError:
            token = MISSING
        if not isinstance(token, str) or not token:
            raise ProtocolError(
                f"login of {username!r} at {self.path}: no token at {self.token!r} in the answer"
            )
        return token


# ---------------------------------------------------------------------------- token transport


@dataclass(frozen=True)
class SocketAuth:
    """What a WebSocket handshake carries besides the path: headers, query parameters, subprotocols."""

    headers: tuple[tuple[str, str], ...] = ()
    query: tuple[tuple[str, str], ...] = ()
    subprotocols: tuple[str, ...] = ()


TRANSPORTS = ("header", "query", "subprotocol", "cookie")


@dataclass(frozen=True)
class TokenTransport:
    """How the socket carries the token: `via` one of header / query / subprotocol / cookie,
    under `name` (header, query parameter or cookie name), as `format` (e.g. "Bearer {token}").
    A subprotocol `format` may be a list of templates, offered in order (e.g. a protocol name
    and "jwt.{token}")."""

    via: str
    name: str = ""
    format: str | tuple[str, ...] = "{token}"

    def __call__(self, token: str | None) -> SocketAuth:
        if token is None:
            return SocketAuth()
        if isinstance(self.format, tuple):
            return SocketAuth(subprotocols=tuple(f.format(token=token) for f in self.format))
        value = self.format.format(token=token)
        if self.via == "header":
            return SocketAuth(headers=((self.name, value),))
        if self.via == "query":
            return SocketAuth(query=((self.name, value),))
        if self.via == "cookie":
            return SocketAuth(headers=(("cookie", f"{self.name}={value}"),))
        return SocketAuth(subprotocols=(value,))


# ------------------------------------------------------------------------------ message frame


@dataclass(frozen=True)
class MessageFrame:
    """A user message on the socket: `template` (a JSON object) with the text at the `content`
    pointer and, for a follow-up in the same thread, the thread id at the `thread` pointer."""

    template: str  # the JSON object, as text (kept as text so the value stays frozen)
    content: str
    thread: str | None = None

    def __call__(self, text: str, thread: str | None = None) -> str:
        frame = pointer_set(json.loads(self.template), self.content, text)
        if thread is not None:
            if self.thread is None:
                raise ProtocolError(
                    "a follow-up in the same thread needs the target's message.thread pointer"
                )
            frame = pointer_set(frame, self.thread, thread)
        return json.dumps(frame)


# -------------------------------------------------------------------------------- event shape


@dataclass(frozen=True)
class EventShape:
    """Where an event keeps its type, ids and payload (JSON pointers), which types end a run,
    and (optional) the semantics staging smoke checks: started / completed types, the response,
    tool calls opened and closed by id."""

    type: str
    terminal: frozenset[str]
    run: str | None = None
    thread: str | None = None
    agent: str | None = None
    timestamp: str | None = None
    payload: str | None = None
    types: frozenset[str] = frozenset()  # every known type (empty: not checked)
    started: frozenset[str] = frozenset()  # a run's first event is one of these
    completed: frozenset[str] = frozenset()  # terminal types of a successful run
    response: str | None = None  # pointer of the answer in a completed event (must be non-empty)
    tool_started: frozenset[str] = frozenset()
    tool_finished: frozenset[str] = frozenset()
    tool_call: str | None = None  # pointer of the tool call id in tool events
    order: str | None = None  # pointer of a number that increases within a run (e.g. a sequence)
    ignore: tuple[str, ...] = ()  # pointers (or `*` patterns) of fields left out of transcripts

    def type_of(self, event: Any) -> Any:
        return pointer_get(event, self.type, None)

    def get(self, event: Any, what: str) -> Any:
        """The value of a declared piece (`run`, `thread`, `agent`, `timestamp`, `payload`…)."""
        return pointer_get(event, getattr(self, what), None)

    def is_terminal(self, event: Any) -> bool:
        return self.type_of(event) in self.terminal

    def shown_pointers(self) -> tuple[str, ...]:
        """The pointers a transcript lays out by name (the head line and the payload); every other
        field of an event is shown as it is, under `extra`."""
        pointers = (self.type, self.run, self.thread, self.agent, self.timestamp, self.payload)
        return tuple(p for p in pointers if p)
