"""Declared shims against today's findings: live, expired, vanished, or grown beyond their callers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from harness.model import Family, Finding, Shim

_OWN = ("definition", "alias")  # the places that are the shim itself


@dataclass(frozen=True)
class ShimStatus:
    """One declared shim: the places it covers, and what is wrong with it ("" when it is live)."""

    shim: Shim
    places: tuple[Finding, ...]  # its own definition/alias and its uses by declared callers
    problem: str = ""

    @property
    def state(self) -> str:
        if not self.problem:
            return "live"
        return self.problem.split(":", 1)[0]

    def describe(self) -> str:
        s = self.shim
        callers = ", ".join(s.callers) or "none in the tree"
        head = f"{s.member} until {s.expires.isoformat()} ({s.reason}; callers: {callers})"
        return f"{head}: {self.problem}" if self.problem else head


def judge_shims(
    family: Family, findings: Iterable[Finding], today: date
) -> tuple[tuple[ShimStatus, ...], frozenset[Finding]]:
    """Each shim's status, and the findings that live shims cover (not offenders while they live)."""
    findings = tuple(findings)
    statuses: list[ShimStatus] = []
    covered: set[Finding] = set()
    for shim in family.shims:
        member = shim.member.id
        own = tuple(f for f in findings if f.member == member and f.kind in _OWN)
        uses = [f for f in findings if f.member == member and f.kind not in _OWN]
        allowed = tuple(f for f in uses if _allowed(f, shim))
        grown = sorted({f.site or f.path for f in uses if not _allowed(f, shim)})
        where = f"[tool.ssot-harness.families.{family.name}] shims"
        if not own:
            problem = (
                f"vanished: {member} no longer exists in the tree; remove its declaration from "
                f"{where}"
            )
        elif today > shim.expires:
            problem = (
                f"expired: on {shim.expires.isoformat()}; remove the shim and move its users to "
                f"{family.canonical}, or extend `expires` (with its reason) in review"
            )
        elif grown:
            problem = (
                f"grown callers: used by {', '.join(grown)}, beyond the declared callers; move "
                f"them to {family.canonical}, or add them to the shim's `callers` in review"
            )
        else:
            problem = ""
        statuses.append(ShimStatus(shim, (*own, *allowed), problem))
        if not problem:
            covered.update(own)
            covered.update(allowed)
    return tuple(statuses), frozenset(covered)


def _allowed(use: Finding, shim: Shim) -> bool:
    """A use by a declared caller, or inside the shim's own module (its re-export, its `__all__`)."""
    return use.site in shim.callers or use.site == shim.member.module
