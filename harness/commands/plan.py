"""The `ssot-harness plan FAMILY` command: the remediation plan rendered as markdown (for a PR or an
issue) or JSON (for tools)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from harness.commands import front
from harness.errors import ConfigError
from harness.finish.plan import MemberStep, Plan, build_plan
from harness.scan.atomic import write_text_atomic
from harness.scan.checked import read_shaped

HELP = """\
An ordered remediation plan for one family, from the audit, the declared divergences and (with
--inventory, the JSON of `ssot-harness inventory`) the tests that exercise each member: per
non-canonical member its kind, every caller with file:line, the divergences to fix before its
callers can move, the tests to migrate, and whether the move is mechanical (alias, re-export,
getter returning the canonical) or a behaviour change. Mechanical moves come first, then members
whose divergences must be fixed, deletion last; the final step pins the family and lowers the baseline.
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "plan",
        help="ordered remediation plan for one family (markdown or JSON)",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("family", metavar="FAMILY")
    front.add_paths(parser, "list callers")
    parser.add_argument(
        "--inventory", metavar="FILE", help="JSON written by `ssot-harness inventory --format json`"
    )
    parser.add_argument("--format", choices=("markdown", "json"), default="markdown")
    parser.add_argument(
        "--output", metavar="FILE", help="write the plan to FILE instead of standard output"
    )
    parser.set_defaults(run=run)  # fmt: skip


def run(args: argparse.Namespace) -> int:
    from harness.finish.sweep import audit_with_callers, under

    config, paths, extra = front.load_paths(args.paths, args.config)
    config.family(args.family)
    fa = audit_with_callers(config, extra).family(args.family)
    plan = build_plan(config, fa, _read_inventory(args.inventory))
    if paths is not None:
        steps = tuple(
            replace(
                s,
                callers=tuple(c for c in s.callers if under(c.location.rpartition(":")[0], paths)),
            )
            for s in plan.steps
        )
        plan = replace(plan, steps=steps)
    text = to_json(plan) if args.format == "json" else to_markdown(plan)
    if args.output:
        write_text_atomic(Path(args.output), text)
        print(f"wrote the {args.format} plan of {plan.family} to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


# what `plan` reads of `inventory --format json`: each family's members' tests and the tests that
# reach only non-canonical members (the rest of the file is not read)
_INVENTORY = {
    "families": [
        {
            "family": str,
            "members": [{"member": str, "tests": [str]}],
            "only_non_canonical": [{"test": str, "members": [str]}],
        }
    ]
}


def _read_inventory(path: str | None) -> dict[str, Any] | None:
    if path is None:
        return None
    what = "the JSON of `ssot-harness inventory --format json`"
    if not Path(path).exists():
        raise ConfigError(
            f"--inventory {path}: no such file; write one with `ssot-harness inventory --format json --output {path}`"
        )
    data: dict[str, Any] = read_shaped(Path(path), _INVENTORY, what)  # (names the file and key)
    return data


def _step_dict(s: MemberStep) -> dict[str, Any]:
    return {
        "member": s.member, "location": s.location, "kind": s.kind, "move": s.move, "codemod": s.codemod or None,
        "callers": [{"location": c.location, "kind": c.kind, "detail": c.detail} for c in s.callers],
        "divergences_to_fix_first": [{"contract": d.contract, "cases": list(d.cases), "reason": d.reason} for d in s.divergences],
        "tests": list(s.tests), "tests_to_migrate": list(s.tests_to_migrate),
    }  # fmt: skip


def to_json(plan: Plan) -> str:
    steps: list[dict[str, Any]] = [
        {"step": i, "action": "move", **_step_dict(s)} for i, s in enumerate(plan.steps, 1)
    ]
    n = len(steps)
    steps.append(
        {
            "step": n + 1,
            "action": "delete",
            "members": [{"member": s.member, "location": s.location} for s in plan.steps],
            "divergences_file": plan.divergences_file or None,
        }
    )
    steps.append(
        {"step": n + 2, "action": "pin", "stage": "pinned", "commands": _pin_commands(plan)}
    )
    body = {
        "family": plan.family,
        "canonical": plan.canonical,
        "members_before": plan.members_before,
        "members_after": 1,
        "inventory": plan.inventory,
        "steps": steps,
    }
    return json.dumps(body, indent=2) + "\n"  # fmt: skip


def _pin_commands(plan: Plan) -> list[str]:
    return [
        f'set stage = "pinned" in [tool.ssot-harness.families.{plan.family}]',
        "ssot-harness baseline --update",
        f"ssot-harness step {plan.family} --before REV",
    ]


def to_markdown(plan: Plan) -> str:
    out = [
        f"# Remediation plan: `{plan.family}`", "",
        f"Canonical: `{plan.canonical}`. Members: {plan.members_before} -> 1. "
        f"Declared divergences: {f'`{plan.divergences_file}`' if plan.divergences_file else 'none'}.",
    ]  # fmt: skip
    if not plan.inventory:
        out.append(
            "Tests per member: not measured (pass `--inventory FILE` from `ssot-harness inventory --format json`)."
        )
    for i, s in enumerate(plan.steps, 1):
        out += ["", f"## Step {i}. Move the callers of `{s.name}` ({s.kind}; {s.move})", ""]
        out.append(
            f"- Defined at `{s.location}`" + (f", alias of `{s.origin}`" if s.origin else "")
        )
        out.append(
            f"- How: `{s.codemod}`"
            if s.codemod
            else "- How: by hand"
            + (", after the divergences below are fixed" if s.divergences else "")
        )
        out.append(
            f"- Callers ({len(s.callers)}):"
            if s.callers
            else "- Callers: none in the scanned roots"
        )
        out += [f"  - `{c.location}` {c.kind}: {c.detail}" for c in s.callers]
        out.append(
            "- Divergences to fix first:" if s.divergences else "- Divergences to fix first: none"
        )
        out += [
            f"  - `{d.contract}`{' (' + ', '.join(d.cases) + ')' if d.cases else ''}: {d.reason}"
            for d in s.divergences
        ]
        if plan.inventory:
            out.append(
                f"- Tests that exercise it: {len(s.tests)}"
                if s.tests
                else "- Tests that exercise it: none measured"
            )
            out.append(
                "- Tests to migrate (they exercise only non-canonical members):"
                if s.tests_to_migrate
                else "- Tests to migrate: none"
            )
            out += [f"  - `{t}`" for t in s.tests_to_migrate]
    n = len(plan.steps)
    out += ["", f"## Step {n + 1}. Delete the non-canonical members", ""]
    out += [f"- `{s.member}` (`{s.location}`)" for s in plan.steps]
    out.append(
        f"- their adapters, and every declaration left in `{plan.divergences_file}` (`ssot-harness step` names stale ones)"
        if plan.divergences_file
        else "- their adapters"
    )
    out += ["", f"## Step {n + 2}. Pin", ""]
    out += [f"- {c if c.startswith('set') else f'`{c}`'}" for c in _pin_commands(plan)]
    return "\n".join(out) + "\n"
