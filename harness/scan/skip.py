"""The one value every scanning step returns when it cannot use a file: the path and why."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Skipped:
    """A file (or directory) the scanner did not read into facts, with a human-readable reason."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"
