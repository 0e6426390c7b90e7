"""What makes a codemod run safe to land: a clean git work tree before it writes (so `git diff` shows
exactly what it did), and the audit after it (the moved places gone, no new place anywhere)."""

from __future__ import annotations

import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from harness.model import Finding
from harness.pin.audit import AuditReport
from harness.pin.baseline import identity


def dirty_files(root: Path, to_write: list[str]) -> list[str] | None:
    """Files with uncommitted changes in the git work tree holding `root`, and the files about to
    be written that git does not track; None when `root` is not in a git work tree."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, check=False
            )
        except OSError:  # no git
            return None
        return done.stdout if done.returncode == 0 else None

    if (git("rev-parse", "--is-inside-work-tree") or "").strip() != "true":
        return None
    changed = git("status", "--porcelain", "-z", "--untracked-files=no") or ""
    out = [entry[3:] for entry in changed.split("\0") if len(entry) > 3 and entry[2] == " "]
    if to_write:
        untracked = git("ls-files", "-z", "--others", "--exclude-standard", "--", *to_write) or ""
        out += [f"{p} (untracked)" for p in untracked.split("\0") if p]
    return sorted(out)


@dataclass(frozen=True)
class Proof:
    """The moved members' non-canonical places before and after (counted per identity: kind,
    member, module), and the non-canonical places of any family that rose or appeared."""

    before: Counter[str]
    after: Counter[str]
    new: tuple[str, ...]

    @property
    def gone(self) -> int:
        return (self.before - self.after).total()

    @property
    def left(self) -> int:
        return (self.after & self.before).total()


def _sites(findings: tuple[Finding, ...], members: set[str], in_place: set[str]) -> Counter[str]:
    """The places of `members` that a codemod moves: not their own definitions and aliases, except
    the aliases it moves where they are (`in_place`)."""
    return Counter(
        identity(f)
        for f in findings
        if f.member in members
        and not f.canonical
        and (f.kind not in ("definition", "alias") or f.kind == "alias" and f.member in in_place)
    )


def prove(
    before: AuditReport,
    after: AuditReport,
    family: str,
    members: set[str],
    in_place: frozenset[str] = frozenset(),
) -> Proof:
    """`after` (the audit rerun once the files are written) against `before`; `in_place`: the
    members that are aliases moved where they are (their own place counts)."""
    new: list[str] = []
    for was, now in zip(before.families, after.families, strict=True):
        old = Counter(identity(f) for f in was.findings if not f.canonical)
        rose = Counter(identity(f) for f in now.findings if not f.canonical) - old
        new += [f"{now.family.name}: {place}" for place in sorted(rose)]
    return Proof(
        _sites(before.family(family).findings, members, set(in_place)),
        _sites(after.family(family).findings, members, set(in_place)),
        tuple(new),
    )
