"""The target description: a declared `[tool.ssot-harness.target]` table and an optional Python
object, merged into one `Target`; a piece the service needs and neither gives is a ConfigError."""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from harness.characterize.normalize import PATTERN_RULES, KeyRule, Rule
from harness.characterize.wire import (
    TRANSPORTS,
    EventShape,
    Login,
    MessageFrame,
    TokenTransport,
    pointer_parts,
)
from harness.errors import ConfigError

# One LLM answer: (HTTP status, JSON body, seconds to wait before answering)
LLMAnswer = tuple[int, dict[str, Any], float]


@dataclass(frozen=True)
class Instance:
    """One fresh instance of the service: its private state folder, and the stub LLM's URL."""

    state: Path
    llm_url: str | None = None
    llm_timeout: float = 2.0


class CharacterizationTarget(Protocol):
    """The Python half of a target description: what cannot be declared. Every member is optional
    to the type checker; the driver that needs one names it when it is missing. An attribute named
    like a declared piece (`login`, `token`, `socket`, `message`, `events`, `volatile`, `health`,
    `password`, `llm`) overrides that piece."""

    def create_user(self, state: Path, username: str, password: str) -> None: ...

    def build_app(self, instance: Instance) -> Any:
        """The ASGI app, for the in-process driver."""

    def serve_argv(self, instance: Instance, port: int) -> Sequence[str]:
        """`python` arguments serving the app on 127.0.0.1:`port`, for the live driver."""

    # Optional: `leftovers(state, app) -> list[str]`, what a finished scenario left behind (runs
    # still running, resources still held; `app` is None live). The recorder fails the scenario
    # when it is not empty within a grace period.


@dataclass(frozen=True)
class LLMStub:
    """How the service's LLM is stubbed: `path` the service posts to; live, a fake LLM process
    (`argv`) that lists what it received at `requests`; in process, `responder`."""

    path: str
    requests: str
    argv: Callable[[int, str], Sequence[str]]
    responder: Callable[
        [Sequence[dict[str, Any]]], Callable[[dict[str, Any]], Awaitable[LLMAnswer]]
    ]
    summarize: Callable[[dict[str, Any]], str]


@dataclass(frozen=True)
class Target:
    """Everything the harness knows about the service under characterization."""

    name: str
    login: Callable[..., Awaitable[str]]
    token: Callable[[str | None], Any]
    socket: str
    message: Callable[[str, str | None], str]
    events: EventShape
    health: str
    password: str = ""  # template with {user}; recorded scenarios need it
    volatile: tuple[Rule, ...] = PATTERN_RULES
    llm: LLMStub | None = None
    service: Any = field(default=None, compare=False)  # the Python object, for its hooks

    def password_of(self, user: str) -> str:
        if not self.password:
            raise ConfigError(
                f"target {self.name}: no 'password' template; recording creates users and needs one"
            )
        return self.password.format(user=user)

    def hook(self, name: str, needed_by: str) -> Callable[..., Any]:
        """A method of the Python object, or a ConfigError naming it and who needs it."""
        method = getattr(self.service, name, None)
        if not callable(method):
            raise ConfigError(
                f"target {self.name}: {needed_by} needs the target object's {name}() "
                f"(set [tool.ssot-harness.target] object = 'module:object' to an object that has it)"
            )
        return method

    def settled(self, state: Path) -> bool:
        method = getattr(self.service, "settled", None)
        return bool(method(state)) if callable(method) else True

    def rows(
        self, state: Path, tables: Sequence[str], scenario: str
    ) -> dict[str, list[dict[str, Any]]]:
        if not tables:
            return {}
        return self.hook("read_rows", f"scenario {scenario} (rows {list(tables)})")(state, tables)

    def summarize_llm_calls(self, bodies: Sequence[dict[str, Any]]) -> list[str]:
        return sorted(self.llm.summarize(body) for body in bodies) if self.llm else []


# ---------------------------------------------------------------------- the declared table

_POINTER_KEYS = {"login.token", "message.content", "message.thread", "events.type", "events.run", "events.thread",
                 "events.agent", "events.timestamp", "events.payload", "events.response", "events.tool-call"}  # fmt: skip
_SET_KEYS = {"events.terminal", "events.types", "events.started", "events.completed", "events.tool-started",
             "events.tool-finished"}  # fmt: skip
_PATH_KEYS = {"socket", "health", "login.path", "llm.path", "llm.requests"}
_REQUIRED = {
    "login": ("path", "username", "password", "token"),
    "token": ("via",),
    "message": ("template", "content"),
    "events": ("type", "terminal"),
}


def parse_declared(table: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The declared pieces of `[tool.ssot-harness.target]` (keys already checked against the
    reference): each value's type and shape checked, errors naming the key."""
    pieces: dict[str, Any] = {}
    for key in ("socket", "health", "password"):
        if key in table:
            pieces[key] = _value(table, key, key, where)
    for section, build in (
        ("login", _login),
        ("token", _token),
        ("message", _message),
        ("events", _events),
    ):
        if section in table:
            body = table[section]
            missing = [k for k in _REQUIRED[section] if k not in body]
            if missing:
                raise ConfigError(f"{where} {section}: missing key {section}.{missing[0]}")
            pieces[section] = build(
                {k: _value(body, f"{section}.{k}", k, where) for k in body}, where
            )
    if "volatile" in table:
        pieces["volatile"] = _volatile(table["volatile"], where)
    if "llm" in table:
        body = table["llm"]
        for key in ("path", "requests"):
            if key not in body:
                raise ConfigError(f"{where} llm: missing key llm.{key}")
        pieces["llm"] = {k: _value(body, f"llm.{k}", k, where) for k in body}
    return pieces


def _value(body: Mapping[str, Any], name: str, key: str, where: str) -> Any:
    value = body[key]
    if name == "message.template":
        if not isinstance(value, dict):
            raise ConfigError(
                f"{where} message.template: expected a table (the frame's fixed fields), got {value!r}"
            )
        try:
            return json.dumps(value)
        except TypeError:  # a TOML date or time: not a JSON value
            raise ConfigError(
                f"{where} message.template: holds a value JSON cannot carry (a date?): {value!r}"
            ) from None
    if name in _SET_KEYS:
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and v for v in value)
        ):
            raise ConfigError(
                f"{where} {name}: expected a non-empty list of strings, got {value!r}"
            )
        return frozenset(value)
    if not isinstance(value, str) or (not value and name != "token.format"):
        raise ConfigError(f"{where} {name}: expected a non-empty string, got {value!r}")
    if name in _POINTER_KEYS and not value.startswith("/"):
        raise ConfigError(f"{where} {name}: {value!r} is not a JSON pointer (e.g. '/data/token')")
    if name in _PATH_KEYS and not value.startswith("/"):
        raise ConfigError(f"{where} {name}: {value!r} must be a path starting with '/'")
    if name == "login.encoding" and value not in ("json", "form"):
        raise ConfigError(f"{where} login.encoding: {value!r} is not one of json, form")
    if name == "token.via" and value not in TRANSPORTS:
        raise ConfigError(f"{where} token.via: {value!r} is not one of {', '.join(TRANSPORTS)}")
    if name in ("token.format", "password") and not re.search(r"\{(token|user)\}", value):
        raise ConfigError(
            f"{where} {name}: {value!r} must contain {{{'token' if name != 'password' else 'user'}}}"
        )
    return value


def _login(v: dict[str, Any], where: str) -> Login:
    return Login(v["path"], v["username"], v["password"], v["token"], v.get("encoding", "json"))


def _token(v: dict[str, Any], where: str) -> TokenTransport:
    if v["via"] != "subprotocol" and "name" not in v:
        raise ConfigError(
            f"{where} token.name: a token sent by {v['via']} needs the {v['via']}'s name"
        )
    return TokenTransport(v["via"], v.get("name", ""), v.get("format", "{token}"))


def _message(v: dict[str, Any], where: str) -> MessageFrame:
    return MessageFrame(v["template"], v["content"], v.get("thread"))


def _events(v: dict[str, Any], where: str) -> EventShape:
    renamed = {k.replace("-", "_"): value for k, value in v.items()}
    return EventShape(**renamed)


def _volatile(body: Any, where: str) -> tuple[Rule, ...]:
    """`volatile.KIND = ["key", …]` or `{keys = […], identity = true, required = false}`."""
    if not isinstance(body, dict):
        raise ConfigError(
            f"{where} volatile: expected a table of KIND = [keys] or KIND = {{keys = [...]}}"
        )
    rules: list[Rule] = []
    for kind, spec in body.items():
        name = f"{where} volatile.{kind}"
        if not re.fullmatch(r"[a-z]+", kind):
            raise ConfigError(
                f"{name}: a kind is lowercase letters (it becomes the placeholder <{kind}:1>)"
            )
        if isinstance(spec, list):
            spec = {"keys": spec}
        if not isinstance(spec, dict):
            raise ConfigError(
                f"{name}: expected a list of keys or a table with keys, identity, required"
            )
        unknown = sorted(set(spec) - {"keys", "identity", "required"})
        if unknown:
            raise ConfigError(
                f"{name}: unknown key {unknown[0]!r} (allowed: identity, keys, required)"
            )
        keys = spec.get("keys")
        if (
            not isinstance(keys, list)
            or not keys
            or not all(isinstance(k, str) and k for k in keys)
        ):
            raise ConfigError(f"{name}.keys: expected a non-empty list of field names")
        flags = {
            f: spec.get(f, default) for f, default in (("identity", True), ("required", False))
        }
        for flag, value in flags.items():
            if not isinstance(value, bool):
                raise ConfigError(f"{name}.{flag}: expected true or false, got {value!r}")
        rules.append(KeyRule(kind, tuple(keys), flags["identity"], flags["required"]))
    return tuple(rules) + PATTERN_RULES


# -------------------------------------------------------------------- declared + object

PIECES = ("login", "token", "socket", "message", "events", "health", "password", "volatile", "llm")
_NEEDED = {
    "login": "[tool.ssot-harness.target.login] path, username, password, token",
    "token": "[tool.ssot-harness.target.token] via (header, query, subprotocol or cookie), name, format",
    "socket": "[tool.ssot-harness.target] socket = '/path/of/the/websocket'",
    "message": "[tool.ssot-harness.target.message] template, content, thread",
    "events": "[tool.ssot-harness.target.events] type, terminal, run, thread, ...",
    "health": "[tool.ssot-harness.target] health = '/path/answering/200'",
}


def load_object(spec: str, where: str) -> Any:
    """The object named by 'module:attribute.path'."""
    module_name, _, attribute = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        raise ConfigError(
            f"{where} {spec!r}: module {module_name!r} does not import: {type(exc).__name__}: {exc}"
        ) from None
    obj: Any = module
    for part in attribute.split("."):
        if not hasattr(obj, part):
            raise ConfigError(f"{where} {spec!r}: {module_name} has no attribute {attribute!r}")
        obj = getattr(obj, part)
    return obj


def resolve(declared: Mapping[str, Any], obj: Any, *, name: str, where: str) -> Target:
    """One Target from the declared pieces and the object's overrides (the object wins)."""
    pieces = dict(declared)
    for piece in PIECES:
        override = getattr(obj, piece, None) if obj is not None else None
        if override is not None:
            pieces[piece] = override
    missing = [p for p in _NEEDED if p not in pieces]
    if missing:
        raise ConfigError(
            f"{where}: the target description has no {missing[0]!r}; declare {_NEEDED[missing[0]]}, "
            f"or give the target object a {missing[0]!r} attribute"
        )
    if not isinstance(pieces["events"], EventShape):
        raise ConfigError(f"{where}: the target object's 'events' must be an EventShape")
    pointer_parts(pieces["events"].type)
    llm = pieces.get("llm")
    if isinstance(llm, dict):
        llm = _llm_stub(llm, obj, where)
    return Target(
        name=name,
        login=pieces["login"],
        token=pieces["token"],
        socket=pieces["socket"],
        message=pieces["message"],
        events=pieces["events"],
        health=pieces["health"],
        password=pieces.get("password", ""),
        volatile=tuple(pieces.get("volatile", PATTERN_RULES)),
        llm=llm,
        service=obj,
    )


def _llm_stub(declared: dict[str, str], obj: Any, where: str) -> LLMStub:
    hooks = {}
    for hook in ("fake_llm_argv", "llm_responder", "summarize_llm_call"):
        method = getattr(obj, hook, None)
        if not callable(method):
            raise ConfigError(f"{where} llm: a stubbed LLM needs the target object's {hook}()")
        hooks[hook] = method
    return LLMStub(declared["path"], declared["requests"], hooks["fake_llm_argv"], hooks["llm_responder"],
                   hooks["summarize_llm_call"])  # fmt: skip


def describe(config: Any, object_spec: str | None = None) -> Target:
    """The project's Target from its config (`object_spec` overrides the config's object)."""
    where = f"{config.source}: [tool.ssot-harness] target"
    spec = object_spec or config.target
    if spec is None and not config.target_declared:
        raise ConfigError(
            f"{where}: missing; describe your service (see docs/describing-your-service.md)"
        )
    declared = parse_declared(
        config.target_declared or {}, f"{config.source}: [tool.ssot-harness.target]"
    )
    obj = load_object(spec, where) if spec else None
    return resolve(declared, obj, name=spec or "declared", where=where)


describe_target = describe
