"""`rewrite --check` on a real project against the cold audit and against libcst parsing every file.

    .venv/bin/python benchmarks/rewrite.py --tree NAME --config CONFIG --family FAMILY [--repeat 3]
        [--sample 10]

NAME is one of benchmarks/real_trees.py's projects (fetched once into a cache outside the repo;
the tree is only read: the config's cache-dir and baseline should point outside it). Measures, in
the same run: `audit PATH --config CONFIG --no-cache` (cold) and `rewrite FAMILY PATH --config
CONFIG --check --no-cache` (medians of --repeat; wall and CPU seconds of the command and its
workers), the number of files the rewrite parsed (from its summary line), and the CPU seconds of
`libcst.parse_module` over every file of the config's roots in one process (with --sample K, over
every K-th file by path, scaled by bytes: libcst needs minutes for a large tree).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_trees import TREES, tree  # noqa: E402
from static_audit import loadavg, measure  # noqa: E402

VENV_BIN = Path(sys.executable).parent


def parse_every_file(root: Path, roots: list[str], sample: int) -> tuple[float, int, int]:
    """CPU seconds of libcst.parse_module over the roots' files (scaled from every `sample`-th),
    the number of files and of those parsed."""
    import libcst

    files = sorted(p for r in roots for p in (root / r).rglob("*.py"))
    chosen = files[::sample]
    total = sum(p.stat().st_size for p in files)
    part = sum(p.stat().st_size for p in chosen)
    cpu = time.process_time()
    for path in chosen:
        try:
            libcst.parse_module(path.read_text(encoding="utf-8"))
        except (libcst.ParserSyntaxError, UnicodeDecodeError):
            pass
    return (time.process_time() - cpu) * total / max(part, 1), len(files), len(chosen)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tree", required=True, choices=sorted(TREES))
    parser.add_argument("--config", required=True)
    parser.add_argument("--family", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", type=int, default=1)
    args = parser.parse_args()
    root = tree(args.tree)
    config = str(Path(args.config).resolve())
    roots = tomllib.loads(Path(config).read_text())["tool"]["ssot-harness"]["roots"]
    cli = str(VENV_BIN / "ssot-harness")
    audit = [cli, "audit", ".", "--config", config, "--no-cache"]
    check = [
        cli,
        "rewrite",
        args.family,
        ".",
        "--config",
        config,
        "--check",
        "--no-cache",
        "--progress",
        "off",
    ]
    rows: dict[str, list[tuple[float, int, float]]] = {"audit": [], "rewrite": []}
    loads = [loadavg()]
    for _ in range(args.repeat):  # alternately, so that both see the same load
        rows["audit"].append(measure(audit, root))
        rows["rewrite"].append(measure(check, root))
        loads.append(loadavg())
    summary = subprocess.run(check, cwd=root, capture_output=True, text=True).stderr
    parsed = re.search(r"(\d+) files? parsed, the ones the audit names of (\d+) walked", summary)
    libcst_cpu, files, sampled = parse_every_file(root, roots, args.sample)

    def med(name: str, i: int) -> float:
        return statistics.median(r[i] for r in rows[name])

    print(f"tree: {args.tree}, family {args.family}, {files} files under {', '.join(roots)}; "
          f"median of {args.repeat}; load average {loads[0]} -> {loads[-1]}")  # fmt: skip
    print("| measurement | wall seconds | CPU seconds | peak RSS MiB |")
    print("| --- | --- | --- | --- |")
    print(
        f"| audit, cold (no cache) | {med('audit', 0):.2f} | {med('audit', 2):.2f} | {med('audit', 1):.0f} |"
    )
    print(
        f"| rewrite --check, cold (no cache) | {med('rewrite', 0):.2f} | {med('rewrite', 2):.2f} | {med('rewrite', 1):.0f} |"
    )
    how = (
        "every file"
        if args.sample == 1
        else f"every {args.sample}th file ({sampled}), scaled by bytes"
    )
    print(f"| libcst.parse_module of every file (1 process; {how}) | — | {libcst_cpu:.1f} | — |")
    print(f"files parsed by the rewrite: {parsed.group(1) if parsed else '?'} of {files}")
    print(f"rewrite --check / cold audit: {med('rewrite', 0) / med('audit', 0):.1f}x wall, "
          f"{med('rewrite', 2) / med('audit', 2):.1f}x CPU (target <= 3x)")  # fmt: skip
    print(f"libcst of every file / rewrite --check: {libcst_cpu / med('rewrite', 2):.1f}x CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
