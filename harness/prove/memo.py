"""The canonical's traces, memoized per case, so a differential test runs the canonical once per
generated case rather than once per member. Held in the process; under `verify`, also in a folder
that verify makes for the run and removes after it (`SSOT_HARNESS_MEMO_DIR`), so that every
pytest-xdist worker reuses what another already ran: with derandomized examples the members of
one differential test see the same cases, whichever worker runs them."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

MEMO_ENV = "SSOT_HARNESS_MEMO_DIR"


class CanonicalMemo:
    """A str -> str mapping (case description -> the canonical's trace) for one differential test.

    Keys and values must be deterministic text: the value one worker stores is the one another
    reads. `name` keeps the tests of a run apart (e.g. the family and the test's name)."""

    def __init__(self, name: str) -> None:
        if not re.fullmatch(r"[\w.-]+", name):
            raise ValueError(f"memo name {name!r}: letters, digits, '_', '.' or '-' only")
        self.name = name
        self._held: dict[str, str] = {}

    def _file(self, key: str) -> Path | None:
        folder = os.environ.get(MEMO_ENV)
        if not folder:
            return None
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        return Path(folder) / self.name / f"{digest}.txt"

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __getitem__(self, key: str) -> str:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def get(self, key: str) -> str | None:
        if key in self._held:
            return self._held[key]
        path = self._file(key)
        if path is None:
            return None
        try:
            value = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        self._held[key] = value
        return value

    def __setitem__(self, key: str, value: str) -> None:
        self._held[key] = value
        path = self._file(key)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_text(value, encoding="utf-8")
        os.replace(temporary, path)  # whole or absent: another worker never reads half a trace
