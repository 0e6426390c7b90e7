"""Observations read back: per family and member, calls, match rate, mismatches grouped by diff
(count and first example), candidate errors, the control path's p50/p99 overhead; the gate."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import UsageError
from harness.experiment.observe import ACCEPTED, ERROR, MATCH, MISMATCH, TIMEOUT, Observation


@dataclass(frozen=True)
class Group:
    """Observations with one diff (or one error): how many, and the first one seen."""

    text: str
    count: int
    first_call: str
    first_at: str


@dataclass(frozen=True)
class MemberSummary:
    family: str
    member: str
    calls: int
    matches: int
    accepted: int
    mismatches: int
    errors: int
    timeouts: int
    mismatch_groups: tuple[Group, ...]
    error_groups: tuple[Group, ...]
    accepted_reasons: tuple[str, ...]
    overhead_p50_ms: float
    overhead_p99_ms: float

    @property
    def match_rate(self) -> float:
        """Matches and accepted divergences over calls."""
        return (self.matches + self.accepted) / self.calls if self.calls else 0.0

    @property
    def unaccepted_rate(self) -> float:
        """Mismatches no declaration covers, and candidate errors, over calls (what the gate reads)."""
        return (self.mismatches + self.errors) / self.calls if self.calls else 0.0


def read_observations(paths: Sequence[Path]) -> tuple[list[Observation], list[str]]:
    """Every observation in `paths`, in file order; and the lines that are not one, named by
    file:line (a line cut short by a full disk is skipped, not fatal)."""
    observations: list[Observation] = []
    skipped: list[str] = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            raise UsageError(
                f"{path}: no such file (give the experiments' JSON-lines files)"
            ) from None
        except OSError as exc:
            raise UsageError(f"{path}: cannot be read: {exc.strerror or exc}") from None
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                if not isinstance(data, dict):
                    raise ValueError("not a JSON object")
                observations.append(Observation.from_data(data))
            except (ValueError, TypeError) as exc:
                skipped.append(f"{path}:{number}: {exc}")
    return observations, skipped


def _percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank percentile (0.0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _groups(observations: Iterable[Observation], key: str) -> tuple[Group, ...]:
    counts: dict[str, list[Observation]] = {}
    for observation in observations:
        counts.setdefault(getattr(observation, key), []).append(observation)
    groups = [Group(text, len(obs), obs[0].call, obs[0].at) for text, obs in counts.items()]
    return tuple(sorted(groups, key=lambda g: (-g.count, g.text)))


def summarize(observations: Iterable[Observation]) -> tuple[MemberSummary, ...]:
    by_member: dict[tuple[str, str], list[Observation]] = {}
    for observation in observations:
        by_member.setdefault((observation.family, observation.member), []).append(observation)
    out = []
    for (family, member), obs in sorted(by_member.items()):

        def of(outcome: str, obs: list[Observation] = obs) -> list[Observation]:
            return [o for o in obs if o.outcome == outcome]

        overheads = [float(o.overhead_ms) for o in obs]
        out.append(
            MemberSummary(
                family=family, member=member, calls=len(obs), matches=len(of(MATCH)),
                accepted=len(of(ACCEPTED)), mismatches=len(of(MISMATCH)), errors=len(of(ERROR)),
                timeouts=len(of(TIMEOUT)), mismatch_groups=_groups(of(MISMATCH), "diff"),
                error_groups=_groups(of(ERROR), "error"),
                accepted_reasons=tuple(sorted({o.reason for o in of(ACCEPTED)})),
                overhead_p50_ms=_percentile(overheads, 50), overhead_p99_ms=_percentile(overheads, 99),
            )
        )  # fmt: skip
    return tuple(out)


def over_threshold(summaries: Iterable[MemberSummary], threshold: float) -> list[MemberSummary]:
    return [s for s in summaries if s.unaccepted_rate > threshold]


def observed_mark(summary: MemberSummary) -> str:
    """The member's cell in the equivalence matrix's "observed" column."""
    text = f"{summary.match_rate:.1%} of {summary.calls}"
    if summary.mismatches or summary.errors:
        text += f", **{summary.mismatches} mismatch, {summary.errors} error**"
    if summary.accepted:
        text += f", {summary.accepted} accepted"
    return text


def to_text(
    summaries: Sequence[MemberSummary], threshold: float, skipped: Sequence[str] = ()
) -> str:
    lines = ["# Experiments", ""]
    if not summaries:
        lines.append("no observations")
    for s in summaries:
        verdict = "OVER the threshold" if s.unaccepted_rate > threshold else "within the threshold"
        lines += [
            f"## {s.family} / {s.member}",
            "",
            f"- calls {s.calls}: match {s.matches}, accepted {s.accepted}, mismatch {s.mismatches}, "
            f"error {s.errors}, timeout {s.timeouts}",
            f"- match rate {s.match_rate:.2%}; unaccepted {s.unaccepted_rate:.2%} ({verdict} {threshold:.2%})",
            f"- control path overhead: p50 {s.overhead_p50_ms:.3f} ms, p99 {s.overhead_p99_ms:.3f} ms",
        ]
        lines += [f"- accepted: {reason}" for reason in s.accepted_reasons]
        for title, groups in (("mismatch", s.mismatch_groups), ("error", s.error_groups)):
            for group in groups:
                lines += [
                    "",
                    f"{title} × {group.count} (first: call {group.first_call!r} at {group.first_at or '?'}):",
                    "",
                    *["    " + line for line in group.text.splitlines()],
                ]
        lines.append("")
    if skipped:
        lines += [
            f"{len(skipped)} line(s) skipped, not observations:",
            *[f"- {s}" for s in skipped],
        ]
    return "\n".join(lines).rstrip() + "\n"


def to_json(
    summaries: Sequence[MemberSummary], threshold: float, skipped: Sequence[str] = ()
) -> str:
    def member(s: MemberSummary) -> dict[str, Any]:
        return {
            "family": s.family, "member": s.member, "calls": s.calls, "match": s.matches,
            "accepted": s.accepted, "mismatch": s.mismatches, "error": s.errors, "timeout": s.timeouts,
            "match_rate": round(s.match_rate, 6), "unaccepted_rate": round(s.unaccepted_rate, 6),
            "over_threshold": s.unaccepted_rate > threshold,
            "overhead_ms": {"p50": s.overhead_p50_ms, "p99": s.overhead_p99_ms},
            "accepted_reasons": list(s.accepted_reasons),
            "mismatches": [g.__dict__ for g in s.mismatch_groups],
            "errors": [g.__dict__ for g in s.error_groups],
        }  # fmt: skip

    data = {
        "version": 1,
        "threshold": threshold,
        "members": [member(s) for s in summaries],
        "skipped": list(skipped),
    }
    return json.dumps(data, indent=2, sort_keys=True) + "\n"
