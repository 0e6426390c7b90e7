"""Static audit and discover speed on a realistic synthetic monorepo, against ruff and ast.parse in the same run.

    .venv/bin/python benchmarks/static_audit.py [--files 10000] [--repeat 3]
    .venv/bin/python benchmarks/static_audit.py --tree DIR --config CONFIG [--repeat 3]

The second form measures a real project instead (e.g. an unpacked django sdist, never committed),
audited with a config kept outside it: ruff and ast.parse over the config's roots, the audit cold
and warm, and discover on the first root against ruff on that root.

Generates (once, deterministically from --seed; see benchmarks/monorepo.py) about 10,000 modules and
4 million lines under benchmarks/.work/: near-name classes, test doubles, a backups/ folder of
copies, 300 value-class names defined in many modules, three 3 MB generated modules, packages 8
deep, 20 families. Then measures, in the same run: ruff check --no-cache --select F401; ast.parse of
every file in one process; the audit cold and warm with one family and with 20 families; one file
changed; a one-family config with names = ["*"]; discover, cold. Medians of --repeat runs; peak RSS
of each command."""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from monorepo import generate  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


def measure(command: list[str], cwd: Path) -> tuple[float, int, float]:
    """Wall seconds, peak RSS (MiB) and CPU seconds (user + system) of one command, run through a
    fresh Python that waits for it. Bytecode is written as on a user's machine (the first run
    compiles the harness once; PYTHONDONTWRITEBYTECODE from the environment is dropped)."""
    probe = (
        "import resource,subprocess,sys,time;t=time.perf_counter();"
        "r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL);"
        "u=resource.getrusage(resource.RUSAGE_CHILDREN);"
        "print(time.perf_counter()-t,u.ru_maxrss,u.ru_utime+u.ru_stime,r.returncode)"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out = subprocess.run(
        [sys.executable, "-c", probe, *command],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    seconds, rss_kib, cpu, rc = out.stdout.split()
    if int(rc) not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited {rc}")
    return float(seconds), int(rss_kib) // 1024, float(cpu)


def parse_all(*folders: Path) -> tuple[float, float]:
    """Wall and CPU seconds of `ast.parse` of every file under `folders`, in this process."""
    started, cpu = time.perf_counter(), time.process_time()
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            try:
                ast.parse(path.read_bytes(), str(path))
            except (SyntaxError, ValueError):
                pass  # a real tree has a few deliberately broken files
    return time.perf_counter() - started, time.process_time() - cpu


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def second_codebase(tree: Path, config: Path, repeat: int) -> int:
    """The audit cold and warm with `config` on `tree`, discover on its first root, against ruff."""
    import tomllib

    section = tomllib.loads(config.read_text(encoding="utf-8"))["tool"]["ssot-harness"]
    roots = list(section.get("roots", ["."]))
    cache = tree / section.get("cache-dir", ".ssot-cache")
    tool = str(VENV_BIN / "ssot-harness")
    # --isolated: the project's own ruff settings (rules a newer ruff removed...) do not apply
    ruff = [str(VENV_BIN / "ruff"), "check", "--isolated", "--no-cache", "--select", "F401",
            "--exit-zero", "-q"]  # fmt: skip
    audit = [tool, "audit", ".", "--config", str(config.resolve())]
    subprocess.run([tool, "baseline", "--update", "--allow-increase", "--no-cache", ".", "--config",
                    str(config.resolve())], cwd=tree, capture_output=True, check=False)  # fmt: skip
    keys = ("ruff", "cold", "warm", "ruff1", "discover")
    results: dict[str, list[tuple[float, int, float]]] = {k: [] for k in keys}
    loads = [loadavg()]
    for _ in range(repeat):
        results["ruff"].append(measure([*ruff, *roots], tree))
        shutil.rmtree(cache, ignore_errors=True)
        results["cold"].append(measure(audit, tree))
        results["warm"].append(measure(audit, tree))
        results["ruff1"].append(measure([*ruff, roots[0]], tree))
        results["discover"].append(
            measure([tool, "discover", roots[0], "--no-cache", "--format", "json"], tree)
        )
        loads.append(loadavg())
    parse_seconds, parse_cpu = parse_all(*(tree / r for r in roots))
    med = {k: statistics.median(r[0] for r in v) for k, v in results.items()}
    cpu = {k: statistics.median(r[2] for r in v) for k, v in results.items()}
    rss = {k: max(r[1] for r in v) for k, v in results.items()}
    files = sum(1 for r in roots for _ in (tree / r).rglob("*.py"))
    label = {
        "ruff": f"ruff check --no-cache --select F401 {' '.join(roots)}", "cold": "audit, cold (no cache)",
        "warm": "audit, warm", "ruff1": f"ruff check --no-cache --select F401 {roots[0]}",
        "discover": f"discover {roots[0]}, cold (--no-cache)",
    }  # fmt: skip
    print(f"tree: {tree.name}, {files} files under {', '.join(roots)}; cores: {os.cpu_count()}; "
          f"median of {repeat}; load average (1/5/15 min) {' -> '.join(loads)}")  # fmt: skip
    print("| measurement | wall seconds | CPU seconds | peak RSS MiB |")
    print("| --- | --- | --- | --- |")
    for key in keys:
        print(f"| {label[key]} | {med[key]:.2f} | {cpu[key]:.2f} | {rss[key]} |")
    print(f"| ast.parse of every file (1 process) | {parse_seconds:.2f} | {parse_cpu:.2f} | — |")
    print()
    print(
        f"- cold audit / ruff: {med['cold'] / med['ruff']:.2f} wall, {cpu['cold'] / cpu['ruff']:.2f} CPU (target <= 0.5)"
    )
    print(
        f"- ast.parse-all / cold audit: {parse_seconds / med['cold']:.1f}x wall, {parse_cpu / cpu['cold']:.1f}x CPU (target >= 15x)"
    )
    print(f"- warm audit: {med['warm']:.2f} s wall, {cpu['warm']:.2f} s CPU")
    print(f"- discover / ruff on {roots[0]}: {med['discover'] / med['ruff1']:.2f} wall, {cpu['discover'] / cpu['ruff1']:.2f} CPU (target <= 2)")  # fmt: skip
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / ".work")
    parser.add_argument(
        "--skip-star", action="store_true", help='skip the names = ["*"] run (it parses every file)'
    )
    parser.add_argument(
        "--tree", type=Path, help="a real project to measure instead (with --config)"
    )
    parser.add_argument("--config", type=Path, help="the pyproject.toml-style config for --tree")
    args = parser.parse_args()
    if args.tree is not None or args.config is not None:
        if args.tree is None or args.config is None:
            parser.error("--tree and --config go together")
        return second_codebase(args.tree.resolve(), args.config, args.repeat)
    tree = args.work / f"realistic-{args.files}-{args.seed}"
    if not (tree / "pyproject.toml").is_file():
        shutil.rmtree(tree, ignore_errors=True)
        print(f"generating {tree} ...", file=sys.stderr)
        generate(tree, args.files, args.seed)
    tool = str(VENV_BIN / "ssot-harness")
    configs = {
        "one": [".", "--config", "configs/one.toml"],
        "all": [],
        "star": [".", "--config", "configs/star.toml"],
    }
    caches = {"one": ".ssot-cache-one", "all": ".ssot-cache", "star": ".ssot-cache-star"}
    for name in ("one", "all"):
        subprocess.run([tool, "baseline", "--update", "--allow-increase", "--no-cache", *configs[name]], cwd=tree,
                       capture_output=True, check=False)  # fmt: skip
    files = sum(1 for _ in (tree / "mono").rglob("*.py"))
    lines = sum(p.read_bytes().count(b"\n") for p in (tree / "mono").rglob("*.py"))
    keys = ("ruff", "cold1", "warm1", "cold20", "warm20", "changed20", "star", "discover")
    results: dict[str, list[tuple[float, int, float]]] = {k: [] for k in keys}
    touched = sorted((tree / "mono" / "pkg001").glob("mod*.py"))[0]
    loads = [loadavg()]
    for i in range(args.repeat):
        results["ruff"].append(
            measure(
                [
                    str(VENV_BIN / "ruff"),
                    "check",
                    "--isolated",
                    "--no-cache",
                    "--select",
                    "F401",
                    "--exit-zero",
                    "-q",
                    "mono",
                ],
                tree,
            )
        )
        for name, (cold, warm) in {"one": ("cold1", "warm1"), "all": ("cold20", "warm20")}.items():
            shutil.rmtree(tree / caches[name], ignore_errors=True)
            results[cold].append(measure([tool, "audit", *configs[name]], tree))
            results[warm].append(measure([tool, "audit", *configs[name]], tree))
        touched.write_text(touched.read_text() + f"\n# edit {i}\n")
        results["changed20"].append(measure([tool, "audit"], tree))
        if (
            i == 0 and not args.skip_star
        ):  # parses every file: once is enough (and it needs no baseline)
            shutil.rmtree(tree / caches["star"], ignore_errors=True)
            star = [tool, "baseline", "--update", "--allow-increase", *configs["star"]]
            results["star"].append(measure(star, tree))
        results["discover"].append(
            measure([tool, "discover", "mono", "--no-cache", "--format", "json"], tree)
        )
        loads.append(loadavg())
    parse_seconds, parse_cpu = parse_all(tree / "mono")
    results = {k: v or [(float("nan"), 0, float("nan"))] for k, v in results.items()}
    med = {k: statistics.median(r[0] for r in v) for k, v in results.items()}
    rss = {k: max(r[1] for r in v) for k, v in results.items()}
    cpu = {k: statistics.median(r[2] for r in v) for k, v in results.items()}
    label = {
        "ruff": "ruff check --no-cache --select F401", "cold1": "audit, 1 family, cold (no cache)",
        "warm1": "audit, 1 family, warm", "cold20": "audit, 20 families, cold", "warm20": "audit, 20 families, warm",
        "changed20": "audit, 20 families, one file changed", "star": 'audit, 1 family with names = ["*"], cold (run once, as baseline --update)',
        "discover": "discover, cold (no cache)",
    }  # fmt: skip
    print(f"tree: {files} files, {lines:,} lines; cores: {os.cpu_count()}; median of {args.repeat}; "
          f"load average (1/5/15 min) {' -> '.join(loads)}")  # fmt: skip
    print("| measurement | wall seconds | CPU seconds | peak RSS MiB |")
    print("| --- | --- | --- | --- |")
    for key in keys:
        print(f"| {label[key]} | {med[key]:.2f} | {cpu[key]:.2f} | {rss[key]} |")
        if key == "ruff":
            print(
                f"| ast.parse of every file (1 process) | {parse_seconds:.2f} | {parse_seconds:.2f} | — |"
            )
    audits = ("cold1", "warm1", "cold20", "warm20", "changed20")
    print()
    print(
        f"- cold audit (1 family) / ruff: {med['cold1'] / med['ruff']:.2f} (target <= 0.5); 20 families: {med['cold20'] / med['ruff']:.2f}"
    )
    print(
        f"- ast.parse-all / cold audit (1 family): {parse_seconds / med['cold1']:.1f}x (target >= 15x); 20 families: {parse_seconds / med['cold20']:.1f}x"
    )
    print(
        f"- warm audit: 1 family {med['warm1']:.2f} s (target <= 0.3 s); 20 families {med['warm20']:.2f} s (target <= 1 s)"
    )
    print(f'- names = ["*"] / one-family cold: {med["star"] / med["cold1"]:.1f}x (target <= 3x)')
    print(
        f'- peak RSS of the audits: {max(rss[k] for k in audits)} MiB (target <= 150 MiB); names = ["*"]: {rss["star"]} MiB'
    )
    print(f"- discover cold / ruff: {med['discover'] / med['ruff']:.2f} (target <= 2)")
    print(
        f"- the same ratios in CPU seconds (less sensitive to a shared machine's load): cold 1 family / ruff "
        f"{cpu['cold1'] / cpu['ruff']:.2f}, 20 families {cpu['cold20'] / cpu['ruff']:.2f}; ast.parse-all / cold "
        f"{parse_cpu / cpu['cold1']:.1f}x, 20 families {parse_cpu / cpu['cold20']:.1f}x; warm CPU "
        f"{cpu['warm1']:.2f} s / {cpu['warm20']:.2f} s; discover / ruff {cpu['discover'] / cpu['ruff']:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
