"""The audit use case: scan the tree, resolve each family's findings, judge them against stage and baseline."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from pathlib import Path

from harness.model import Config, Family, Finding
from harness.pin.baseline import (
    Baseline,
    Change,
    FamilyBaseline,
    Judgement,
    judge,
    load_baseline,
    places_of,
)
from harness.pin.membership import FamilyResolver, Universe, audit_needles, needles_for
from harness.pin.memo import FindingsMemo
from harness.pin.shims import ShimStatus, judge_shims
from harness.pin.unparsed import UnparsedJudgement, candidates, judge_unparsed
from harness.scan.facts import FileFacts, module_name
from harness.scan.index import ScanResult, gc_paused, scan
from harness.scan.skip import Skipped


@dataclass(frozen=True)
class FamilyAudit:
    """One family's findings, non-canonical counts per kind, and the verdict against stage and baseline."""

    family: Family
    findings: tuple[Finding, ...]
    counts: dict[str, int] = field(hash=False)
    baseline: FamilyBaseline | None = field(hash=False)
    judgement: Judgement = Judgement()
    shims: tuple[ShimStatus, ...] = ()
    covered: frozenset[Finding] = field(default=frozenset(), hash=False)  # live shims' places
    unparsed: UnparsedJudgement = UnparsedJudgement()  # candidate files that could not be parsed

    @property
    def rises(self) -> tuple[Change, ...]:
        return self.judgement.rises

    @property
    def drops(self) -> tuple[Change, ...]:
        return self.judgement.drops

    @property
    def added(self) -> tuple[str, ...]:
        """Non-canonical places (identities) present today and absent from the baseline."""
        return self.judgement.added

    # the properties below are computed once (the fields are frozen): the reports read them per
    # family and per finding, over hundreds of thousands of findings for `names = ["*"]`
    @cached_property
    def offenders(self) -> tuple[Finding, ...]:
        """Non-canonical places, except those a live declared shim covers."""
        covered = self.covered
        if not covered:
            return tuple(f for f in self.findings if not f.canonical)
        return tuple(f for f in self.findings if not f.canonical and f not in covered)

    @cached_property
    def shim_problems(self) -> tuple[ShimStatus, ...]:
        return tuple(s for s in self.shims if s.problem)

    @cached_property
    def members(self) -> tuple[str, ...]:
        return tuple(sorted({f.member for f in self.findings if f.kind in ("definition", "alias")}))

    @property
    def pinned(self) -> bool:
        return self.family.stage == "pinned"

    @property
    def pinned_violation(self) -> bool:
        return self.pinned and bool(self.offenders)

    @property
    def pinned_unparsed(self) -> bool:
        """A pinned family with a candidate file it cannot see into (and no live declaration)."""
        return self.pinned and bool(self.unparsed.unaccepted)

    @cached_property
    def failed(self) -> bool:
        return (
            self.pinned_violation
            or self.pinned_unparsed
            or bool(self.rises)
            or bool(self.added)
            or (self.baseline is None and not self.pinned)  # a pin allows only its shims
            or bool(self.shim_problems)
            or bool(self.unparsed.problems)
        )

    @cached_property
    def verdict(self) -> str:
        fam = self.family
        members = self.members
        head = (
            f"{fam.name} [{fam.stage}]: {len(members)} member{'s' * (len(members) != 1)}, "
            f"{len(self.offenders)} non-canonical place{'s' * (len(self.offenders) != 1)}"
        )
        j = self.judgement
        live = len(self.shims) - len(self.shim_problems)
        if live:
            head += f", {live} live declared shim{'s' * (live != 1)}"
        u = self.unparsed
        if u.accepted:
            head += f", {len(u.accepted)} declared unparseable file{'s' * (len(u.accepted) != 1)}"
        if u.unaccepted and not self.pinned:  # a warning beside the counts; the pin fails below
            head += (
                f", warning: {_unparsed(len(u.unaccepted))} not counted ("
                + "; ".join(x.describe() for x in u.unaccepted)
                + ")"
            )
        if self.shim_problems:
            return f"FAIL {head}; " + "; ".join(
                f"shim {s.shim.member} {s.problem}" for s in self.shim_problems
            )
        if u.problems:
            return f"FAIL {head}; " + "; ".join(u.problems)
        if self.pinned_unparsed:
            return (
                f"FAIL {head}; {_unparsed(len(u.unaccepted))}, so the pin cannot see what "
                f"{'they hold' if len(u.unaccepted) > 1 else 'it holds'}: "
                + "; ".join(x.describe() for x in u.unaccepted)
                + f" (fix the file, or declare it in [[tool.ssot-harness.families.{fam.name}"
                ".unparseable]] with path and reason)"
            )
        if self.pinned_violation:
            return f"FAIL {head}; pinned to {fam.canonical}, so only the canonical may remain"
        if self.pinned:
            return (
                f"ok   {head}; pinned to {fam.canonical}: only the canonical and live shims remain"
            )
        if self.baseline is None:
            return f"FAIL {head}; not in the baseline yet (run `ssot-harness baseline --update`)"
        if j.rises or j.added:
            parts = [f"{c.kind} {c.old} -> {c.new}" for c in j.rises]
            if j.added:
                parts.append("added " + "; added ".join(j.added))
            if j.added and j.removed:
                parts.append("removed " + "; removed ".join(j.removed))
            what = "rose above the baseline" if j.rises else "new places not in the baseline"
            return (
                f"FAIL {head}; {what}: {', '.join(parts)} (use {fam.canonical} instead; "
                "`baseline --update` only ever removes entries)"
            )
        if j.drops or j.removed:
            drops = ", ".join(f"{c.kind} {c.old} -> {c.new}" for c in j.drops) or (
                "removed " + "; removed ".join(j.removed)
            )
            return f"ok   {head}; below the baseline ({drops}): tighten it with `ssot-harness baseline --update`"
        return f"ok   {head}; within the baseline"


def _unparsed(n: int) -> str:
    return f"{n} candidate file{'s' * (n != 1)} could not be parsed"


@dataclass(frozen=True)
class AuditReport:
    """The whole audit: per family, the skipped files, and what the scan covered."""

    families: tuple[FamilyAudit, ...]
    skipped: tuple[Skipped, ...]
    files_walked: int
    baseline_path: str

    @property
    def failed(self) -> bool:
        return any(f.failed for f in self.families)

    def current(self) -> Baseline:
        """What `baseline --update` would record today, per family (a pinned one needs no entry)."""
        return {fa.family.name: places_of(fa.findings) for fa in self.families if not fa.pinned}

    def family(self, name: str) -> FamilyAudit:
        for fa in self.families:
            if fa.family.name == name:
                return fa
        known = ", ".join(fa.family.name for fa in self.families) or "none"
        from harness.errors import ConfigError

        raise ConfigError(
            f"no family named {name!r} in [tool.ssot-harness.families] (known: {known})"
        )


@dataclass
class Resolved:
    """Each family's findings over the facts the alias search resolved last: when the scan ends
    on those facts (nothing new learned), the audit takes them instead of resolving again over
    the same universe."""

    facts: tuple[FileFacts, ...] | None = None
    needles: tuple[str, ...] = ()
    modules: frozenset[str] = frozenset()
    found: dict[str, list[Finding]] = field(default_factory=dict)

    def get(self, family: Family, result: ScanResult) -> list[Finding] | None:
        if self.facts is None or family.name not in self.found:
            return None
        if (self.needles, self.modules, self.facts) != (
            result.needles,
            result.modules,
            result.facts,
        ):
            return None
        return self.found[family.name]


def scan_for(
    config: Config,
    *,
    use_cache: bool = True,
    jobs: int | None = None,
    git: bool = True,
    resolved: Resolved | None = None,
) -> ScanResult:
    """The scan of the config's roots, looking for every family's needles (`git`: see `scan`);
    `resolved` keeps the findings the search for aliases resolved last (see Resolved)."""
    needles = audit_needles(config.families)
    root = Path(config.root)
    base = {n for fam in config.families for n in needles_for(fam)}
    kept = Resolved() if resolved is None else resolved

    def aliases(
        facts: tuple[FileFacts, ...], current: tuple[str, ...], modules: frozenset[str]
    ) -> set[str]:
        """Names that reach a member under another name: what importers of an alias mention.
        (The universe is the audit's own, see `audit`: its findings may serve it.)"""
        patterns = [p for fam in config.families for p in fam.names]
        universe = Universe(
            facts, modules, patterns=patterns, needles=current, learned=set(current) - base
        )
        kept.facts, kept.needles, kept.modules = facts, current, modules
        kept.found.clear()
        names: set[str] = set()
        for fam in config.families:
            try:
                found = FamilyResolver(fam, universe).findings()
            except Exception:  # noqa: BLE001 - config problems are reported by the audit itself
                continue
            kept.found[fam.name] = found
            # every member, whatever its name (an alias, a subclass found through `bases`), is
            # looked for: `mod:Name` is imported as Name, `mod:Cls.attr` is reached through Cls
            names |= {
                f.member.partition(":")[2].split(".")[0]
                for f in found
                if f.kind in ("alias", "definition")
            }
        return names

    with gc_paused():  # a warm scan decodes the cached facts of every file: no cycles among them
        return scan(
            root,
            config.roots,
            needles,
            exclude=config.exclude,
            cache_dir=(root / config.cache_dir) if use_cache else None,
            jobs=jobs,
            import_roots=config.import_roots,
            expand=aliases,
            git=git,
        )


def audit(
    config: Config,
    result: ScanResult,
    baseline: Baseline | None,
    *,
    only: tuple[str, ...] | None = None,
    today: date | None = None,
    cache_dir: Path | None = None,
    resolved: Resolved | None = None,
) -> AuditReport:
    """Judge every family of `config` over the scan `result` against `baseline` (None: no baseline).

    Declared shims are judged on `today` (default: the current date).

    `only` narrows the report to findings under those project-relative paths; resolution still uses
    the whole scan, a rise is still a rise, but counts below the baseline are not reported as drops.

    With `cache_dir`, each family's findings are kept there with the scan's digest, and taken back
    while neither it nor the family's rules change (see memo.py): the facts are then not decoded.
    `resolved`: the findings the scan's search for aliases resolved over these very facts.
    """
    base = {n for fam in config.families for n in needles_for(fam)}
    memo = FindingsMemo.load(cache_dir, result.digest, repr((config.import_roots, sorted(base))))

    @functools.cache
    def universe() -> Universe:
        unread = {
            module_name(s.path.as_posix(), config.import_roots)[0]: s
            for s in result.skipped
            if s.path.suffix in (".py", ".pyi")
        }
        return Universe(
            result.facts,
            result.modules,
            skipped=unread,
            patterns=[p for fam in config.families for p in fam.names],
            needles=result.needles,
            learned=set(result.needles) - base,
        )

    audits = []
    unparsed = candidates(Path(config.root), result.skipped, config.families)
    within = None if only is None else (lambda path: _under(path, only))
    for fam in config.families:
        everything = memo.get(fam)
        if everything is None:
            everything = None if resolved is None else resolved.get(fam, result)
            if everything is None:
                everything = FamilyResolver(fam, universe()).findings()
            memo.put(fam, everything)
        shims, covered = judge_shims(fam, everything, today or date.today())
        files = (s for s in unparsed[fam.name] if within is None or within(s.path.as_posix()))
        unread_here = judge_unparsed(fam, files, today or date.today(), judged=within)
        findings = tuple(f for f in everything if only is None or _under(f.path, only))
        if only is not None:  # shims whose places all lie outside PATH are not this report's
            shims = tuple(s for s in shims if any(_under(f.path, only) for f in s.places))
            covered = frozenset(f for f in covered if _under(f.path, only))  # nor those places
        now = places_of(findings)
        # a pinned family is judged by its stage and shims alone: its baseline entry (if any) is moot
        old = None if baseline is None or fam.stage == "pinned" else baseline.get(fam.name)
        judgement = Judgement() if old is None else judge(fam.name, old, now)
        if only is not None:  # outside PATH nothing was looked at: nothing "went down" there
            judgement = replace(judgement, drops=(), removed=())
        audits.append(
            FamilyAudit(
                fam, findings, dict(now.counts), old, judgement, shims, covered, unread_here
            )
        )
    memo.save()
    skipped = tuple(s for s in result.skipped if only is None or _under(s.path.as_posix(), only))
    return AuditReport(
        families=tuple(audits),
        skipped=skipped,
        files_walked=result.files_walked,
        baseline_path=config.baseline,
    )


def _under(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(
        p in ("", ".") or path == p or path.startswith(p.rstrip("/") + "/") for p in prefixes
    )


def run_audit(
    config: Config,
    *,
    roots: tuple[str, ...] | None = None,
    use_cache: bool = True,
    require_baseline: bool = True,
    git: bool = True,
) -> AuditReport:
    """Scan the config's roots and audit them against the baseline file; `roots` narrows the report.

    Config errors (a canonical that does not exist...) come first; then a missing baseline is a
    ConfigError when `require_baseline` and a family is not pinned (a pin needs no baseline).
    """
    path = Path(config.root) / config.baseline
    baseline = load_baseline(path)
    resolved = Resolved()
    result = scan_for(config, use_cache=use_cache, git=git, resolved=resolved)
    cache_dir = Path(config.root) / config.cache_dir if use_cache else None
    with gc_paused():
        report = audit(config, result, baseline, only=roots, cache_dir=cache_dir, resolved=resolved)
    if baseline is None and require_baseline and any(f.stage != "pinned" for f in config.families):
        from harness.errors import ConfigError

        raise ConfigError(
            f"{config.baseline}: no baseline file; run `ssot-harness baseline --update` to record today's "
            "counts, then commit it"
        )
    return report
