"""Groups candidate definitions into likely families, scores them, and guesses each canonical by evidence.

A family is a group of definitions playing one role: the same role word at the end of the name
(built in, or learned from the tree's suffix clusters), a shared subject, similar public method
sets; getters (`get_*`) and classmethod constructors of that subject join it. Test doubles are kept
apart: they are listed, never counted, never named.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from harness.discover.families import NameFamily, name_families
from harness.discover.names import last_word, stem
from harness.discover.score import ALIKE, score_group
from harness.discover.similarity import mean_similarity

ROLE_SYNONYMS = {
    "notifier": "notifier", "bridge": "notifier", "emitter": "notifier", "broadcaster": "notifier",
    "publisher": "notifier", "factory": "factory", "registry": "registry", "supervisor": "supervisor",
    "orchestrator": "supervisor", "manager": "manager", "service": "service", "client": "client",
    "handler": "handler", "store": "store", "repository": "store", "engine": "engine", "executor": "engine",
}  # fmt: skip
MODIFIERS = {
    "legacy", "old", "new", "unified", "global", "default", "base", "abstract", "request", "scoped", "user",
    "shared", "simple", "v1", "v2", "class", "compat", "core", "main", "async", "sync",
}  # fmt: skip
# Suffixes that name values or plumbing, not roles: never learned as role words.
NOT_ROLES = {
    "config", "settings", "options", "error", "exception", "warning", "result", "results", "request",
    "response", "record", "item", "items", "entry", "event", "events", "state", "status", "type", "types",
    "info", "data", "model", "schema", "spec", "params", "payload", "context", "key", "id", "test",
    "tests", "case", "mixin", "meta", "enum", "dict", "list", "tuple", "set", "base", "interface",
    "protocol", "summary", "token", "batch", "row", "page", "node", "edge", "span", "window", "chunk",
    "handle", "view", "field", "form", "widget",
}  # fmt: skip
DOUBLE_WORDS = ("fake", "mock", "stub", "dummy", "spy", "test", "double")
# words that may follow a role word and keep it the role (SupervisorAgent, FactoryImpl)
_ROLE_TAILS = {"agent", "impl", "v1", "v2", "class"}
CONSTRUCTOR_PREFIXES = ("create_for_", "for_user", "from_context")


_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z0-9]+|[A-Z]+")


@functools.lru_cache(maxsize=1 << 18)
def _words(name: str) -> tuple[str, ...]:
    name = name.replace("WebSocket", "Websocket").replace("_", " ")
    return tuple(p.lower() for p in _WORD.findall(name))


def words(name: str) -> list[str]:
    """CamelCase or snake_case name -> lowercase words ('WebSocket' stays one word)."""
    return list(_words(name))


@functools.lru_cache(maxsize=1 << 18)
def is_double_name(name: str) -> bool:
    low = name.lower()
    if not any(w in low for w in DOUBLE_WORDS):
        return False  # most names: decided without splitting them into words
    ws = words(name)
    return bool(ws) and (ws[0] in DOUBLE_WORDS or ws[-1] in DOUBLE_WORDS)


@dataclass(frozen=True)
class Definition:
    name: str  # qualified within the module (Class.method)
    module: str
    path: str
    line: int
    kind: str  # class | getter | constructor | alias
    methods: frozenset[str] = frozenset()
    double: bool = False
    shape: frozenset[str] = frozenset()  # bases and every method (see names.shape), for classes
    bases: tuple[str, ...] = ()  # as the file's imports resolve them (`module.Name`), for classes
    target: str = ""  # what an alias stands for (`module.Name`)
    marks: tuple[str, ...] = ()  # what its own module says of a class: deprecated, fallback
    public: bool = False  # in its module's `__all__` (a re-export under a new name, for an alias)
    bare: bool = False  # a class whose body defines no method and binds no name to another
    # the modules its file imports from, and `module:Name` per name (one set per file, shared)
    imports: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    @property
    def member(self) -> str:
        return f"{self.module}:{self.name}"


@dataclass
class Evidence:
    """How much the rest of the tree leans on each definition: how often it is imported from its
    module, plus how often it is constructed (called by a name imported from, or defined in, it)."""

    imported: Counter[tuple[str, str]] = field(default_factory=Counter)
    # `Name(...)` call sites of a name imported from (or defined in) the module
    constructed: Counter[tuple[str, str]] = field(default_factory=Counter)

    def weight(self, d: Definition) -> int:
        key = (d.module, d.name.split(".")[0])
        return self.imported[key] + self.constructed[key]


@dataclass
class Group:
    role: str
    subject: frozenset[str]
    members: list[Definition] = field(default_factory=list)
    doubles: list[Definition] = field(default_factory=list)
    learned: bool = False
    score: float = 0.0
    why: list[str] = field(default_factory=list)
    name: str = ""
    # the families of names it holds (exact-name duplicates, migration-word variants)
    families: list[NameFamily] = field(default_factory=list)
    by_name: bool = False  # founded on a family of names, not on a role word

    def base_name(self) -> str:
        """Role, prefixed by the subject words most class members share; a group founded on a
        family of names is named after its first stem."""
        if self.by_name:
            return "-".join(words(stem(self.families[0].names[0]))) or self.role
        classes = [m for m in self.members if m.kind in ("class", "alias")]
        subjects = [
            (role_and_subject(m.name, {self.role}) or ("", frozenset()))[1] for m in classes
        ]
        counts = Counter(w for s in subjects for w in s)
        shared = {w for w, n in counts.items() if n * 2 >= len(subjects)}  # else: the role alone
        firsts: dict[str, int] = {}
        for d in (m for m in classes if m.kind == "class"):
            for i, w in enumerate(words(d.name.split(".")[0])):
                firsts[w] = min(i, firsts.get(w, i))
        ordered = sorted(shared, key=lambda w: (firsts.get(w, 99), w))
        return "-".join([*ordered, self.role]) if ordered else self.role


def role_and_subject(name: str, roles: Iterable[str]) -> tuple[str, frozenset[str]] | None:
    """(role, subject words) when `name` ends with a role word (synonyms folded), else None."""
    return _role_and_subject(name, frozenset(roles))


@functools.lru_cache(maxsize=1 << 18)
def _role_and_subject(name: str, roles: frozenset[str]) -> tuple[str, frozenset[str]] | None:
    last = last_word(name)
    if last is not None and last not in ROLE_SYNONYMS and last not in roles:
        if last not in _ROLE_TAILS:
            return None  # decided by the last word alone, without splitting the name
    ws = _words(name)
    for i in range(len(ws) - 1, -1, -1):
        role = ROLE_SYNONYMS.get(ws[i]) or (ws[i] if ws[i] in roles else None)
        if role and all(w in _ROLE_TAILS for w in ws[i + 1 :]):
            return role, frozenset(w for j, w in enumerate(ws) if j != i and not _modifier(w))
    return None


def may_play_a_role(name: str) -> bool:
    """Whether `name` plays a role with some role words learned from some tree: true whenever
    `role_and_subject(name, learn_roles(names))` is not None, whatever the names (learned words are
    longer than three letters and never in NOT_ROLES), so it can be decided before learning.

    Most names are decided by their last word alone, found without splitting the whole name.
    """
    word = last_word(name)
    if word is not None:
        if word in ROLE_SYNONYMS or (len(word) > 3 and word not in NOT_ROLES):
            return True
        if word not in _ROLE_TAILS:
            return False
    return _may_play_by_words(name)


def _may_play_by_words(name: str) -> bool:
    ws = _words(name)
    for i in range(len(ws) - 1, -1, -1):
        if ws[i] in ROLE_SYNONYMS or (len(ws[i]) > 3 and ws[i] not in NOT_ROLES):
            return True
        if ws[i] not in _ROLE_TAILS:
            return False  # a role word must be followed by tails only
    return False


def _modifier(word: str) -> bool:
    """legacy, old, v2... (digits dropped: `Legacy2Factory` is a legacy factory)."""
    return word.rstrip("0123456789") in MODIFIERS or word.isdigit()


def learn_roles(class_names: list[str], *, at_least: int = 3) -> set[str]:
    """Suffix words shared by `at_least` distinct class names with distinct subjects (`*Calculator`)."""
    subjects: dict[str, set[frozenset[str]]] = {}
    for name in set(class_names):
        last = last_word(name)
        if last is not None and not _learnable(last):
            continue  # its last word is never learned: no need to split the rest
        ws = words(name)
        if len(ws) < 2 or is_double_name(name):
            continue
        subject = frozenset(w for w in ws[:-1] if not _modifier(w))
        if subject:
            subjects.setdefault(ws[-1], set()).add(subject)
    return {w for w, s in subjects.items() if len(s) >= at_least and _learnable(w)}


def _learnable(word: str) -> bool:
    return word not in NOT_ROLES and word not in ROLE_SYNONYMS and len(word) > 3


def rank(defs: list[Definition], evidence: Evidence, learned: Iterable[str]) -> list[Group]:
    """Groups of definitions sharing a role and subject, best first; names unique; the members of
    each in the order of the evidence (most imported and constructed first)."""
    groups = rank_groups(defs, learned)
    sort_members(groups, evidence)
    return groups


def sort_members(groups: Iterable[Group], evidence: Evidence) -> None:
    """The members of each group, the most imported and constructed first (then by place)."""
    for g in groups:
        g.members.sort(key=lambda m: (-evidence.weight(m), m.path, m.line))


def rank_groups(defs: list[Definition], learned: Iterable[str]) -> list[Group]:
    """Groups of definitions sharing a role and subject, best first; names unique; members in the
    order of their place (no evidence needed: scores never read it)."""
    groups: list[Group] = []
    roles = frozenset(learned)  # hashed once: role_and_subject caches by it
    # classes found the groups, the most specific subjects first (ExecutionEngineFactory before
    # EngineFactory), so a group is not chained across subjects; aliases join after
    found = [(d, role_and_subject(d.name, roles)) for d in defs if d.kind == "class"]
    ordered = sorted(
        ((d, rs) for d, rs in found if rs is not None),
        key=lambda x: (x[0].double, -len(x[1][1]), x[0].path, x[0].line),
    )
    of_role: dict[str, list[Group]] = {}  # each role's groups, in the order they were founded
    for d, (role, subject) in ordered:
        _join(d, role, subject, roles, groups, of_role)
    _join_ways_in(defs, of_role)
    groups = _place_name_families(defs, groups)
    _join_aliases(defs, groups, of_role, roles)
    for g in groups:
        score_group(g)
    names = {id(g): g.base_name() for g in groups}  # each computed once
    groups.sort(key=lambda g: (-g.score, names[id(g)]))
    _unique_names(groups, names)
    for g in groups:
        g.members.sort(key=lambda m: (m.path, m.line))
        g.doubles.sort(key=lambda m: (m.path, m.line))
    return groups


def _join(
    d: Definition,
    role: str,
    subject: frozenset[str],
    roles: frozenset[str],
    groups: list[Group],
    of_role: dict[str, list[Group]],
) -> None:
    """`d` joins the first group of its role whose subject it shares, or founds one."""
    home = next(
        (
            g
            for g in of_role.get(role, ())
            if (g.members or g.doubles)
            and (not subject or not g.subject or subject & g.subject or g.learned)
        ),
        None,
    )
    if home is None:
        home = Group(role, subject, learned=role in roles and role not in ROLE_SYNONYMS)
        groups.append(home)
        of_role.setdefault(role, []).append(home)
    elif not home.subject and not d.double:
        home.subject = subject  # a group keeps the subject it was founded on: no chaining
    (home.doubles if d.double else home.members).append(d)


def _join_aliases(
    defs: list[Definition],
    groups: list[Group],
    of_role: dict[str, list[Group]],
    roles: frozenset[str],
) -> None:
    """Each alias (`Y = X`, or `from m import X as Y` re-exported) joins the group of the class it
    stands for; one standing for no member joins by its own name's role, as a class would."""
    at: dict[str, Group] = {}
    by_name: dict[str, list[tuple[str, Group]]] = {}
    for g in groups:
        for m in g.members:
            if m.kind == "class":
                at[f"{m.module}.{m.name}"] = g
                by_name.setdefault(m.name, []).append((m.module, g))
    aliases = [d for d in defs if d.kind == "alias"]
    for d in sorted(aliases, key=lambda d: (d.double, d.path, d.line)):
        home = at.get(d.target)
        if home is None and d.target:  # through a package that re-exports it
            module, _, name = d.target.rpartition(".")
            under = {id(g): g for m, g in by_name.get(name, ()) if m.startswith(module + ".")}
            home = next(iter(under.values())) if len(under) == 1 else None
        if home is not None:
            (home.doubles if d.double else home.members).append(d)
            continue
        rs = role_and_subject(d.name, roles)
        if rs is not None:
            _join(d, rs[0], rs[1], roles, groups, of_role)


def _join_ways_in(defs: list[Definition], of_role: dict[str, list[Group]]) -> None:
    """Getters (`get_<subject>_<role>`) and classmethod constructors join the group of their
    subject (the first founded of their role's groups)."""
    for d in defs:
        if d.kind == "getter":
            ws = words(d.name[4:])
            subject = {w for w in ws[:-1] if not _modifier(w)}
            role = ROLE_SYNONYMS.get(ws[-1], ws[-1]) if ws else ""
            for g in of_role.get(role, ()):
                if subject and subject <= g.subject:
                    (g.doubles if d.double else g.members).append(d)
                    break
        elif d.kind == "constructor":
            owner = set(words(d.name.split(".")[0]))
            for g in of_role.get("factory", ()):
                if g.subject and g.subject <= owner:
                    (g.doubles if d.double else g.members).append(d)
                    break


def _alike(group: Group, known: dict[int, bool]) -> bool:
    if id(group) not in known:
        sets = [m.methods for m in group.members if m.kind == "class"]
        known[id(group)] = mean_similarity(sets) >= ALIKE
    return known[id(group)]


def _place_name_families(defs: list[Definition], groups: list[Group]) -> list[Group]:
    """Each family of names joins the role group holding all its classes when that group is
    built in and its members behave alike (or the family is half of it); otherwise its classes
    leave their role groups and found a group of their own."""
    home_of = {id(m): g for g in groups for m in g.members}
    alike: dict[int, bool] = {}  # by group: whether its classes' public methods are alike
    founded: list[Group] = []
    for family in name_families(defs):
        homes = {id(g): g for m in family.members if (g := home_of.get(id(m))) is not None}
        home = next(iter(homes.values())) if len(homes) == 1 else None
        if home is not None and len(family.members) == sum(
            id(m) in home_of for m in family.members
        ):
            classes = sum(1 for m in home.members if m.kind == "class")
            if not home.learned and (2 * len(family.members) >= classes or _alike(home, alike)):
                home.families.append(family)
                continue
        ids = {id(m) for m in family.members}
        for g in homes.values():
            g.members = [m for m in g.members if id(m) not in ids]
            alike.pop(id(g), None)
        ws = words(stem(family.names[0]))
        group = Group(ws[-1] if ws else "", frozenset(ws[:-1]), list(family.members))
        group.families.append(family)
        group.by_name = True
        founded.append(group)
        home_of.update((id(m), group) for m in family.members)
    return [g for g in groups if g.members or g.doubles] + founded


def _unique_names(groups: list[Group], names: dict[int, str] | None = None) -> None:
    seen: Counter[str] = Counter()
    for g in groups:
        base = g.base_name() if names is None else names[id(g)]
        seen[base] += 1
        g.name = base if seen[base] == 1 else f"{base}-{seen[base]}"
