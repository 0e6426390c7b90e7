"""Publishers: where observations go (a JSON-lines file with rotation, `logging`, a callable).
Publishing never fails the call: an unwritable file or a full disk is counted and logged once."""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from harness.experiment.observe import Observation

LOG = logging.getLogger("harness.experiment")


class Publisher(Protocol):
    def publish(self, observation: Observation) -> None: ...


def line_of(observation: Observation) -> str:
    return json.dumps(observation.to_data(), sort_keys=True, ensure_ascii=False) + "\n"


class JsonLinesPublisher:
    """One JSON object a line, appended to `path`; past `max_bytes` the file is rotated to
    `path.1` (… `path.<backups>`, the oldest dropped). Thread-safe; a write that fails is dropped,
    counted in `dropped`, and logged once as a warning."""

    def __init__(
        self, path: str | os.PathLike[str], *, max_bytes: int = 16 * 2**20, backups: int = 3
    ) -> None:
        if max_bytes <= 0 or backups < 0:
            raise ValueError("max_bytes must be positive and backups at least 0")
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.backups = backups
        self.dropped = 0
        self.written = 0
        self._lock = threading.Lock()

    def publish(self, observation: Observation) -> None:
        data = line_of(observation).encode("utf-8")
        with self._lock:
            try:
                self._rotate(len(data))
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    view = memoryview(data)
                    while view:
                        view = view[os.write(fd, view) :]
                finally:
                    os.close(fd)
                self.written += 1
            except OSError as exc:
                self.dropped += 1
                if self.dropped == 1:
                    LOG.warning(
                        "experiment observations to %s are being dropped: %s "
                        "(the calls go on; `dropped` counts what was lost)",
                        self.path,
                        exc.strerror or exc,
                    )

    def _rotate(self, incoming: int) -> None:
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return
        if size == 0 or size + incoming <= self.max_bytes or not self.path.is_file():
            return
        if self.backups == 0:
            os.truncate(self.path, 0)
            return
        for index in range(self.backups - 1, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{index}")
            if older.exists():
                older.replace(self.path.with_name(f"{self.path.name}.{index + 1}"))
        self.path.replace(self.path.with_name(f"{self.path.name}.1"))


class LoggingPublisher:
    """Each observation as one JSON line to a `logging` logger (mismatches and errors at WARNING)."""

    def __init__(self, logger: str | logging.Logger = "harness.experiment.observations") -> None:
        self.logger = logging.getLogger(logger) if isinstance(logger, str) else logger

    def publish(self, observation: Observation) -> None:
        level = logging.INFO if observation.outcome in ("match", "accepted") else logging.WARNING
        self.logger.log(level, "%s", line_of(observation).rstrip("\n"))


class CallablePublisher:
    """Hands each observation to `function` (a queue's put, a metrics client, a test's list.append)."""

    def __init__(self, function: Callable[[Observation], object]) -> None:
        self.function = function

    def publish(self, observation: Observation) -> None:
        self.function(observation)


def as_publisher(given: Publisher | Callable[[Observation], object]) -> Publisher:
    if hasattr(given, "publish"):
        return given  # type: ignore[return-value]
    if callable(given):
        return CallablePublisher(given)
    raise TypeError(f"a publisher has publish(observation) or is callable, not {given!r}")
