"""The static audit and discover of this checkout against another git ref (default: main), run
alternately in the same conditions, so a shared machine's load weighs on both alike.

    .venv/bin/python benchmarks/static_before_after.py [--ref main] [--repeat 3]
        [--tree DIR --config CONFIG]    # a real project too (e.g. an unpacked django sdist)

The ref's `harness/` is exported (git archive) under benchmarks/.work/ and put first on
PYTHONPATH; both run with this venv's interpreter and libraries. Cases on the synthetic tree of
static_audit.py (generated if missing): audit with one family and with 20, cold and warm;
discover cold. With --tree/--config: that project's audit cold and warm, and discover on the
config's first root. Prints median wall seconds, CPU seconds and peak RSS, before -> after.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from monorepo import generate  # noqa: E402
from static_audit import ROOT, loadavg, measure  # noqa: E402

RUN = "import sys; from harness.cli import main; sys.exit(main())"


def export(ref: str, work: Path) -> Path:
    sha = subprocess.run(
        ["git", "rev-parse", "--short", ref], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    target = work / f"ref-{sha}"
    if not (target / "harness").is_dir():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "archive", sha, "harness"], cwd=ROOT, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ref", default="main")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / ".work")
    parser.add_argument("--tree", type=Path)
    parser.add_argument("--config", type=Path)
    args = parser.parse_args()
    before = export(args.ref, args.work)
    synthetic = args.work / "realistic-10000-20261125"
    if not (synthetic / "pyproject.toml").is_file():
        shutil.rmtree(synthetic, ignore_errors=True)
        generate(synthetic, 10_000, 20261125)
    one = [".", "--config", "configs/one.toml"]
    cases: dict[str, tuple[Path, list[str], str | None]] = {
        "synthetic, 1 family, cold": (synthetic, ["audit", *one], ".ssot-cache-one"),
        "synthetic, 1 family, warm": (synthetic, ["audit", *one], None),
        "synthetic, 20 families, cold": (synthetic, ["audit"], ".ssot-cache"),
        "synthetic, 20 families, warm": (synthetic, ["audit"], None),
        "synthetic, discover cold": (
            synthetic,
            ["discover", "mono", "--no-cache", "--format", "json"],
            None,
        ),
    }
    if args.tree is not None and args.config is not None:
        tree, config = args.tree.resolve(), str(args.config.resolve())
        section = tomllib.loads(args.config.read_text(encoding="utf-8"))["tool"]["ssot-harness"]
        cache = section.get("cache-dir", ".ssot-cache")
        first = list(section.get("roots", ["."]))[0]
        audit = ["audit", ".", "--config", config]
        cases[f"{tree.name}, cold"] = (tree, audit, cache)
        cases[f"{tree.name}, warm"] = (tree, audit, None)
        cases[f"{tree.name}, discover {first} cold"] = (
            tree,
            ["discover", first, "--no-cache", "--format", "json"],
            None,
        )
    base_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    envs = {"before": {**base_env, "PYTHONPATH": str(before)}, "after": base_env}
    for env in envs.values():  # baselines, and bytecode compiled once for both
        for cwd, extra in ((synthetic, one), (synthetic, [])):
            subprocess.run([sys.executable, "-c", RUN, "baseline", "--update", "--allow-increase",
                            "--no-cache", *extra], cwd=cwd, env=env, capture_output=True)  # fmt: skip
    loads = [loadavg()]
    print(f"{args.ref} ({before.name}) -> this checkout; median of {args.repeat}, alternating")
    print("| case | before: wall s / CPU s / MiB | after: wall s / CPU s / MiB |")
    print("| --- | --- | --- |")
    for name, (cwd, command, cache) in cases.items():
        runs: dict[str, list[tuple[float, int, float]]] = {"before": [], "after": []}
        for _ in range(args.repeat):
            for who, env in envs.items():
                if cache:
                    shutil.rmtree(cwd / cache, ignore_errors=True)
                else:  # warm: the cache of this very version
                    subprocess.run([sys.executable, "-c", RUN, *command], cwd=cwd, env=env,
                                   capture_output=True)  # fmt: skip
                os.environ.clear()
                os.environ.update(env)
                runs[who].append(measure([sys.executable, "-c", RUN, *command], cwd))
        os.environ.clear()
        os.environ.update(base_env)
        cells = []
        for who in ("before", "after"):
            wall = statistics.median(r[0] for r in runs[who])
            cpu = statistics.median(r[2] for r in runs[who])
            cells.append(f"{wall:.2f} / {cpu:.2f} / {max(r[1] for r in runs[who])}")
        print(f"| {name} | {cells[0]} | {cells[1]} |")
        loads.append(loadavg())
    print(f"\nload average (1/5/15 min): {' -> '.join(loads)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
