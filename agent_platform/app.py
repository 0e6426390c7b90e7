"""The ASGI app: health, login, and the chat WebSockets (/ws production, /ws/legacy for old clients)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
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


def _error(code: str, detail: str) -> dict[str, Any]:
    event = protocol_error(detail)
    event["payload"]["code"] = code
    return event


def parse_user_message(raw: str) -> tuple[str, str | None]:
    """(content, thread_id) of a client message, or ValueError saying what is wrong."""
    try:
        message = json.loads(raw)
    except ValueError:
        raise ValueError("message is not JSON") from None
    if not isinstance(message, dict) or message.get("type") != "user_message":
        raise ValueError('expected {"type": "user_message", "content": "...", "thread_id": optional}')
    content, thread_id = message.get("content"), message.get("thread_id")
    if not isinstance(content, str) or not content.strip():
        raise ValueError("content must be a non-empty string")
    if thread_id is not None and (not isinstance(thread_id, str) or not thread_id):
        raise ValueError("thread_id must be a non-empty string when given")
    return content, thread_id


def create_app(settings: Settings, *, llm: LLMClient | None = None) -> Starlette:
    store = Store(settings.db_path)
    llm = llm or LLMClient(settings.llm_url, timeout=settings.llm_timeout)
    connections = ConnectionManager()
    factory = configure_execution_engine_factory(
        llm=llm, connections=connections, store=store, max_engines_per_user=settings.max_engines_per_user
    )
    legacy = configure_legacy_engine_factory(
        llm=llm, connections=connections, store=store, max_engines_per_user=settings.max_engines_per_user
    )

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def stats(request: Request) -> JSONResponse:
        return JSONResponse(engine_stats())

    async def login(request: Request) -> JSONResponse:
        try:
            body = await request.json()
        except ValueError:
            return JSONResponse({"detail": "body must be JSON"}, status_code=422)
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("username"), str)
            or not isinstance(body.get("password"), str)
        ):
            return JSONResponse({"detail": 'expected {"username": str, "password": str}'}, status_code=422)
        user_id = store.authenticate(body["username"], body["password"])
        if user_id is None:
            return JSONResponse({"detail": "wrong username or password"}, status_code=401)
        token = issue_token(
            user_id, body["username"], secret=settings.jwt_secret, ttl_seconds=settings.token_ttl_seconds
        )
        return JSONResponse({"access_token": token, "token_type": "bearer"})

    def chat(make_engine: Callable[[UserExecutionContext], ExecutionEngine]):
        async def endpoint(websocket: WebSocket) -> None:
            header = websocket.headers.get("authorization", "")
            token = header[7:] if header.lower().startswith("bearer ") else websocket.query_params.get("token")
            await websocket.accept()
            try:
                user_id = verify_token(token, secret=settings.jwt_secret)["sub"]
            except AuthError as exc:
                await websocket.close(code=POLICY_VIOLATION, reason=str(exc))
                return
            client_id = uuid.uuid4().hex
            lock = asyncio.Lock()

            async def send(event: dict[str, Any]) -> None:
                async with lock:
                    await websocket.send_json(event)

            async def run(content: str, thread_id: str | None) -> None:
                if thread_id is not None and not store.has_thread(user_id, thread_id):
                    await send(_error("unknown_thread", f"no thread {thread_id} for this user"))
                    return
                thread_id = store.ensure_thread(user_id, thread_id)
                context = UserExecutionContext(
                    user_id, thread_id, uuid.uuid4().hex, uuid.uuid4().hex, client_id
                )
                try:
                    engine = make_engine(context)
                except ConcurrencyLimitError as exc:
                    await send(_error("concurrency_limit", str(exc)))
                    return
                try:
                    await engine.run(content)
                finally:
                    await engine.close()

            connections.register(user_id, client_id, send)
            tasks: set[asyncio.Task[None]] = set()
            try:
                while True:
                    raw = await websocket.receive_text()
                    try:
                        content, thread_id = parse_user_message(raw)
                    except ValueError as exc:
                        await send(_error("invalid_message", str(exc)))
                        continue
                    task = asyncio.create_task(run(content, thread_id))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
            except WebSocketDisconnect:
                pass
            finally:
                connections.unregister(client_id)
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)

        return endpoint

    app = Starlette(
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
    return app
