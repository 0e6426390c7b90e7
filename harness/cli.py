"""The `ssot-harness` command: parses arguments and hands each subcommand to its wing. Wiring only."""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
from collections.abc import Callable, Sequence

from harness import __version__
from harness.errors import HarnessError

# subcommand -> "module:function" building its parser; each function takes the subparsers action.
SUBCOMMANDS: dict[str, str] = {
    "audit": "harness.commands.audit:add_parser",
    "baseline": "harness.commands.baseline:add_parser",
    "verify": "harness.commands.verify:add_parser",
    "discover": "harness.discover:add_parser",
    "history": "harness.history.history_cli:add_parser",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ssot-harness",
        description="Characterize, prove equivalence, then pin a single source of truth.",
    )
    parser.add_argument("--version", action="version", version=f"ssot-harness {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for target in SUBCOMMANDS.values():
        module, _, func = target.partition(":")
        getattr(importlib.import_module(module), func)(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] | None = getattr(args, "run", None)
    if run is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        status = run(args)
        sys.stdout.flush()  # a closed pipe shows up here, not at interpreter exit
        return status
    except HarnessError as exc:
        print(f"ssot-harness {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        # the reader went away (`ssot-harness discover . | head`): stop quietly, as a program
        # killed by SIGPIPE would; further writes to stdout go nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
