"""The remediation plan of one family, as data: ordered steps from the audit, the declared divergences
and (when given) the test inventory. Mechanical moves first, then members whose divergences must be
fixed, deletion last, then the pin."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from harness.finish.shapes import shape_of
from harness.finish.wrappers import wrapper_calls, wrappers_of
from harness.model import Config, Family
from harness.pin.audit import FamilyAudit
from harness.prove.divergences import Divergence, load_divergences


@dataclass(frozen=True)
class Caller:
    location: str
    kind: str
    detail: str


@dataclass(frozen=True)
class MemberStep:
    member: str
    location: str  # where it is defined (or aliased)
    kind: str  # the member's shape (alias, getter-class, getter-instance, class, classmethod...)
    move: str  # "mechanical" or "behaviour change"
    codemod: str  # the command that moves its callers, or "" when they move by hand
    callers: tuple[Caller, ...]
    divergences: tuple[Divergence, ...]  # must be fixed before its callers can move
    tests: tuple[str, ...]  # tests that execute it (from the inventory)
    tests_to_migrate: tuple[str, ...]  # tests that execute only non-canonical members
    origin: str = ""
    aliases: tuple[str, ...] = ()  # members aliasing this one, folded into its step

    @property
    def name(self) -> str:
        return self.member.partition(":")[2]


@dataclass(frozen=True)
class Plan:
    family: str
    canonical: str
    members_before: int
    steps: tuple[MemberStep, ...]
    divergences_file: str  # "" when the family has none
    inventory: bool  # whether test data was given


def divergences_path(config: Config, family: Family) -> Path | None:
    """The family's accepted-divergences file: its `divergences` key, else divergences.toml in the
    adapters package (looked up from the project root, where the package lives)."""
    root = Path(config.root)
    if family.divergences:
        return root / family.divergences
    if family.adapters:
        return root / family.adapters.replace(".", "/") / "divergences.toml"
    return None


def build_plan(config: Config, fa: FamilyAudit, inventory: dict[str, Any] | None) -> Plan:
    family = fa.family
    root = Path(config.root)
    path = divergences_path(config, family)
    declared = load_divergences(path) if path is not None else ()
    canonical_name = family.canonical.qualname.rpartition(".")[2]
    inv = _family_inventory(inventory, family.name)
    tests_of = {m["member"]: tuple(m["tests"]) for m in inv.get("members", [])}
    migrate = {r["test"]: set(r["members"]) for r in inv.get("only_non_canonical", [])}
    members = [f for f in fa.findings if f.kind in ("definition", "alias") and not f.canonical]
    through = _callers_through_wrappers(config, fa, members)
    family_ids = {family.canonical.id} | {f.member for f in members}
    seen: set[str] = set()
    steps = []
    for f in members:
        if f.member in seen:
            continue
        seen.add(f.member)
        shape = shape_of(root, f, canonical_name)
        if shape.kind == "alias" and shape.origin not in family_ids:
            # it binds the family's name to something else: not the canonical under another name
            shape = replace(shape, kind="alias of a name outside the family", codemod=False)
        name = f.member.partition(":")[2]
        open_ = tuple(d for d in declared if d.member == name)
        callers = tuple(
            Caller(c.location, c.kind, c.detail)
            for c in fa.findings
            if c.member == f.member and c.kind not in ("definition",) and c.location != f.location
        ) + through.get(f.member, ())
        move = "mechanical" if shape.mechanical and not open_ else "behaviour change"
        codemod = (
            f"ssot-harness rewrite {family.name} --member {name} --apply"
            if shape.codemod and not open_
            else ""
        )
        steps.append(
            MemberStep(
                f.member, f.location, shape.kind, move, codemod, callers, open_, tests_of.get(f.member, ()),
                tuple(sorted(t for t, ms in migrate.items() if f.member in ms)), shape.origin,
            )
        )  # fmt: skip
    steps = _fold_local_aliases(steps)
    steps.sort(key=_order)
    return Plan(
        family.name,
        family.canonical.id,
        len(fa.members),
        tuple(steps),
        _shown(path, root),
        inventory is not None,
    )


def _shown(path: Path | None, root: Path) -> str:
    """The declarations file as the plan names it: project-relative; "" when there is none."""
    if path is None or not path.is_file():
        return ""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def _callers_through_wrappers(
    config: Config, fa: FamilyAudit, members: list[Any]
) -> dict[str, tuple[Caller, ...]]:
    """Per member, the calls of functions beside it that build or hand it out (see wrappers.py)."""
    root = Path(config.root)
    ids = {f.member for f in fa.findings if f.kind in ("definition", "alias")}
    wrappers: dict[str, str] = {}
    owner: dict[str, str] = {}
    for f in members:
        if f.kind == "definition":
            for w in wrappers_of(root, f, ids):
                wrappers.setdefault(w, f.member.partition(":")[2])
                owner.setdefault(w, f.member)
    out: dict[str, list[Caller]] = {}
    for call in wrapper_calls(config, wrappers):
        name = call.wrapper.partition(":")[2]
        out.setdefault(owner[call.wrapper], []).append(
            Caller(
                call.location,
                "through a wrapper",
                f"{name}(), which builds or returns {call.member}",
            )
        )
    return {member: tuple(callers) for member, callers in out.items()}


def _fold_local_aliases(steps: list[MemberStep]) -> list[MemberStep]:
    """An alias of another non-canonical member (`from old import Thing as T`) is one of that
    member's callers: it moves in the same step, with the same codemod, and so do its own callers."""
    by_member = {s.member: s for s in steps}
    folded = {s.member for s in steps if s.origin in by_member}
    out = []
    for s in steps:
        if s.member in folded:
            continue
        aliases = [a for a in steps if a.member in folded and a.origin == s.member]
        if not aliases:
            out.append(s)
            continue
        extra = tuple(
            caller
            for a in aliases
            for caller in (
                Caller(a.location, "alias", f"{a.name} (alias of {s.name}: moves with it)"),
                *a.callers,
            )
        )
        callers = tuple(sorted(dict.fromkeys(s.callers + extra), key=_where))
        out.append(replace(s, callers=callers, aliases=tuple(a.member for a in aliases)))
    return out


def _where(c: Caller) -> tuple[str, int]:
    path, _, line = c.location.rpartition(":")
    return (path, int(line))


def _order(step: MemberStep) -> tuple[int, int, str]:
    """Codemod moves first, then mechanical moves by hand, then behaviour changes (fewest open
    divergences first); an alias of another member moves before its origin."""
    group = 0 if step.codemod else 1 if step.move == "mechanical" else 2
    return (group, len(step.divergences), step.member)


def _family_inventory(inventory: dict[str, Any] | None, name: str) -> dict[str, Any]:
    if inventory is None:
        return {}
    for fam in inventory.get("families", []):
        if fam.get("family") == name:
            return fam
    return {}
