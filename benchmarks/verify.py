"""`ssot-harness verify` on the bundled target: wall time before -> after, measured in the same run.

    .venv/bin/python benchmarks/verify.py [--before REV] [--rounds N] [-n WORKERS]

REV (default: the last commit before verify was made fast) is checked out into a temporary git
worktree; `verify` then runs there and in this checkout, alternately, `--rounds` times each, with
this venv's Python and each tree importing its own harness, agent_platform and contracts
(PYTHONPATH; the check below refuses a tree that would import the other's). Both must pass and must
report the same accepted divergences (family, member, contract) in their equivalence matrix, the
three seeded in agent_platform among them: a speed-up that lost a divergence is not one. Prints a
markdown table of medians: wall seconds, CPU seconds (user + system of verify and everything it
started), the tests per outcome, and the after/before ratios. Runs use Python's default of writing
bytecode (PYTHONDONTWRITEBYTECODE is dropped; the first round compiles, the median hides it) and no
$CI. The mutants are benchmarks/mutation.py's business (run it with SSOT_HYPOTHESIS_PROFILE=ssot-ci
for the profile verify uses)."""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "77b8f1a"  # main before the verify speed-up (live driver, contract env, verify's selection)
RUN = "import sys; from harness.cli import main; sys.exit(main())"
SEEDED = {  # the three defects seeded in agent_platform, and a contract that must keep finding each
    "cross-user leak of the legacy factory's shared emitter": (
        "LegacyExecutionEngineFactory", "test_events_reach_only_their_own_user_with_8_users_interleaved"),
    "the v1 bridge drops tool_completed": ("RequestScopedExecutionFactory", "test_events_follow_the_order_rules"),
    "create_for_user bypasses the per-user limit": (
        "ExecutionEngine.create_for_user", "test_the_per_user_concurrency_limit_holds"),
}  # fmt: skip


def machine_speed() -> float:
    """Seconds a fixed pure-Python loop takes: shared machines drift, and the absolute figures
    (not the ratio) are only comparable between runs with a similar figure here."""
    started, total = time.perf_counter(), 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - started


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def check_imports(tree: Path, env: dict[str, str]) -> None:
    probe = "import harness, agent_platform, contracts; print(harness.__file__, agent_platform.__file__, contracts.__file__)"
    out = subprocess.run([sys.executable, "-c", probe], cwd=tree, env=env, capture_output=True, text=True).stdout
    paths = out.split()
    if len(paths) != 3 or not all(p.startswith(str(tree)) for p in paths):
        raise SystemExit(f"{tree}: does not import its own packages: {out.strip() or '(import failed)'}")


def verify(tree: Path, workers: str | None, reports: Path) -> tuple[float, float, dict]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    env.pop("CI", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # Python's default: the first round compiles, the median hides it
    check_imports(tree, env)
    cpu, started = children_cpu(), time.perf_counter()
    done = subprocess.run([sys.executable, "-c", RUN, "verify", *(["-n", workers] if workers else []), "--reports", str(reports)],
                          cwd=tree, env=env, capture_output=True, text=True)  # fmt: skip
    wall, cpu = time.perf_counter() - started, children_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"{tree}: verify exited {done.returncode}:\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    cells = json.loads((reports / "equivalence-matrix.json").read_text(encoding="utf-8"))["cells"]
    summary = re.findall(r"(\d+) (passed|skipped|xfailed|failed|xpassed|errors?)\b", done.stdout)
    found = {
        "divergences": sorted(
            (c["family"], c["member"], c["contract"]) for c in cells if c["outcome"] == "xfail"
        ),
        "outcomes": sorted((kind, int(n)) for n, kind in summary),
    }
    return wall, cpu, found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", default=BEFORE, metavar="REV", help=f"the revision to compare with (default {BEFORE})")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each tree, alternating (default 3)")
    parser.add_argument("-n", "--workers", default=None, help="verify's pytest-xdist workers (default: each tree's own default)")
    args = parser.parse_args()
    speed = [machine_speed()]
    with tempfile.TemporaryDirectory() as tmp:
        before = Path(tmp) / "before"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(before), args.before], cwd=ROOT, check=True)
        try:
            times: dict[str, list[tuple[float, float]]] = {"before": [], "after": []}
            found: dict[str, dict] = {}
            for _ in range(args.rounds):
                for name, tree in (("before", before), ("after", ROOT)):
                    wall, cpu, found[name] = verify(tree, args.workers, Path(tmp) / f"reports-{name}")
                    times[name].append((wall, cpu))
                    print(f"{name}: {wall:.1f} s wall, {cpu:.1f} s CPU", file=sys.stderr, flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(before)], cwd=ROOT, check=False)
    speed.append(machine_speed())
    if found["before"]["divergences"] != found["after"]["divergences"]:
        lost = sorted(set(found["before"]["divergences"]) - set(found["after"]["divergences"]))
        new = sorted(set(found["after"]["divergences"]) - set(found["before"]["divergences"]))
        print(f"the divergences differ: lost {lost}, new {new}")
        return 1
    for name in found:
        missing = [what for what, (member, contract) in SEEDED.items()
                   if ("execution-engine-factory", member, contract) not in found[name]["divergences"]]  # fmt: skip
        if missing:
            print(f"{name}: verify no longer finds the seeded divergence(s): {'; '.join(missing)}")
            return 1
    wall = {k: statistics.median(w for w, _ in v) for k, v in times.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in times.items()}
    with open("/proc/loadavg", encoding="ascii") as f:
        load = " ".join(f.read().split()[:3])
    print(f"verify on the bundled target, -n {args.workers or 'as each tree defaults'}; {os.cpu_count()} cores; "
          f"median of {args.rounds}; load average at the end {load}; a 10-million-step Python loop took "
          f"{speed[0]:.2f} s before the runs and {speed[1]:.2f} s after")  # fmt: skip
    print("| verify | wall seconds | CPU seconds | tests |")
    print("| --- | --- | --- | --- |")
    for name, rev in (("before", args.before), ("after", "this checkout")):
        tests = ", ".join(f"{n} {kind}" for kind, n in found[name]["outcomes"])
        print(f"| {name} ({rev}) | {wall[name]:.1f} | {cpu[name]:.1f} | {tests} |")
    families = sorted({f for f, _, _ in found["after"]["divergences"]})
    print(f"\nafter / before: wall {wall['after'] / wall['before']:.2f}, CPU {cpu['after'] / cpu['before']:.2f}")
    print(f"accepted divergences found, identical in both: {len(found['after']['divergences'])} cells over "
          f"{len({(f, m) for f, m, _ in found['after']['divergences']})} members of {len(families)} families, "
          f"the {len(SEEDED)} seeded ones among them")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
