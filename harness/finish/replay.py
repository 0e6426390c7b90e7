"""Replays a migration recorded as ordered steps (patches and ssot-harness commands) on a temporary
git copy of the project, verifying each step as `ssot-harness step` does, then the end state."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harness.config import load_config
from harness.errors import ConfigError, UsageError
from harness.finish.plan import divergences_path
from harness.finish.step import StepReport, git, verify_step
from harness.pin.audit import run_audit
from harness.pin.baseline import load_baseline
from harness.prove.divergences import load_divergences

_STEP = re.compile(r"^(\d+)-.+\.(patch|cmds)$")
_ME = "-c", "user.email=ssot-harness@localhost", "-c", "user.name=ssot-harness replay"


@dataclass(frozen=True)
class Step:
    number: str
    files: tuple[Path, ...]

    @property
    def purpose(self) -> str:
        first = self.files[0].read_text(encoding="utf-8").splitlines()[:1]
        return (
            first[0].lstrip("# ").strip()
            if first and first[0].startswith("#")
            else self.files[0].stem
        )


@dataclass(frozen=True)
class Outcome:
    step: Step
    report: StepReport


@dataclass(frozen=True)
class Replay:
    family: str
    outcomes: tuple[Outcome, ...]
    final: tuple[tuple[str, bool, str], ...]  # (check, ok, detail) of the end state
    copy: str

    @property
    def ok(self) -> bool:
        return all(o.report.safe for o in self.outcomes) and all(ok for _, ok, _ in self.final)


def read_steps(folder: Path) -> list[Step]:
    if not folder.is_dir():
        raise UsageError(f"--steps {folder}: no such folder")
    groups: dict[str, list[Path]] = {}
    for path in sorted(folder.iterdir()):
        match = _STEP.match(path.name)
        if match is None:
            raise UsageError(f"{path}: a step file is named NN-purpose.patch or NN-purpose.cmds")
        groups.setdefault(match.group(1), []).append(path)
    if not groups:
        raise UsageError(f"--steps {folder}: no step files (NN-purpose.patch, NN-purpose.cmds)")
    return [Step(n, tuple(files)) for n, files in sorted(groups.items(), key=lambda kv: int(kv[0]))]


def copy_project(root: Path, into: Path) -> Path:
    """The project's files as git sees them (tracked and untracked-not-ignored), committed in a new repo."""
    listed = git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for rel in filter(None, listed):
        source = root / rel
        if source.is_file():
            (into / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / rel)
    git(into, "init", "-q")
    git(into, "add", "-A")
    git(into, *_ME, "commit", "-qm", "before the migration")
    return into


def apply(step: Step, copy: Path) -> None:
    for path in step.files:
        if path.suffix == ".patch":
            done = subprocess.run(
                ["git", "apply", "--whitespace=nowarn", str(path)],
                cwd=copy,
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise UsageError(
                    f"{path}: does not apply to the project any more: {done.stderr.strip()}; re-record the step"
                )
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            done = subprocess.run(
                [sys.executable, "-m", "harness.cli", *shlex.split(line)],
                cwd=copy,
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise UsageError(
                    f"{path}: `ssot-harness {line}` exited {done.returncode}: {(done.stderr or done.stdout).strip()[-500:]}"
                )
    git(copy, "add", "-A")
    git(copy, *_ME, "commit", "-qm", f"step {step.number}: {step.purpose}", "--allow-empty")


def replay(
    root: Path,
    family: str,
    steps_dir: Path,
    *,
    tests: str = "each",  # each | last | none
    workers: str = "2",
    final_tests: tuple[str, ...] = (),
    keep: Path | None = None,
    progress: Callable[[Outcome], None] | None = None,
) -> Replay:
    steps = read_steps(steps_dir)
    folder = Path(tempfile.mkdtemp(prefix="ssot-replay-")) if keep is None else keep
    if keep is not None and any(keep.iterdir() if keep.exists() else ()):
        raise UsageError(f"--keep {keep}: the folder must be empty or absent")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        copy = copy_project(root, folder)
        pyproject = copy / "pyproject.toml"
        start = load_config(pyproject)
        start.family(family)
        base = git(copy, "rev-parse", "HEAD").strip()
        baseline_before = _counts(copy / start.baseline, family)
        outcomes = []
        for i, step in enumerate(steps):
            apply(step, copy)
            run_tests = tests == "each" or (tests == "last" and i == len(steps) - 1)
            report = verify_step(pyproject, family, "HEAD~1", tests=run_tests, workers=workers)
            outcome = Outcome(step, report)
            outcomes.append(outcome)
            if progress:
                progress(outcome)
            if not report.safe:
                break
        final = (
            _end_state(copy, family, base, baseline_before, final_tests, workers)
            if len(outcomes) == len(steps) and outcomes[-1].report.safe
            else ()
        )
        return Replay(family, tuple(outcomes), final, str(copy))
    finally:
        if keep is None:
            shutil.rmtree(folder, ignore_errors=True)


def _counts(path: Path, family: str) -> dict[str, int]:
    """The family's recorded non-canonical counts per kind ({} when it is not in the baseline)."""
    recorded = (load_baseline(path) or {}).get(family)
    return dict(recorded.counts) if recorded is not None else {}


def _end_state(
    copy: Path,
    family: str,
    base: str,
    baseline_before: dict[str, int],
    final_tests: tuple[str, ...],
    workers: str,
):  # noqa: ANN202
    config = load_config(copy / "pyproject.toml")
    fa = run_audit(config, use_cache=False).family(family)
    after = _counts(copy / config.baseline, family)
    path = divergences_path(config, fa.family)
    declared = load_divergences(path) if path is not None else ()
    changed = git(copy, "diff", "--name-only", base, "HEAD", "--", config.snapshots).split()
    checks = [
        ("family pinned", fa.family.stage == "pinned", f"stage {fa.family.stage}"),
        ("one member left", len(fa.members) == 1, ", ".join(fa.members)),
        (
            "baseline lowered",
            sum(after.values()) < sum(baseline_before.values()) and sum(after.values()) == 0,
            f"{sum(baseline_before.values())} -> {sum(after.values())} non-canonical places",
        ),
        (
            "divergences file empty",
            not declared,
            f"{len(declared)} declaration{'s' * (len(declared) != 1)} left",
        ),
        (
            "golden snapshots unchanged since before the migration",
            not changed,
            ", ".join(changed) or "byte-identical",
        ),
    ]
    if final_tests:
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "--no-header",
            "-p",
            "no:randomly",
            *(["-n", workers] if workers != "0" else []),
            *final_tests,
        ]
        done = subprocess.run(command, cwd=copy, capture_output=True, text=True)
        tail = (done.stdout.strip().splitlines() or [done.stderr.strip()])[-1]
        checks.append((f"final tests: {' '.join(final_tests)}", done.returncode == 0, tail))
    if not config.source:
        raise ConfigError("replayed copy has no pyproject.toml")
    return tuple(checks)
