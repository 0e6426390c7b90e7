"""UserExecutionContext: the per-user, per-request identity every execution runs under."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields

from agent_platform.errors import InvalidContextError

PLACEHOLDERS = frozenset(
    {"placeholder", "default", "none", "null", "undefined", "unknown", "temp", "test", "xxx", "registry", "0"}
)


@dataclass(frozen=True)
class UserExecutionContext:
    user_id: str
    thread_id: str
    run_id: str
    request_id: str
    websocket_client_id: str

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, str) or not value.strip():
                raise InvalidContextError(f"{f.name} must be a non-empty string, got {value!r}")
            lowered = value.strip().lower()
            if lowered in PLACEHOLDERS or lowered.startswith(("placeholder", "temp_")):
                raise InvalidContextError(f"{f.name} is a placeholder id: {value!r}")

    @classmethod
    def new(
        cls, user_id: str, thread_id: str | None = None, websocket_client_id: str | None = None
    ) -> UserExecutionContext:
        return cls(
            user_id=user_id,
            thread_id=thread_id or uuid.uuid4().hex,
            run_id=uuid.uuid4().hex,
            request_id=uuid.uuid4().hex,
            websocket_client_id=websocket_client_id or uuid.uuid4().hex,
        )
