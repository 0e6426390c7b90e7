"""`ssot-harness scaffold FAMILY`: writes the family's proof suite and says what to fill in and add."""

from __future__ import annotations

import argparse
from pathlib import Path

from harness.commands import front
from harness.prove.scaffold.plan import config_lines, plan, write

HELP = """\
Write a family's proof suite from the static audit's members and their source: a typing.Protocol
of the canonical's public methods (async kept async), one adapter per member (classes, aliases,
getters and factory functions: how to build it, which of its methods plays each protocol method,
the process-wide state to put back after each use), strategies.py (one hypothesis strategy per
parameter, from the canonical's annotations: the family's hook), a contract per protocol method,
a differential over generated call sequences, an empty divergences.toml, and the config lines to
add.

The source is read with ast: nothing of your code is imported by scaffold (the written tests
import it when they run). Where the tool cannot tell how to build a member or which method plays
a part, the written code raises ScaffoldTODO naming its file and line: `pytest -m contract DIR`
runs at once, and each TODO is an error until filled in.

No file is overwritten without --force; a second run with nothing changed writes nothing and
says so.

exit status:
  0  written, or nothing to write
  2  usage or config error (unknown family, canonical not found, no protocol methods)
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "scaffold",
        help="write a family's protocol, adapters, contracts and differential from its members' source",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("family", metavar="FAMILY", help="a family of [tool.ssot-harness.families]")
    parser.add_argument(
        "--into",
        metavar="DIR",
        help="the package folder to write (default: the family's `adapters` package, else "
        "contracts/FAMILY_NAME)",
    )
    parser.add_argument("--force", action="store_true", help="overwrite files that differ")
    parser.add_argument(
        "--config",
        metavar="PYPROJECT",
        help="a pyproject.toml holding [tool.ssot-harness] to use instead of the project's own; the "
        "project stays the folder of the nearest pyproject.toml at or above .",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    args.path = "."  # with --config, the project stays the one the current folder lies in
    config, _ = front.load(args)
    family = config.family(args.family)
    p = plan(config, family, Path(args.into) if args.into else None)
    outcome = write(p, force=args.force)
    where = p.folder
    for rel in outcome.written:
        print(f"wrote {where / rel}")
    for rel in outcome.kept:
        print(f"kept  {where / rel} (it differs from what scaffold writes; --force overwrites it)")
    if not outcome.written:
        print(
            f"nothing to write: {len(outcome.unchanged)} file(s) up to date, {len(outcome.kept)} kept, in {where}"
        )
    print(
        f"{family.name}: {len(p.shapes)} member(s), canonical {family.canonical}; "
        f"{p.todos} TODO(s) to fill in (each raises ScaffoldTODO naming its line)"
    )
    lines = config_lines(config, p)
    if lines:
        print("\nadd to pyproject.toml:\n" + "\n".join(f"  {line}" for line in lines))
    print(f"\nthen: pytest -m contract {where}")
    return 0
