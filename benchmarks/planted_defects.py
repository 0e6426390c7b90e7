"""Held-out defects planted in a copy of the bundled target: which of the harness's commands catches each?

    .venv/bin/python benchmarks/planted_defects.py [--only NAME ...] [--keep]

Each plant is a mistake a team makes while living with the harness (a scrubber widened until it
hides identities, an allow-list entry pointing at the wrong contract, a shim left past its date, a
baseline whose entry was swapped for another at the same count, an adapter deleted, a golden
snapshot "fixed" by hand). For each: a fresh copy of the tracked files (the checkout is never
edited) gets the plant's *setup* (what a correct project in that situation looks like) and must
pass every command: that is the control, so a plant is only caught for the defect it plants. Then
the defect is planted and the commands run in order, the cheap ones first:

    audit    ssot-harness audit                      (the static pin and ratchet)
    golden   pytest -m golden_path                   (the characterization snapshots)
    verify   ssot-harness verify                     (contracts, differentials, declarations)

A plant is caught when a command that passed on the control fails on the plant. Prints a table
and exits 1 if any plant got through.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent

COMMANDS: dict[str, list[str]] = {
    "audit": [str(VENV_BIN / "ssot-harness"), "audit"],
    "golden": [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
               "-m", "golden_path", "tests/golden_path"],  # fmt: skip
    "verify": [str(VENV_BIN / "ssot-harness"), "verify"],
}


def edit(path: Path, pattern: str, replacement: str, count: int = 1) -> None:
    """Replaces `pattern` (a regex) in `path`; the plant is void if it matched nothing."""
    text = path.read_text(encoding="utf-8")
    new, made = re.subn(pattern, replacement, text, count=count, flags=re.MULTILINE)
    if not made:
        raise SystemExit(f"plant does not apply: {pattern!r} matches nothing in {path.name}")
    path.write_text(new, encoding="utf-8")


def no_setup(tree: Path) -> None:
    """The bundled target as it is."""


# --- the plants ---------------------------------------------------------------------------------


def widen_run_rule(tree: Path) -> None:
    """The run-id rule loses its identity: every run id becomes the same `<run>`, so events of one
    user's run carried under another user's run id would look the same as the right ones."""
    edit(tree / "pyproject.toml", r'^run = \{ keys = \["run_id"\],', 'run = { keys = ["run_id"], identity = false,')


def placeholder_numbers_collapse(tree: Path) -> None:
    """The normalizer itself numbers every new value 1: `<user:1>` for every user."""
    edit(tree / "harness/characterize/normalize.py",
         r'self\.seen\[raw\] = f"<\{rule\.kind\}:\{self\.counts\[rule\.kind\]\}>"',
         'self.seen[raw] = f"<{rule.kind}:1>"')  # fmt: skip


def divergence_for_the_wrong_contract(tree: Path) -> None:
    """An accepted divergence of the execution-engine family is declared for another contract."""
    edit(tree / "contracts/execution_engine/divergences.toml",
         r'^contract = "test_each_context_gets_its_own_engine"$',
         'contract = "test_events_follow_the_order_rules"')  # fmt: skip


SHIMMED_REGISTRY = """
[[tool.ssot-harness.families.agent-registry.shims]]
member = "agent_platform.agents.catalog:GlobalAgentRegistry"
reason = "the admin CLI still builds it; moved in the next release"
expires = "EXPIRES"
callers = ["agent_platform.__main__"]

[[tool.ssot-harness.families.agent-registry.shims]]
member = "agent_platform.legacy.agent_registry:AgentClassRegistry"
reason = "the legacy supervisor still looks agents up in it"
expires = "EXPIRES"
callers = ["agent_platform.legacy.supervisor"]
"""


def pinned_registry_with_live_shims(tree: Path) -> None:
    """The agent-registry family pinned, its two other registries declared as shims until 2999."""
    pyproject = tree / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    head, sep, rest = text.partition("[tool.ssot-harness.families.agent-registry]")
    block, nl, tail = rest.partition("\n\n")
    block = block.replace('stage = "prove"', 'stage = "pinned"')
    pyproject.write_text(head + sep + block + SHIMMED_REGISTRY.replace("EXPIRES", "2999-12-31") + nl + tail,
                         encoding="utf-8")  # fmt: skip


def expire_a_shim(tree: Path) -> None:
    """One of those shims' dates has passed."""
    edit(tree / "pyproject.toml", r'^expires = "2999-12-31"$', 'expires = "2020-01-31"')


def swap_in_the_baseline(tree: Path) -> None:
    """One baseline entry swapped for another of the same kind: the counts still match the tree,
    but the entry allowed is not the one the tree has."""
    edit(tree / ".ssot-baseline.json",
         r'"definition agent_platform\.legacy\.engine_factory:LegacyExecutionEngineFactory"',
         '"definition agent_platform.legacy.engine_factory:OldExecutionEngineFactory"')  # fmt: skip


def drop_an_adapter(tree: Path) -> None:
    """A member's adapter is deleted from the family's adapters package."""
    (tree / "contracts/agent_registry/adapters/global_agent_registry.py").unlink()


def edit_a_snapshot_by_hand(tree: Path) -> None:
    """A golden snapshot "fixed" by hand: one tool result's value changed."""
    edit(tree / "snapshots/one_tool_call.txt", r'"usd_per_million_tokens": 5\.0', '"usd_per_million_tokens": 4.0')


@dataclass(frozen=True)
class Plant:
    name: str
    defect: Callable[[Path], None]
    setup: Callable[[Path], None] = no_setup
    # what runs against it: all commands, or (for a plant whose setup changes the project itself,
    # which the bundled target's own tests pin as it is) the ones that judge what it plants
    commands: tuple[str, ...] = tuple(COMMANDS)


PLANTS = (
    Plant("normalizer-rule-matches-every-run-id", widen_run_rule),
    Plant("normalizer-numbers-every-value-1", placeholder_numbers_collapse),
    Plant("divergence-declared-for-the-wrong-contract", divergence_for_the_wrong_contract),
    Plant("expired-shim", expire_a_shim, setup=pinned_registry_with_live_shims, commands=("audit",)),
    Plant("swap-in-the-baseline", swap_in_the_baseline),
    Plant("adapter-removed-from-the-package", drop_an_adapter),
    Plant("snapshot-edited-by-hand", edit_a_snapshot_by_hand),
)


def copy_tree(target: Path) -> None:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in listed.decode().split("\0"):
        source = ROOT / name
        if name and source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def run(tree: Path, name: str) -> tuple[bool, str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(COMMANDS[name], cwd=tree, env=env, capture_output=True, text=True, timeout=1200)
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    return done.returncode == 0, next((x for x in lines if re.search(r"error|fail|FAILED|expired", x)), "")[:110]


def trial(plant: Plant, scratch: Path) -> tuple[str, str]:
    """The first of the plant's commands that fails once the defect is in (`""` if none does)."""
    tree = scratch / plant.name
    copy_tree(tree)
    if plant.setup is not no_setup:  # its own control: the setup alone must pass
        plant.setup(tree)
        for name in plant.commands:
            ok, why = run(tree, name)
            if not ok:
                raise SystemExit(f"{plant.name}: the control (setup only) fails `{name}`: {why}")
    plant.defect(tree)
    for name in plant.commands:
        ok, why = run(tree, name)
        if not ok:
            return name, why
    return "", ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", default=None, help="run only these plants")
    parser.add_argument("--keep", action="store_true", help="keep the copies (printed) for a look")
    args = parser.parse_args()
    chosen = [p for p in PLANTS if not args.only or p.name in args.only]
    scratch = Path(tempfile.mkdtemp(prefix="ssot-plants-"))
    started = time.perf_counter()
    try:
        clean = scratch / "clean"
        copy_tree(clean)
        for name in COMMANDS:
            ok, why = run(clean, name)
            if not ok:
                raise SystemExit(f"the unplanted copy fails `{name}`; fix that first: {why}")
        rows = []
        for plant in chosen:
            caught, why = trial(plant, scratch)
            rows.append((plant, caught, why))
            print(f"{'caught  ' if caught else 'MISSED  '} {plant.name} {caught}", file=sys.stderr, flush=True)
    finally:
        if args.keep:
            print(f"copies kept in {scratch}", file=sys.stderr)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    print("| plant | what it breaks | caught by | first line of the failure |")
    print("| --- | --- | --- | --- |")
    for plant, caught, why in rows:
        doc = " ".join((plant.defect.__doc__ or "").split())
        print(f"| {plant.name} | {doc} | {caught or '**missed**'} | {why.replace('|', '/')} |")
    missed = sum(1 for _, caught, _ in rows if not caught)
    print(f"\ncaught {len(rows) - missed}/{len(rows)} in {time.perf_counter() - started:.0f} s")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
