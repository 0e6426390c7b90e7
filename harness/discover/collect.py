"""Reads a tree for discover: an outline of every file, then the scanner's exact facts (cached by
content) for the files whose classes may play a role, in two steps.

Inside a git work tree the outline comes from one `git grep` (native.py) that runs beside the
listing: no file is read in Python until it is parsed. Elsewhere (or with `git=False`) each file
is read once and outlined in batches on both cores (see Batches); the bytes of the files that may
be parsed come back with their outlines, so the scanner parses them without reading them again.

The files parsed come in two steps (see steps.py): first those that may make a group of the
names tier, then, only when those do not decide the families shown, the rest.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from harness.discover.early import project_base
from harness.discover.links import definitions
from harness.discover.native import PATTERNS, outlines
from harness.discover.outline import Outline, outline, reads
from harness.discover.rank import (
    Definition,
    Evidence,
    learn_roles,
)
from harness.discover.steps import around, choose, may_be_parsed
from harness.scan.batches import Batches
from harness.scan.facts import module_name
from harness.scan.gitfiles import GitTree, git_tree
from harness.scan.index import HOLD_BYTES, read_file, scan
from harness.scan.layout import relative
from harness.scan.parse import MAX_BYTES
from harness.scan.skip import Skipped
from harness.scan.walk import StatKey, walk_strings

__all__ = ["Collected", "Reading", "collect", "project_base"]

CACHE_NAME = "discover.json"
REST_CACHE_NAME = "discover-learned.json"  # the second step's files (see Reading)
# Files are outlined in batches of about this many bytes: one batch per task of either process.
OUTLINE_BATCH_BYTES = 1024 * 1024
_NO_ROLES: frozenset[str] = frozenset()

# (path, path relative to the base, the walk's stat key)
_File = tuple[str, str, "StatKey | None"]
# an outline and the bytes when the file may be a candidate, or why the file was not read
_Outlined = tuple[Outline, bytes | None] | str


@dataclass(frozen=True)
class Collected:
    defs: list[Definition]
    evidence: Evidence
    learned: frozenset[str]
    skipped: list[Skipped]  # paths relative to `base`
    base: Path  # module names start here (the folder above the top package of PATH)
    files: int
    parsed: int


@dataclass
class Reading:
    """One discover run's view of a tree: the listing, an outline per file, the two steps of
    candidates, and the files parsed so far (`parse_first`, then `parse_rest` when needed)."""

    base: Path
    exclude: tuple[str, ...]
    use_cache: bool
    jobs: int | None
    git: bool
    tree: GitTree | None
    items: list[tuple[str, str]]  # (path, path relative to base), every file listed
    outlines: dict[str, Outline]  # by relative path; a file with no entry has an empty outline
    skipped: list[Skipped]
    held: dict[str, bytes]  # bytes already read of files that may be parsed (walk path)
    learned: frozenset[str]
    first: list[str] = field(default_factory=list)
    rest: list[str] = field(default_factory=list)
    parsed: int = 0
    defs: list[Definition] = field(default_factory=list)
    _done: set[str] = field(default_factory=set)
    _steps: dict[str, set[str]] = field(default_factory=dict)  # files parsed, by cache file
    read_all: bool = False  # every file was read here (its outline has imports and calls)

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        exclude: tuple[str, ...] = (),
        use_cache: bool = True,
        jobs: int | None = None,
        git: bool = True,
    ) -> Reading:
        base = project_base(path)
        top = os.fspath(base)
        stats: dict[str, StatKey] = {}
        roots = [os.path.abspath(path)]
        tree = git_tree(top, roots, exclude, stats, lines=PATTERNS) if git else None
        if tree is not None:
            paths, walk_skips = tree.paths, tree.skipped
        else:
            stats.clear()
            paths, walk_skips = walk_strings(roots, exclude, relative_to=top, stats=stats)
        items = [(p, relative(p, top)) for p in paths]
        skipped = [Skipped(Path(relative(p, top)), reason) for p, reason in walk_skips]
        printed = tree.lines() if tree is not None else None
        found: dict[str, Outline] = {}
        held: dict[str, bytes] = {}
        if printed is not None and tree is not None:
            grepped = outlines(printed)
            here: list[_File] = []
            for p, rel in items:
                key = stats.get(p)
                reason = _unreadable(key)
                if reason:
                    skipped.append(Skipped(Path(rel), reason))
                elif p in tree.unsure:
                    here.append((p, rel, key))  # git grep did not search its bytes
                elif rel in grepped:
                    found[rel] = grepped[rel]
            read_all = False
        else:
            here = [(p, rel, stats.get(p)) for p, rel in items]
            read_all = True
        budget = HOLD_BYTES
        for (_, rel, _), got in zip(here, _outline_all(here, jobs), strict=True):
            if isinstance(got, str):
                skipped.append(Skipped(Path(rel), got))
                continue
            found[rel] = got[0]
            if got[1] is not None and len(got[1]) <= budget:
                held[rel] = got[1]
                budget -= len(got[1])
        learned = frozenset(learn_roles([c for o in found.values() for c in o.classes]))
        reading = cls(
            base, exclude, use_cache, jobs, git, tree, items, found, skipped, held, learned
        )
        reading.read_all = read_all
        order = [rel for _, rel in items]
        reading.first, reading.rest = choose(found, order, learned)
        return reading

    def parse_first(self) -> list[Definition]:
        """The definitions of the first step's files (and of the classes deprecated ones
        subclass), the only ones a family of names or a built-in role is made of."""
        self._parse(self.first, CACHE_NAME)
        wanted = self._bases_of_deprecated()
        if wanted:
            self._parse(wanted, CACHE_NAME)
        return self.defs

    def parse_rest(self) -> list[Definition]:
        """Every candidate's definitions: the first step's and the second's."""
        self._parse(self.rest, REST_CACHE_NAME)
        return self.defs

    def _parse(self, rels: list[str], cache_name: str) -> None:
        """Parse `rels` (those not parsed yet) into definitions. Each step has a cache file of its
        own, and the files a step parsed before are scanned again (from its cache: no parse), so
        each cache holds every file its step parsed."""
        todo = [rel for rel in rels if rel not in self._done]
        if not todo:
            return
        before = self._steps.setdefault(cache_name, set())
        roots = sorted(before | set(todo)) if self.use_cache else todo
        before.update(todo)
        result = scan(
            self.base,
            roots,
            (),  # no needle: every candidate file is parsed
            exclude=self.exclude,
            cache_dir=(self.base / ".ssot-cache") if self.use_cache else None,
            cache_name=cache_name,
            jobs=self.jobs,
            held={rel: self.held[rel] for rel in todo if rel in self.held},
            definitions_only=True,  # definitions and assignments are all discover reads
            git=self.git,
        )
        self._done.update(todo)
        self.parsed += result.files_parsed
        known = set(map(str, self.skipped))
        self.skipped += [s for s in result.skipped if str(s) not in known]
        fresh = set(todo)
        empty = Outline()
        for facts in result.facts:
            if facts.path in fresh:
                marks = self.outlines.get(facts.path, empty).marks
                self.defs += definitions(facts, marks)

    def _bases_of_deprecated(self) -> list[str]:
        """The files, not parsed yet, that the families of a deprecated class (without methods of
        its own) and its base are made of: the base's, those of aliases of either, those of the
        built-in role either plays (the family may join that role's group)."""
        where = {module_name(rel)[0]: rel for _, rel in self.items}
        names: set[str] = set()
        out = set()
        for d in self.defs:
            if d.kind == "class" and "deprecated" in d.marks and not d.methods:
                for base in d.bases:
                    module, _, name = base.rpartition(".")
                    rel = where.get(module)
                    if rel is not None and rel in self.outlines:
                        out.add(rel)
                        names.update((d.name, name))
        out |= around(self.outlines, names)
        return sorted(out - self._done)

    def evidence(self, names: set[str]) -> Evidence:
        """How much the tree leans on the classes of `names` (imports and constructions), from
        the files that mention one of them (all of them when every file was read here)."""
        evidence = Evidence()
        if self.read_all or self.tree is None:
            for o in self.outlines.values():
                evidence.imported.update(o.imports)
                evidence.constructed.update(o.constructed)
            return evidence
        if not names:
            return evidence
        hits = self.tree.candidates(sorted(names), words=True)
        if hits is None:  # git grep failed: read every file
            hits = {p for p, _ in self.items}
        for path, rel in self.items:
            if path not in hits:
                continue
            known = self.outlines.get(rel)
            if path in self.tree.unsure and known is not None:  # outlined here, from its bytes
                evidence.imported.update(known.imports)
                evidence.constructed.update(known.constructed)
                continue
            try:
                data = self.held.get(rel) or read_file(path, os.stat(path).st_size)
            except OSError:
                continue
            module, is_package = module_name(rel)
            package = module if is_package else module.rpartition(".")[0]
            imports, constructed = reads(
                data, package, module, known.classes if known is not None else (), only=names
            )
            evidence.imported.update(imports)
            evidence.constructed.update(constructed)
        return evidence

    def collected(self, evidence: Evidence) -> Collected:
        return Collected(
            self.defs,
            evidence,
            self.learned,
            sorted(set(self.skipped)),
            self.base,
            len(self.items),
            self.parsed,
        )

    def close(self) -> None:
        if self.tree is not None:
            self.tree.close()


def collect(
    path: Path,
    *,
    exclude: tuple[str, ...] = (),
    use_cache: bool = True,
    jobs: int | None = None,
    git: bool = True,
) -> Collected:
    """Every candidate's definitions under `path` (both steps) and the evidence about all of
    them; inside a git work tree (unless `git` is False) git lists and outlines the files."""
    reading = Reading.open(path, exclude=exclude, use_cache=use_cache, jobs=jobs, git=git)
    try:
        reading.parse_first()
        reading.parse_rest()
        names = {d.name.split(".")[0] for d in reading.defs}
        return reading.collected(reading.evidence(names))
    finally:
        reading.close()


def _unreadable(key: StatKey | None) -> str:
    if isinstance(key, OSError):
        return f"unreadable: {key.strerror or key}"
    if isinstance(key, tuple) and key[0] > MAX_BYTES:
        return f"too large (limit {MAX_BYTES} bytes)"
    return ""


def _outline_all(files: list[_File], jobs: int | None) -> list[_Outlined]:
    """What `_outline_batch` gives for each file, in order; batches go to a forked helper and this
    process alike."""
    if not files:
        return []
    batches: Batches[list[_File], list[_Outlined]] = Batches(_outline_batch, jobs)
    batch: list[_File] = []
    size = 0
    for file in files:
        batch.append(file)
        key = file[2]
        size += key[0] if isinstance(key, tuple) else 0
        if size >= OUTLINE_BATCH_BYTES:
            batches.add(batch)
            batch, size = [], 0
    if batch:
        batches.add(batch, last=True)
    return [found for done in batches.results() for found in done]


def _outline_batch(batch: list[_File]) -> list[_Outlined]:
    """Each file's outline, with its bytes when it may be parsed whatever role words are learned
    (the others' bytes are not needed again, and are not sent back from a helper), or why it was
    not read."""
    out: list[_Outlined] = []
    for path, rel, key in batch:
        found = _outline_file(path, rel, key)
        if isinstance(found, str):
            out.append(found)
        else:
            o, data = found
            out.append((o, data if may_be_parsed(o) else None))
    return out


def _outline_file(path: str, rel: str, key: StatKey | None) -> tuple[Outline, bytes] | str:
    """The outline of one file and its bytes, or why it was not read."""
    try:
        if key is None or isinstance(key, OSError):
            size = os.stat(path).st_size
        else:
            size = key[0]
        if size > MAX_BYTES:
            return f"too large (limit {MAX_BYTES} bytes)"
        data = read_file(path, size)
    except OSError as exc:
        return f"unreadable: {exc.strerror or exc}"
    module, is_package = module_name(rel)
    return outline(data, module if is_package else module.rpartition(".")[0], module), data
