"""The scan cache: what the scanner concluded per file, keyed by content (git blob id), in one file.

A file's conclusion (mentions no needle of a set, its facts, or why it has none) depends on its
bytes alone (and its path, for facts), so it is kept under the bytes' git blob id: git names a
tracked file its stat check finds unchanged by that id, and the scanner hashes the others
(untracked, modified, or everything outside git) itself, unless their stat is the one recorded
with their id on an earlier run and not racy (see `trusted`). Conclusions about contents that
left a path are kept a while (a checkout back finds them).

The file is JSON lines, each decoded only when needed, so a warm run does not decode the cache;
each line after the header is sealed with its digest, checked when the line is decoded (a byte
changed on disk parses as other facts, other findings: it must be seen, not believed), and a
facts line names its file (lines moved are seen too):

0. the header: format, version, and the settings the facts depend on (`context`);
1. the needles learned from aliases, the stat keys of the files git does not name by blob id,
   and the last run's whole answer (`Memo`) with the digest of what it was computed from;
2. that answer's module names;
3. every file's conclusion, and those kept for contents that left their path;
4. and on: one file's facts per line, read only for the files whose facts are asked for.

Plain data only (a tampered cache cannot run code); an unreadable or corrupt cache (a line that
does not match its digest, or one that does but holds other shapes or types than `save` writes:
see checked.py) is rebuilt with one warning on stderr; one of another version or context (or the
single JSON file of earlier versions) is rebuilt silently. Written by atomic replace (concurrent runs never tear it).
"""

from __future__ import annotations

import functools
import json
import os
import sys
import weakref
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from harness.scan.atomic import warn_unwritten, write_bytes_atomic
from harness.scan.checked import rows, strings, table
from harness.scan.digests import seal, unseal
from harness.scan.facts import FileFacts
from harness.scan.plain import FACTS_FORMAT, facts_from_data, facts_to_data

CACHE_FILE = "scan.jsonl"
_FORMAT = "ssot-harness scan cache"
_VERSION = 5 * 1000 + FACTS_FORMAT  # the layout and the facts format, together
_OLD_FILES = ("scan.json", "scan-v1.pickle")  # earlier formats, removed when a new cache is written
# conclusions kept for contents no longer at their path (a checkout back, a revert): bounded
KEEP_OLDER = 4096

# A file's conclusion: None (mentions no needle of its set), facts (FileFacts, or the index of
# their line in the file loaded), a skip reason, or CANDIDATE (mentions a needle, not parsed: a
# type stub beside its .py, whose facts are not needed).
Result = FileFacts | int | str | None
CANDIDATE = -1
# (size, mtime_ns, inode, ctime_ns) of a file, as the walk and the git listing record it
Stat = tuple[int, int, int, int]
_STAT = (int, int, int, int)


class Known(NamedTuple):
    """What the scanner concluded about the bytes `key` at one path (a tuple: one per file)."""

    key: str | None  # the bytes' git blob id; None: not hashed (the walk's file with no needle)
    stat: Stat | None  # the stat these bytes were read at (None: named by git, not stat'ed)
    needles: str  # the signature of the needle set the bytes were checked against
    result: Result


class Memo(NamedTuple):
    """A whole scan's answer, and the digest of what it was computed from (see index.scan)."""

    digest: str
    files_walked: int
    needles: tuple[str, ...]
    skipped: list[tuple[str, str]]  # (path relative to the project root, reason), in order
    facts: list[tuple[str, Result]]  # (path, its facts) of each file whose facts it holds


class ScanCache:
    """One project's cache file: loaded in parts on demand, saved whole."""

    def __init__(self, path: Path | None, context: str = "") -> None:
        self.path = path
        self.context = context
        self.learned: frozenset[str] = frozenset()
        self.loose: dict[str, tuple[Stat, str]] = {}  # path -> (stat, key), git's loose files
        self.memo: Memo | None = None
        self.written = 0  # mtime_ns of the file loaded: a stat at or after it is racy
        self._valid = False  # lines 0 and 1 were read and are of this version and context
        self._tail: bytes | Any = b""  # what follows line 1: its start, or a reader of the rest
        self._parts_read: list[bytes] | None = None  # the undecoded lines 2, 3 and the facts
        self._files: dict[str, Known] | None = None
        self._older: dict[tuple[str, str], Known] = {}
        self._lines: list[bytes] | None = None  # the facts lines, split on first use
        self._modules: frozenset[str] | None = None
        self._decoded: dict[int, FileFacts] = {}
        self._warned = False

    @property
    def empty(self) -> bool:
        return not self._valid

    @property
    def _parts(self) -> list[bytes]:
        """Lines 2 and 3 and the facts, undecoded: read from the file on first use (a warm run
        that takes the last answer back reads only lines 0 and 1)."""
        if self._parts_read is None:
            tail = self._tail if isinstance(self._tail, bytes) else self._tail()
            self._parts_read = tail.split(b"\n", 2) if self._valid else []
        return self._parts_read

    @classmethod
    def load(
        cls, cache_dir: Path | None, *, context: str = "", name: str = CACHE_FILE
    ) -> ScanCache:
        """The cache file `name` under `cache_dir` (None: no cache at all); lines 0 and 1 only."""
        if cache_dir is None:
            return cls(None, context)
        cache = cls(cache_dir / name, context)
        try:
            fh = open(cache_dir / name, "rb")  # noqa: SIM115 - kept open for the rest, see _parts
        except FileNotFoundError:
            return cache
        except OSError as exc:
            cache._warn(f"unreadable ({exc.strerror or exc})")
            return cache
        try:
            cache.written = os.fstat(fh.fileno()).st_mtime_ns
            raw = fh.read(1 << 16)
            while raw.count(b"\n") < 2:  # lines 0 and 1 only
                more = fh.read(max(len(raw), 1 << 16))
                if not more:
                    break
                raw += more
        except OSError as exc:
            fh.close()
            cache._warn(f"unreadable ({exc.strerror or exc})")
            return cache
        try:
            parts = raw.split(b"\n", 2)
            head = json.loads(parts[0])
            if not isinstance(head, dict) or head.get("format") != _FORMAT:
                raise ValueError("not a scan cache")
            if head.get("version") != _VERSION or head.get("context") != context:
                fh.close()
                return cache  # another version (or the old single JSON file) or settings: cold
            if len(parts) < 3:
                raise ValueError("truncated")
            state = table(json.loads(unseal(parts[1])), ("learned", "loose", "memo"), "line 1")
            cache.learned = frozenset(strings(state["learned"], "learned"))
            cache.loose = {
                p: ((s, m, i, c), k)
                for p, s, m, i, c, k in rows(state["loose"], (str, *_STAT, str), "loose")
            }
            if state["memo"] is not None:
                cache.memo = _memo(state["memo"])
        except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
            fh.close()
            cache._corrupt(exc)
            return cache
        cache._valid = True
        cache._tail = functools.partial(_read_rest, fh, parts[2])
        weakref.finalize(cache, fh.close)  # (when the rest was never asked for)
        return cache

    # the parts decoded on demand -------------------------------------------------------------
    def modules(self) -> frozenset[str] | None:
        """The memo's module names (None: unreadable, the cache is then rebuilt)."""
        if self._modules is None and self._parts:
            try:
                self._modules = frozenset(strings(json.loads(unseal(self._parts[0])), "modules"))
            except (ValueError, TypeError) as exc:
                self._corrupt(exc)
        return self._modules

    def files(self) -> dict[str, Known]:
        """Path -> the conclusion the last run kept for it (decoded on first use)."""
        if self._files is None:
            self._files = {}
            if self._parts:
                try:
                    self._decode_table(json.loads(unseal(self._parts[1])))
                except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
                    self._files, self._older = {}, {}
                    self._corrupt(exc)
        return self._files

    def older(self, rel: str, key: str) -> Known | None:
        """A conclusion about the bytes `key` at `rel` that the last run no longer had there."""
        self.files()
        return self._older.get((rel, key))

    def facts(self, result: Result, rel: str) -> FileFacts | None:
        """The facts a conclusion about the file `rel` holds (decoding its line); None when there
        are none, or when the line is unreadable or not that file's (with a warning: the caller
        then parses the file again)."""
        if isinstance(result, FileFacts):
            return result
        if type(result) is not int or result < 0:
            return None
        found = self._decoded.get(result)
        if found is None:
            try:
                found = facts_from_data(json.loads(unseal(self._facts_lines()[result])))
                if found.path != rel:
                    raise ValueError(f"line {result} holds the facts of {found.path}, not {rel}")
                self._decoded[result] = found
            except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
                self._corrupt(exc)
                return None
        return found if found.path == rel else None

    def discard(self) -> None:
        """Remove the file (it is then rebuilt cold); a file that cannot be removed is left."""
        if self.path is not None:
            try:
                self.path.unlink(missing_ok=True)
            except OSError:
                pass

    def _facts_lines(self) -> list[bytes]:
        if self._lines is None:
            self._lines = self._parts[2].split(b"\n") if len(self._parts) > 2 else []
        return self._lines

    def _decode_table(self, data: Any) -> None:
        found = table(data, ("sigs", "files", "older"), "line 3")
        sigs = strings(found["sigs"], "sigs")
        count = len(self._facts_lines())
        files = self._files = {}
        for rel, key, sig, result, *stat in _list(found["files"], "files"):
            if not _row(rel, key, sig, len(sigs)):
                raise TypeError("files: a row is not (path, key, needles, result[, stat])")
            files[rel] = Known(key, _stat(stat), sigs[sig], _result(result, count))
        for rel, key, sig, result in _list(found["older"], "older"):
            if not _row(rel, key, sig, len(sigs)) or key is None:
                raise TypeError("older: a row is not (path, key, needles, result)")
            self._older[(rel, key)] = Known(key, None, sigs[sig], _result(result, count))

    def trusted(self, stat: Stat, recorded: Stat | None) -> bool:
        """Whether a file whose stat is `stat` still holds the bytes read at `recorded`: the same
        stat, and not racy (changed in or after the clock tick the cache was written in, so that a
        second change in that tick would not show: git's rule for its index)."""
        return stat == recorded and stat[1] < self.written and stat[3] < self.written

    # saving -----------------------------------------------------------------------------------
    def save(
        self,
        files: dict[str, Known],
        *,
        learned: Iterable[str],
        loose: dict[str, tuple[Stat, str]],
        memo: Memo | None,
        modules: Iterable[str],
        older: Iterable[tuple[str, Known]] = (),
    ) -> None:
        """Write the cache whole (atomic replace); `older` are conclusions about contents that
        left their path this run, kept beside the last run's (newest first, KEEP_OLDER at most)."""
        if self.path is None:
            return
        self.files()
        sigs: dict[str, int] = {}
        lines: list[bytes] = []
        numbered: dict[int, int] = {}  # line loaded -> line written
        written: dict[int, int] = {}  # id of new facts -> line written

        def out(result: Result) -> Any:
            if isinstance(result, FileFacts):
                at = written.get(id(result))
                if at is None:
                    at = written[id(result)] = len(lines)
                    lines.append(_sealed(facts_to_data(result)))
                return at
            if type(result) is int and result >= 0:
                at = numbered.get(result)
                if at is None:
                    at = numbered[result] = len(lines)
                    lines.append(self._facts_lines()[result])
                return at
            return result

        def sig(needles: str) -> int:
            return sigs.setdefault(needles, len(sigs))

        rows = []
        for rel, k in files.items():
            row = [rel, k.key, sig(k.needles), out(k.result)]
            rows.append(row if k.stat is None else [*row, *k.stat])
        kept: list[list[Any]] = []
        seen = {(rel, k.key) for rel, k in files.items()}
        for rel, k in _newest(older, self._older.items()):
            if k.key is not None and len(kept) < KEEP_OLDER and (rel, k.key) not in seen:
                seen.add((rel, k.key))
                kept.append([rel, k.key, sig(k.needles), out(k.result)])
        head = {"format": _FORMAT, "version": _VERSION, "context": self.context}
        state = {
            "learned": sorted(learned),
            "loose": [[p, *s, k] for p, (s, k) in sorted(loose.items())],
            "memo": None
            if memo is None
            else memo._replace(facts=[(p, out(r)) for p, r in memo.facts])._asdict(),
        }
        table = {"sigs": list(sigs), "files": rows, "older": kept}
        parts = [_dumps(head), _sealed(state), _sealed(sorted(modules)), _sealed(table), *lines]
        try:
            write_bytes_atomic(self.path, b"\n".join(parts))
            for old in _OLD_FILES:
                if old != self.path.name:
                    (self.path.parent / old).unlink(missing_ok=True)
        except OSError as exc:  # a read-only tree still gets its answer, just not a warm one
            warn_unwritten(
                "scan cache", self.path, exc, "this answer is whole, the next run starts cold"
            )

    def _corrupt(self, exc: Exception) -> None:
        self._valid = False
        self._parts_read = []
        self.memo = None
        self._warn(f"corrupt ({type(exc).__name__}: {exc})")

    def _warn(self, why: str) -> None:
        """Say once why the cache is rebuilt (a second damaged line adds nothing to say)."""
        if self._warned:
            return
        self._warned = True
        print(
            f"ssot-harness: warning: scan cache {self.path} is {why}; rebuilding it",
            file=sys.stderr,
        )


def _read_rest(fh: BinaryIO, start: bytes) -> bytes:
    """`start` and the rest of the file open as `fh` (then closed); what cannot be read: b""."""
    try:
        with fh:
            return start + fh.read()
    except OSError:
        return b""


def _newest(
    first: Iterable[tuple[str, Known]], then: Iterable[tuple[tuple[str, str], Known]]
) -> Iterator[tuple[str, Known]]:
    yield from first
    for (rel, _key), known in then:
        yield rel, known


def _dumps(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()


def _sealed(data: Any) -> bytes:
    return seal(_dumps(data))


def _memo(data: Any) -> Memo:
    """The last run's answer as line 1 holds it; a TypeError when it is not as `save` writes it."""
    memo = table(data, Memo._fields, "memo")
    digest, walked = memo["digest"], memo["files_walked"]
    if type(digest) is not str or type(walked) is not int:
        raise TypeError("memo: digest is not a string, or files_walked not a number")
    return Memo(
        digest,
        walked,
        tuple(strings(memo["needles"], "memo needles")),
        [(p, r) for p, r in rows(memo["skipped"], (str, str), "memo skipped")],
        [(p, n) for p, n in rows(memo["facts"], (str, int), "memo facts")],
    )


def _list(value: Any, what: str) -> list[Any]:
    if type(value) is not list or not all([type(row) is list for row in value]):
        raise TypeError(f"{what} is not a list of rows")
    return value


def _stat(stat: list[Any]) -> Stat | None:
    """A row's stat: none, or four numbers (anything else makes the cache corrupt)."""
    if not stat:
        return None
    if tuple(map(type, stat)) != _STAT:
        raise TypeError("files: a stat is not (size, mtime, inode, ctime)")
    return tuple(stat)  # type: ignore[return-value]


def _row(rel: Any, key: Any, sig: Any, sigs: int) -> bool:
    """Whether a table row's path, key and needle set are as `save` writes them."""
    return (
        type(rel) is str
        and (key is None or type(key) is str)
        and type(sig) is int
        and 0 <= sig < sigs
    )


def _result(result: Any, lines: int) -> Result:
    """A stored conclusion; one of the wrong type, or facts beyond the last line, make the cache
    corrupt."""
    if result is None or type(result) is str:
        return result  # type: ignore[no-any-return]
    if type(result) is int and CANDIDATE <= result < lines:
        return result
    raise TypeError(f"bad entry result {result!r}")
