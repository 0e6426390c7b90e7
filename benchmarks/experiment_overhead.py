"""The control path's overhead of an experiment at a 0 % sample rate, against no experiment, as
ratios measured in the same run (alternating, best of the rounds).

    .venv/bin/python benchmarks/experiment_overhead.py [--calls 20000] [--runs 300] [--rounds 5]

1. a tiny sync and a tiny async control (a dict built and dumped: ~2 µs): the experiment's fixed
   cost per call, where it shows most;
2. the bundled target's control path: the canonical factory's engine running one chat message
   (4 agents, 2 tool calls, the scripted LLM in process), plainly vs through the app's
   EngineExperiment with the legacy factory as candidate and sample rate 0.
Target: ratio <= 1.05 on the bundled target's path."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent_platform.connections import ConnectionManager  # noqa: E402
from agent_platform.context import UserExecutionContext  # noqa: E402
from agent_platform.engine.factory import ExecutionEngineFactory  # noqa: E402
from agent_platform.experiment import EngineExperiment  # noqa: E402
from agent_platform.fake_llm import ScriptedLLM  # noqa: E402
from agent_platform.llm import _parse  # noqa: E402
from agent_platform.settings import Settings  # noqa: E402
from harness.experiment import Experiment  # noqa: E402

LEGACY = "agent_platform.legacy.engine_factory:LegacyExecutionEngineFactory"


def tiny(x: int) -> str:
    return json.dumps({"x": x, "y": [x, x + 1], "z": "value"})


async def atiny(x: int) -> str:
    return tiny(x)


class LocalLLM:
    """The scripted LLM answered in process (no HTTP), so the engine's own work is measured."""

    def __init__(self) -> None:
        self.script = ScriptedLLM.default()

    async def complete(self, messages, tools):
        self.script.requests.clear()
        return _parse(self.script.respond({"messages": messages, "tools": tools})[1])


def best(measure, rounds: int) -> tuple[float, float]:
    """(best seconds of `measure(False)`, of `measure(True)`), alternating the two each round."""
    plain, experiment = [], []
    for _ in range(rounds):
        plain.append(measure(False))
        experiment.append(measure(True))
    return min(plain), min(experiment)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    sink: list = []
    off = Experiment("bench", {"c": tiny}, publisher=sink.append, sample=0.0)

    def sync(with_experiment: bool) -> float:
        started = time.perf_counter()
        if with_experiment:
            for i in range(args.calls):
                off.run(tiny, i)
        else:
            for i in range(args.calls):
                tiny(i)
        return time.perf_counter() - started

    async def _async(with_experiment: bool) -> float:
        started = time.perf_counter()
        if with_experiment:
            for i in range(args.calls):
                await off.arun(atiny, i)
        else:
            for i in range(args.calls):
                await atiny(i)
        return time.perf_counter() - started

    with tempfile.TemporaryDirectory() as folder:
        llm = LocalLLM()
        connections = ConnectionManager()
        factory = ExecutionEngineFactory(llm=llm, connections=connections, store=None)  # type: ignore[arg-type]
        settings = Settings(db_path="", llm_url="", jwt_secret="", experiment_candidates=(LEGACY,),
                            experiment_sample=0.0, experiment_log=str(Path(folder) / "o.jsonl"))  # fmt: skip
        experiment = EngineExperiment(settings, llm)  # type: ignore[arg-type]

        async def engine_runs(with_experiment: bool) -> float:
            started = time.perf_counter()
            for _ in range(args.runs):
                context = UserExecutionContext(
                    "u1", uuid.uuid4().hex, uuid.uuid4().hex, uuid.uuid4().hex, "c1"
                )
                engine = factory.create_for_context(context)
                try:
                    if with_experiment:
                        await experiment.run(engine, connections, "Please optimize my costs")
                    else:
                        await engine.run("Please optimize my costs")
                finally:
                    await engine.close()
            return time.perf_counter() - started

        rows = [
            ("tiny sync control", args.calls, *best(sync, args.rounds)),
            ("tiny async control", args.calls, *best(lambda w: asyncio.run(_async(w)), args.rounds)),
            ("bundled target: one engine run", args.runs,
             *best(lambda w: asyncio.run(engine_runs(w)), args.rounds)),
        ]  # fmt: skip
        written = Path(folder, "o.jsonl").exists() or bool(sink)
    print("| control path | calls | no experiment, µs/call | sample rate 0, µs/call | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for name, calls, plain, with_experiment in rows:
        print(
            f"| {name} | {calls} | {plain / calls * 1e6:.2f} | {with_experiment / calls * 1e6:.2f} "
            f"| {with_experiment / plain:.3f} |"
        )
    print(f"\n(observations written at rate 0: {written}; best of {args.rounds} alternating rounds)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
