"""Turns a project tree into facts: list, byte prefilter on needles, parse only candidates, cache, 2 cores.

Each file is read at most once per run, by this process (cheap next to parsing); the candidates'
bytes go in batches to a forked helper while the reading goes on, then both parse what is left
(see Batches). The bytes of files that mention no needle are kept (up to HOLD_BYTES) for the
passes that look for names learned later (aliases of members), so those passes do not read the
files again.

With a cache (see cache.py), what was concluded about a file's bytes is reused while they are
the same: inside git, a tracked file git's stat check finds unchanged is known by its blob id
without being read or stat'ed; and when git's listing and the bytes of the few files git does
not vouch for are those of the last run, its whole answer is taken back without looking at any
file (`ScanResult.digest` says so, and the facts are decoded only if asked for).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness.scan import early
from harness.scan.cache import (
    CACHE_FILE,
    CANDIDATE,
    Known,
    Memo,
    Result,
    ScanCache,
    Stat,
)
from harness.scan.digests import blake2b, blob_id
from harness.scan.early import minimal
from harness.scan.facts import FileFacts, module_name
from harness.scan.gitfiles import GitListing, GitTree, git_listing
from harness.scan.layout import importable, relative
from harness.scan.needles import NeedleMatcher
from harness.scan.parse import MAX_BYTES
from harness.scan.parser import Parser, parse_batch
from harness.scan.result import Facts, ScanResult, answer_digest, gc_paused, holds_facts, reasons
from harness.scan.skip import UNREAD, Skipped
from harness.scan.walk import StatKey, walk_strings

__all__ = ["HOLD_BYTES", "GREP_BYTES", "ScanResult", "gc_paused", "read_file", "scan"]

# Bytes of files that matched no needle, kept for later passes; beyond this a later pass reads
# the remaining files again (and counts them in files_read).
HOLD_BYTES = 32 * 1024 * 1024
# Below this many bytes to search, this process searches them itself rather than start git grep.
GREP_BYTES = 4 * 1024 * 1024


def scan(
    project_root: Path,
    roots: Sequence[str | Path],
    needles: Iterable[str],
    *,
    exclude: Iterable[str] = (),
    cache_dir: Path | None = None,
    cache_name: str = CACHE_FILE,
    jobs: int | None = None,
    max_bytes: int = MAX_BYTES,
    import_roots: tuple[str, ...] = ("src",),
    expand: Callable[[Facts, tuple[str, ...], frozenset[str]], Iterable[str]] | None = None,
    hold_bytes: int | None = None,
    held: dict[str, bytes] | None = None,
    definitions_only: bool = False,
    git: bool = True,
) -> ScanResult:
    """Facts of the files under `roots` (relative to `project_root`) whose bytes mention a needle.

    `expand(facts, needles, modules)` may name more identifiers to look for (e.g. aliases of
    members found in the facts; `modules`: every walked file's); the scan repeats on the files not
    yet matched until nothing new turns up, over the bytes the first pass kept (`hold_bytes`,
    default HOLD_BYTES). The needles learned that way are remembered in the cache, so a warm run
    does not repeat the search.

    `held` gives bytes the caller already read (by path relative to `project_root`): they are not
    read again. With `definitions_only` the facts hold no references (see `extract`).

    Inside a git work tree (unless `git` is False) the file list comes from git and the files that
    may mention a needle from `git grep` (see gitfiles): the same answers, except for files git
    ignores; elsewhere, the walk and a search of every file's bytes here.
    """
    again = functools.partial(scan, **locals())  # (the arguments: a scan afresh, see `remembered`)
    project_root = project_root.resolve()
    top = os.fspath(project_root)
    exclude = tuple(exclude)
    cut = ("bodies cut",) if definitions_only else ()  # read from the text without function bodies
    context = repr((sorted(import_roots), max_bytes, definitions_only, *cut))
    cache = ScanCache.load(cache_dir, context=context, name=cache_name)
    base = minimal(needles)
    current = minimal((*base, *cache.learned))
    absolute = [os.path.normpath(os.path.join(top, os.fspath(r))) for r in roots]
    keyed = cache.path is not None  # content keys are only worth computing to be kept
    reader = _Reader(
        {},
        top,
        jobs=jobs,
        max_bytes=max_bytes,
        import_roots=import_roots,
        hold_bytes=HOLD_BYTES if hold_bytes is None else hold_bytes,
        definitions_only=definitions_only,
        held=dict(held or {}),
        cache=cache,
        keyed=keyed,
    )
    stats = reader.stats
    listing = None
    if git:
        grep = current if cache.empty and not held else ()  # cold: git grep beside the listing
        listing = git_listing(top, absolute, exclude, grep=grep, keyed=keyed)
    early.discard()  # what was started ahead for another scan
    digest = listed = ""
    if listing is not None and keyed and not held:
        listed = reader.fingerprint(listing)  # "": the scan walks, its answer has no digest
        digest = answer_digest(listed, context, current, absolute, exclude) if listed else ""
        if listed and cache.memo is not None and cache.memo.digest == digest:
            listing.close()  # nothing changed since the last run: its answer
            return reader.remembered(cache.memo, again)
    tree = listing.tree(stats) if listing is not None else None
    if tree is not None:
        paths, walk_skips = tree.paths, tree.skipped
        reader.tree, reader.blobs = tree, tree.blobs
    else:  # (a walk stats every file anew: no digest pairs its answer with the listing's)
        stats.clear()
        listed = ""
        paths, walk_skips = walk_strings(absolute, exclude, relative_to=top, stats=stats)
    head = top + os.sep
    located = [
        (
            path,
            path[len(head) :].replace(os.sep, "/")
            if path.startswith(head)
            else relative(path, top),
        )
        for path in paths
    ]
    named = {rel: module_name(rel, import_roots) for _, rel in located}
    files, shadowed = importable(located, named)
    walk_skips = [*walk_skips, *shadowed]
    reader.stems = {rel for _, rel in files if rel.endswith(".py")}
    modules = frozenset(named[rel][0] for _, rel in files)
    known = cache.files()
    prior = known
    restarted = False
    with gc_paused():  # a parse makes many objects and no cycles: collecting only costs time
        while True:
            entries, _ = reader.run(files, current, prior, first=prior is known)
            if not current:
                break  # no needle: every file was a candidate, there is nothing to learn
            found = tuple(reader.facts_of(entries))
            more = set(expand(found, current, modules)) if expand else set()
            extra = {name for name in more if not any(n in name for n in current)}
            if extra:  # a later pass checks only the files that mentioned no needle, for them
                current = minimal((*current, *extra))
            elif restarted or set(current) == set(minimal((*base, *more))):
                break
            else:  # a name learned earlier that nothing names now (an alias removed, another
                # config): what only it found is not the answer; from the config's needles again,
                # as a cold run goes (the files' conclusions are kept, only candidates are read)
                current, restarted = base, True
            prior = entries
    reader.held.clear()
    if tree is not None:
        tree.close()
    learned = frozenset(current) - frozenset(base)
    skipped = [Skipped(Path(relative(path, top)), reason) for path, reason in walk_skips]
    skipped += [Skipped(Path(rel), why) for rel, why in reasons(entries, reader.stems)]
    skipped.sort(key=lambda s: (s.path.as_posix(), s.reason))
    decoded = tuple(reader.facts_of(entries))  # (a line that cannot be decoded: parsed again)
    if listed:  # the digest the next run starts with: with the needles learned here
        digest = answer_digest(listed, context, minimal((*base, *learned)), absolute, exclude)
    if keyed and (
        reader.looked
        or reader.repaired
        or learned != cache.learned
        or entries.keys() != known.keys()
        or digest != (cache.memo.digest if cache.memo else "")
    ):  # a warm run that changed nothing leaves the file alone
        memo = None
        if listed:
            why = [(s.path.as_posix(), s.reason) for s in skipped]
            facts = [(f.path, entries[f.path].result) for f in decoded]
            memo = Memo(digest, len(files), current, why, facts)
        left = [
            (rel, k)
            for rel, k in known.items()
            if (e := entries.get(rel)) is None or e.key != k.key
        ]
        loose = {rel: v for rel, v in reader.loose.items() if rel in entries}
        cache.save(
            entries,
            learned=learned,
            loose=loose,
            memo=memo,
            modules=modules if listed else (),
            older=left,
        )
    return ScanResult(
        skipped=tuple(skipped),
        files_walked=len(files),
        files_read=reader.reads,
        files_parsed=reader.parsed,
        needles=current,
        load=lambda: (decoded, modules),
        digest=digest,
    )


# (path, rel, stat (None: named by git), key (None: unknown), a conclusion about bytes that may
# be these, a stub beside its .py, needles to check)
_Todo = tuple[str, str, Stat | None, str | None, Known | None, bool, tuple[str, ...]]


@dataclass
class _Reader:
    """The passes of one scan: each reads a file at most once, parses candidates (in workers when
    there are many bytes to parse) and keeps the bytes of the files that matched nothing."""

    stats: dict[str, StatKey]
    top: str
    jobs: int | None
    max_bytes: int
    import_roots: tuple[str, ...]
    hold_bytes: int
    cache: ScanCache
    definitions_only: bool = False
    held: dict[str, bytes] = field(default_factory=dict)
    keyed: bool = False  # content keys are computed (to be kept in the cache)
    stems: set[str] = field(default_factory=set)
    tree: GitTree | None = None  # git's listing: `git grep` finds the candidates
    blobs: dict[str, str] = field(default_factory=dict)  # path -> blob id (see GitTree.blobs)
    loose: dict[str, tuple[Stat, str]] = field(default_factory=dict)  # rel -> stat, key
    hex_len: int = 40
    held_size: int = 0
    reads: int = 0  # files read from disk this run
    looked: int = 0  # files whose bytes were looked at (read, or given as held)
    parsed: int = 0  # candidates parsed this run
    repaired: int = 0  # facts parsed again because their cached line was unreadable
    _matchers: dict[tuple[str, ...], NeedleMatcher] = field(default_factory=dict)
    _rest: dict[str, tuple[str, ...]] = field(default_factory=dict)  # per run(): see there
    _covered: dict[str, bool] = field(default_factory=dict)  # per run(): see _candidate
    # rel -> the stat its held bytes were read at (see _bytes)
    _held_at: dict[str, Stat] = field(default_factory=dict)

    # the whole answer of an earlier run -------------------------------------------------------
    def fingerprint(self, listing: GitListing) -> str:
        """The digest of the tree as git lists it and of the content keys of the files git does
        not vouch for (read only when their stat is not the one recorded with their key); ""
        when the scan must walk."""
        loose = listing.loose(self.stats)
        if loose is None:
            return ""
        self.hex_len = listing.hex_len
        digest = blake2b(listing.digest.encode(), digest_size=16)
        recorded = self.cache.loose
        head = self.top + os.sep
        for path in loose:
            rel = path[len(head) :].replace(os.sep, "/")
            stat = self.stats.get(path)
            if not isinstance(stat, tuple):
                digest.update(f"\0{rel}\0{stat}".encode(errors="surrogateescape"))
                continue
            old = recorded.get(rel)
            if old is not None and self.cache.trusted(stat, old[0]):
                key = old[1]
            else:
                data = self._bytes(path, rel, stat)
                if isinstance(data, OSError):
                    digest.update(f"\0{rel}\0{data}".encode(errors="surrogateescape"))
                    continue
                key = blob_id(data, self.hex_len)
                self._hold(rel, data, stat)
            self.loose[rel] = (stat, key)
            digest.update(f"\0{rel}\0{key}".encode(errors="surrogateescape"))
        return digest.hexdigest()

    def remembered(self, memo: Memo, again: Callable[[], ScanResult]) -> ScanResult:
        """The answer `memo` holds; its facts are decoded when asked for (and should a line of
        the cache be unreadable, by a scan started afresh)."""
        cache = self.cache

        def load() -> tuple[Facts, frozenset[str]]:
            facts = [cache.facts(line, rel) for rel, line in memo.facts]
            modules = cache.modules()
            if modules is None or any(f is None for f in facts):
                cache.discard()  # (said why) rebuilt by a scan that trusts nothing in it
                fresh = again()
                return fresh.facts, fresh.modules
            return tuple(f for f in facts if f is not None), modules

        return ScanResult(
            skipped=tuple(Skipped(Path(p), r) for p, r in memo.skipped),
            files_walked=memo.files_walked,
            files_read=self.reads,
            files_parsed=0,
            needles=memo.needles,
            load=load,
            digest=memo.digest,
        )

    # one pass ----------------------------------------------------------------------------------
    def run(
        self,
        files: list[tuple[str, str]],
        needles: tuple[str, ...],
        prior: dict[str, Known],
        *,
        first: bool,
    ) -> tuple[dict[str, Known], int]:
        """One pass: what `prior` (the cache, or this run's previous pass) knows, and the rest
        read (or taken from the held bytes); returns the entries and how many files were looked
        at. On the `first` pass a stat is trusted only if it is not racy (see ScanCache.trusted)."""
        sig = "\0".join(needles)
        self._rest.clear()  # what is left to check, by the needles a file is known not to hold
        self._covered.clear()
        entries: dict[str, Known] = {}
        todo: list[_Todo] = []
        blobs, stats, loose, stems = self.blobs, self.stats, self.loose, self.stems
        trusted = self.cache.trusted if first else _same
        older = self.cache.older if first else _none
        for path, rel in files:
            old = prior.get(rel)
            stub = rel.endswith(".pyi") and rel[:-1] in stems
            key = blobs.get(path)
            stat: Stat | None = None
            if key is not None:  # named by git
                if old is None or old.key != key:
                    old = older(rel, key)
                same = old is not None
            else:
                found = stats.get(path)
                if found is None:  # not seen by the listing (cannot happen today): stat it now
                    found = stats[path] = _lstat(path)
                if isinstance(found, OSError):
                    entries[rel] = Known(None, None, sig, f"unreadable: {found.strerror or found}")
                    continue
                stat = found
                same = old is not None and trusted(stat, old.stat)
                if same:
                    key = old.key  # type: ignore[union-attr]
                elif rel in loose and loose[rel][0] == stat:
                    key = loose[rel][1]  # hashed this run
                    if old is None or old.key != key:
                        old = older(rel, key)
                    same = old is not None
                # else: bytes not known yet: `old` may hold them (compared once they are read)
            if same:
                assert old is not None
                result = old.result
                if result is None:
                    rest = self._rest.get(old.needles)  # once per old needle set, not per file
                    if rest is None:  # known not to mention the old needles: the others only
                        seen = frozenset(old.needles.split("\0"))
                        rest = self._rest[old.needles] = tuple(n for n in needles if n not in seen)
                    if rest or not needles:  # (no needle: every file is a candidate)
                        todo.append((path, rel, stat, key, None, stub, rest))
                    else:
                        entries[rel] = Known(key, stat, sig, None)
                    continue
                if not self._candidate(old.needles, sig, result):
                    # found by a needle that may not be one of these: still a candidate? (its
                    # facts are taken back if so, not parsed again)
                    todo.append((path, rel, stat, key, old, stub, needles))
                    continue
                if result != CANDIDATE or stub:
                    entries[rel] = Known(key, stat, sig, result)  # facts do not depend on needles
                    continue
                todo.append((path, rel, stat, key, None, stub, ()))  # a candidate to parse
                continue
            todo.append((path, rel, stat, key, old, stub, needles))
        if todo:
            self._process(todo, sig, entries)
            self.looked += len(todo)
        return entries, len(todo)

    def _candidate(self, old: str, sig: str, result: Result) -> bool:
        """Whether bytes whose conclusion `result` was reached while looking for the needles `old`
        are a candidate for the needles `sig` too: every old needle holds one of these (or there
        is no needle now), or the conclusion does not depend on needles (too large, unreadable)."""
        if type(result) is str and result.startswith(UNREAD):
            return True
        found = self._covered.get(old)
        if found is None:
            now = sig.split("\0") if sig else []
            found = self._covered[old] = not now or (
                bool(old) and all(any(n in o for n in now) for o in old.split("\0"))
            )
        return found

    def _process(self, todo: list[_Todo], sig: str, entries: dict[str, Known]) -> None:
        hits = self._grep(todo)
        parse = Parser(self.jobs, self.import_roots, self.definitions_only)
        try:
            for n, (path, rel, stat, key, old, stub, check) in enumerate(todo):
                if not n % 16:
                    parse.batches.poll()  # a helper done with its batch takes the next
                if stat is None:  # named by git: stat'ed only now its bytes are needed
                    found = _lstat(path)
                    if isinstance(found, OSError):
                        entries[rel] = Known(None, None, sig, f"unreadable: {found.strerror}")
                        continue
                    stat, named = found, key
                else:
                    named = None
                if stat[0] > self.max_bytes:
                    reason = f"too large: {stat[0]} bytes (limit {self.max_bytes})"
                    entries[rel] = Known(key, stat if named is None else None, sig, reason)
                    continue
                if check and hits is not None and path not in hits and rel not in self.held:
                    # git grep: no needle there
                    entries[rel] = Known(key, stat if named is None else None, sig, None)
                    continue
                data, read_at = self._bytes(path, rel, stat), stat
                if isinstance(data, OSError):
                    entries[rel] = Known(None, None, sig, f"unreadable: {data.strerror or data}")
                    continue
                if self.keyed and (key is None or named is not None):
                    key = blob_id(data, self.hex_len)
                    if key == named:
                        stat = None  # the blob git named: known by its id, as before
                if check and not self._matcher(check).search(data):
                    entries[rel] = Known(key, stat, sig, None)  # no needle
                    self._hold(rel, data, read_at)
                    continue
                if key is not None and (old is None or old.key != key):
                    old = self.cache.older(rel, key)
                if old is not None and old.key == key and old.result not in (None, CANDIDATE):
                    entries[rel] = Known(key, stat, sig, old.result)  # same bytes: not parsed
                elif stub:
                    entries[rel] = Known(key, stat, sig, CANDIDATE)
                else:
                    parse.add(rel, data, (key, stat))
            for rel, result, (key, stat) in parse.results():
                entries[rel] = Known(key, stat, sig, result)
                self.parsed += 1
        finally:
            parse.close()

    def _grep(self, todo: list[_Todo]) -> set[str] | None:
        """The paths `git grep` finds holding any needle some file of `todo` is checked for; None
        (search here) outside git, or when reading the few bytes here costs less than a grep."""
        if self.tree is None:
            return None
        needles: set[str] = set()
        size = 0
        for _path, rel, stat, _key, _old, _stub, check in todo:
            if check and rel not in self.held:
                needles.update(check)
                size += stat[0] if stat is not None else 4096
        if not needles or (size < GREP_BYTES and not self.tree.started(needles)):
            return None
        return self.tree.candidates(needles)

    # the answer ---------------------------------------------------------------------------------
    def holds_facts(self, rel: str, known: Known) -> bool:
        return holds_facts(rel, known, self.stems)

    def facts_of(self, entries: dict[str, Known]) -> list[FileFacts]:
        """The facts of the files `entries` hold facts of, decoded from the cache (a line that
        cannot be decoded: the file parsed again)."""
        out: list[FileFacts] = []
        for rel, known in sorted(entries.items()):
            if not self.holds_facts(rel, known):
                continue
            facts = self.cache.facts(known.result, rel)
            if facts is None:
                again = self._reparse(rel)
                entries[rel] = known._replace(result=again)
                if isinstance(again, str):
                    continue
                facts = again
            out.append(facts)
        return out

    def _reparse(self, rel: str) -> FileFacts | str:
        self.repaired += 1
        path = self.top + os.sep + rel.replace("/", os.sep)
        try:
            data = read_file(path, os.stat(path).st_size)
        except OSError as exc:
            return f"unreadable: {exc.strerror or exc}"
        self.reads += 1
        self.parsed += 1
        return parse_batch([(rel, data)], self.import_roots, self.definitions_only)[0][1]

    # bytes ---------------------------------------------------------------------------------------
    def _bytes(self, path: str, rel: str, stat: Stat) -> bytes | OSError:
        """The bytes of `path`, whose stat is `stat`: held ones if they were read at that stat
        (bytes read before a stat may be older than it, and would be kept under it), else read."""
        data = self.held.pop(rel, None)
        if data is not None:
            self.held_size -= len(data)
            if self._held_at.pop(rel, stat) == stat:  # (the caller's bytes: as they are now)
                return data
        self.reads += 1
        try:
            return read_file(path, stat[0])
        except OSError as exc:
            return exc

    def _hold(self, rel: str, data: bytes, stat: Stat) -> None:
        """Keep `data`, read at `stat`, for a later look this run (within the budget)."""
        if self.held_size + len(data) <= self.hold_bytes:
            self.held[rel] = data
            self._held_at[rel] = stat
            self.held_size += len(data)

    def _matcher(self, needles: tuple[str, ...]) -> NeedleMatcher:
        found = self._matchers.get(needles)
        if found is None:
            found = self._matchers[needles] = NeedleMatcher(needles)
        return found


def _none(_rel: str, _key: str) -> None:
    return None


def _same(stat: Stat, recorded: Stat | None) -> bool:
    """A later pass of the same run trusts the stats its first pass recorded."""
    return stat == recorded


def _lstat(path: str) -> Stat | OSError:
    try:
        st = os.stat(path)
    except OSError as exc:
        return exc
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)


def read_file(path: str, size: int) -> bytes:
    """The bytes of `path`, whose stat said `size`: one read when that is still true."""
    fd = os.open(path, _READ_FLAGS)
    try:
        data = os.read(fd, size + 1)
        if len(data) == size:
            return data
        chunks = [data]  # the file changed since the stat: read on to its end
        while chunks[-1]:
            chunks.append(os.read(fd, 1 << 20))
        return b"".join(chunks)
    finally:
        os.close(fd)
