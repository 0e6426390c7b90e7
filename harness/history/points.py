"""What the replay measures at each commit, and the rises and falls between commits (pure data)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from harness.history.git import Commit
from harness.model import Finding

# the counts reported per family, in column order; `members` is the burndown's line (1 = canonical only)
COUNTS: tuple[str, ...] = ("members", "definitions", "aliases", "imports")
_IMPORT_KINDS = ("import", "reexport", "reference")


@dataclass(frozen=True, order=True)
class Place:
    """A non-canonical finding at one commit: `kind` is definition, alias or import (any import site)."""

    path: str
    line: int
    kind: str
    member: str
    detail: str = ""

    @property
    def key(self) -> tuple[str, str, str, str]:
        """What stays the same when only the lines around it move."""
        return (self.kind, self.member, self.path, self.detail)

    def __str__(self) -> str:
        return f"{self.path}:{self.line} {self.kind} {self.member}"


@dataclass(frozen=True)
class FamilyPoint:
    """One family measured at one commit: the counts of COUNTS and its non-canonical places."""

    family: str
    members: int
    definitions: int
    aliases: int
    imports: int
    places: tuple[Place, ...] = ()

    def count(self, name: str) -> int:
        return int(getattr(self, name))

    @classmethod
    def from_findings(cls, family: str, findings: Iterable[Finding]) -> FamilyPoint:
        found = list(findings)
        members = {f.member for f in found if f.kind in ("definition", "alias")}
        places = tuple(
            sorted(
                Place(
                    f.path,
                    f.line,
                    "import" if f.kind in _IMPORT_KINDS else f.kind,
                    f.member,
                    f.detail,
                )
                for f in found
                if not f.canonical
            )
        )
        by_kind = Counter(p.kind for p in places)
        return cls(
            family, len(members), by_kind["definition"], by_kind["alias"], by_kind["import"], places
        )

    def without_places(self) -> FamilyPoint:
        return FamilyPoint(self.family, self.members, self.definitions, self.aliases, self.imports)


@dataclass(frozen=True)
class Movement:
    """A family changed at a commit: a rise when any count went up, a fall when counts only went down,
    a change when places came and went with the counts unchanged (a member renamed or moved)."""

    family: str
    before: tuple[int, ...]  # COUNTS at the family's previous measured commit
    after: tuple[int, ...]
    appeared: tuple[Place, ...]  # with their lines at this commit
    went: tuple[Place, ...]  # with their lines at the previous measured commit

    @property
    def rise(self) -> bool:
        return any(a > b for a, b in zip(self.after, self.before, strict=True))

    @property
    def kind(self) -> str:
        if self.rise:
            return "rise"
        return "fall" if self.after != self.before else "change"

    def summary(self) -> str:
        parts = [
            f"{name} {b} -> {a}"
            for name, b, a in zip(COUNTS, self.before, self.after, strict=True)
            if a != b
        ]
        return f"{self.family}: {', '.join(parts)}"


@dataclass(frozen=True)
class CommitPoint:
    """One replayed commit: the families measured there, what moved, and what could not be measured."""

    commit: Commit
    families: tuple[FamilyPoint, ...]  # without places (memory stays flat in the number of commits)
    movements: tuple[Movement, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def rises(self) -> tuple[Movement, ...]:
        return tuple(m for m in self.movements if m.rise)

    @property
    def falls(self) -> tuple[Movement, ...]:
        return tuple(m for m in self.movements if m.kind == "fall")

    def family(self, name: str) -> FamilyPoint | None:
        return next((f for f in self.families if f.family == name), None)


def movement(before: FamilyPoint, after: FamilyPoint) -> Movement | None:
    """The change from one measurement of a family to the next, or None when nothing moved."""
    old = tuple(before.count(c) for c in COUNTS)
    new = tuple(after.count(c) for c in COUNTS)
    was = Counter(p.key for p in before.places)
    now = Counter(p.key for p in after.places)
    appeared = _extra(after.places, now - was)
    went = _extra(before.places, was - now)
    if old == new and not appeared and not went:
        return None
    return Movement(after.family, old, new, appeared, went)


def _extra(
    places: tuple[Place, ...], extra: Counter[tuple[str, str, str, str]]
) -> tuple[Place, ...]:
    """The places whose key is in `extra`, as many of each as it counts (the last lines win)."""
    out: list[Place] = []
    for place in reversed(places):
        if extra[place.key] > 0:
            extra[place.key] -= 1
            out.append(place)
    return tuple(sorted(out))
