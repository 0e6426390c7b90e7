"""Candidate files the scanner could not parse, per family: a pinned family fails on them, a prove family warns.

A file that holds one of a family's names and has a syntax error (a bad merge, a half-applied
codemod) or an undecodable byte gives no facts: whatever member it defines or imports is invisible,
so a pin would guard nothing there. The team may accept a file known not to parse (a template,
Python 2) with `[[...families.NAME.unparseable]]`: path, reason, optional expiry; a declaration
whose file parses again (or holds none of the family's names) is stale and fails, like a vanished
shim.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from harness.model import Family, KnownUnparseable
from harness.pin.membership import needles_for
from harness.scan.needles import NeedleMatcher
from harness.scan.skip import Skipped


@dataclass(frozen=True)
class Unparsed:
    """One candidate file of a family that could not be parsed, and the declaration accepting it."""

    skipped: Skipped
    declared: KnownUnparseable | None = None  # None: not accepted (or its declaration expired)

    @property
    def location(self) -> str:
        line = self.skipped.line
        path = self.skipped.path.as_posix()
        return f"{path}:{line}" if line else path

    def describe(self) -> str:
        reason = self.skipped.reason
        if self.declared is None:
            return f"{self.location}: {reason}"
        return f"{self.location}: {reason} (declared: {self.declared.reason})"


@dataclass(frozen=True)
class UnparsedJudgement:
    """A family's unparseable candidates: accepted by a live declaration or not, and stale declarations."""

    accepted: tuple[Unparsed, ...] = ()
    unaccepted: tuple[Unparsed, ...] = ()
    problems: tuple[str, ...] = ()  # declarations that no longer match, or expired


def candidates(
    root: Path, skipped: Iterable[Skipped], families: Iterable[Family]
) -> dict[str, tuple[Skipped, ...]]:
    """Per family name, the unparsed files whose bytes hold one of its names (`names = ["*"]`: all).

    Only unparsed files are read again (a handful in a tree); one that cannot be read now is left out.
    """
    unparsed = [s for s in skipped if s.unparsed]
    families = tuple(families)
    out: dict[str, list[Skipped]] = {fam.name: [] for fam in families}
    if not unparsed:
        return {name: () for name in out}
    matchers = {fam.name: _matcher(fam) for fam in families}
    for s in unparsed:
        try:
            data = (root / s.path).read_bytes()
        except OSError:
            continue
        for name, matcher in matchers.items():
            if matcher is None or matcher.search(data):
                out[name].append(s)
    return {name: tuple(found) for name, found in out.items()}


def _matcher(family: Family) -> NeedleMatcher | None:
    needles = needles_for(family)
    return None if "" in needles else NeedleMatcher(needles)  # None: every file is a candidate


def judge_unparsed(
    family: Family,
    files: Iterable[Skipped],
    today: date,
    *,
    judged: Callable[[str], bool] | None = None,
) -> UnparsedJudgement:
    """Each unparsed candidate accepted by a live declaration or not; declarations matching none.

    `judged(path)` limits the stale check to some declarations (an audit narrowed by PATH did not
    look elsewhere); None judges every declaration.
    """
    declared = {d.path: d for d in family.unparseable}
    accepted: list[Unparsed] = []
    unaccepted: list[Unparsed] = []
    problems: list[str] = []
    seen: set[str] = set()
    where = f"[tool.ssot-harness.families.{family.name}] unparseable"
    for s in sorted(files):
        path = s.path.as_posix()
        d = declared.get(path)
        seen.add(path)
        if d is not None and (d.expires is None or today <= d.expires):
            accepted.append(Unparsed(s, d))
            continue
        unaccepted.append(Unparsed(s))
        if d is not None and d.expires is not None:
            problems.append(
                f"unparseable {path} expired on {d.expires.isoformat()} ({Unparsed(s).describe()}): "
                f"fix the file, or extend `expires` (with its reason) in {where} in review"
            )
    for path in sorted(declared):
        if path in seen or (judged is not None and not judged(path)):
            continue
        problems.append(
            f"unparseable {path} is declared but parses now (or is gone, or holds none of the "
            f"family's names): remove its declaration from {where}"
        )
    return UnparsedJudgement(tuple(accepted), tuple(unaccepted), tuple(problems))
