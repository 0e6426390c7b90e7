"""Golden-path throughput: scenarios per second through the in-process driver and the live driver.

    .venv/bin/python benchmarks/golden_path.py [--rounds 3]

Both drivers play every scenario in scenarios/ against a fresh instance (a new SQLite file; for the
live driver, a new uvicorn server and fake LLM on 127.0.0.1). Reported: the median of the rounds,
and the in-process / live ratio (target: >= 10)."""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from contracts.target import description  # noqa: E402
from harness.characterize.recorder import record  # noqa: E402
from harness.characterize.scenario import load_scenarios  # noqa: E402


async def one_round(driver: str) -> float:
    scenarios = load_scenarios(ROOT / "scenarios")
    started = time.perf_counter()
    for scenario in scenarios:
        with tempfile.TemporaryDirectory() as tmp:
            await record(scenario, description(), Path(tmp), driver=driver)
    return len(scenarios) / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rates = {}
    for driver in ("in_process", "live"):
        rates[driver] = statistics.median(asyncio.run(one_round(driver)) for _ in range(args.rounds))
    ratio = rates["in_process"] / rates["live"]
    print(f"cores: {os.cpu_count()}, scenarios: {len(load_scenarios(ROOT / 'scenarios'))}, rounds: {args.rounds}")
    print("| driver | scenarios/s (median) |")
    print("| --- | --- |")
    for driver, rate in rates.items():
        print(f"| {driver} | {rate:.2f} |")
    print(f"| ratio in-process / live | {ratio:.1f}x (target >= 10x) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
