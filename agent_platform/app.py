"""The ASGI app: health, login, and the chat WebSockets (/ws production, /ws/legacy for old clients)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from agent_platform.admin import engine_stats
from agent_platform.auth import issue_token, verify_token
from agent_platform.connections import ConnectionManager
from agent_platform.context import UserExecutionContext
from agent_platform.engine.engine import ExecutionEngine
from agent_platform.engine.factory import configure_execution_engine_factory
from agent_platform.errors import AuthError, ConcurrencyLimitError
from agent_platform.events import protocol_error
from agent_platform.legacy.engine_factory import configure_legacy_engine_factory
from agent_platform.llm import LLMClient
from agent_platform.settings import Settings
from agent_platform.store import Store

POLICY_VIOLATION = 1008
MAX_CONTENT_CHARS = 32_000  # a user message's content
MAX_FRAME_CHARS = 64_000  # a whole client frame, checked before it is parsed
MAX_MESSAGE_ID_CHARS = 200


class MessageError(ValueError):
    """A client message the server refuses; `code` names the rule it broke."""

    def __init__(self, code: str, detail: str, message_id: str | None = None) -> None:
        super().__init__(detail)
        self.code, self.message_id = code, message_id


def _error(code: str, detail: str, **extra: Any) -> dict[str, Any]:
    event = protocol_error(detail)
    event["payload"]["code"] = code
    event["payload"].update({k: v for k, v in extra.items() if v is not None})
    return event


def _readable(text: str) -> bool:
    """False for text no UTF-8 encoder accepts (a lone surrogate such as "\\ud800")."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_user_message(raw: str) -> tuple[str, str | None, str | None]:
    """(content, thread_id, message_id) of a client message, or MessageError saying what is wrong."""
    if len(raw) > MAX_FRAME_CHARS:
        raise MessageError(
            "message_too_large", f"a message frame may hold at most {MAX_FRAME_CHARS} characters"
        )
    try:
        message = json.loads(raw)
    except ValueError:
        raise MessageError("invalid_message", "message is not JSON") from None
    except RecursionError:
        raise MessageError("invalid_message", "message nests too deeply") from None
    if not isinstance(message, dict) or message.get("type") != "user_message":
        raise MessageError(
            "invalid_message",
            'expected {"type": "user_message", "content": "...", "thread_id": optional}',
        )
    content, thread_id, message_id = (
        message.get("content"),
        message.get("thread_id"),
        message.get("message_id"),
    )
    if message_id is not None and (
        not isinstance(message_id, str) or not message_id or len(message_id) > MAX_MESSAGE_ID_CHARS
    ):
        raise MessageError(
            "invalid_message",
            f"message_id must be a non-empty string of at most {MAX_MESSAGE_ID_CHARS} characters",
        )
    if not isinstance(content, str) or not content.strip():
        raise MessageError("invalid_message", "content must be a non-empty string", message_id)
    if len(content) > MAX_CONTENT_CHARS:
        raise MessageError(
            "message_too_large",
            f"content may hold at most {MAX_CONTENT_CHARS} characters, got {len(content)}",
            message_id,
        )
    if thread_id is not None and (not isinstance(thread_id, str) or not thread_id):
        raise MessageError(
            "invalid_message", "thread_id must be a non-empty string when given", message_id
        )
    if not all(_readable(text) for text in (content, thread_id or "", message_id or "")):
        raise MessageError(
            "invalid_message",
            "message holds text that is not valid Unicode (a lone surrogate)",
            message_id,
        )
    return content, thread_id, message_id


def _bearer(headers: Any, query: Any) -> str | None:
    header = headers.get("authorization", "")
    return header[7:] if header.lower().startswith("bearer ") else query.get("token")


def create_app(settings: Settings, *, llm: LLMClient | None = None) -> Starlette:
    store = Store(settings.db_path)
    store.fail_interrupted_runs()  # runs left 'running' by a process that stopped mid-run
    llm = llm or LLMClient(settings.llm_url, timeout=settings.llm_timeout)
    connections = ConnectionManager()
    factory = configure_execution_engine_factory(
        llm=llm,
        connections=connections,
        store=store,
        max_engines_per_user=settings.max_engines_per_user,
    )
    legacy = configure_legacy_engine_factory(
        llm=llm,
        connections=connections,
        store=store,
        max_engines_per_user=settings.max_engines_per_user,
    )

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def stats(request: Request) -> JSONResponse:
        try:
            verify_token(_bearer(request.headers, request.query_params), secret=settings.jwt_secret)
        except AuthError as exc:
            return JSONResponse(
                {"detail": f"{exc}: send 'Authorization: Bearer <token from /auth/login>'"},
                status_code=401,
            )
        return JSONResponse(engine_stats())

    async def login(request: Request) -> JSONResponse:
        try:
            body = await request.json()
        except (ValueError, RecursionError):
            return JSONResponse(
                {"detail": "body must be JSON (and nest less deeply)"}, status_code=422
            )
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("username"), str)
            or not isinstance(body.get("password"), str)
        ):
            return JSONResponse(
                {"detail": 'expected {"username": str, "password": str}'}, status_code=422
            )
        if not _readable(body["username"]) or not _readable(body["password"]):
            return JSONResponse(
                {"detail": "username and password must be valid Unicode (no lone surrogates)"},
                status_code=422,
            )
        user_id = store.authenticate(body["username"], body["password"])
        if user_id is None:
            return JSONResponse({"detail": "wrong username or password"}, status_code=401)
        token = issue_token(
            user_id,
            body["username"],
            secret=settings.jwt_secret,
            ttl_seconds=settings.token_ttl_seconds,
        )
        return JSONResponse({"access_token": token, "token_type": "bearer"})

    # every connection's run tasks, for operators and tests
    runs_in_flight: set[asyncio.Task[None]] = set()

    def chat(make_engine: Callable[[UserExecutionContext], ExecutionEngine]):
        async def endpoint(websocket: WebSocket) -> None:
            token = _bearer(websocket.headers, websocket.query_params)
            await websocket.accept()
            try:
                user_id = verify_token(token, secret=settings.jwt_secret)["sub"]
                if store.username(user_id) is None:
                    raise AuthError("invalid token: no such user")
            except AuthError as exc:
                await websocket.close(code=POLICY_VIOLATION, reason=str(exc))
                return
            client_id = uuid.uuid4().hex
            lock = asyncio.Lock()

            async def send(event: dict[str, Any]) -> None:
                async with lock:
                    await websocket.send_json(event)

            async def run(content: str, thread_id: str | None, message_id: str | None) -> None:
                if thread_id is not None and not store.has_thread(user_id, thread_id):
                    await send(
                        _error(
                            "unknown_thread",
                            f"no thread {thread_id} for this user",
                            message_id=message_id,
                        )
                    )
                    return
                context = UserExecutionContext(
                    user_id,
                    thread_id or uuid.uuid4().hex,
                    uuid.uuid4().hex,
                    uuid.uuid4().hex,
                    client_id,
                )
                try:
                    engine = make_engine(context)
                except ConcurrencyLimitError as exc:
                    store.refuse_run(context, content, str(exc))  # kept, with why it did not run
                    await send(
                        _error(
                            "concurrency_limit",
                            str(exc),
                            message_id=message_id,
                            thread_id=context.thread_id,
                        )
                    )
                    return
                if experiment is not None and make_engine == factory.create_for_context:
                    engine = experiment.around(engine, connections)  # candidates beside the canonical
                # from here on a cancellation finds the message persisted (engine.run stores it
                # before its first await) and records the run as cancelled
                started.add(asyncio.current_task())  # type: ignore[arg-type]
                try:
                    await engine.run(content)
                finally:
                    await engine.close()

            connections.register(user_id, client_id, send)
            tasks: set[asyncio.Task[None]] = set()
            started: set[asyncio.Task[None]] = set()  # runs whose engine holds the message
            try:
                while True:
                    frame = await websocket.receive()
                    if frame["type"] == "websocket.disconnect":
                        break
                    raw = frame.get("text")
                    if raw is None:
                        await send(
                            _error(
                                "invalid_message",
                                "binary frames are not accepted: send JSON as a text frame",
                            )
                        )
                        continue
                    try:
                        content, thread_id, message_id = parse_user_message(raw)
                    except MessageError as exc:
                        await send(_error(exc.code, str(exc), message_id=exc.message_id))
                        continue
                    task = asyncio.create_task(run(content, thread_id, message_id))
                    tasks.add(task)
                    runs_in_flight.add(task)
                    task.add_done_callback(tasks.discard)
                    task.add_done_callback(started.discard)
                    task.add_done_callback(runs_in_flight.discard)
            except WebSocketDisconnect:
                pass
            finally:
                connections.unregister(client_id)
                for task in tasks:
                    # a run not started yet (its frame arrived with the close) is let to run: cancelled
                    # now, it would lose the user's message before any engine saw it
                    if task in started:
                        task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)

        return endpoint

    experiment = None
    if settings.experiment_candidates:  # the harness is imported only when an experiment is on
        from agent_platform.experiment import EngineExperiment

        experiment = EngineExperiment(settings, llm)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        if experiment is not None:  # the last calls' observations are written before the exit
            await experiment.experiment.drain()

    app = Starlette(
        lifespan=lifespan,
        routes=[
            Route("/health", health, methods=["GET"]),
            Route("/admin/stats", stats, methods=["GET"]),
            Route("/auth/login", login, methods=["POST"]),
            WebSocketRoute("/ws", chat(factory.create_for_context)),
            WebSocketRoute("/ws/legacy", chat(legacy.create_engine)),
        ]
    )
    app.state.store = store
    app.state.connections = connections
    app.state.factory = factory
    app.state.legacy_factory = legacy
    app.state.runs_in_flight = runs_in_flight
    return app
