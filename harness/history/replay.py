"""The audit replayed commit by commit from git objects: only changed blobs are read, facts kept by blob id."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from harness.errors import ConfigError, UsageError
from harness.history.commit_config import config_at
from harness.history.git import GITLINK, BlobReader, Change, Commit, Entry, Repo
from harness.history.points import CommitPoint, FamilyPoint, Movement, movement
from harness.model import Config
from harness.pin.membership import FamilyResolver, Universe, needles_for
from harness.scan.facts import FileFacts, module_name
from harness.scan.parse import MAX_BYTES
from harness.scan.source import facts_from_bytes, mentions
from harness.scan.walk import PY_SUFFIXES, excluder

# A file's result: None (mentions no needle), its facts, or why it was not read (a skip reason).
Result = FileFacts | str | None
_STUB = "type stub: the .py beside it is audited instead"
# results of blobs no longer in the tree, kept for reverts (bounded: memory stays flat)
_KEPT_BLOBS = 4096


@dataclass
class _Known:
    """What the replay concluded about one file of the current tree."""

    oid: str
    needles: tuple[str, ...]
    result: Result


@dataclass
class Stats:
    """What the replay cost: blobs read from git and files parsed, over the whole range."""

    commits: int = 0
    blobs_read: int = 0
    parses: int = 0
    record: bool = (
        False  # keep (commit, path) of every parse in `parsed` (tests; grows with the range)
    )
    parsed: list[tuple[str, str]] = field(default_factory=list)


class Replay:
    """Replays the audit over commits, oldest first, keeping only the current tree's state.

    `pyproject` is the config file's path relative to the repository's top (its folder is the
    project root, under which roots are read); `fixed` is a config used for every commit instead.
    """

    def __init__(
        self, repo: Repo, pyproject: str, *, fixed: Config | None = None, record: bool = False
    ) -> None:
        self.repo = repo
        self.pyproject = pyproject
        self.prefix = pyproject.rpartition("/")[0]
        self.prefix = self.prefix + "/" if self.prefix else ""
        self.fixed = fixed
        self.stats = Stats(record=record)
        self._tree: dict[
            str, Entry
        ] = {}  # repository path -> entry: Python files, gitlinks, config
        self._scope: dict[
            str, Entry
        ] = {}  # project-relative path -> entry, inside the config's roots
        self._known: dict[str, _Known] = {}
        self._facts: dict[str, FileFacts] = {}  # the parsed candidates among _known
        self._module_set: set[str] | None = None  # every in-scope module (None: recompute)
        self._stale: set[str] = set()  # project-relative paths whose result may be out of date
        self._kept: OrderedDict[tuple[str, str], tuple[tuple[str, ...], Result]] = OrderedDict()
        self._needles: tuple[str, ...] = ()
        self._config: Config | None = None
        self._config_oid: str | None = None
        self._config_error = ""
        self._parsed: Config | None = None
        self._modules: dict[str, str] = {}
        self._measured_notes: tuple[str, ...] = ()
        self._last: dict[str, FamilyPoint] = {}  # each family's last measurement, with places
        self._measured: tuple[FamilyPoint, ...] | None = None  # the previous commit's, for reuse
        self._findings_dirty = True

    def run(self, commits: list[Commit]) -> Iterator[CommitPoint]:
        pairs = [(a.oid, b.oid) for a, b in zip(commits, commits[1:], strict=False)]
        diffs = self.repo.diffs(pairs)
        with BlobReader(self.repo) as reader:
            self._reader = reader
            previous: Commit | None = None
            try:
                for commit in commits:
                    changes = None
                    if previous is not None:
                        changes = next(diffs, None)
                        if changes is None:
                            raise UsageError(
                                f"git diff-tree could not compare {previous.short} with {commit.short}"
                            )
                    yield self._step(commit, changes)
                    previous = commit
            finally:
                diffs.close()
            self.stats.blobs_read = reader.blobs_read

    # one commit --------------------------------------------------------------------------------
    def _step(self, commit: Commit, changes: list[Change] | None) -> CommitPoint:
        self.stats.commits += 1
        self._commit = commit
        self._renamed: list[tuple[str, str]] = []
        notes: list[str] = []
        changed = self._advance_tree(commit, changes, notes)
        config = self._config_for(commit, notes)
        if config is None:
            self._config = self._measured = None  # the scope is rebuilt when a config is back
            return CommitPoint(commit, (), (), tuple(notes))
        if changed is None or config is not self._config:
            self._config = config
            self._rebuild_scope(config)
            self._findings_dirty = True
        else:
            self._apply(changed, config)
        for old, new in self._renamed:  # only the renames the audit sees
            if new[len(self.prefix) :] in self._scope:
                notes.append(f"renamed {old} -> {new}")
        families = self._measure(config, notes)
        moves: list[Movement] = []
        for point in families:
            before = self._last.get(point.family)
            move = movement(before, point) if before is not None else None
            if move is not None:
                moves.append(move)
            self._last[point.family] = point
        return CommitPoint(
            commit, tuple(p.without_places() for p in families), tuple(moves), tuple(notes)
        )

    def _relevant(self, path: str, mode: str) -> bool:
        return path == self.pyproject or (
            path.startswith(self.prefix) and (mode == GITLINK or path.endswith(PY_SUFFIXES))
        )

    def _advance_tree(
        self, commit: Commit, changes: list[Change] | None, notes: list[str]
    ) -> list[str] | None:
        """Move the tree to `commit`; the changed project-relative paths (None: read in full)."""
        if changes is None:
            self._tree = {
                p: e for p, e in self.repo.tree(commit.oid).items() if self._relevant(p, e.mode)
            }
            for path, entry in sorted(self._tree.items()):
                if entry.mode == GITLINK:
                    notes.append(f"{path}: submodule (gitlink to {entry.oid[:10]}), not scanned")
            return None
        changed: list[str] = []
        for change in changes:
            if change.oid and not self._relevant(change.path, change.mode):
                continue
            if not change.oid:
                if self._tree.pop(change.path, None) is None:
                    continue
            else:
                self._tree[change.path] = Entry(change.mode, change.oid)
                if change.mode == GITLINK:
                    notes.append(
                        f"{change.path}: submodule (gitlink to {change.oid[:10]}), not scanned"
                    )
                if change.renamed_from and change.path.startswith(self.prefix):
                    self._renamed.append((change.renamed_from, change.path))
            if change.path.startswith(self.prefix):
                changed.append(change.path[len(self.prefix) :])
        return changed

    def _config_for(self, commit: Commit, notes: list[str]) -> Config | None:
        """The commit's config (the same object while its pyproject blob does not change), or None
        with a note saying why this commit cannot be measured."""
        if self.fixed is not None:
            return self.fixed
        entry = self._tree.get(self.pyproject)
        oid = entry.oid if entry else ""
        if oid != self._config_oid:
            self._config_oid = oid
            data = next(self._reader.read_many([oid]))[1] if entry is not None else None
            try:
                parsed = config_at(
                    data, where=f"{commit.short}:{self.pyproject}", root=self.repo.top
                )
            except ConfigError as exc:
                self._config_error, self._parsed = str(exc), None
            else:
                if parsed != self._parsed:
                    self._parsed = parsed
                    if self.stats.commits > 1:
                        notes.append(f"config changed: {self.pyproject}")
                self._config_error = ""
        if self._config_error:
            notes.append(f"not measured: {self._config_error}")
        return self._parsed

    # the scope: Python files inside the config's roots ------------------------------------------
    def _in_scope(self, rel: str, config: Config) -> bool:
        roots = config.roots
        if not any(
            r in (".", "") or rel == r or rel.startswith(r.rstrip("/") + "/") for r in roots
        ):
            return False
        return not self._excluded(rel)

    def _rebuild_scope(self, config: Config) -> None:
        self._excluded = excluder(config.exclude)
        self._modules = {}
        self._scope = {}
        self._stale = set(self._known)
        self._module_set = None
        for path, entry in self._tree.items():
            if path.startswith(self.prefix) and path != self.pyproject:
                rel = path[len(self.prefix) :]
                if self._in_scope(rel, config):
                    self._scope[rel] = entry
        self._stale |= set(self._scope)

    def _apply(self, changed: list[str], config: Config) -> None:
        self._stale.update(changed)
        self._stale.update(rel + "i" for rel in changed if rel.endswith(".py"))  # its stub's status
        for rel in changed:
            entry = self._tree.get(self.prefix + rel)
            if entry is None or self.prefix + rel == self.pyproject:
                if self._scope.pop(rel, None) is not None:
                    self._findings_dirty = True
                    self._module_set = None
            elif self._in_scope(rel, config):
                if rel not in self._scope:
                    self._findings_dirty = True
                    self._module_set = None
                self._scope[rel] = entry

    # facts and findings -----------------------------------------------------------------------
    def _measure(self, config: Config, notes: list[str]) -> tuple[FamilyPoint, ...]:
        base: set[str] = set()
        for fam in config.families:
            base |= needles_for(fam)
        self._grow_needles(base)
        while True:
            self._refresh(config, notes)
            if not self._findings_dirty and self._measured is not None:
                notes.extend(self._measured_notes)
                return self._measured
            found: list[str] = []
            points, aliases = self._resolve(config, found)
            if not self._grow_needles(aliases):
                break
        notes.extend(found)
        self._findings_dirty = False
        self._measured, self._measured_notes = points, tuple(found)
        return points

    def _grow_needles(self, names: set[str]) -> bool:
        """Add needles not already covered; True when the set grew (every file is looked at again)."""
        extra = {n for n in names if n and not any(o in n for o in self._needles)}
        if not extra:
            return False
        unique = sorted({*self._needles, *extra})
        self._needles = tuple(n for n in unique if not any(o != n and o in n for o in unique))
        self._stale |= set(self._scope)
        return True

    def _refresh(self, config: Config, notes: list[str]) -> None:
        """Bring every in-scope file's result up to date, reading only blobs not known already."""
        todo: dict[str, tuple[str, Entry]] = {}
        stale, self._stale = sorted(self._stale), set()
        for rel in stale:
            entry = self._scope.get(rel)
            known = self._known.get(rel)
            if entry is None:
                if known is not None:
                    del self._known[rel]
                    self._facts.pop(rel, None)
                    self._keep(rel, known)
                    self._findings_dirty = self._findings_dirty or isinstance(
                        known.result, FileFacts
                    )
                continue
            if rel.endswith(".pyi") and rel[:-1] in self._scope:  # never read, whatever it holds
                if known is None or known.result != _STUB:
                    self._set(rel, _Known(entry.oid, self._needles, _STUB), known)
                continue
            if known is not None and known.oid == entry.oid and known.needles == self._needles:
                if known.result != _STUB:
                    continue
            elif known is not None:
                self._keep(rel, known)
            kept = self._kept.get((entry.oid, rel))
            if kept is not None and kept[0] == self._needles and kept[1] != _STUB:
                self._set(rel, _Known(entry.oid, self._needles, kept[1]), known)
            elif entry.mode == GITLINK:
                self._set(rel, _Known(entry.oid, self._needles, None), known)
            else:
                todo[rel] = (rel, entry)
        order = sorted(todo.values())
        blobs = self._reader.read_many(entry.oid for _rel, entry in order)
        for (rel, entry), (_oid, data) in zip(order, blobs, strict=True):
            result: Result
            if data is None:
                result = f"blob {entry.oid[:10]} missing from this clone (partial clone?)"
            elif len(data) > MAX_BYTES:
                result = f"too large: {len(data)} bytes (limit {MAX_BYTES})"
            elif not mentions(data, self._needles):
                result = None
            else:
                result = facts_from_bytes(data, rel, self._needles, config.import_roots)
                self.stats.parses += 1
                if self.stats.record:
                    self.stats.parsed.append((self._commit.oid, rel))
            if isinstance(result, str):
                notes.append(f"{rel}: {result}")
            self._set(rel, _Known(entry.oid, self._needles, result), self._known.get(rel))

    def _set(self, rel: str, new: _Known, old: _Known | None) -> None:
        self._known[rel] = new
        if isinstance(new.result, FileFacts):
            self._facts[rel] = new.result
        else:
            self._facts.pop(rel, None)
        if isinstance(new.result, FileFacts) or (
            old is not None and isinstance(old.result, FileFacts)
        ):
            self._findings_dirty = True

    def _keep(self, rel: str, known: _Known) -> None:
        self._kept[(known.oid, rel)] = (known.needles, known.result)
        self._kept.move_to_end((known.oid, rel))
        while len(self._kept) > _KEPT_BLOBS:
            self._kept.popitem(last=False)

    def _resolve(
        self, config: Config, notes: list[str]
    ) -> tuple[tuple[FamilyPoint, ...], set[str]]:
        facts = list(self._facts.values())
        if self._module_set is None:
            for rel in self._scope:
                if rel not in self._modules:
                    self._modules[rel] = module_name(rel, config.import_roots)[0]
            self._module_set = {self._modules[rel] for rel in self._scope}
        modules = self._module_set
        universe = Universe(facts, modules)
        points = []
        aliases: set[str] = set()
        for fam in config.families:
            try:
                findings = FamilyResolver(fam, universe).findings()
            except ConfigError as exc:
                notes.append(f"{fam.name} not measured: {exc}")
                continue
            aliases |= {
                f.member.rpartition(".")[2].rpartition(":")[2]
                for f in findings
                if f.kind == "alias"
            }
            points.append(FamilyPoint.from_findings(fam.name, findings))
        return tuple(points), aliases


def project_root(repo: Repo, pyproject: str) -> Path:
    folder = pyproject.rpartition("/")[0]
    return repo.top / folder if folder else repo.top
