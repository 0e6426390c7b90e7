"""Families of names, and what ties their classes: copies, shims, links, deprecations, fallbacks.

A family is the classes of one stem (exact names and their migration-word variants), or of exact
names that the same modules all define, or a deprecated class beside the class it subclasses. What
ties two of its classes, strongest first:
- a **shim**: `class JSONField(BuiltinJSONField)` with `from django.db.models import JSONField as
  BuiltinJSONField`, binding nothing of its own (no method, no class attribute naming another
  object): the same class again, kept so old imports work;
- a **deprecation** the class's own text states (a decorator, its docstring, a warning where it is
  built) or an **import fallback** (`try: from new import X` / `except ImportError: class X`);
- a **link**: the module of one copy imports from the module of the other (and does not subclass
  it): whoever wrote the second copy knew the first;
- shapes alike (bases and every method; see names.shape).
A subclass of its own name that adds methods is a specialization, not a copy.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING

from harness.discover.names import in_snapshots, intended, is_value_name, marked_path, stem
from harness.discover.similarity import mean_similarity

if TYPE_CHECKING:
    from harness.discover.rank import Definition

# how many modules defining one name make a plugin layout likely, and the share laid out alike
_LAYOUT_AT_LEAST = 4
_LAYOUT_SHARE = 0.75
DEPRECATED = "deprecated"
FALLBACK = "fallback"


@dataclass(frozen=True)
class NameFamily:
    """Classes of one stem (exact names and their migration-word variants), exact names that the
    same modules all define (a module copied whole is one family, not one per class), or a
    deprecated class and the class it subclasses."""

    names: tuple[str, ...]  # most defined first
    members: tuple[Definition, ...]
    duplicates: int  # definitions beyond the first of each exact name, in distinct modules
    variants: int  # names beyond the stem's own (Legacy..., ...V2, ...Async)
    intent: int  # of those, names whose migration word says they are kept for a migration
    extends: int  # subclasses of a class of their own name (or Base<name>) adding methods
    layout: bool  # every name looks like a plugin layout's (one module per plugin)
    marked: int  # members in a module whose path marks a copy (legacy/, old_..., _compat)
    shims: tuple[tuple[Definition, Definition], ...] = ()  # (shim, the class it subclasses)
    deprecated: tuple[Definition, ...] = ()
    fallbacks: tuple[Definition, ...] = ()
    links: tuple[tuple[Definition, Definition], ...] = ()  # (importer, the copy it imports from)
    shapes: tuple[frozenset[str], ...] = ()  # each member's, a shim's being its base's
    pair: bool = False  # a deprecated class that only warns, beside the class it subclasses

    @property
    def kept(self) -> int:
        """Members whose own code says they are kept for a migration (beyond their names)."""
        return len(self.shims) + len(self.deprecated) + len(self.fallbacks)


def name_families(defs: Iterable[Definition]) -> list[NameFamily]:
    """The families of names among module-level, non-double classes, in a stable order."""
    by_stem: defaultdict[str, list[Definition]] = defaultdict(list)
    classes: dict[tuple[str, str], Definition] = {}
    for d in defs:
        if d.kind == "class" and not d.double and "." not in d.name and not in_snapshots(d.path):
            classes.setdefault((d.module, d.name), d)
            if not is_value_name(d.name):
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
    families = [_family(g) for g in groups]
    taken = {id(d) for g in groups for d in g}
    for d in classes.values():  # a deprecated class that only warns, beside what it subclasses
        if id(d) in taken or DEPRECATED not in d.marks or d.methods:
            continue
        base = next((b for b in map(_defined(classes), d.bases) if b is not None), None)
        if base is not None and base is not d and id(base) not in taken:
            families.append(_family([d, base], pair=True))
            taken.update((id(d), id(base)))
    return sorted(families, key=lambda f: (f.names, [(m.path, m.line) for m in f.members]))


def _defined(classes: dict[tuple[str, str], Definition]):  # type: ignore[no-untyped-def]
    """A resolved base (`module.Name`) -> the class the tree defines there, if it does."""

    def find(base: str) -> Definition | None:
        module, _, name = base.rpartition(".")
        return classes.get((module, name))

    return find


def _family(members: list[Definition], *, pair: bool = False) -> NameFamily:
    by_name: defaultdict[str, list[Definition]] = defaultdict(list)
    for d in members:
        by_name[d.name].append(d)
    names = sorted(by_name, key=lambda n: (-len(by_name[n]), n))
    ordered = sorted(members, key=lambda d: (d.path, d.line))
    extending = {id(d) for d in members if not _SPECIALIZES.isdisjoint(_bases_of(d))}
    stems = {stem(n) for n in names}
    layout = len(stems) == len(names) and all(
        plugin_layout(d.path for d in ds) for ds in by_name.values()
    )
    shims = tuple(
        (d, base)
        for d in ordered
        if id(d) in extending and d.bare and not layout  # in a plugin folder: the convention
        for base in [_namesake(d, by_name[d.name])]
        if base is not None
    )
    shim_ids = {id(s) for s, _ in shims}
    copies = {n: {d.module for d in ds if id(d) not in extending} for n, ds in by_name.items()}
    duplicates = sum(max(len(m) - 1, 0) for m in copies.values())
    variants = len(names) - len(stems) if len(stems) < len(names) else 0
    intent = sum(1 for n in names if n != stem(n) and intended(n)) if variants else 0
    marked = sum(1 for d in ordered if marked_path(d.path))
    bases = {id(s): b.shape for s, b in shims}
    return NameFamily(
        tuple(names),
        tuple(ordered),
        duplicates,
        variants,
        intent,
        len(extending) - len(shims),
        layout,
        marked,
        shims=shims,
        deprecated=tuple(d for d in ordered if DEPRECATED in d.marks and id(d) not in shim_ids),
        fallbacks=tuple(d for d in ordered if FALLBACK in d.marks),
        links=() if pair else _links(ordered, extending),
        shapes=tuple(
            bases.get(id(d), d.shape) if not pair or d.methods else _base_shape(d, ordered)
            for d in ordered
        ),
        pair=pair,
    )


def _base_shape(d: Definition, members: list[Definition]) -> frozenset[str]:
    """The shape of the member `d` subclasses (a deprecated class that only warns acts as it)."""
    for m in members:
        if m is not d and f"{m.module}.{m.name}" in d.bases:
            return m.shape
    return d.shape


_SPECIALIZES = frozenset({"", "Base", "Abstract"})


def _bases_of(d: Definition) -> set[str]:
    """What precedes the class's name in each base that ends with it, as the file's imports
    resolve it or as written: "" for `class X(m.X)` or `class X(Alias)` with `import X as Alias`,
    "Base" for `class X(BaseX)` (a specialization of a base of its own name)."""
    name = d.name
    written = {b[5:] for b in d.shape if b.startswith("base:")}
    resolved = {b.rpartition(".")[2] for b in d.bases}
    return {b[: -len(name)] for b in written | resolved if b.endswith(name)}


def _namesake(d: Definition, same: list[Definition]) -> Definition | None:
    """The class of `d`'s own name that `d` subclasses: defined in the module its base names, or
    in a module under that package (`django.db.models` re-exports `django.db.models.fields.json`)."""
    for base in d.bases:
        module, _, name = base.rpartition(".")
        if name != d.name or not module:
            continue
        found = [m for m in same if m is not d and m.module == module]
        found = found or [m for m in same if m is not d and m.module.startswith(module + ".")]
        if len(found) == 1:
            return found[0]
    return None


def _links(
    members: list[Definition], extending: set[int]
) -> tuple[tuple[Definition, Definition], ...]:
    """Pairs of same-named classes whose one module imports from the other's, neither a
    subclass of the other, nor importing the other itself (then it uses it: a wrapper, like a
    renderer named after the template backend it drives): each pair once, importer first."""
    out = []
    for a, b in combinations(members, 2):
        if a.name != b.name or a.module == b.module or id(a) in extending or id(b) in extending:
            continue
        if b.module in a.imports and f"{b.module}:{b.name}" not in a.imports:
            out.append((a, b))
        elif a.module in b.imports and f"{a.module}:{a.name}" not in b.imports:
            out.append((b, a))
    return tuple(out)


def alike(family: NameFamily) -> float:
    """How alike a family's classes are by shape (a shim's shape being its base's): the mean over
    its exact names of their copies' similarity, or over every two members when it holds variants
    of one stem or a deprecated class beside its base."""
    shapes = family.shapes or tuple(m.shape for m in family.members)
    if family.variants or family.pair:
        return mean_similarity(list(shapes))
    by_name: defaultdict[str, list[frozenset[str]]] = defaultdict(list)
    for m, s in zip(family.members, shapes, strict=True):
        by_name[m.name].append(s)
    values = [mean_similarity(s) for s in by_name.values() if len(s) > 1]
    return sum(values) / len(values) if values else 0.0


def plugin_layout(files: Iterable[str]) -> bool:
    """One name in many modules laid out alike: the same folder name (`commands/*.py`) or the same
    file name in sibling folders (`backends/*/base.py`), none of them marked as a copy."""
    paths = sorted(set(files))
    if len(paths) < _LAYOUT_AT_LEAST or any(marked_path(p) for p in paths):
        return False
    parents = Counter(p.rpartition("/")[0].rpartition("/")[2] for p in paths)
    files = Counter(p.rpartition("/")[2] for p in paths)
    alike = max(max(parents.values()), max(files.values()))
    return alike >= _LAYOUT_SHARE * len(paths)
