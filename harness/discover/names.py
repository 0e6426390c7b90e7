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

_TOKEN = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z0-9]+|[A-Z]+")
# the last of _TOKEN's words of a name (after its last "_"), unless a capital precedes it
_LAST_WORD = re.compile(r"(?:[A-Z]?[a-z0-9]+|[A-Z]+)$")
_MARKED = re.compile(
    r"Legacy|Unified|Enhanced|Consolidated|Deprecated|Compat|Old|New|Global|Async|V[1-4]|Ssot|SSOT|Adapter"
)


@functools.lru_cache(maxsize=1 << 18)
def _tokens(name: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(name.replace("_", " ")))


@functools.lru_cache(maxsize=1 << 18)
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


@functools.lru_cache(maxsize=1 << 18)
def is_value_name(name: str) -> bool:
    if name.startswith("_"):
        return True
    last = last_word(name)  # most names: decided without splitting them into words
    if last is not None:
        return last in VALUE_WORDS
    tokens = _tokens(name)
    return not tokens or tokens[-1].lower() in VALUE_WORDS


def last_word(name: str) -> str | None:
    """`words(name)[-1]` found without splitting the whole name (its last word is in what follows
    the last "_"), or None when that takes the split (a name with "WebSocket", or a last word right
    after a capital, which _WORD may have taken into a run of capitals)."""
    if "WebSocket" in name:
        return None
    tail = name.rpartition("_")[2]
    last = _LAST_WORD.search(tail)
    if last is None or (last.start() and tail[last.start() - 1].isupper()):
        return None
    return last.group().lower()


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


def intended(name: str) -> bool:
    return any(_is_word(t, _INTENT_WORDS) for t in _tokens(name))


def _is_word(token: str, vocabulary: frozenset[str]) -> bool:
    """`V2`, `Legacy` and `Legacy2` are migration words; `2` alone is not."""
    low = token.lower()
    return not token.isdigit() and (low in vocabulary or low.rstrip("0123456789") in vocabulary)
