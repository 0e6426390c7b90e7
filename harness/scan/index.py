"""Turns a project tree into facts: walk, byte prefilter on needles, parse only candidates, cache, 2 cores.

Each file is read at most once per run, by this process (cheap next to parsing); the candidates'
bytes go in batches to a forked helper while the reading goes on, then both parse what is left
(see Batches). The bytes of files that mention no needle are kept (up to HOLD_BYTES) for the
passes that look for names learned later (aliases of members), so those passes do not read the
files again.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.scan.batches import Batches
from harness.scan.cache import CACHE_FILE, Entry, ScanCache
from harness.scan.facts import FileFacts, module_name
from harness.scan.gitfiles import GitTree, git_tree
from harness.scan.needles import NeedleMatcher
from harness.scan.parse import MAX_BYTES
from harness.scan.plain import facts_from_bytes
from harness.scan.skip import Skipped
from harness.scan.walk import StatKey, walk_strings

# Bytes of files that matched no needle, kept for later passes; beyond this a later pass reads
# the remaining files again (and counts them in files_read).
HOLD_BYTES = 32 * 1024 * 1024
# Candidates are parsed in batches of about this many bytes: one batch per worker task.
BATCH_BYTES = 64 * 1024
# Below this many bytes to search, this process searches them itself rather than start git grep.
GREP_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class ScanResult:
    """Facts of every candidate file, every skipped file with its reason, and what it cost."""

    facts: tuple[FileFacts, ...]
    skipped: tuple[Skipped, ...]  # paths relative to the project root
    files_walked: int
    files_read: int  # files whose bytes were read this run (the rest came from the cache)
    files_parsed: int  # candidates parsed this run
    needles: tuple[str, ...]
    modules: frozenset[str] = frozenset()  # dotted names of every walked file, parsed or not


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
    expand: Callable[[tuple[FileFacts, ...], tuple[str, ...]], Iterable[str]] | None = None,
    hold_bytes: int | None = None,
    held: dict[str, bytes] | None = None,
    definitions_only: bool = False,
    git: bool = True,
) -> ScanResult:
    """Facts of the files under `roots` (relative to `project_root`) whose bytes mention a needle.

    `expand(facts, needles)` may name more identifiers to look for (e.g. aliases of members found
    in the facts); the scan repeats on the files not yet matched until nothing new turns up, over
    the bytes the first pass kept (`hold_bytes`, default HOLD_BYTES). The needles learned that way
    are remembered in the cache, so a warm run does not repeat the search.

    `held` gives bytes the caller already read (by path relative to `project_root`): they are not
    read again. With `definitions_only` the facts hold no references (see `extract`).

    Inside a git work tree (unless `git` is False) the file list comes from git and the files that
    may mention a needle from `git grep` (see gitfiles): the same answers, except for files git
    ignores; elsewhere, the walk and a search of every file's bytes here.
    """
    project_root = project_root.resolve()
    top = os.fspath(project_root)
    cache = ScanCache.load(
        cache_dir,
        context=repr((sorted(import_roots), max_bytes, definitions_only)),
        name=cache_name,
    )
    base = _minimal(needles)
    current = _minimal((*base, *cache.learned))
    stats: dict[str, StatKey] = {}
    absolute = [os.path.normpath(os.path.join(top, os.fspath(r))) for r in roots]
    cold = not cache.entries and not held  # then git grep runs beside the listing
    tree = git_tree(top, absolute, exclude, stats, grep=current if cold else ()) if git else None
    if tree is not None:
        paths, walk_skips = tree.paths, tree.skipped
    else:
        stats.clear()
        paths, walk_skips = walk_strings(absolute, exclude, relative_to=top, stats=stats)
    head = top + os.sep
    located = [
        (path, path[len(head) :].replace(os.sep, "/") if path.startswith(head) else _rel(path, top))
        for path in paths
    ]
    named = {rel: module_name(rel, import_roots) for _, rel in located}
    files, shadowed = _importable(located, named)
    walk_skips = [*walk_skips, *shadowed]
    reader = _Reader(
        stats,
        stems={rel for _, rel in files if rel.endswith(".py")},
        jobs=jobs,
        max_bytes=max_bytes,
        import_roots=import_roots,
        hold_bytes=HOLD_BYTES if hold_bytes is None else hold_bytes,
        definitions_only=definitions_only,
        held=dict(held or {}),
        tree=tree,
    )
    prior = cache.entries
    with gc_paused():  # a parse makes many objects and no cycles: collecting only costs time
        while True:
            entries, todo = reader.run(files, current, prior)
            facts = tuple(e.result for e in entries.values() if isinstance(e.result, FileFacts))
            if not current:
                break  # no needle: every file was a candidate, there is nothing to learn
            if not todo and prior is cache.entries and cache.learned <= set(current):
                break  # nothing read: the same facts as the run that learned these names
            more = set(expand(facts, current)) if expand else set()
            extra = {name for name in more if not any(n in name for n in current)}
            if not extra:
                break
            # a later pass checks only the files that mentioned no needle, for the new names
            current = _minimal((*current, *extra))
            prior = entries
    reader.held.clear()
    if tree is not None:
        tree.close()
    learned = frozenset(current) - frozenset(base)
    if reader.looked or learned != cache.learned or entries.keys() != cache.entries.keys():
        cache.entries = entries
        cache.learned = learned
        cache.save()  # a warm run that changed nothing leaves the file alone
    skipped = [Skipped(Path(_rel(path, top)), reason) for path, reason in walk_skips]
    skipped += [
        Skipped(Path(rel), e.result) for rel, e in entries.items() if isinstance(e.result, str)
    ]
    return ScanResult(
        facts=tuple(sorted(facts, key=lambda f: f.path)),
        skipped=tuple(sorted(skipped, key=lambda s: (s.path.as_posix(), s.reason))),
        files_walked=len(files),
        files_read=reader.reads,
        files_parsed=reader.parsed,
        needles=current,
        modules=frozenset(named[rel][0] for _, rel in files),
    )


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: parsing and resolving make millions of objects and
    no cycles, and each collection would walk all of them again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# (path, rel, stat, entry whose digest may spare a parse, a stub beside its .py, needles to check)
_Todo = tuple[str, str, tuple[int, int, int], Entry | None, bool, tuple[str, ...]]


@dataclass
class _Reader:
    """The passes of one scan: each reads a file at most once, parses candidates (in workers when
    there are many bytes to parse) and keeps the bytes of the files that matched nothing."""

    stats: dict[str, StatKey]
    stems: set[str]
    jobs: int | None
    max_bytes: int
    import_roots: tuple[str, ...]
    hold_bytes: int
    definitions_only: bool = False
    held: dict[str, bytes] = field(default_factory=dict)
    tree: GitTree | None = None  # git's listing: `git grep` finds the candidates
    held_size: int = 0
    reads: int = 0  # files read from disk this run
    looked: int = 0  # files whose bytes were looked at (read, or given as held)
    parsed: int = 0  # candidates parsed this run
    _matchers: dict[tuple[str, ...], NeedleMatcher] = field(default_factory=dict)
    _rest: dict[str, tuple[str, ...]] = field(default_factory=dict)  # per run(): see there

    def run(
        self, files: list[tuple[str, str]], needles: tuple[str, ...], prior: dict[str, Entry]
    ) -> tuple[dict[str, Entry], int]:
        """One pass: what `prior` (the cache, or this run's previous pass) knows, and the rest
        read (or taken from the held bytes); returns the entries and how many files were looked at."""
        sig = "\0".join(needles)
        wanted = set(needles)
        self._rest.clear()  # what is left to check, by the needles a file is known not to hold
        entries: dict[str, Entry] = {}
        todo: list[_Todo] = []
        for path, rel in files:
            key = self.stats.get(path)
            if key is None:  # not seen by the walk (cannot happen today): stat it now
                try:
                    st = os.stat(path)
                    key = self.stats[path] = (st.st_size, st.st_mtime_ns, st.st_ino)
                except OSError as exc:
                    key = self.stats[path] = exc
            if isinstance(key, OSError):
                entries[rel] = Entry((0, 0, 0), sig, None, f"unreadable: {key.strerror or key}")
                continue
            old = prior.get(rel)
            check = needles
            if old is not None and old.stat == key:
                if old.result is not None or old.needles == sig:
                    entries[rel] = old  # facts and skips do not depend on the needles
                    continue
                rest = self._rest.get(old.needles)  # once per old needle set, not per file
                if rest is None:
                    seen = frozenset(old.needles.split("\0"))
                    # known not to mention the old needles: the new ones only
                    rest = tuple(n for n in needles if n not in seen) if seen <= wanted else needles
                    self._rest[old.needles] = rest
                check = rest
            reuse = old if old is not None and old.result is not None else None
            stub = rel.endswith(".pyi") and rel[:-1] in self.stems
            todo.append((path, rel, key, reuse, stub, check))
        if todo:
            self._process(todo, sig, entries)
            self.looked += len(todo)
        return entries, len(todo)

    def _process(self, todo: list[_Todo], sig: str, entries: dict[str, Entry]) -> None:
        hits = self._grep(todo)
        parse = _Parser(self.jobs, self.import_roots, self.definitions_only)
        try:
            for n, (path, rel, key, old, stub, check) in enumerate(todo):
                if not n % 16:
                    parse.batches.poll()  # a helper done with its batch takes the next
                if key[0] > self.max_bytes:
                    reason = f"too large: {key[0]} bytes (limit {self.max_bytes})"
                    entries[rel] = Entry(key, sig, None, reason)
                    continue
                if check and hits is not None and path not in hits and rel not in self.held:
                    entries[rel] = Entry(key, sig, None, None)  # git grep: no needle there
                    continue
                data = self._bytes(path, rel, key[0])
                if isinstance(data, OSError):
                    entries[rel] = Entry(key, sig, None, f"unreadable: {data.strerror or data}")
                    continue
                if check and not self._matcher(check).search(data):
                    entries[rel] = Entry(
                        key, sig, None, None
                    )  # no needle: every file is a candidate
                    self._hold(rel, data)
                    continue
                digest = hashlib.blake2b(data, digest_size=16).hexdigest()
                if old is not None and old.digest == digest:
                    entries[rel] = Entry(key, sig, digest, old.result)
                elif stub:
                    reason = "type stub: the .py beside it is audited instead"
                    entries[rel] = Entry(key, sig, digest, reason)
                else:
                    parse.add(rel, data, (key, sig, digest))
            for rel, result, (key, sig_, digest) in parse.results():
                entries[rel] = Entry(key, sig_, digest, result)
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
        for _path, rel, key, _old, _stub, check in todo:
            if check and rel not in self.held:
                needles.update(check)
                size += key[0]
        if not needles or (size < GREP_BYTES and not self.tree.started(needles)):
            return None
        return self.tree.candidates(needles)

    def _bytes(self, path: str, rel: str, size: int) -> bytes | OSError:
        data = self.held.pop(rel, None)
        if data is not None:
            self.held_size -= len(data)
            return data
        self.reads += 1
        try:
            return read_file(path, size)
        except OSError as exc:
            return exc

    def _hold(self, rel: str, data: bytes) -> None:
        if self.held_size + len(data) <= self.hold_bytes:
            self.held[rel] = data
            self.held_size += len(data)

    def _matcher(self, needles: tuple[str, ...]) -> NeedleMatcher:
        found = self._matchers.get(needles)
        if found is None:
            found = self._matchers[needles] = NeedleMatcher(needles)
        return found


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


class _Parser:
    """Parses candidates in batches of about BATCH_BYTES, handed to a forked helper as soon as
    they are full while this process reads on (see Batches)."""

    def __init__(
        self, jobs: int | None, import_roots: tuple[str, ...], definitions_only: bool
    ) -> None:
        func = functools.partial(
            _parse_batch, import_roots=import_roots, definitions_only=definitions_only
        )
        self.batches: Batches[list[tuple[str, bytes]], list[tuple[str, FileFacts | str]]] = Batches(
            func, jobs
        )
        self.batch: list[tuple[str, bytes]] = []
        self.size = 0
        self.meta: dict[str, Any] = {}

    def add(self, rel: str, data: bytes, meta: Any) -> None:
        self.batch.append((rel, data))
        self.meta[rel] = meta
        self.size += len(data)
        if self.size >= BATCH_BYTES:
            self.batches.add(self.batch)
            self.batch, self.size = [], 0

    def results(self) -> Iterator[tuple[str, FileFacts | str, Any]]:
        if self.batch:
            self.batches.add(self.batch, last=True)
        for found in self.batches.results():
            for rel, result in found:
                yield rel, result, self.meta[rel]

    def close(self) -> None:
        self.batches.close()


def _parse_batch(
    batch: list[tuple[str, bytes]], import_roots: tuple[str, ...], definitions_only: bool = False
) -> list[tuple[str, FileFacts | str]]:
    """Facts (or the reason there are none) of each (rel, bytes) of a batch."""
    out: list[tuple[str, FileFacts | str]] = []
    for rel, data in batch:
        result = facts_from_bytes(data, rel, import_roots, definitions_only=definitions_only)
        out.append((rel, result.reason if isinstance(result, Skipped) else result))
    return out


def _minimal(needles: Iterable[str]) -> tuple[str, ...]:
    """Sorted needles without those containing another needle (a file matching 'X' is enough)."""
    unique = sorted({n for n in needles if n})
    return tuple(n for n in unique if not any(o != n and o in n for o in unique))


def _importable(
    files: list[tuple[str, str]], named: dict[str, tuple[str, bool]]
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """`files` without the modules a package of the same name shadows, and those as (path, reason).

    Python's import system looks for a package (`pkg/mod/__init__.py`) before a module
    (`pkg/mod.py`) in the same folder, so the module file is never imported. `named` maps each
    project-relative path to its (module, is_package).
    """
    packages: dict[str, str] = {}
    for _path, rel in files:
        module, is_package = named[rel]
        if is_package:
            packages.setdefault(module, rel)
    kept, shadowed = [], []
    for path, rel in files:
        module, is_package = named[rel]
        winner = packages.get(module)
        if winner is not None and not is_package:
            shadowed.append(
                (
                    path,
                    f"shadowed: {winner} is the module {module} (a package beats a module of the "
                    "same name), so Python never imports this file",
                )
            )
        else:
            kept.append((path, rel))
    return kept, shadowed


def _rel(path: str, base: str) -> str:
    if path == base:
        return "."
    if path.startswith(base + os.sep):
        path = path[len(base) + 1 :]
    return path.replace(os.sep, "/")
