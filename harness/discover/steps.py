"""Which files each of discover's two steps parses, decided from the outlines alone.

The first step parses the files whose classes may make a group of the names tier: a family of
names (a name another file defines too, a migration word, a deprecation or an import fallback
beside a class), the built-in role groups such a family may join (a family joins only the group
of a built-in role that holds all its classes), and their ways in (getters, constructors, the
aliases of those classes and the classes those aliases stand for). The second parses the files
whose classes play any other role: a word learned from the tree (Sensor, Entity... on Home
Assistant 2,900 files), or a built-in one that no such family plays (Handler in every
`config_flow.py`, beside a plugin layout's `OptionsFlowHandler`).

A group the second step's files could change scores at most DECIDED (the weak tier's ceiling:
role groups, plugin layouts and homonyms), so when the first step's top N all score above it,
the second step cannot change them, and it is skipped (`decided`).
"""

from __future__ import annotations

import bisect
import functools
from collections import Counter
from collections.abc import Mapping, Sequence

from harness.discover.families import plugin_layout
from harness.discover.links import (
    CONSTRUCTOR_HEAD,
    DECORATOR_ABOVE,
    DOCSTRING_HEAD,
    in_tests,
)
from harness.discover.names import in_snapshots, is_value_name, repeated_names, stem
from harness.discover.outline import MARK_DECORATOR, Outline
from harness.discover.rank import (
    ROLE_SYNONYMS,
    Group,
    is_double_name,
    may_play_a_role,
    role_and_subject,
    words,
)
from harness.discover.score import WEAK_CEILING

DECIDED = WEAK_CEILING
_NO_ROLES: frozenset[str] = frozenset()
_BUILT_IN = frozenset(ROLE_SYNONYMS.values())


def decided(groups: list[Group], top: int) -> bool:
    """Whether the first `top` families shown are final whatever the second step adds: there are
    that many, and each scores above any group that step could change."""
    shown = [g for g in groups if g.score > 0][:top]
    return len(shown) == top and shown[-1].score > DECIDED


def choose(
    outlines: Mapping[str, Outline], order: Sequence[str], learned: frozenset[str]
) -> tuple[list[str], list[str]]:
    """(the first step's files, the second's), each in `order` (see the module's notes)."""
    # every class statement, whatever its indentation: a class defined under `if` or `except
    # ImportError:` is a module's too
    tops = {
        rel: o.classes
        for rel, o in outlines.items()
        if o.classes and not in_tests(rel) and not in_snapshots(rel)
    }
    twice = repeated_names(tops.values())
    names = {n for o in outlines.values() for n in (*o.classes, *o.aliases, *o.renames)}
    playing = {n for n in names if role_and_subject(n, learned) is not None}
    classes = {c for o in outlines.values() for c in o.classes}
    roled = {c for c in classes & playing if _role(c)}  # a built-in role is played with any words
    stems = family_stems(outlines, {stem(c) for c in roled})
    touched = {role for c in roled if stem(c) in stems and (role := _role(c))}
    wanted = twice | {c for c in roled if _role(c) in touched}
    first = {
        rel
        for rel, o in outlines.items()
        if not twice.isdisjoint(tops.get(rel, ())) or _first(o, wanted, touched)
    }
    # the files defining what the first step's aliases stand for, when an alias's own name plays
    # a role of the first step: standing for a class of a learned role's group, it joins that
    # group; were the class not parsed, it would join a first-step group by its own name
    targets = {
        t
        for rel in first
        if any(_role(n) in touched for n in (*outlines[rel].aliases, *outlines[rel].renames))
        for t in outlines[rel].targets
        if t in playing or role_and_subject(t, learned) is not None
    }
    first.update(rel for rel, o in outlines.items() if not targets.isdisjoint(o.classes))
    rest = {
        rel
        for rel, o in outlines.items()
        if not playing.isdisjoint(o.classes)
        or not playing.isdisjoint(o.aliases)
        or not playing.isdisjoint(o.renames)
        or o.constructors
        or _has_a_role_getter(o, _BUILT_IN)
    }
    return [rel for rel in order if rel in first], [
        rel for rel in order if rel in rest and rel not in first
    ]


def around(outlines: Mapping[str, Outline], names: set[str]) -> set[str]:
    """The files a group holding the classes of `names` may draw on: aliases standing for one of
    them, and the classes, aliases and ways in of the built-in roles they play."""
    roles = {role for n in names if (role := _role(n))}
    return {
        rel
        for rel, o in outlines.items()
        if not names.isdisjoint(o.targets) or (roles and _first(o, set(), roles))
    }


def family_stems(outlines: Mapping[str, Outline], among: set[str] | None = None) -> set[str]:
    """The stems a family of names may have (two names, or one name in two files), from every
    class statement whatever its indentation (a superset of the parse's families), but for a
    plugin layout (`OptionsFlowHandler` in every `config_flow.py`) whose classes all stand at
    column 0 with no deprecation that may speak of them: the parse finds the same family, and it
    scores in the weak tier at most, whatever role group it joins."""
    names: dict[str, dict[str, set[str]]] = {}
    plain: dict[str, bool] = {}
    for rel, o in outlines.items():
        if in_tests(rel) or in_snapshots(rel):
            continue
        marked = _maybe_marked(o) if o.marks else set()
        every, tops = Counter(o.classes), Counter(o.top)
        for c, n in every.items():
            if among is not None and stem(c) not in among:
                continue
            s = _family_stem(c)
            if s is not None:
                names.setdefault(s, {}).setdefault(c, set()).add(rel)
                plain[s] = plain.get(s, True) and n == tops[c] and c not in marked
    out = set()
    for s, by_name in names.items():
        files = next(iter(by_name.values()))
        if len(by_name) > 1 or (len(files) > 1 and not (plain[s] and plugin_layout(files))):
            out.add(s)
    return out


def _maybe_marked(o: Outline) -> set[str]:
    """The classes of a file a deprecation mark may speak of (see links.py): the class below a
    decorator mark, or the class statement at column 0 last before a mark (it may be in its body)."""
    out: set[str] = set()
    starts = [(line, name) for line, name in zip(o.lines, o.classes, strict=True)]
    tops = [(line, name) for line, name in starts if name in o.top]
    for mark, where in o.marks:
        if where == MARK_DECORATOR:
            out.update(next(([n] for line, n in starts if line > mark), []))
        else:
            out.update([name for line, name in tops if line <= mark][-1:])
    return out


def may_be_parsed(o: Outline) -> bool:
    """True whenever either step may parse the file, whatever role words are learned."""
    if o.top or o.targets or o.constructors or _fallback(o) or _near_a_class(o):
        return True
    if any(may_play_a_role(c) for c in (*o.classes, *o.aliases, *o.renames)):
        return True
    return _has_a_role_getter(o, _BUILT_IN)


def _first(o: Outline, wanted: set[str] | frozenset[str], roles: frozenset[str] | set[str]) -> bool:
    """Whether the first step parses a file (its module-level names repeated elsewhere aside): a
    class or alias of one of the built-in `roles`, a way in to one (getter, constructor), an alias
    or re-export of a class in `wanted`, a class beside a deprecation or an import fallback."""
    if any(_role(c) in roles for c in (*o.classes, *o.aliases, *o.renames)):
        return True
    if _has_a_role_getter(o, roles) or (o.constructors and "factory" in roles):
        return True
    if _fallback(o) or _near_a_class(o):
        return True
    return not wanted.isdisjoint(o.targets)


def _fallback(o: Outline) -> bool:
    """Whether a class may be defined where an import fails: an `except ImportError:` beside a
    class statement that is indented (inside the handler)."""
    return o.fallback and len(o.top) < len(o.classes)


def _near_a_class(o: Outline) -> bool:
    """Whether a deprecation mark stands where links.py may read it as a class's own: a decorator
    a few lines above a class statement, or a line a few below one."""
    if not o.marks or not o.lines:
        return False
    for mark, where in o.marks:
        at = bisect.bisect_right(o.lines, mark)
        if where == MARK_DECORATOR:
            if at < len(o.lines) and o.lines[at] - mark <= DECORATOR_ABOVE:
                return True
        elif at and mark - o.lines[at - 1] <= max(DOCSTRING_HEAD, CONSTRUCTOR_HEAD):
            return True
    return False


@functools.lru_cache(maxsize=1 << 18)
def _family_stem(name: str) -> str | None:
    """The stem of a class name that may be in a family of names (not a value's, nor a double's)."""
    return None if is_value_name(name) or is_double_name(name) else stem(name)


@functools.lru_cache(maxsize=1 << 18)
def _role(name: str) -> str | None:
    """The built-in role a name plays, if any."""
    found = role_and_subject(name, _NO_ROLES)
    return found[0] if found is not None else None


def _has_a_role_getter(o: Outline, roles: frozenset[str] | set[str]) -> bool:
    return any(ROLE_SYNONYMS.get(words(g)[-1]) in roles for g in o.getters if words(g))
