"""The one value every scanning step returns when it cannot use a file: the path and why."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# how parse.py begins the reason of a file it read and could not parse (its text is unknown to us)
UNPARSED = ("syntax error", "bad encoding", "not parseable")
# how the scanner begins the reason of a file it did not read at all (whatever its bytes mention)
UNREAD = ("too large", "unreadable")


@dataclass(frozen=True, order=True)
class Skipped:
    """A file (or directory) the scanner did not read into facts, with a human-readable reason."""

    path: Path
    reason: str

    @property
    def unparsed(self) -> bool:
        """Read and not parseable (its definitions and uses are unknown), not merely not wanted."""
        return self.reason.startswith(UNPARSED)

    @property
    def line(self) -> int | None:
        """The line the reason names (`... at line 12 ...`), if any."""
        found = re.search(r"\bline (\d+)", self.reason)
        return int(found.group(1)) if found else None

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"
