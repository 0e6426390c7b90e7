"""The ready-to-paste config block of a likely family, and its canonical guess from the evidence."""

from __future__ import annotations

import json
from itertools import chain

from harness.discover.rank import Definition, Evidence, Group, _modifier, words
from harness.discover.similarity import similarities


def canonical_guess(group: Group, evidence: Evidence) -> Definition:
    """The member the tree imports and constructs most, then the least divergent one.

    Divergence is how far a class's public methods are from the others'; modifier words (legacy,
    old, compat...) count against a member. Never decided by alphabetical order of names.
    """
    candidates = [m for m in group.members if m.kind == "class"] or group.members
    weights = [evidence.weight(m) for m in candidates]
    most = max(weights)
    leaders = [m for m, w in zip(candidates, weights, strict=True) if w == most]
    if len(leaders) == 1:
        return leaders[0]  # the rest only breaks ties of the evidence
    ids, table = similarities([m.methods for m in candidates])
    at = {id(m): i for i, m in enumerate(candidates)}

    def closeness(m: Definition) -> float:
        i = at[id(m)]  # its similarity to each other candidate, in order (0.0 when both are empty)
        row = table[ids[i]].__getitem__
        return sum(chain(map(row, ids[:i]), map(row, ids[i + 1 :])))

    def modifiers(m: Definition) -> int:
        return sum(1 for w in words(m.name) if _modifier(w))

    # the first of the most imported and constructed, by (closeness, fewer modifiers, shallower)
    return max(leaders, key=lambda m: (closeness(m), -modifiers(m), -m.path.count("/")))


def toml_block(group: Group, evidence: Evidence) -> str:
    """A ready-to-paste family: canonical, exact names of its classes and getters, constructors as
    explicit members (a bare method name such as `create_for_user` would match unrelated methods)."""
    canonical = canonical_guess(group, evidence)
    names = sorted({m.name for m in group.members if m.kind in ("class", "alias", "getter")})
    members = sorted(m.member for m in group.members if m.kind == "constructor")
    lines = [
        f"[tool.ssot-harness.families.{group.name}]",
        f'canonical = "{canonical.member}"  # a guess from the evidence (most imported and constructed); confirm it',
        'stage = "prove"',
        "names = [" + ", ".join(json.dumps(n) for n in names) + "]",
    ]
    if members:
        lines.append("members = [" + ", ".join(json.dumps(m) for m in members) + "]")
    if group.doubles:
        lines.append(
            f"# {len(group.doubles)} test double(s) left out; exclude their folders in roots/exclude"
        )
    return "\n".join(lines)
