"""`discover` of this checkout against another git ref (default: main) on real trees, alternating,
with ruff F401 on the same root in the same rounds, so the ratios to ruff share the machine's load.

    .venv/bin/python benchmarks/discover_before_after.py [--ref main] [--repeat 5] [--ranking-changed]
        [--tree DIR:ROOT ...]   # default: the synthetic tree of static_audit.py, root mono

Each round runs ruff (`check --isolated --no-cache --select F401 --exit-zero -q ROOT`), then
`discover ROOT --no-cache --format json` with the ref's `harness/` (exported as in
static_before_after.py) and with this checkout's, and checks that both print the same JSON
(unless --ranking-changed: a change to the ranking is timed against the ranking it replaces).
Prints, per tree, the median and the fastest of the rounds: wall s / CPU s / peak MiB, and
discover / ruff in wall and CPU seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from static_audit import ROOT, VENV_BIN, loadavg, measure  # noqa: E402
from static_before_after import RUN, export  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ref", default="main")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / ".work")
    parser.add_argument("--tree", action="append", metavar="DIR:ROOT", default=[])
    parser.add_argument(
        "--ranking-changed",
        action="store_true",
        help="time the two even when their reports differ (a change to the ranking itself)",
    )
    args = parser.parse_args()
    trees = [t.rpartition(":")[::2] for t in args.tree] or [
        (str(args.work / "realistic-10000-20261125"), "mono")
    ]
    before = export(args.ref, args.work)
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    envs = {"before": {**base, "PYTHONPATH": str(before)}, "after": base}
    ruff = [str(VENV_BIN / "ruff"), "check", "--isolated", "--no-cache", "--select", "F401",
            "--exit-zero", "-q"]  # fmt: skip
    print(f"{args.ref} ({before.name}) -> this checkout; {args.repeat} rounds; load {loadavg()}")
    print(
        "| tree | | ruff F401 | discover before | discover after | before / ruff | after / ruff |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for folder, root in trees:
        tree = Path(folder).resolve()
        command = [sys.executable, "-c", RUN, "discover", root, "--no-cache", "--format", "json"]
        outputs = {  # the same report from both, and bytecode compiled once for each
            who: subprocess.run(command, cwd=tree, env=env, capture_output=True).stdout
            for who, env in envs.items()
        }
        if outputs["before"] != outputs["after"] and not args.ranking_changed:
            print(
                f"| {tree.name} | the two versions report differently: not comparable | | | | | |"
            )
            continue
        runs: dict[str, list[tuple[float, int, float]]] = {"ruff": [], "before": [], "after": []}
        for _ in range(args.repeat):
            runs["ruff"].append(measure([*ruff, root], tree))
            for who, env in envs.items():
                os.environ.clear()
                os.environ.update(env)
                runs[who].append(measure(command, tree))
            os.environ.clear()
            os.environ.update(base)
        for label, pick in (("median", statistics.median), ("fastest", min)):
            wall = {k: pick(r[0] for r in v) for k, v in runs.items()}
            cpu = {k: pick(r[2] for r in v) for k, v in runs.items()}
            rss = {k: max(r[1] for r in v) for k, v in runs.items()}
            cells = [f"{wall[k]:.2f} / {cpu[k]:.2f} / {rss[k]}" for k in runs]
            ratios = [f"{wall[k] / wall['ruff']:.1f} x wall, {cpu[k] / cpu['ruff']:.1f} x CPU"
                      for k in ("before", "after")]  # fmt: skip
            print(
                f"| {tree.name} `{root}` | {label} | {' | '.join(cells)} | {' | '.join(ratios)} |"
            )
    print(f"\nwall s / CPU s / peak MiB; load average (1/5/15 min) at the end: {loadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
