"""Static audit speed on a synthetic monorepo, against ruff and ast.parse measured in the same run.

    .venv/bin/python benchmarks/static_audit.py [--files 10000] [--repeat 3]

Generates (once, deterministically from --seed) a tree of about 10,000 modules and 4 million lines
under benchmarks/.work/monorepo: long modules with classes, functions and imports, and a few dozen
members of two families spread through it, with its pyproject.toml and baseline. Then measures:
ruff check --no-cache --select F401; ast.parse of every file in one process; a cold audit (cache
removed); a warm audit (nothing changed); an audit after one file changed. Medians of --repeat runs;
peak RSS of each command."""

from __future__ import annotations

import argparse
import ast
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
PYPROJECT = """\
[tool.ssot-harness]
roots = ["mono"]
baseline = "baseline.json"

[tool.ssot-harness.families.payment-gateway-factory]
canonical = "mono.pkg000.payments:PaymentGatewayFactory"
names = ["*PaymentGatewayFactory", "get_*payment_gateway_factory"]

[tool.ssot-harness.families.order-notifier]
canonical = "mono.pkg000.notify:OrderNotifier"
names = ["*OrderNotifier", "*OrderEmitter"]
"""


def module_text(rnd: random.Random, index: int, packages: int, lines_target: int) -> str:
    out = ["import os", "import sys", "from dataclasses import dataclass", ""]
    for _ in range(rnd.randint(2, 6)):
        out.append(f"from mono.pkg{rnd.randrange(packages):03d}.mod{rnd.randrange(40):03d} import helper_{rnd.randrange(50)}")
    out.append("")
    n = 0
    while len(out) < lines_target:
        n += 1
        out += ["@dataclass", f"class Record{index}_{n}:", '    """A record."""', "    name: str", "    size: int = 0", ""]
        out += [f"    def total_{k}(self, values):" + "\n        acc = 0\n        for v in values:\n            acc += v * "
                f"{k}\n        return acc + self.size\n" for k in range(rnd.randint(2, 5))]  # fmt: skip
        out += [f"def helper_{n}(x, y=None):", "    if y is None:", "        return x", "    return [x, y]", ""]
    return "\n".join(out) + "\n"


def generate(tree: Path, files: int, seed: int) -> None:
    rnd = random.Random(seed)
    packages = max(1, files // 40)
    (tree / "mono").mkdir(parents=True)
    (tree / "mono" / "__init__.py").write_text("")
    written = 0
    for p in range(packages):
        pkg = tree / "mono" / f"pkg{p:03d}"
        pkg.mkdir()
        (pkg / "__init__.py").write_text("")
        for m in range(40):
            if written >= files:
                break
            (pkg / f"mod{m:03d}.py").write_text(module_text(rnd, written, packages, rnd.randint(70, 300)))
            written += 1
    base = tree / "mono" / "pkg000"
    (base / "payments.py").write_text("class PaymentGatewayFactory:\n    def create(self):\n        return 1\n")
    (base / "notify.py").write_text("class OrderNotifier:\n    def notify(self, e):\n        pass\n")
    for i in range(24):  # members and callers spread through the tree
        pkg = tree / "mono" / f"pkg{rnd.randrange(packages):03d}"
        (pkg / f"legacy_{i}.py").write_text(
            f"from mono.pkg000.payments import PaymentGatewayFactory\n\n\n"
            f"class Legacy{i}PaymentGatewayFactory(PaymentGatewayFactory):\n    pass\n\n\n"
            f"class Old{i}OrderEmitter:\n    def notify(self, e):\n        pass\n\n\n"
            f"def get_legacy{i}_payment_gateway_factory():\n    return Legacy{i}PaymentGatewayFactory()\n"
        )
    (tree / "pyproject.toml").write_text(PYPROJECT)


def measure(command: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (MiB) of one command, run through a fresh Python that waits for it."""
    probe = (
        "import resource,subprocess,sys,time;t=time.perf_counter();"
        "r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL);"
        "print(time.perf_counter()-t,resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,r.returncode)"
    )
    out = subprocess.run([sys.executable, "-c", probe, *command], cwd=cwd, capture_output=True, text=True, check=True)
    seconds, rss_kib, rc = out.stdout.split()
    if int(rc) not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited {rc}")
    return float(seconds), int(rss_kib) // 1024


def parse_all(tree: Path) -> float:
    started = time.perf_counter()
    for path in sorted((tree / "mono").rglob("*.py")):
        ast.parse(path.read_bytes(), str(path))
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / ".work")
    args = parser.parse_args()
    tree = args.work / f"monorepo-{args.files}-{args.seed}"
    if not (tree / "pyproject.toml").is_file():
        shutil.rmtree(tree, ignore_errors=True)
        print(f"generating {tree} ...", file=sys.stderr)
        generate(tree, args.files, args.seed)
    audit = [str(VENV_BIN / "ssot-harness"), "audit", "--config", "pyproject.toml"]
    if not (tree / "baseline.json").is_file():
        subprocess.run([str(VENV_BIN / "ssot-harness"), "baseline", "--update", "--allow-increase", "--config", "pyproject.toml"],
                       cwd=tree, capture_output=True, check=False)  # fmt: skip
    files = sum(1 for _ in (tree / "mono").rglob("*.py"))
    lines = sum(p.read_bytes().count(b"\n") for p in (tree / "mono").rglob("*.py"))
    cache = tree / ".ssot-cache"
    results: dict[str, list[tuple[float, int]]] = {k: [] for k in ("ruff", "cold", "warm", "changed")}
    touched = next((tree / "mono" / "pkg001").glob("mod0*.py"))
    for i in range(args.repeat):
        results["ruff"].append(measure([str(VENV_BIN / "ruff"), "check", "--no-cache", "--select", "F401", "--exit-zero", "-q", "mono"], tree))
        shutil.rmtree(cache, ignore_errors=True)
        results["cold"].append(measure(audit, tree))
        results["warm"].append(measure(audit, tree))
        touched.write_text(touched.read_text() + f"\n# edit {i}\n")
        results["changed"].append(measure(audit, tree))
    parse_seconds = parse_all(tree)
    med = {k: statistics.median(s for s, _ in v) for k, v in results.items()}
    rss = {k: max(m for _, m in v) for k, v in results.items()}
    print(f"tree: {files} files, {lines:,} lines; cores: {os.cpu_count()}; median of {args.repeat}")
    print("| measurement | seconds | peak RSS MiB |")
    print("| --- | --- | --- |")
    print(f"| ruff check --no-cache --select F401 | {med['ruff']:.2f} | {rss['ruff']} |")
    print(f"| ast.parse of every file (1 process) | {parse_seconds:.2f} | — |")
    print(f"| audit, cold (no cache) | {med['cold']:.2f} | {rss['cold']} |")
    print(f"| audit, warm (nothing changed) | {med['warm']:.2f} | {rss['warm']} |")
    print(f"| audit, one file changed | {med['changed']:.2f} | {rss['changed']} |")
    print()
    print(f"- cold audit / ruff: {med['cold'] / med['ruff']:.2f} (target <= 1.0)")
    print(f"- ast.parse / cold audit: {parse_seconds / med['cold']:.1f}x (target >= 15x)")
    print(f"- warm audit: {med['warm']:.2f} s (target < 0.5 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
