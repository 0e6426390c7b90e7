"""The `ssot-harness` command: parses arguments and hands each subcommand to its wing. Wiring only."""

from __future__ import annotations

import argparse
import importlib
import io
import os
import signal
import sys
from collections.abc import Callable, Sequence

from harness.errors import HarnessError

# subcommand -> "module:function" building its parser; each function takes the subparsers action.
SUBCOMMANDS: dict[str, str] = {
    "audit": "harness.commands.audit:add_parser",
    "baseline": "harness.commands.baseline:add_parser",
    "verify": "harness.commands.verify:add_parser",
    "experiments": "harness.commands.experiments:add_parser",
    "scaffold": "harness.commands.scaffold:add_parser",
    "discover": "harness.discover:add_parser",
    "history": "harness.history.history_cli:add_parser",
    "inventory": "harness.commands.inventory:add_parser",
    "plan": "harness.commands.plan:add_parser",
    "rewrite": "harness.commands.rewrite:add_parser",
    "step": "harness.commands.step:add_parser",
    "replay": "harness.commands.replay:add_parser",
    "report": "harness.commands.report:add_parser",
    "merge": "harness.commands.merge:add_parser",
}


class _Version(argparse.Action):
    """`--version`, reading the installed version only when asked (importlib.metadata is slow to import)."""

    def __init__(
        self, option_strings: list[str], dest: str = argparse.SUPPRESS, **_kw: object
    ) -> None:
        super().__init__(
            option_strings,
            dest,
            nargs=0,
            default=argparse.SUPPRESS,
            help="show the version and exit",
        )

    def __call__(self, parser: argparse.ArgumentParser, *_args: object, **_kw: object) -> None:
        from harness import __version__

        parser.exit(message=f"ssot-harness {__version__}\n")


class _Parser(argparse.ArgumentParser):
    """argparse's parser, whose help formatter is given the terminal's width: argparse makes one
    for every option it adds, and asks `shutil` for the width each time (shutil and the
    compression modules it imports cost every command ~2 ms)."""

    def _get_formatter(self) -> argparse.HelpFormatter:
        return self.formatter_class(prog=self.prog, width=_width())  # type: ignore[call-arg]


def _width() -> int:
    """What `shutil.get_terminal_size().columns - 2` is, as argparse's formatter computes it."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns or 80) - 2


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; with `only` (a subcommand), just that subcommand's, so that running one
    command imports only its own wing (the others, e.g. pytest for inventory, cost startup time)."""
    parser = _Parser(
        prog="ssot-harness",
        description="Characterize, prove equivalence, then pin a single source of truth.",
    )
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, target in SUBCOMMANDS.items():
        if only is None or name == only:
            module, _, func = target.partition(":")
            getattr(importlib.import_module(module), func)(sub)
    return parser


def _command(argv: Sequence[str]) -> str | None:
    """The subcommand `argv` runs, when it is a known one and comes first (no top-level option)."""
    return argv[0] if argv and argv[0] in SUBCOMMANDS else None


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(_command(sys.argv[1:] if argv is None else argv))
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] | None = getattr(args, "run", None)
    if run is None:
        parser.print_help(sys.stderr)
        return 2
    if isinstance(sys.stdout, io.TextIOWrapper):  # a path that is not UTF-8: its own bytes
        sys.stdout.reconfigure(errors="surrogateescape")
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
