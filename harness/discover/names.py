"""Name families: classes of one name in several modules, or of one name but for a migration word.

What a reviewer looks for first in a tree about to be consolidated: `ExecutionEngineFactory`
defined in five modules, `UnifiedExecutionEngineFactory` and `LegacyExecutionEngineFactory`
beside it, `AirflowSecurityManagerV2` beside `AirflowSecurityManager`. A family of names is
judged by how alike its classes' shapes are (bases and every method, private ones too: two copies
of `class BadHeaderError(ValueError): pass` are alike), and a name that a framework looks up in
one module per plugin (`Command` in every `management/commands/*.py`, `DatabaseWrapper` in every
`backends/*/base.py`) is a plugin layout, not a copy.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from harness.discover.similarity import mean_similarity

if TYPE_CHECKING:
    from harness.discover.rank import Definition

# words that mark a migration's variants of one class: dropped, the rest of the name is its stem
MIGRATION_WORDS = frozenset(
    {"legacy", "unified", "enhanced", "consolidated", "deprecated", "compat", "old", "new",
     "global", "async", "v1", "v2", "v3", "v4", "ssot"}
)  # fmt: skip
# of those, the words that say a class is kept for a migration (the others, like `Async` or
# `Global`, also name designs that are meant to stay: their variants must be alike to count)
_INTENT_WORDS = frozenset(
    {"legacy", "unified", "enhanced", "consolidated", "deprecated", "compat", "old", "v1", "v2",
     "v3", "v4", "ssot"}
)  # fmt: skip
# folders of historical snapshots: a migration freezes a copy of a model on purpose
_SNAPSHOT_DIRS = frozenset({"migrations", "versions"})
# a trailing word that keeps the stem it adapts (`EngineFactoryAdapter` of `EngineFactory`)
_TRAILING = frozenset({"adapter"})
# module path words that mark a copy kept for a migration (`old_fractionfield`, `engine_legacy`)
_PATH_WORDS = frozenset(
    {
        "legacy",
        "old",
        "deprecated",
        "compat",
        "compatibility",
        "ssot",
        "v1",
        "v2",
        "backup",
        "backups",
    }
)
# from this many exact names defined by the same modules, the modules mirror each other's API
# (model fields and form fields, two libraries' bindings) more likely than one copies the other
MIRRORED_NAMES = 3
# value-class suffixes: the same data shape defined twice is rarely one role
VALUE_WORDS = frozenset(
    {"config", "settings", "options", "result", "results", "record", "item", "entry", "event",
     "state", "status", "type", "types", "info", "data", "model", "schema", "spec", "params",
     "payload", "context", "key", "id", "meta", "enum", "dict", "list", "tuple", "set", "mixin",
     "summary", "row", "test", "tests", "case"}
)  # fmt: skip
# how many modules defining one name make a plugin layout likely, and the share laid out alike
_LAYOUT_AT_LEAST = 4
_LAYOUT_SHARE = 0.75

_TOKEN = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z0-9]+|[A-Z]+")
_MARKED = re.compile(
    r"Legacy|Unified|Enhanced|Consolidated|Deprecated|Compat|Old|New|Global|Async|V[1-4]|Ssot|SSOT|Adapter"
)


@functools.lru_cache(maxsize=1 << 16)
def _tokens(name: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(name.replace("_", " ")))


def stem(name: str) -> str:
    """The name without its migration words: `LegacyExecutionEngineFactory` and
    `ExecutionEngineFactoryV2` -> `ExecutionEngineFactory`; a name of migration words only is its
    own stem."""
    if _MARKED.search(name) is None:
        return name
    tokens = _tokens(name)
    kept = [t for t in tokens if not _is_word(t, MIGRATION_WORDS)]
    if len(kept) > 1 and kept[-1].lower() in _TRAILING:
        kept.pop()
    return "".join(kept) if kept and kept != list(tokens) else name


def is_value_name(name: str) -> bool:
    tokens = _tokens(name)
    return name.startswith("_") or not tokens or tokens[-1].lower() in VALUE_WORDS


def repeated_names(tops: Iterable[tuple[str, ...]]) -> frozenset[str]:
    """Of the module-level class names of each file, those another file defines too, or whose stem
    (without a migration word) is another class's name or stem: the classes a reviewer would read."""
    files: Counter[str] = Counter()
    for names in tops:
        files.update(set(names))
    out = {n for n, k in files.items() if k > 1 and not is_value_name(n)}
    stems: defaultdict[str, list[str]] = defaultdict(list)
    for n in files:
        s = stem(n)
        if s != n:
            stems[s].append(n)
    for s, variants in stems.items():
        if (s in files or len(variants) > 1) and not is_value_name(s):
            out.update(variants)
            if s in files:
                out.add(s)
    return frozenset(out)


def shape(bases: Iterable[str], methods: Iterable[str]) -> frozenset[str]:
    """A class's shape: its bases (last part of each dotted name) and every method it defines; two
    bare `class X: pass` have the same one."""
    out = frozenset({*("base:" + b.rpartition(".")[2] for b in bases), *methods})
    return out or frozenset({""})


def in_snapshots(path: str) -> bool:
    """Whether a file (posix, relative) is under a folder of historical snapshots (migrations)."""
    return not _SNAPSHOT_DIRS.isdisjoint(path.split("/")[:-1])


def marked_path(path: str) -> bool:
    """Whether a module's path says it is a copy kept for a migration (`legacy/`, `old_x.py`)."""
    return any(
        w in _PATH_WORDS for part in path.removesuffix(".py").split("/") for w in part.split("_")
    )


@dataclass(frozen=True)
class NameFamily:
    """Classes of one stem (exact names and their migration-word variants), or exact names that the
    same modules all define (a module copied whole is one family, not one per class)."""

    names: tuple[str, ...]  # most defined first
    members: tuple[Definition, ...]
    duplicates: int  # definitions beyond the first of each exact name, in distinct modules
    variants: int  # names beyond the stem's own (Legacy..., ...V2, ...Async)
    intent: int  # of those, names whose migration word says they are kept for a migration
    extends: (
        int  # definitions subclassing a class of their own name, or Base<name>: specializations
    )
    layout: bool  # every name looks like a plugin layout's (one module per plugin)
    marked: int  # members in a module whose path marks a copy (legacy/, old_..., _compat)


def name_families(defs: Iterable[Definition]) -> list[NameFamily]:
    """The families of names among module-level, non-double classes, in a stable order."""
    by_stem: defaultdict[str, list[Definition]] = defaultdict(list)
    for d in defs:
        if (
            d.kind == "class"
            and not d.double
            and "." not in d.name
            and not is_value_name(d.name)
            and not in_snapshots(d.path)
        ):
            by_stem[stem(d.name)].append(d)
    singles: defaultdict[frozenset[str], list[Definition]] = defaultdict(list)
    groups: list[list[Definition]] = []
    for members in by_stem.values():
        names = {d.name for d in members}
        modules = {d.module for d in members}
        if len(names) > 1:
            groups.append(members)
        elif len(modules) > 1:
            singles[frozenset(modules)].extend(members)  # keyed by where it is defined
    groups += singles.values()
    return sorted(
        (_family(g) for g in groups), key=lambda f: (f.names, [(m.path, m.line) for m in f.members])
    )


def _family(members: list[Definition]) -> NameFamily:
    by_name: defaultdict[str, list[Definition]] = defaultdict(list)
    for d in members:
        by_name[d.name].append(d)
    names = sorted(by_name, key=lambda n: (-len(by_name[n]), n))
    extending = [d for d in members if not _SPECIALIZES.isdisjoint(_bases_of(d.name, d.shape))]
    copies = {n: {d.module for d in ds if d not in extending} for n, ds in by_name.items()}
    duplicates = sum(max(len(m) - 1, 0) for m in copies.values())
    stems = {stem(n) for n in names}
    variants = len(names) - len(stems) if len(stems) < len(names) else 0
    intent = sum(1 for n in names if n != stem(n) and _intended(n)) if variants else 0
    layout = all(_plugin_layout(ds) for ds in by_name.values()) and variants == 0
    ordered = sorted(members, key=lambda d: (d.path, d.line))
    marked = sum(1 for d in ordered if marked_path(d.path))
    return NameFamily(
        tuple(names), tuple(ordered), duplicates, variants, intent, len(extending), layout, marked
    )


_SPECIALIZES = frozenset({"", "Base", "Abstract"})


def _bases_of(name: str, shape: frozenset[str]) -> set[str]:
    """What precedes `name` in each base of a shape that ends with it: "" for `class X(m.X)`,
    "Base" for `class X(BaseX)` (a specialization of a base of its own name)."""
    return {b[5 : -len(name)] for b in shape if b.startswith("base:") and b.endswith(name)}


def _intended(name: str) -> bool:
    return any(_is_word(t, _INTENT_WORDS) for t in _tokens(name))


def _is_word(token: str, vocabulary: frozenset[str]) -> bool:
    """`V2`, `Legacy` and `Legacy2` are migration words; `2` alone is not."""
    low = token.lower()
    return not token.isdigit() and (low in vocabulary or low.rstrip("0123456789") in vocabulary)


def alike(family: NameFamily) -> float:
    """How alike a family's classes are by shape: the mean over its exact names of their copies'
    similarity, or over every two members when it holds variants of one stem."""
    if family.variants:
        return mean_similarity([m.shape for m in family.members])
    by_name: defaultdict[str, list[frozenset[str]]] = defaultdict(list)
    for m in family.members:
        by_name[m.name].append(m.shape)
    values = [mean_similarity(shapes) for shapes in by_name.values() if len(shapes) > 1]
    return sum(values) / len(values) if values else 0.0


def _plugin_layout(defs: list[Definition]) -> bool:
    """One name in many modules laid out alike: the same folder name (`commands/*.py`) or the same
    file name in sibling folders (`backends/*/base.py`), none of them marked as a copy."""
    paths = sorted({d.path for d in defs})
    if len(paths) < _LAYOUT_AT_LEAST or any(marked_path(p) for p in paths):
        return False
    parents = Counter(p.rpartition("/")[0].rpartition("/")[2] for p in paths)
    files = Counter(p.rpartition("/")[2] for p in paths)
    alike = max(max(parents.values()), max(files.values()))
    return alike >= _LAYOUT_SHARE * len(paths)
