"""The content-keyed scan cache: one file under the cache dir, per-file entries keyed by stat and content hash."""

from __future__ import annotations

import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from harness.scan.facts import FileFacts

CACHE_FILE = "scan-v1.pickle"
_VERSION = 1


@dataclass(frozen=True)
class Entry:
    """What the scanner concluded about one file.

    `stat` is (size, mtime_ns, inode): when it is unchanged the entry is reused as is. When it
    changed, the file is read again and, if its content hash (`digest`) is the same, the facts are
    reused without parsing. `needles` is the signature of the needle set the file was checked
    against; `result` is None (mentions no needle), the file's facts, or a skip reason.
    """

    stat: tuple[int, int, int]
    needles: str
    digest: bytes | None
    result: FileFacts | str | None


@dataclass
class ScanCache:
    """All entries of one project, plus the needles learned from aliases on the last run."""

    path: Path | None
    entries: dict[str, Entry] = field(default_factory=dict)
    learned: frozenset[str] = frozenset()
    context: str = (
        ""  # what else the facts depend on (import roots, size limit): a change starts cold
    )

    @classmethod
    def load(cls, cache_dir: Path | None, *, context: str = "") -> ScanCache:
        if cache_dir is None:
            return cls(None, context=context)
        path = cache_dir / CACHE_FILE
        try:
            with open(path, "rb") as fh:
                data = pickle.load(fh)
            if data.get("version") != _VERSION or data.get("context") != context:
                return cls(path, context=context)
            return cls(path, dict(data["entries"]), frozenset(data["learned"]), context)
        except (
            OSError,
            EOFError,
            pickle.UnpicklingError,
            KeyError,
            AttributeError,
            TypeError,
            ValueError,
        ):
            return cls(
                path, context=context
            )  # missing or unreadable: start cold, it is only a cache

    def save(self) -> None:
        """Atomic replace, so concurrent runs (pytest -n 2) never leave a torn file."""
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            payload = {
                "version": _VERSION,
                "context": self.context,
                "entries": self.entries,
                "learned": sorted(self.learned),
            }
            fd, tmp = tempfile.mkstemp(prefix=".scan-", dir=self.path.parent)
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except OSError:
            pass  # a read-only tree still gets its audit, just not a warm one
