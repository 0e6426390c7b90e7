"""Settings of one running service."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    db_path: str
    llm_url: str
    jwt_secret: str
    token_ttl_seconds: int = 3600
    llm_timeout: float = 5.0
    max_engines_per_user: int = 2
