"""The audit use case: scan the tree, resolve each family's findings, judge them against stage and baseline."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from harness.model import KINDS, Config, Family, Finding
from harness.pin.baseline import Change, Counts, compare, load_baseline
from harness.pin.members import FamilyResolver, Universe, needles_for
from harness.scan.facts import FileFacts
from harness.scan.index import ScanResult, scan
from harness.scan.skip import Skipped


@dataclass(frozen=True)
class FamilyAudit:
    """One family's findings, non-canonical counts per kind, and the verdict against stage and baseline."""

    family: Family
    findings: tuple[Finding, ...]
    counts: dict[str, int] = field(hash=False)
    baseline: dict[str, int] | None = field(hash=False)
    rises: tuple[Change, ...] = ()
    drops: tuple[Change, ...] = ()

    @property
    def offenders(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.canonical)

    @property
    def members(self) -> tuple[str, ...]:
        return tuple(sorted({f.member for f in self.findings if f.kind in ("definition", "alias")}))

    @property
    def pinned_violation(self) -> bool:
        return self.family.stage == "pinned" and bool(self.offenders)

    @property
    def failed(self) -> bool:
        return self.pinned_violation or bool(self.rises) or self.baseline is None

    @property
    def verdict(self) -> str:
        fam = self.family
        members = self.members
        head = (
            f"{fam.name} [{fam.stage}]: {len(members)} member{'s' * (len(members) != 1)}, "
            f"{len(self.offenders)} non-canonical place{'s' * (len(self.offenders) != 1)}"
        )
        if self.pinned_violation:
            return f"FAIL {head}; pinned to {fam.canonical}, so only the canonical may remain"
        if self.baseline is None:
            return f"FAIL {head}; not in the baseline yet (run `ssot-harness baseline --update`)"
        if self.rises:
            return f"FAIL {head}; rose above the baseline: " + ", ".join(
                f"{c.kind} {c.old} -> {c.new}" for c in self.rises
            )
        if self.drops:
            drops = ", ".join(f"{c.kind} {c.old} -> {c.new}" for c in self.drops)
            return f"ok   {head}; below the baseline ({drops}): tighten it with `ssot-harness baseline --update`"
        return f"ok   {head}; within the baseline"


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

    def counts(self) -> Counts:
        return {fa.family.name: dict(fa.counts) for fa in self.families}

    def family(self, name: str) -> FamilyAudit:
        for fa in self.families:
            if fa.family.name == name:
                return fa
        known = ", ".join(fa.family.name for fa in self.families) or "none"
        from harness.errors import ConfigError

        raise ConfigError(
            f"no family named {name!r} in [tool.ssot-harness.families] (known: {known})"
        )


def scan_for(config: Config, *, use_cache: bool = True, jobs: int | None = None) -> ScanResult:
    """The scan of the config's roots, looking for every family's needles."""
    needles: set[str] = set()
    for fam in config.families:
        needles |= needles_for(fam)
    root = Path(config.root)

    def aliases(facts: tuple[FileFacts, ...]) -> set[str]:
        universe = Universe(facts)
        names: set[str] = set()
        for fam in config.families:
            try:
                resolver = FamilyResolver(fam, universe)
            except Exception:  # noqa: BLE001 - config problems are reported by the audit itself
                continue
            names |= {
                f.member.rpartition(".")[2].rpartition(":")[2]
                for f in resolver.findings()
                if f.kind == "alias"
            }
        return names

    return scan(
        root,
        config.roots,
        needles,
        exclude=config.exclude,
        cache_dir=(root / config.cache_dir) if use_cache else None,
        jobs=jobs,
        import_roots=config.import_roots,
        expand=aliases,
    )


def audit(
    config: Config,
    result: ScanResult,
    baseline: Counts | None,
    *,
    only: tuple[str, ...] | None = None,
) -> AuditReport:
    """Judge every family of `config` over the scan `result` against `baseline` (None: no baseline).

    `only` narrows the report to findings under those project-relative paths; resolution still uses
    the whole scan, a rise is still a rise, but counts below the baseline are not reported as drops.
    """
    universe = Universe(result.facts, result.modules)
    audits = []
    for fam in config.families:
        findings = tuple(
            f
            for f in FamilyResolver(fam, universe).findings()
            if only is None or _under(f.path, only)
        )
        counts = {k: sum(1 for f in findings if f.kind == k and not f.canonical) for k in KINDS}
        old = None if baseline is None else baseline.get(fam.name)
        if old is None:
            rises, drops = [], []  # type: list[Change], list[Change]
        else:
            rises, drops = compare({fam.name: old}, {fam.name: counts})
        if only is not None:
            drops = []
        audits.append(FamilyAudit(fam, findings, counts, old, tuple(rises), tuple(drops)))
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
) -> AuditReport:
    """Scan the config's roots and audit them against the baseline file; `roots` narrows the report.

    Config errors (a canonical that does not exist...) come first; then a missing baseline is a
    ConfigError when `require_baseline`.
    """
    path = Path(config.root) / config.baseline
    baseline = load_baseline(path)
    report = audit(config, scan_for(config, use_cache=use_cache), baseline, only=roots)
    if baseline is None and require_baseline:
        from harness.errors import ConfigError

        raise ConfigError(
            f"{config.baseline}: no baseline file; run `ssot-harness baseline --update` to record today's "
            "counts, then commit it"
        )
    return report
