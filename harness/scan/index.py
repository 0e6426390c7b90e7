"""Turns a project tree into facts: walk, byte prefilter on needles, parse only candidates, cache, 2 cores."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.scan.cache import Entry, ScanCache
from harness.scan.facts import FileFacts, module_name
from harness.scan.parse import MAX_BYTES
from harness.scan.skip import Skipped
from harness.scan.source import facts_from_bytes, mentions
from harness.scan.walk import walk_strings

# Below this many files to (re)read, a process pool costs more than it saves.
_POOL_THRESHOLD = 400


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
    jobs: int | None = None,
    max_bytes: int = MAX_BYTES,
    import_roots: tuple[str, ...] = ("src",),
    expand: Callable[[tuple[FileFacts, ...]], Iterable[str]] | None = None,
) -> ScanResult:
    """Facts of the files under `roots` (relative to `project_root`) whose bytes mention a needle.

    `expand(facts)` may name more identifiers to look for (e.g. aliases of members found in the
    facts); the scan repeats on the files not yet matched until nothing new turns up. The needles
    learned that way are remembered in the cache, so a warm run does not repeat the search.
    """
    project_root = project_root.resolve()
    top = os.fspath(project_root)
    paths, walk_skips = walk_strings(
        [os.path.join(top, os.fspath(r)) for r in roots], exclude, relative_to=top
    )
    cache = ScanCache.load(cache_dir, context=repr((sorted(import_roots), max_bytes)))
    base = _minimal(needles)
    current = _minimal((*base, *cache.learned))
    files = [(path, _rel(path, top)) for path in paths]
    stems = {rel for _, rel in files if rel.endswith(".py")}
    read = parsed = 0
    while True:
        entries, r, p = _run(files, current, stems, cache, jobs, max_bytes, import_roots)
        read, parsed = read + r, parsed + p
        facts = tuple(e.result for e in entries.values() if isinstance(e.result, FileFacts))
        more = set(expand(facts)) if expand else set()
        extra = {name for name in more if not any(n in name for n in current)}
        if not extra:
            break
        current = _minimal((*current, *extra))
    cache.entries = entries
    cache.learned = frozenset(current) - frozenset(base)
    cache.save()
    skipped = [Skipped(Path(_rel(path, top)), reason) for path, reason in walk_skips]
    skipped += [
        Skipped(Path(rel), e.result) for rel, e in entries.items() if isinstance(e.result, str)
    ]
    return ScanResult(
        facts=tuple(sorted(facts, key=lambda f: f.path)),
        skipped=tuple(sorted(skipped, key=lambda s: (s.path.as_posix(), s.reason))),
        files_walked=len(files),
        files_read=read,
        files_parsed=parsed,
        needles=current,
        modules=frozenset(module_name(rel, import_roots)[0] for _, rel in files),
    )


def _run(
    files: list[tuple[str, str]],
    needles: tuple[str, ...],
    stems: set[str],
    cache: ScanCache,
    jobs: int | None,
    max_bytes: int,
    import_roots: tuple[str, ...],
) -> tuple[dict[str, Entry], int, int]:
    sig = "\0".join(needles)
    entries: dict[str, Entry] = {}
    todo: list[tuple[str, str, tuple[int, int, int], Entry | None, bool, tuple[str, ...]]] = []
    for path, rel in files:
        try:
            st = os.stat(path)
        except OSError as exc:
            entries[rel] = Entry((0, 0, 0), sig, None, f"unreadable: {exc.strerror or exc}")
            continue
        key = (st.st_size, st.st_mtime_ns, st.st_ino)
        old = cache.entries.get(rel)
        if old is not None and old.stat == key and old.needles == sig:
            entries[rel] = old
            continue
        stub_beside_py = rel.endswith(".pyi") and rel[:-1] in stems
        check = needles
        if old is not None and old.stat == key and old.result is None:
            seen = set(old.needles.split("\0"))
            if seen <= set(
                needles
            ):  # known not to mention the old needles: look for the new ones only
                check = tuple(n for n in needles if n not in seen)
        todo.append(
            (
                path,
                rel,
                key,
                old if old is not None and old.needles == sig else None,
                stub_beside_py,
                check,
            )
        )
    if not todo:
        return entries, 0, 0
    args = [(item, needles, max_bytes, import_roots) for item in todo]
    workers = jobs if jobs is not None else min(2, os.cpu_count() or 1)
    if workers > 1 and len(todo) >= _POOL_THRESHOLD:
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
        with ctx.Pool(workers) as pool:
            results = pool.map(_process, args, chunksize=max(1, len(args) // (workers * 16)))
    else:
        results = [_process(a) for a in args]
    parsed = 0
    for (_, rel, *_rest), (entry, did_parse) in zip(todo, results, strict=True):
        entries[rel] = entry
        parsed += did_parse
    return entries, len(todo), parsed


def _process(
    args: tuple[
        tuple[str, str, tuple[int, int, int], Entry | None, bool, tuple[str, ...]],
        tuple[str, ...],
        int,
        tuple[str, ...],
    ],
) -> tuple[Entry, bool]:
    (path, rel, key, old, stub_beside_py, check), needles, max_bytes, import_roots = args
    sig = "\0".join(needles)
    if key[0] > max_bytes:
        return Entry(key, sig, None, f"too large: {key[0]} bytes (limit {max_bytes})"), False
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return Entry(key, sig, None, f"unreadable: {exc.strerror or exc}"), False
    if not mentions(data, check):
        return Entry(key, sig, None, None), False
    digest = hashlib.blake2b(data, digest_size=16).digest()
    if old is not None and old.digest == digest:
        return Entry(key, sig, digest, old.result), False
    if stub_beside_py:
        return Entry(key, sig, digest, "type stub: the .py beside it is audited instead"), False
    return Entry(key, sig, digest, facts_from_bytes(data, rel, needles, import_roots)), True


def _minimal(needles: Iterable[str]) -> tuple[str, ...]:
    """Sorted needles without those containing another needle (a file matching 'X' is enough)."""
    unique = sorted({n for n in needles if n})
    return tuple(n for n in unique if not any(o != n and o in n for o in unique))


def _rel(path: str, base: str) -> str:
    if path.startswith(base + os.sep):
        path = path[len(base) + 1 :]
    return path.replace(os.sep, "/")
