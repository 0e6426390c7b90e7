"""Turns a project tree into facts: walk, byte prefilter on needles, parse only candidates, cache, 2 cores."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.scan.cache import CACHE_FILE, Entry, ScanCache
from harness.scan.facts import FileFacts, module_name
from harness.scan.parse import MAX_BYTES
from harness.scan.plain import facts_from_bytes
from harness.scan.pool import map_items
from harness.scan.skip import Skipped
from harness.scan.source import mentions
from harness.scan.walk import walk_strings


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
) -> ScanResult:
    """Facts of the files under `roots` (relative to `project_root`) whose bytes mention a needle.

    `expand(facts, needles)` may name more identifiers to look for (e.g. aliases of members found in the
    facts); the scan repeats on the files not yet matched until nothing new turns up. The needles
    learned that way are remembered in the cache, so a warm run does not repeat the search.
    """
    project_root = project_root.resolve()
    top = os.fspath(project_root)
    paths, walk_skips = walk_strings(
        [os.path.normpath(os.path.join(top, os.fspath(r))) for r in roots],
        exclude,
        relative_to=top,
    )
    cache = ScanCache.load(
        cache_dir, context=repr((sorted(import_roots), max_bytes)), name=cache_name
    )
    base = _minimal(needles)
    current = _minimal((*base, *cache.learned))
    named = {rel: module_name(rel, import_roots) for rel in (_rel(path, top) for path in paths)}
    files, shadowed = _importable([(path, _rel(path, top)) for path in paths], named)
    walk_skips = [*walk_skips, *shadowed]
    stems = {rel for _, rel in files if rel.endswith(".py")}
    read = parsed = 0
    prior = cache.entries
    stats: dict[str, tuple[int, int, int] | OSError] = {}
    while True:
        entries, r, p = _run(files, current, stems, prior, stats, jobs, max_bytes, import_roots)
        read, parsed = read + r, parsed + p
        facts = tuple(e.result for e in entries.values() if isinstance(e.result, FileFacts))
        if not r and prior is cache.entries and cache.learned <= set(current):
            break  # nothing read: the same facts as the run that learned these names
        more = set(expand(facts, current)) if expand else set()
        extra = {name for name in more if not any(n in name for n in current)}
        if not extra:
            break
        # a second pass re-checks only the files that mentioned no needle, for the new names
        current = _minimal((*current, *extra))
        prior = entries
    learned = frozenset(current) - frozenset(base)
    if read or learned != cache.learned or entries.keys() != cache.entries.keys():
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
        files_read=read,
        files_parsed=parsed,
        needles=current,
        modules=frozenset(named[rel][0] for _, rel in files),
    )


def _run(
    files: list[tuple[str, str]],
    needles: tuple[str, ...],
    stems: set[str],
    prior: dict[str, Entry],
    stats: dict[str, tuple[int, int, int] | OSError],
    jobs: int | None,
    max_bytes: int,
    import_roots: tuple[str, ...],
) -> tuple[dict[str, Entry], int, int]:
    """One pass: reuse what `prior` (the cache, or this run's previous pass) knows, read the rest."""
    sig = "\0".join(needles)
    wanted = set(needles)
    entries: dict[str, Entry] = {}
    todo: list[_Todo] = []
    for path, rel in files:
        key = stats.get(rel)
        if key is None:
            try:
                st = os.stat(path)
                key = stats[rel] = (st.st_size, st.st_mtime_ns, st.st_ino)
            except OSError as exc:
                key = stats[rel] = exc
        if isinstance(key, OSError):
            entries[rel] = Entry((0, 0, 0), sig, None, f"unreadable: {key.strerror or key}")
            continue
        old = prior.get(rel)
        check = needles
        if old is not None and old.stat == key:
            if old.result is not None or old.needles == sig:
                entries[rel] = old  # facts and skips do not depend on the needles
                continue
            seen = set(old.needles.split("\0"))
            if seen <= wanted:  # known not to mention the old needles: look for the new ones only
                check = tuple(n for n in needles if n not in seen)
        reuse = old if old is not None and old.result is not None else None
        todo.append((path, rel, key, reuse, rel.endswith(".pyi") and rel[:-1] in stems, check))
    if not todo:
        return entries, 0, 0
    results = map_items(_process, [(item, sig, max_bytes, import_roots) for item in todo], jobs)
    parsed = 0
    for (_, rel, *_rest), (entry, did_parse) in zip(todo, results, strict=True):
        entries[rel] = entry
        parsed += did_parse
    return entries, len(todo), parsed


# (path, rel, stat, entry whose digest may spare a parse, a stub beside its .py, needles to check)
_Todo = tuple[str, str, tuple[int, int, int], Entry | None, bool, tuple[str, ...]]


def _process(args: tuple[_Todo, str, int, tuple[str, ...]]) -> tuple[Entry, bool]:
    (path, rel, key, old, stub_beside_py, check), sig, max_bytes, import_roots = args
    if key[0] > max_bytes:
        return Entry(key, sig, None, f"too large: {key[0]} bytes (limit {max_bytes})"), False
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return Entry(key, sig, None, f"unreadable: {exc.strerror or exc}"), False
    if check and not mentions(data, check):  # no needle at all: every file is a candidate
        return Entry(key, sig, None, None), False
    digest = hashlib.blake2b(data, digest_size=16).digest()
    if old is not None and old.digest == digest:
        return Entry(key, sig, digest, old.result), False
    if stub_beside_py:
        return Entry(key, sig, digest, "type stub: the .py beside it is audited instead"), False
    result = facts_from_bytes(data, rel, import_roots)
    return Entry(key, sig, digest, result.reason if isinstance(result, Skipped) else result), True


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
