"""What the harness needs to know about a system under characterization; the target implements it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

# One LLM answer: (HTTP status, JSON body, seconds to wait before answering)
LLMAnswer = tuple[int, dict[str, Any], float]


class CharacterizationTarget(Protocol):
    terminal_events: frozenset[str]
    llm_path: str  # e.g. "/v1/chat/completions"

    def create_user(self, db_path: str, username: str, password: str) -> None: ...

    def build_app(self, db_path: str, llm_url: str, llm_timeout: float) -> Any:
        """The ASGI app, for the in-process driver."""

    def serve_argv(self, port: int, db_path: str, llm_url: str, llm_timeout: float) -> Sequence[str]: ...

    def fake_llm_argv(self, port: int, script_path: str | None) -> Sequence[str]: ...

    def llm_responder(self, script: Sequence[dict[str, Any]]) -> Callable[[dict[str, Any]], Awaitable[LLMAnswer]]:
        """Answers LLM requests in process, exactly as the live fake LLM would."""

    def summarize_llm_call(self, body: dict[str, Any]) -> str: ...

    def read_rows(self, db_path: str, tables: Sequence[str]) -> dict[str, list[dict[str, Any]]]: ...

    def settled(self, db_path: str) -> bool:
        """True once no run is still in progress (after a disconnect the server finishes asynchronously)."""

    # Optional: a target that defines it is checked after every scenario (see recorder.play).
    # def leftovers(self, db_path: str, app: Any | None) -> list[str]:
    #     """What the scenario left behind once every connection closed (runs still in progress,
    #     engines still held, tasks still pending, messages without their outcome), one problem per
    #     string; [] when clean. `app` is the in-process ASGI app, None for a live server."""
