"""Mutation run: does the contract suite (on the canonical member) and the golden path kill every mutant?

    .venv/bin/python benchmarks/mutation.py [--only NAME ...]

Each mutant of benchmarks/mutants.py is applied to a fresh copy of the tracked files (the real tree is
never edited); the copy runs, first on its own (it must pass unmutated), then per mutant, one suite
after the other (each family's contracts on its canonical member; SUITES below), e.g.
    pytest -x contracts/execution_engine/test_contracts.py tests/golden_path/test_golden_path.py
           --ssot-implementation ExecutionEngineFactory
A mutant is killed when one of those runs fails. Prints a markdown table and the kill rate."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from mutants import MUTANTS, Mutant  # noqa: E402

SUITES = [  # the quick ones first: a mutant they kill costs no golden-path run
    ["contracts/agent_registry/test_contracts.py", "--ssot-implementation", "AgentRegistry"],
    ["contracts/supervisor/test_contracts.py", "--ssot-implementation", "SupervisorAgent"],
    ["contracts/websocket_notifier/test_contracts.py", "--ssot-implementation", "WebSocketNotifier"],
    ["contracts/execution_engine/test_contracts.py", "tests/golden_path/test_golden_path.py",
     "--ssot-implementation", "ExecutionEngineFactory"],
]  # fmt: skip


def copy_tree(target: Path) -> None:
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def run_suite(tree: Path, suites: list[list[str]] | None = None) -> subprocess.CompletedProcess[str]:
    """The suites one after the other; the first that fails is the result (else the last)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    for suite in suites or SUITES:
        command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
                   "-rf", *suite]  # fmt: skip
        result = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, timeout=1200)
        if result.returncode != 0:
            break
    return result


def apply(tree: Path, mutant: Mutant) -> str:
    path = tree / mutant.file
    original = text = path.read_text(encoding="utf-8")
    for old, new in mutant.edits:
        if text.count(old) != 1:
            raise SystemExit(f"mutant {mutant.name}: {old!r} occurs {text.count(old)} times in {mutant.file}")
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return original


def killer(output: str) -> str:
    found = re.search(r"^FAILED (\S+)", output, re.MULTILINE)
    return found.group(1).split("::", 1)[-1] if found else "(run failed: " + output.strip().splitlines()[-1][:60] + ")"


def measure(mutants: tuple[Mutant, ...], suites: list[list[str]], doc: str, argv: list[str] | None = None) -> int:
    """Runs `suite` on a copy of the tree, unmutated then once per mutant; prints the table and the rate."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", default=None, help="run only these mutants")
    args = parser.parse_args(argv)
    chosen = [m for m in mutants if not args.only or m.name in args.only]
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp)
        copy_tree(tree)
        check = subprocess.run([sys.executable, "-c", "import agent_platform; print(agent_platform.__file__)"],
                               cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)}, capture_output=True, text=True)  # fmt: skip
        if not check.stdout.startswith(str(tree)):
            raise SystemExit(f"the copy does not import its own agent_platform: {check.stdout}{check.stderr}")
        baseline = run_suite(tree, suites)
        if baseline.returncode != 0:
            raise SystemExit("the unmutated suite fails; fix that first:\n" + baseline.stdout[-2000:])
        rows, started = [], time.perf_counter()
        for mutant in chosen:
            original = apply(tree, mutant)
            try:
                result = run_suite(tree, suites)
            finally:
                (tree / mutant.file).write_text(original, encoding="utf-8")
            killed = result.returncode != 0
            rows.append((mutant, killed, killer(result.stdout) if killed else "—"))
            print(f"{'killed  ' if killed else 'SURVIVED'} {mutant.name}", file=sys.stderr, flush=True)
    kills = sum(1 for _, k, _ in rows if k)
    print("| mutant | file | what it breaks | outcome | first test that failed |")
    print("| --- | --- | --- | --- | --- |")
    for mutant, killed, by in rows:
        print(f"| {mutant.name} | {mutant.file} | {mutant.description} | {'killed' if killed else '**survived**'} | {by} |")
    print(f"\nkill rate: {kills}/{len(rows)} ({100 * kills / len(rows):.0f}%) in {time.perf_counter() - started:.0f} s")
    return 0 if kills == len(rows) else 1


def main() -> int:
    return measure(MUTANTS, SUITES, __doc__)


if __name__ == "__main__":
    sys.exit(main())
