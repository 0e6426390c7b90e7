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
    # the engine experiment (agent_platform/experiment.py): off while no candidate is named
    experiment_candidates: tuple[str, ...] = ()  # "[NAME=]module:Factory" of each candidate
    experiment_log: str = ""  # its JSON-lines observations (default ssot-experiments.jsonl)
    experiment_sample: float = 1.0  # share of messages that run the candidates too
    experiment_timeout: float = 5.0  # seconds each candidate may run; then it is cut
    experiment_divergences: str = ""  # divergences.toml: its declarations count as accepted
