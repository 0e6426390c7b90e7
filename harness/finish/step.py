"""Is a remediation step safe? The family's audit before (at a git revision) and after (the working
tree), the declared divergences, the golden snapshots, and the golden path + contracts run, judged
into one verdict with the member count before -> after."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from harness.config import load_config
from harness.errors import ConfigError, UsageError
from harness.finish.plan import divergences_path
from harness.model import Config
from harness.pin.audit import AuditReport, FamilyAudit, run_audit
from harness.prove.clean_run import clean_env, clean_options
from harness.prove.divergences import load_divergences
from harness.prove.memo import MEMO_ENV

_SITES = ("alias", "reexport", "import", "reference")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""


@dataclass(frozen=True)
class StepReport:
    family: str
    before: str  # the revision compared against
    members_before: int
    members_after: int
    places_before: int
    places_after: int
    checks: tuple[Check, ...]

    @property
    def safe(self) -> bool:
        return all(c.ok for c in self.checks)


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        raise UsageError(
            f"git {' '.join(args)} in {root} failed: {done.stderr.strip() or done.stdout.strip()}"
        )
    return done.stdout


def audit_at(root: Path, rev: str, pyproject: Path, family: str) -> FamilyAudit:
    """The family's audit over the tree as it was at `rev` (exported with git archive)."""
    blob = subprocess.run(["git", "archive", "--format=tar", rev], cwd=root, capture_output=True)
    if blob.returncode != 0:
        raise UsageError(
            f"--before {rev}: not a revision of the git repository at {root} ({blob.stderr.decode().strip()})"
        )
    with tempfile.TemporaryDirectory(prefix="ssot-step-") as folder:
        with tarfile.open(fileobj=io.BytesIO(blob.stdout)) as tar:
            tar.extractall(folder, filter="data")
        rel = pyproject.resolve().relative_to(root.resolve())
        old = Path(folder) / rel
        if not old.is_file():
            raise UsageError(f"--before {rev}: {rel} does not exist at that revision")
        config = load_config(old)
        config.family(family)
        return run_audit(config, use_cache=False, require_baseline=False).family(family)


def _sites(fa: FamilyAudit) -> Counter[tuple[str, str]]:
    return Counter((f.path, f.member) for f in fa.offenders if f.kind in _SITES)


def compare(before: FamilyAudit, after: FamilyAudit, report: AuditReport) -> list[Check]:
    checks = [
        Check(
            "audit within the baseline",
            not report.failed,
            "; ".join(fa.verdict for fa in report.families if fa.failed),
        )
    ]
    rose = [
        f"{k} {before.counts.get(k, 0)} -> {n}"
        for k, n in after.counts.items()
        if n > before.counts.get(k, 0)
    ]
    lower = sum(after.counts.values()) < sum(before.counts.values())
    if not sum(before.counts.values()) and not sum(after.counts.values()):
        lower = True  # already a single member: a pin or baseline step has nothing left to lower
    detail = ", ".join(
        f"{k} {before.counts.get(k, 0)} -> {n}"
        for k, n in after.counts.items()
        if n != before.counts.get(k, 0)
    )
    checks.append(
        Check(
            f"{after.family.name} strictly lower than before",
            lower and not rose,
            ("rose: " + ", ".join(rose))
            if rose
            else (detail or ("already one member" if lower else "no count changed")),
        )
    )
    new = sorted((_sites(after) - _sites(before)).elements())
    fresh = [f for f in after.offenders if f.kind in _SITES and (f.path, f.member) in set(new)]
    checks.append(
        Check(
            "no new import site of a non-canonical member",
            not new,
            "; ".join(f"{f.location} {f.kind} {f.member} -> {f.fix}" for f in fresh),
        )
    )
    return checks


def stale_declarations(config: Config, after: FamilyAudit) -> Check:
    path = divergences_path(config, after.family)
    declared = load_divergences(path) if path is not None else ()
    names = {m.partition(":")[2] for m in after.members}
    stale = [d for d in declared if d.member not in names]
    shown = (
        path.relative_to(config.root).as_posix()
        if path is not None and path.is_relative_to(config.root)
        else str(path)
    )
    return Check(
        "no stale divergence declaration",
        not stale,
        "; ".join(
            f"remove this declaration: {shown} member {d.member!r} contract {d.contract!r} (the member is gone)"
            for d in stale
        ),
    )


def snapshots_unchanged(config: Config, rev: str) -> Check:
    root = Path(config.root)
    changed = git(root, "diff", "--name-only", rev, "--", config.snapshots).split()
    changed += git(
        root, "ls-files", "--others", "--exclude-standard", "--", config.snapshots
    ).split()
    return Check("golden snapshots byte-identical", not changed, ", ".join(sorted(set(changed))))


def tests_green(config: Config, pyproject: Path, workers: str, extra: list[str]) -> Check:
    with (
        tempfile.TemporaryDirectory(prefix="ssot-step-reports-") as reports,
        tempfile.TemporaryDirectory(prefix="ssot-memo-") as memo,
    ):
        command = [
            sys.executable, "-m", "pytest", "-m", config.verify_markers, *clean_options(config), "-p", "no:randomly", "-q", "--no-header", "-rfE",
            "--ssot-config", str(pyproject), "--ssot-hypothesis-profile", "ssot-ci", "--ssot-reports", reports,
            *(["-n", workers] if workers != "0" else ["-p", "no:xdist"]), *extra, *config.verify_selection(extra),
        ]  # fmt: skip
        done = subprocess.run(
            command,
            cwd=config.root,
            capture_output=True,
            text=True,
            env={**os.environ, **clean_env(config), MEMO_ENV: memo},
        )
    tail = (
        done.stdout.strip().splitlines()[-1:]
        if done.stdout.strip()
        else [done.stderr.strip()[-300:]]
    )
    failures = [line for line in done.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
    return Check(
        "golden path, contracts and differential green for the remaining members",
        done.returncode == 0,
        "; ".join([*failures[:8], *tail]),
    )


def verify_step(
    pyproject: Path,
    family: str,
    rev: str,
    *,
    tests: bool = True,
    workers: str = "2",
    extra: list[str] | None = None,
) -> StepReport:
    config = load_config(pyproject)
    config.family(family)
    root = Path(config.root)
    git(root, "rev-parse", "--verify", f"{rev}^{{commit}}")
    before = audit_at(root, rev, pyproject, family)
    report = run_audit(config, use_cache=False)
    after = report.family(family)
    checks = compare(before, after, report)
    checks.append(stale_declarations(config, after))
    checks.append(snapshots_unchanged(config, rev))
    if tests:
        if not after.family.adapters:
            raise ConfigError(
                f"family {family} has no adapters: no contract proves its remaining members; pass --no-tests"
            )
        checks.append(tests_green(config, pyproject, workers, extra or []))
    return StepReport(
        family,
        rev,
        len(before.members),
        len(after.members),
        len(before.offenders),
        len(after.offenders),
        tuple(checks),
    )
