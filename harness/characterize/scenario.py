"""Scenarios as data: one JSON file each, naming its users, what they send, and the LLM's script."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.characterize.steps import Step, parse_step, step_lines
from harness.errors import ConfigError

_TOP_KEYS = {"name", "description", "users", "llm_script", "steps", "rows", "llm_timeout"}


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    users: tuple[str, ...]
    steps: tuple[Step, ...]
    llm_script: tuple[dict[str, Any], ...] = ()
    rows: tuple[str, ...] = ()
    llm_timeout: float = 2.0
    path: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        """Steps given as JSON-like dicts (generated scenarios) are parsed into typed steps."""
        where = f"scenario {self.name}"
        typed = tuple(
            parse_step(s, self.users, f"{where}, step {i}") for i, s in enumerate(self.steps)
        )
        object.__setattr__(self, "steps", typed)


def load_scenario(path: Path) -> Scenario:
    where = f"scenario {path.name}"
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{where}: cannot read: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: must be a JSON object")
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(_TOP_KEYS))})"
        )
    raw_users = data.get("users") or ()
    if not isinstance(raw_users, list | tuple):
        raise ConfigError(f"{where}: 'users' must be a list of names, e.g. [\"alice\"]")
    users = tuple(raw_users)
    if not users:
        raise ConfigError(f"{where}: 'users' must name at least one user")
    if not all(isinstance(u, str) and u for u in users):
        raise ConfigError(f"{where}: 'users' must be a list of names")
    raw_steps = data.get("steps") or []
    if not isinstance(raw_steps, list):
        raise ConfigError(f"{where}: 'steps' must be a list")
    lines = step_lines(text)
    steps = tuple(
        parse_step(
            step, users, f"{path}:{lines[i]}: step {i}" if i < len(lines) else f"{where}: step {i}"
        )
        for i, step in enumerate(raw_steps)
    )
    name = data.get("name") or path.stem
    if name != path.stem:
        raise ConfigError(f"{where}: name {name!r} must match the file name")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise ConfigError(f"{where}: 'description' must be a string")
    llm_script = data.get("llm_script") or []
    if not isinstance(llm_script, list) or not all(isinstance(t, dict) for t in llm_script):
        raise ConfigError(f"{where}: 'llm_script' must be a list of objects (one LLM turn each)")
    rows = data.get("rows") or []
    if not isinstance(rows, list) or not all(isinstance(t, str) and t for t in rows):
        raise ConfigError(f"{where}: 'rows' must be a list of table names, e.g. [\"messages\"]")
    timeout = data.get("llm_timeout", 2.0)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
        raise ConfigError(f"{where}: 'llm_timeout' must be a number of seconds > 0")
    return Scenario(
        name=name,
        description=description,
        users=users,
        steps=steps,
        llm_script=tuple(llm_script),
        rows=tuple(rows),
        llm_timeout=float(timeout),
        path=str(path),
    )


def load_scenarios(folder: Path) -> list[Scenario]:
    if not folder.is_dir():
        raise ConfigError(f"scenario folder {folder} does not exist")
    scenarios = [load_scenario(p) for p in sorted(folder.glob("*.json"))]
    if not scenarios:
        raise ConfigError(f"scenario folder {folder} holds no *.json scenario")
    return scenarios
