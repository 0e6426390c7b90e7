"""The scan cache: one versioned JSON file under the cache dir, per-file entries keyed by stat and content hash.

Plain data only (a tampered cache cannot run code); an unreadable or corrupt cache is rebuilt with
a warning on stderr; one of another version or context is rebuilt silently.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from harness.scan.atomic import write_text_atomic
from harness.scan.facts import FileFacts
from harness.scan.plain import FACTS_FORMAT, facts_from_data, facts_to_data

CACHE_FILE = "scan.json"
_new = tuple.__new__
_FORMAT = "ssot-harness scan cache"
_VERSION = 3 * 1000 + FACTS_FORMAT  # the entry layout and the facts format, together
_OLD_FILES = ("scan-v1.pickle",)  # earlier formats, removed when a new cache is written


class Entry(NamedTuple):
    """What the scanner concluded about one file (a tuple: a warm run builds one per file).

    `stat` is (size, mtime_ns, inode): when it is unchanged the entry is reused as is. When it
    changed, the file is read again and, if its content hash (`digest`, hex) is the same, the
    facts are reused without parsing. `needles` is the signature of the needle set the file was
    checked against; `result` is None (mentions no needle), the file's facts, or a skip reason.
    Facts do not depend on the needles.
    """

    stat: tuple[int, int, int]
    needles: str
    digest: str | None
    result: FileFacts | str | None


@dataclass
class ScanCache:
    """All entries of one project, plus the needles learned from aliases on the last run."""

    path: Path | None
    entries: dict[str, Entry] = field(default_factory=dict)
    learned: frozenset[str] = frozenset()
    # what else the facts depend on (import roots, size limit): a change starts cold
    context: str = ""

    @classmethod
    def load(
        cls, cache_dir: Path | None, *, context: str = "", name: str = CACHE_FILE
    ) -> ScanCache:
        """The cache file `name` under `cache_dir` (None: no cache at all)."""
        if cache_dir is None:
            return cls(None, context=context)
        path = cache_dir / name
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return cls(path, context=context)
        except OSError as exc:
            _warn(path, f"unreadable ({exc.strerror or exc})")
            return cls(path, context=context)
        try:
            data = json.loads(raw)
            if not isinstance(data, dict) or data.get("format") != _FORMAT:
                raise ValueError("not a scan cache")
            if data.get("version") != _VERSION or data.get("context") != context:
                return cls(path, context=context)  # another version or settings: start cold
            sigs = [str(n) for n in data["needle_sets"]]
            files = data["files"]
            if not isinstance(files, dict):
                raise TypeError("files is not a table")
            entries = {  # the common entry (a file mentioning no needle) without a call
                rel: (
                    _new(Entry, ((i[0], i[1], i[2]), sigs[i[3]], i[4], None))
                    if i[5] is None and len(i) == 6
                    else _entry(i, sigs)
                )
                for rel, i in files.items()
            }
            return cls(path, entries, frozenset(str(n) for n in data["learned"]), context)
        except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
            _warn(path, f"corrupt ({type(exc).__name__}: {exc})")
            return cls(path, context=context)

    def save(self) -> None:
        """Atomic replace, so concurrent runs (pytest -n 2) never leave a torn file."""
        if self.path is None:
            return
        sigs = sorted({e.needles for e in self.entries.values()})
        index = {sig: i for i, sig in enumerate(sigs)}
        payload = {
            "format": _FORMAT,
            "version": _VERSION,
            "context": self.context,
            "learned": sorted(self.learned),
            "needle_sets": sigs,  # each entry names its needle set by index: stored once
            "files": {rel: _item(e, index) for rel, e in sorted(self.entries.items())},
        }
        try:
            write_text_atomic(self.path, json.dumps(payload, separators=(",", ":")))
            for old in _OLD_FILES:
                (self.path.parent / old).unlink(missing_ok=True)
        except OSError:
            pass  # a read-only tree still gets its audit, just not a warm one


def _item(e: Entry, index: dict[str, int]) -> list[Any]:
    result: Any = e.result
    if isinstance(result, FileFacts):
        result = facts_to_data(result)
    return [*e.stat, index[e.needles], e.digest, result]


def _entry(item: list[Any], sigs: list[str]) -> Entry:
    """One stored entry; a stat or digest of the wrong type only ever fails to match (the file is
    then read again), a result of the wrong type makes the cache corrupt."""
    size, mtime, inode, sig, digest, result = item
    if result is None or type(result) is str:
        return Entry((size, mtime, inode), sigs[sig], digest, result)
    if isinstance(result, dict):
        return Entry((size, mtime, inode), sigs[sig], digest, facts_from_data(result))
    raise TypeError(f"bad entry result {type(result).__name__}")


def _warn(path: Path, why: str) -> None:
    print(f"ssot-harness: warning: scan cache {path} is {why}; rebuilding it", file=sys.stderr)
