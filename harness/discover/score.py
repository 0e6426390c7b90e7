"""Scores a group by the evidence a reviewer weighs, strongest first, and says which put it there.

Three tiers, so that no amount of a weaker kind outranks a stronger one:
1. **names**: exact-name duplicates in several non-test modules, or migration-word variants of one
   stem (`Legacy…`, `…V2`, `Unified…`), whose classes are alike (shapes or public methods) or
   linked (one module imports from the other's); or a class whose own code says it is kept for a
   migration (a shim subclassing its namesake and adding nothing, a deprecation it states, a
   fallback for an import; see families.py);
2. **names, weak**: the same, but laid out as a plugin folder (`commands/*.py` each defining
   `Command`), or with classes that have nothing in common (homonyms);
3. **role**: a role word and subject shared, ranked by how alike the public methods are; a group
   whose methods hardly overlap is low confidence and sits below every other tier.
Within a tier: how many duplicates, variants, kept and linked copies, how alike, how many ways in
(getters, classmethod constructors, aliases, re-exports under another name, `__all__`), how many
members. No group below the names tier scores above WEAK_CEILING.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from harness.discover.families import NameFamily, alike
from harness.discover.names import MIRRORED_NAMES
from harness.discover.similarity import mean_similarity

if TYPE_CHECKING:
    from harness.discover.rank import Group

# mean similarity (Jaccard of method sets or shapes) from which classes count as alike
ALIKE = 0.15
_NAMES, _WEAK, _ROLE = 40.0, 20.0, 10.0  # each tier's floor; the ones below stay under it
_WAYS_MOST, _SIZE_MOST, _EXPORTED_MOST = 6, 4.0, 2
_EXTRA_MOST = _WAYS_MOST + _SIZE_MOST / 2 + 0.5 * _EXPORTED_MOST
# the most a group of the weak tier scores (every one below the names tier's floor does too)
WEAK_CEILING = _WEAK + 1.5 * 6 + _EXTRA_MOST / 2


def score_group(g: Group) -> None:
    real = g.members
    classes = [m for m in real if m.kind == "class"]
    if len(real) < 2:
        g.score = 0.0
        g.why = ["a single definition: noise"] if real else ["test doubles only: noise"]
        return
    similarity = mean_similarity([m.methods for m in classes])
    ways = sum(1 for m in real if m.kind != "class")
    sized = [(len(f.members), alike(f)) for f in g.families]
    shapes = sum(n * a for n, a in sized) / sum(n for n, _ in sized) if sized else 0.0
    like = max(similarity, shapes)
    duplicates = sum(f.duplicates for f in g.families if not f.layout)
    layout = sum(f.duplicates for f in g.families if f.layout)
    variants = sum(f.variants for f in g.families)
    intent = sum(f.intent for f in g.families)
    marked = sum(f.marked for f in g.families)
    extends = sum(f.extends for f in g.families)
    kept = sum(f.kept for f in g.families)
    links = sum(len(f.links) for f in g.families)
    mirrored = [f for f in g.families if len(f.names) >= MIRRORED_NAMES and not f.variants]
    mirror = 0
    if mirrored and not marked and not kept:
        mirror, duplicates = duplicates, 0
    strong = duplicates + variants + min(marked, 1)
    g.why = _names_why(g, duplicates, layout, variants, intent, marked)
    g.why += _kept_why(g.families)
    if mirrored and not marked and not kept:
        g.why.append(
            f"weak: {len(mirrored[0].names)} names defined by the same modules: mirrored APIs "
            "(model and form fields, two bindings) more likely than copies"
        )
    if extends:
        g.why.append(f"{extends} subclass(es) of a class of their own name: specializations")
    exported = sum(1 for m in classes if m.public)
    extra = (
        min(ways, _WAYS_MOST)
        + min(math.log2(len(real)), _SIZE_MOST) / 2
        + (0.5 * min(exported - 1, _EXPORTED_MOST) if exported > 1 else 0.0)
    )
    if intent or kept or (strong and (like >= ALIKE or links)):
        g.score = _NAMES + 4.0 * min(strong + kept + links, 6) * (0.25 + 0.75 * like) + extra
        g.why.append(f"classes alike {like:.2f} (shapes: bases and methods)")
    elif strong or layout or mirror or extends:
        g.score = (
            _WEAK
            + 1.5 * min(strong + layout + mirror + extends, 6) * (0.25 + 0.75 * like)
            + extra / 2
        )
        if strong:
            g.why.append(
                f"weak: classes hardly alike ({like:.2f}) and not linked, homonyms more likely "
                "than copies"
            )
    elif similarity >= ALIKE:
        g.score = _ROLE + 6.0 * similarity + extra
    else:
        g.score = min(_ROLE - 0.01, 2.0 + 4.0 * similarity + extra)
        g.why.insert(0, "low confidence: a role word shared, hardly any methods")
    g.score = round(g.score, 2)
    g.why.append(
        f"{len(real)} definitions"
        + (f" with role '{g.role}'" if not g.by_name else "")
        + (" (learned from the tree)" if g.learned and not g.by_name else "")
        + (f" and subject {'/'.join(sorted(g.subject))}" if g.subject and not g.by_name else "")
        + f"; public-method similarity {similarity:.2f}"
    )
    if ways:
        kinds = sorted({m.kind for m in real if m.kind != "class"})
        renamed = sum(1 for m in real if m.kind == "alias" and m.public)
        g.why.append(
            f"{ways} way(s) in ({', '.join(kinds)}"
            + (f"; {renamed} re-exported under another name" if renamed else "")
            + ")"
        )
    if exported > 1:
        g.why.append(f"{exported} of the classes listed in their module's __all__ (public)")
    if g.doubles:
        g.why.append(f"{len(g.doubles)} test double(s) listed apart, not counted")


def _kept_why(families: list[NameFamily]) -> list[str]:
    """What the classes' own code says: shims, deprecations, fallbacks, links."""
    why = []
    for f in families:
        for shim, base in f.shims:
            why.append(
                f"{shim.name} in {shim.module} subclasses {base.module}'s and adds no method: "
                "a copy kept so old imports work"
            )
        for d in f.deprecated:
            if f.pair:
                other = next(m for m in f.members if m is not d)
                why.append(
                    f"{d.name} ({d.module}) says it is deprecated and adds no public method to "
                    f"{other.name}, which it subclasses: a variant kept for old callers"
                )
            else:
                why.append(f"{d.name} in {d.module} says it is deprecated")
        for d in f.fallbacks:
            why.append(
                f"{d.name} in {d.module} is defined where its import fails "
                "(try/except ImportError): a fallback copy"
            )
        for importer, other in f.links:
            why.append(
                f"linked: {importer.module} imports from {other.module}, which defines "
                f"another {other.name}"
            )
    return why


def _names_why(
    g: Group, duplicates: int, layout: int, variants: int, intent: int, marked: int
) -> list[str]:
    why = []
    if duplicates:
        names = [n for f in g.families if not f.layout for n in f.names]
        why.append(
            f"exact-name duplicates: {_listed(names)} defined in more than one module "
            f"({duplicates} beyond the first)"
        )
    if variants:
        stems = sorted({n for f in g.families if f.variants for n in f.names})
        why.append(f"migration-word variants of one stem: {_listed(stems)}")
        if intent:
            why.append(f"{intent} named as kept for a migration (Legacy, V2, Deprecated...)")
    if marked:
        why.append(f"{marked} in a module whose path marks a copy (legacy, old, compat...)")
    if layout:
        names = [n for f in g.families if f.layout for n in f.names]
        why.append(
            f"weak: {_listed(names)} in {layout + 1}+ modules laid out as plugins "
            "(one per module of a folder): a framework's convention more likely than copies"
        )
    return why


def _listed(names: list[str], most: int = 4) -> str:
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")
