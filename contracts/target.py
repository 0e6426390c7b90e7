"""agent_platform as a characterization target: the Python half of its description (its wire
protocol is declared in pyproject.toml, [tool.ssot-harness.target]): create users, build and serve
the app, stub the LLM, read the rows a scenario keeps."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agent_platform.app import create_app
from agent_platform.fake_llm import ScriptedLLM
from agent_platform.settings import Settings
from agent_platform.store import Store
from contracts.users import hashed_once
from harness.characterize.target import Target, describe_target
from harness.config import load_config

JWT_SECRET = "characterization-secret-of-32-bytes-or-more"

_ROWS = {
    "messages": (
        "SELECT u.username AS user, m.thread_id, m.role, m.content FROM messages m "
        "JOIN threads t ON t.id = m.thread_id JOIN users u ON u.id = t.user_id ORDER BY u.username, m.id"
    ),
    "runs": (
        "SELECT u.username AS user, r.thread_id, r.id AS run_id, r.status, r.error FROM runs r "
        "JOIN users u ON u.id = r.user_id ORDER BY u.username, r.created_at, r.id"
    ),
}

_RUNNING = "SELECT id FROM runs WHERE status = 'running' ORDER BY id"
_EMPTY = "SELECT id FROM threads WHERE id NOT IN (SELECT thread_id FROM messages) ORDER BY id"
_OUTCOMES = """SELECT t.id,
    (SELECT count(*) FROM messages m WHERE m.thread_id = t.id AND m.role = 'user'),
    (SELECT count(*) FROM runs r WHERE r.thread_id = t.id),
    (SELECT count(*) FROM runs r WHERE r.thread_id = t.id AND r.status = 'completed'),
    (SELECT count(*) FROM messages m WHERE m.thread_id = t.id AND m.role = 'assistant')
    FROM threads t ORDER BY t.id"""


def _db(state: Path) -> str:
    return str(Path(state) / "service.db")


class AgentPlatformTarget:
    def create_user(self, state: Path, username: str, password: str) -> None:
        store = Store(_db(state))
        try:
            with hashed_once():
                store.create_user(username, password)
        finally:
            store.close()

    def build_app(self, instance: Any) -> Any:
        settings = Settings(db_path=_db(instance.state), llm_url=instance.llm_url, jwt_secret=JWT_SECRET,
                            llm_timeout=instance.llm_timeout)  # fmt: skip
        return create_app(settings)

    def serve_argv(self, instance: Any, port: int) -> Sequence[str]:
        return [
            "-m", "agent_platform", "serve", "--port", str(port), "--db", _db(instance.state),
            "--llm-url", instance.llm_url, "--jwt-secret", JWT_SECRET, "--llm-timeout", str(instance.llm_timeout),
        ]  # fmt: skip

    def fake_llm_argv(self, port: int, script_path: str | None) -> Sequence[str]:
        argv = ["-m", "agent_platform", "fake-llm", "--port", str(port)]
        return [*argv, "--script", script_path] if script_path else argv

    def llm_responder(self, script: Sequence[dict[str, Any]]):
        scripted = ScriptedLLM.from_steps(list(script))

        async def respond(body: dict[str, Any]) -> tuple[int, dict[str, Any], float]:
            answer = scripted.plan(body)
            return answer.status, answer.body, answer.delay

        return respond

    def summarize_llm_call(self, body: dict[str, Any]) -> str:
        messages = body.get("messages") or []
        system = next((m["content"] for m in messages if m.get("role") == "system"), "")
        agent = system.split(" agent.")[0].removeprefix("You are the ") if system else "?"
        user = next((m["content"] for m in messages if m.get("role") == "user"), "")
        roles = ",".join(m.get("role", "?") for m in messages)
        return f"{agent:<13} user={user!r} messages=[{roles}] tools={len(body.get('tools') or [])}"

    def read_rows(self, state: Path, tables: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        with sqlite3.connect(_db(state)) as db:
            db.row_factory = sqlite3.Row
            return {table: [dict(row) for row in db.execute(_ROWS[table])] for table in tables}

    def leftovers(self, state: Path, app: Any | None = None) -> list[str]:
        """What a scenario left behind: runs still 'running', threads with no message, user messages
        without a run (their outcome) or completed runs without an answer; in process also engines
        still held by a factory, run tasks still pending, connections still registered."""
        with sqlite3.connect(_db(state)) as db:
            problems = [f"run {run} is still 'running'" for (run,) in db.execute(_RUNNING)]
            problems += [
                f"thread {thread} has no message (an empty thread row)"
                for (thread,) in db.execute(_EMPTY)
            ]
            for thread, asked, runs, completed, answers in db.execute(_OUTCOMES):
                if asked != runs:
                    problems.append(
                        f"thread {thread}: {asked} user message(s) but {runs} run(s) (a message without its outcome)"
                    )
                if completed != answers:
                    problems.append(
                        f"thread {thread}: {completed} completed run(s) but {answers} answer(s)"
                    )
        app_state = getattr(app, "state", None)  # None: live, or an app wrapped by a test
        if app_state is not None:
            if active := app_state.factory.active_engines():  # (the legacy factory's count is process-wide)
                problems.append(f"{active} engine(s) still held by the production factory")
            if pending := sum(1 for task in app_state.runs_in_flight if not task.done()):
                problems.append(f"{pending} run task(s) still pending")
            if users := app_state.connections.connected_users():
                problems.append(f"connections still registered for {len(users)} user(s)")
        return problems

    def settled(self, state: Path) -> bool:
        with sqlite3.connect(_db(state)) as db:
            return not db.execute("SELECT 1 FROM runs WHERE status = 'running'").fetchall()


TARGET = AgentPlatformTarget()


@functools.cache
def description() -> Target:
    """The demo's whole target description: pyproject's [tool.ssot-harness.target] and TARGET."""
    return describe_target(load_config(Path(__file__).resolve().parents[1] / "pyproject.toml"))
