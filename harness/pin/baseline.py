"""The ratchet: a JSON file of each family's non-canonical places (identities and counts) that may only shrink.

A place's identity is stable across edits that do not change what it is: `definition
pkg.mod:Qual`, `alias pkg.mod:Name`, and for sites that use a member `import pkg.mod:Qual in
pkg.user` (re-exports and references likewise, by the module they are in). Line numbers are
not part of it. The counts per kind are kept as the summary. Version 1 files held counts only;
they are still read (compared by count) until `baseline --update` migrates them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from harness.errors import ConfigError
from harness.model import KINDS, Finding
from harness.scan.atomic import write_text_atomic
from harness.scan.index import gc_paused

_VERSION = 2


@dataclass(frozen=True)
class FamilyBaseline:
    """One family's recorded non-canonical places: counts per kind, and identities (None: counts only)."""

    counts: Mapping[str, int]
    entries: frozenset[str] | None = None


Baseline = dict[str, FamilyBaseline]  # family name -> what was recorded


@dataclass(frozen=True)
class Change:
    family: str
    kind: str
    old: int | None  # None: the family is not in the baseline yet
    new: int

    def __str__(self) -> str:
        old = "absent" if self.old is None else str(self.old)
        return f"{self.family} {self.kind}: {old} -> {self.new}"


@dataclass(frozen=True)
class Judgement:
    """Today's places of one family against its baseline: count rises/drops, identities added/removed."""

    rises: tuple[Change, ...] = ()
    drops: tuple[Change, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


def identity(finding: Finding) -> str:
    """What a non-canonical place is, without its line: kind, member, and the module using it."""
    if finding.kind in ("definition", "alias") or not finding.site:
        return f"{finding.kind} {finding.member}"
    return f"{finding.kind} {finding.member} in {finding.site}"


def places_of(findings: Iterable[Finding]) -> FamilyBaseline:
    """The baseline entry today's findings of one family would record."""
    counts = dict.fromkeys(KINDS, 0)
    entries: set[str] = set()
    for f in findings:  # one pass (a family of every definition has 700,000 places)
        if f.canonical:
            continue
        kind = f.kind
        if kind in counts:
            counts[kind] += 1
        entries.add(identity(f))
    return FamilyBaseline(counts, frozenset(entries))


def judge(family: str, old: FamilyBaseline, new: FamilyBaseline) -> Judgement:
    rises: list[Change] = []
    drops: list[Change] = []
    for kind in KINDS:
        before, after = old.counts.get(kind, 0), new.counts.get(kind, 0)
        if after > before:
            rises.append(Change(family, kind, before, after))
        elif after < before:
            drops.append(Change(family, kind, before, after))
    if old.entries is None or new.entries is None:
        return Judgement(tuple(rises), tuple(drops))
    return Judgement(
        tuple(rises),
        tuple(drops),
        tuple(sorted(new.entries - old.entries)),
        tuple(sorted(old.entries - new.entries)),
    )


def load_baseline(path: Path) -> Baseline | None:
    """The recorded baseline, or None when the file does not exist."""
    try:
        with gc_paused():  # hundreds of thousands of entries, no cycles
            data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not valid UTF-8 (byte {exc.start}); a baseline is JSON written by "
            "`ssot-harness baseline --update`: restore it from version control or delete it and "
            "record a new one"
        ) from None
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(
            f"{path}: not a readable baseline ({exc}); fix it or delete it and run "
            "`ssot-harness baseline --update`"
        ) from None
    families = data.get("families") if isinstance(data, dict) else None
    version = data.get("version", 1) if isinstance(data, dict) else None
    if not isinstance(families, dict) or version not in (1, _VERSION):
        raise ConfigError(
            f"{path}: not a baseline of version 1 or {_VERSION} with a 'families' table; "
            "restore it from version control or delete it and run `ssot-harness baseline --update`"
        )
    return {family: _family(path, family, body, version) for family, body in families.items()}


def _family(path: Path, family: str, body: object, version: int) -> FamilyBaseline:
    counts = body.get("counts") if version == 2 and isinstance(body, dict) else body
    entries = body.get("entries") if version == 2 and isinstance(body, dict) else None
    if not isinstance(counts, dict) or not all(
        k in KINDS and type(v) is int and v >= 0 for k, v in counts.items()
    ):
        raise ConfigError(
            f"{path}: family {family!r} must map kinds ({', '.join(KINDS)}) to whole counts >= 0 "
            f"(got {json.dumps(counts)})"
        )
    if entries is not None and (
        not isinstance(entries, list) or not set(map(type, entries)) <= {str}  # JSON: str only
    ):
        raise ConfigError(f"{path}: family {family!r} entries must be a list of strings")
    return FamilyBaseline(
        {k: counts.get(k, 0) for k in KINDS}, None if entries is None else frozenset(entries)
    )


def counts_only(baseline: Baseline) -> list[str]:
    """Families recorded by count only (a version 1 baseline): a swap cannot be seen for them."""
    return sorted(f for f, b in baseline.items() if b.entries is None)


def render_baseline(baseline: Baseline) -> str:
    """Byte-stable JSON: sorted families and entries, every kind, two-space indent, trailing newline."""
    body: dict[str, object] = {}
    for family in sorted(baseline):
        fb = baseline[family]
        item: dict[str, object] = {"counts": {k: fb.counts.get(k, 0) for k in KINDS}}
        if fb.entries is not None:
            item["entries"] = sorted(fb.entries)
        body[family] = item
    return json.dumps({"version": _VERSION, "families": body}, indent=2) + "\n"


def write_baseline(path: Path, baseline: Baseline) -> None:
    write_text_atomic(path, render_baseline(baseline))


def ratchet(
    old: Baseline | None, current: Baseline, *, allow_increase: bool
) -> tuple[Baseline, list[Change], list[str]]:
    """The next baseline, the count rises and the added identities (`family: entry`).

    Entries are only ever removed: an entry recorded before and gone today is dropped; one present
    today and not recorded stays out (and is returned) unless `allow_increase`, which records
    today's places as they are. Counts are lowered the same way. A family absent from the old
    baseline, or recorded by count only (version 1), is recorded as it is today when its counts
    did not rise: adding a family, or migrating it to identities, is not a rise.
    """
    if old is None:
        return dict(current), [], []
    new: Baseline = {}
    rises: list[Change] = []
    added: list[str] = []
    for family, now in current.items():
        before = old.get(family)
        if before is None or allow_increase:
            new[family] = now
            if before is not None:
                j = judge(family, before, now)
                rises += j.rises
                added += [f"{family}: {e}" for e in j.added]
            continue
        j = judge(family, before, now)
        rises += j.rises
        added += [f"{family}: {e}" for e in j.added]
        counts = {k: min(now.counts.get(k, 0), before.counts.get(k, 0)) for k in KINDS}
        if before.entries is None:
            entries = None if j.rises else now.entries
        else:
            entries = before.entries & (now.entries or frozenset())
        new[family] = FamilyBaseline(counts, entries)
    return new, rises, added
