"""SQLite persistence of users, threads, messages and runs (one real file)."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from typing import Any

from agent_platform.auth import hash_password, verify_password
from agent_platform.context import UserExecutionContext
from agent_platform.events import utc_now

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, username TEXT UNIQUE NOT NULL,
    password_hash TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS threads (id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY AUTOINCREMENT,
    thread_id TEXT NOT NULL REFERENCES threads(id), role TEXT NOT NULL, content TEXT NOT NULL,
    created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (id TEXT PRIMARY KEY, thread_id TEXT NOT NULL, user_id TEXT NOT NULL,
    status TEXT NOT NULL, error TEXT, created_at TEXT NOT NULL, finished_at TEXT);
"""
RUN_STATUSES = ("running", "completed", "failed", "cancelled", "refused")
INTERRUPTED = "interrupted: the service stopped before the run ended"


class Store:
    def __init__(self, path: str) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    def _exec(self, sql: str, args: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(row) for row in self._db.execute(sql, args).fetchall()]

    def create_user(self, username: str, password: str) -> str:
        if not username or not password:
            raise ValueError("username and password must be non-empty")
        user_id = uuid.uuid4().hex
        try:
            self._exec(
                "INSERT INTO users VALUES (?, ?, ?, ?)",
                (user_id, username, hash_password(password), utc_now()),
            )
        except sqlite3.IntegrityError:
            raise ValueError(f"user {username!r} already exists") from None
        return user_id

    def authenticate(self, username: str, password: str) -> str | None:
        rows = self._exec("SELECT id, password_hash FROM users WHERE username = ?", (username,))
        if rows and verify_password(password, rows[0]["password_hash"]):
            return rows[0]["id"]
        return None

    def username(self, user_id: str) -> str | None:
        rows = self._exec("SELECT username FROM users WHERE id = ?", (user_id,))
        return rows[0]["username"] if rows else None

    def ensure_thread(self, user_id: str, thread_id: str | None) -> str:
        """The user's existing thread `thread_id`, or a new one when `thread_id` is None.

        A thread id the store does not know is created for the user (engines are handed a context
        whose thread id was minted by the caller); a thread of another user is refused.
        """
        if thread_id:
            rows = self._exec("SELECT user_id FROM threads WHERE id = ?", (thread_id,))
            if rows:
                if rows[0]["user_id"] != user_id:
                    raise PermissionError(f"thread {thread_id} belongs to another user")
                return thread_id
        thread_id = thread_id or uuid.uuid4().hex
        self._exec("INSERT INTO threads VALUES (?, ?, ?)", (thread_id, user_id, utc_now()))
        return thread_id

    def add_message(self, thread_id: str, role: str, content: str) -> int:
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO messages (thread_id, role, content, created_at) VALUES (?, ?, ?, ?)",
                (thread_id, role, content, utc_now()),
            )
            return int(cur.lastrowid or 0)

    def start_run(self, context: UserExecutionContext) -> None:
        self._exec(
            "INSERT INTO runs VALUES (?, ?, ?, 'running', NULL, ?, NULL)",
            (context.run_id, context.thread_id, context.user_id, utc_now()),
        )

    def finish_run(self, run_id: str, status: str, error: str | None = None) -> None:
        if status not in RUN_STATUSES[1:]:
            raise ValueError(f"unknown run status {status!r}")
        self._exec(
            "UPDATE runs SET status = ?, error = ?, finished_at = ? WHERE id = ?",
            (status, error, utc_now(), run_id),
        )

    def refuse_run(self, context: UserExecutionContext, message: str, reason: str) -> None:
        """Keeps a user message that was refused before any engine ran it, with a 'refused' run saying why."""
        self.ensure_thread(context.user_id, context.thread_id)
        self.add_message(context.thread_id, "user", message)
        self._exec(
            "INSERT INTO runs VALUES (?, ?, ?, 'refused', ?, ?, ?)",
            (context.run_id, context.thread_id, context.user_id, reason, utc_now(), utc_now()),
        )

    def fail_interrupted_runs(self) -> int:
        """Marks every run still 'running' as failed (called at start-up: no run survives a restart)."""
        with self._lock:
            cur = self._db.execute(
                "UPDATE runs SET status = 'failed', error = ?, finished_at = ? WHERE status = 'running'",
                (INTERRUPTED, utc_now()),
            )
            return cur.rowcount

    def has_thread(self, user_id: str, thread_id: str) -> bool:
        rows = self._exec(
            "SELECT 1 FROM threads WHERE id = ? AND user_id = ?", (thread_id, user_id)
        )
        return bool(rows)

    def messages(self, thread_id: str) -> list[dict[str, Any]]:
        return self._exec(
            "SELECT id, thread_id, role, content, created_at FROM messages WHERE thread_id = ? ORDER BY id",
            (thread_id,),
        )

    def runs(self, thread_id: str | None = None) -> list[dict[str, Any]]:
        if thread_id is None:
            return self._exec("SELECT * FROM runs ORDER BY created_at, id")
        return self._exec(
            "SELECT * FROM runs WHERE thread_id = ? ORDER BY created_at, id", (thread_id,)
        )
