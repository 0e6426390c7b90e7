"""Reads a tree for discover: a byte outline of every file, then the scanner's exact facts (cached
by content) for the files that define something playing a role, from the bytes already read (each
file is read once).

The outline pass runs in batches on both cores (see Batches): each batch's files are read and
outlined by whichever process takes it, and the bytes of the files that may be candidates whatever
role words the tree teaches come back with their outlines, so the scanner parses the candidates
from them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from harness.discover.names import in_snapshots, repeated_names, shape
from harness.discover.outline import Outline, outline
from harness.discover.rank import (
    CONSTRUCTOR_PREFIXES,
    ROLE_SYNONYMS,
    Definition,
    Evidence,
    is_double_name,
    learn_roles,
    may_play_a_role,
    role_and_subject,
    words,
)
from harness.scan.batches import Batches
from harness.scan.facts import FileFacts, module_name
from harness.scan.gitfiles import git_tree
from harness.scan.index import HOLD_BYTES, read_file, scan
from harness.scan.parse import MAX_BYTES
from harness.scan.skip import Skipped
from harness.scan.walk import StatKey, walk_strings

CACHE_NAME = "discover.json"
_TEST_DIRS = {"tests", "test", "testing", "fixtures", "mocks"}
_METHOD_KINDS = {"method", "classmethod", "staticmethod"}
# Files are outlined in batches of about this many bytes: one batch per task of either process.
OUTLINE_BATCH_BYTES = 1024 * 1024

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


def project_base(path: Path) -> Path:
    """The folder module names start from: PATH (or its folder), above any package it is in."""
    base = path.resolve() if path.is_dir() else path.resolve().parent
    while (base / "__init__.py").is_file() and base.parent != base:
        base = base.parent
    return base


def collect(
    path: Path,
    *,
    exclude: tuple[str, ...] = (),
    use_cache: bool = True,
    jobs: int | None = None,
    git: bool = True,
) -> Collected:
    """The definitions under `path` that may play a role, and the evidence about them; inside a
    git work tree (unless `git` is False) git lists the files, as for the audit (see gitfiles)."""
    base = project_base(path)
    top = os.fspath(base)
    stats: dict[str, StatKey] = {}
    tree = git_tree(top, [os.path.abspath(path)], exclude, stats) if git else None
    if tree is not None:
        paths, walk_skips = tree.paths, tree.skipped
    else:
        stats.clear()
        paths, walk_skips = walk_strings(
            [os.path.abspath(path)], exclude, relative_to=top, stats=stats
        )
    items = [(p, _rel(p, top)) for p in paths]
    held: dict[str, bytes] = {}
    budget = HOLD_BYTES
    outlines: list[Outline | str] = []
    may_play: list[bool] = []  # whether the file may be a candidate, whatever roles are learned
    for found in _outline_all([(p, rel, stats.get(p)) for p, rel in items], jobs):
        outlines.append(found if isinstance(found, str) else found[0])
        data = None if isinstance(found, str) else found[1]
        may_play.append(data is not None)
        if data is not None and len(data) <= budget:  # the scanner parses candidates from these
            held[items[len(outlines) - 1][1]] = data
            budget -= len(data)
    evidence = Evidence()
    class_names: list[str] = []
    for o in outlines:
        if isinstance(o, Outline):
            class_names += o.classes
            evidence.imported.update(o.imports)
            evidence.constructed.update(o.constructed)
    learned = frozenset(learn_roles(class_names))
    # the files whose module-level classes may found a family of names (see names.py)
    named = [
        isinstance(o, Outline) and bool(o.top) and not in_tests(rel) and not in_snapshots(rel)
        for (_, rel), o in zip(items, outlines, strict=True)
    ]
    twice = repeated_names(
        o.top for o, n in zip(outlines, named, strict=True) if n and isinstance(o, Outline)
    )
    candidates = [
        rel
        for (_, rel), o, may, n in zip(items, outlines, may_play, named, strict=True)
        if may
        and (
            _plays_a_role(o, learned)
            or (n and isinstance(o, Outline) and not twice.isdisjoint(o.top))
        )
    ]
    result = scan(
        base,
        candidates,
        (),  # no needle: every candidate file is parsed
        exclude=exclude,
        cache_dir=(base / ".ssot-cache") if use_cache else None,
        cache_name=CACHE_NAME,
        jobs=jobs,
        held={rel: held[rel] for rel in candidates if rel in held},
        definitions_only=True,  # definitions and assignments are all discover reads
        git=git,
    )
    skipped = [Skipped(Path(_rel(p, top)), reason) for p, reason in walk_skips]
    skipped += [
        Skipped(Path(rel), o)
        for (_, rel), o in zip(items, outlines, strict=True)
        if isinstance(o, str)
    ]
    skipped += list(result.skipped)
    defs = [d for facts in result.facts for d in _definitions(facts)]
    return Collected(
        defs, evidence, learned, sorted(set(skipped)), base, len(items), result.files_parsed
    )


def _outline_all(files: list[_File], jobs: int | None) -> list[_Outlined]:
    """What `_outline_batch` gives for each file, in order; batches go to a forked helper and this
    process alike."""
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
    """Each file's outline, with its bytes when it may be a candidate for the scanner's parse
    whatever role words are learned (the others' bytes are not needed again, and are not sent
    back from a helper), or why it was not read."""
    out: list[_Outlined] = []
    for path, rel, key in batch:
        found = _outline_file(path, rel, key)
        if isinstance(found, str):
            out.append(found)
        else:
            o, data = found
            out.append((o, data if _may_play_a_role(o) else None))
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


def _may_play_a_role(o: Outline) -> bool:
    """True whenever `_plays_a_role(o, learned)` is, for any learned role words, or the file
    defines a module-level class (whose name another module may define too)."""
    if o.top or any(may_play_a_role(c) for c in (*o.classes, *o.aliases)):
        return True
    return _has_a_role_getter(o)


def _has_a_role_getter(o: Outline) -> bool:
    return any(words(g)[-1:] and words(g)[-1] in ROLE_SYNONYMS for g in o.getters)


def _plays_a_role(o: Outline | str, learned: frozenset[str]) -> bool:
    if not isinstance(o, Outline):
        return False
    if any(role_and_subject(c, learned) for c in (*o.classes, *o.aliases)):
        return True
    return _has_a_role_getter(o)


def in_tests(path: str) -> bool:
    """Whether a file (posix, relative) is a test module or under a test folder."""
    parts = path.split("/")
    return bool(_TEST_DIRS & set(parts[:-1])) or parts[-1].startswith(("test_", "conftest"))


def _definitions(facts: FileFacts) -> list[Definition]:
    tests = in_tests(facts.path)
    methods: dict[str, set[str]] = {}
    every: dict[str, set[str]] = {}  # private and dunder methods too: a class's shape
    for d in facts.definitions:
        owner, _, own = d.qualname.partition(".")
        if own and "." not in own and d.kind in _METHOD_KINDS:
            every.setdefault(owner, set()).add(own)
            if not own.startswith("_"):
                methods.setdefault(owner, set()).add(own)
    out: list[Definition] = []
    for d in facts.definitions:
        if d.kind in _METHOD_KINDS and d.kind != "classmethod":
            continue  # a method is only ever part of its class's method set (above)
        head, _, own = d.qualname.partition(".")
        double = tests or is_double_name(head)
        if d.kind == "class" and not own:
            if any(b.rpartition(".")[2] == "Protocol" for b in d.bases):
                continue  # an interface is not an implementation
            out.append(
                Definition(
                    d.qualname,
                    facts.module,
                    facts.path,
                    d.line,
                    "class",
                    frozenset(methods.get(d.qualname, ())),
                    double,
                    shape(d.bases, every.get(d.qualname, ())),
                )
            )
        elif d.kind == "function" and not own and d.qualname.startswith("get_"):
            out.append(
                Definition(d.qualname, facts.module, facts.path, d.line, "getter", double=double)
            )
        elif d.kind == "classmethod" and own.startswith(CONSTRUCTOR_PREFIXES) and "." not in own:
            out.append(
                Definition(
                    d.qualname, facts.module, facts.path, d.line, "constructor", double=double
                )
            )
    for a in facts.assignments:
        if "." not in a.target and "." not in a.value and a.target[:1].isupper():
            out.append(
                Definition(a.target, facts.module, facts.path, a.line, "alias", double=tests)
            )
    return out


def _rel(path: str, base: str) -> str:
    if path == base:
        return "."
    if path.startswith(base + os.sep):
        path = path[len(base) + 1 :]
    return path.replace(os.sep, "/")
