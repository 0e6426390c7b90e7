"""`ssot-harness report --html FILE`: the HTML page from a saved verify result file (and history)."""

from __future__ import annotations

import argparse
from pathlib import Path

from harness.commands import front, outputs, page, results
from harness.errors import UsageError
from harness.scan.atomic import write_text_atomic


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "report",
        help="render a saved verify result (verify-results.json) as one HTML page",
        description=__doc__
        + "\n\nexit status: 0 page written, 2 usage error (no such result file, not one)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "results",
        nargs="?",
        default=None,
        metavar="RESULTS",
        help="a result file of verify or merge (default: verify-results.json in the config's reports folder)",
    )
    parser.add_argument(
        "--config", metavar="PYPROJECT", help="pyproject.toml holding [tool.ssot-harness]"
    )
    outputs.add_arguments(parser, shard=False)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not args.html:
        raise UsageError("report: say where the page goes with --html FILE")
    outputs.check(args)
    config = front.load_project(args)
    path = (
        Path(args.results)
        if args.results
        else Path(config.root) / config.reports / results.file_name(None)
    )
    found = results.load(path)
    history = page.load_history(Path(args.history)) if args.history else None
    out = Path(args.html)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out, page.render(found, config, None, history))
    print(f"page: {out}")
    return 0
