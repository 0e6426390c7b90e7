"""The `ssot-harness history` command: replay the audit over a revision range, render it, draw the chart."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from harness.config import find_pyproject, load_config
from harness.errors import ConfigError, UsageError
from harness.history.chart import chart_file, check_path
from harness.history.git import Repo
from harness.history.render import FORMATS, History
from harness.history.replay import Replay, Stats
from harness.scan.atomic import write_text_atomic

HELP = """\
Replay the static audit at every commit of REVISION_RANGE (default: the first-parent history of
HEAD), from git objects without checking anything out, and print per commit each family's counts:
members (definitions and aliases, canonical included: 1 means only the canonical is left) and the
non-canonical definitions, aliases and import sites. A rise (any count up from the family's
previous measured commit) lists the places that appeared, file:line at that commit; a fall lists
those that went away.

The config is read from each commit's pyproject.toml (a family declared later starts where it is
declared); --config PYPROJECT uses one working-tree config for every commit instead. A commit that
cannot be measured (config that does not parse, canonical not there yet) is reported and skipped.

exit status:
  0  replayed (and, with --fail-on-rise, no rise in the range)
  1  --fail-on-rise and a family rose at some commit of the range
  2  usage error: not a git repository, bad revision range, unreadable --config
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "history",
        help="replay the audit over git history: burndown per family, rises flagged, chart",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "revision_range",
        nargs="?",
        default=None,
        metavar="REVISION_RANGE",
        help="commits to replay, as for `git log` (e.g. main..HEAD; default: HEAD)",
    )
    parser.add_argument(
        "--since", metavar="DATE", help="only commits after DATE (as `git log --since`)"
    )
    parser.add_argument(
        "--max-count", type=int, metavar="N", help="only the newest N commits of the range"
    )
    parser.add_argument(
        "--all-parents",
        action="store_true",
        help="follow every parent, not only the first: merged branches' commits are replayed too, in "
        "date order, and each is compared with the commit before it in that order (possibly on "
        "another branch)",
    )
    parser.add_argument(
        "--config", metavar="PYPROJECT", help="use this working-tree config for every commit"
    )
    parser.add_argument(
        "--format", choices=sorted(FORMATS), default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--output", metavar="FILE", help="write the report to FILE instead of standard output"
    )
    parser.add_argument("--chart", metavar="FILE", help="draw the burndown to FILE (.svg or .html)")
    parser.add_argument(
        "--fail-on-rise", action="store_true", help="exit 1 when any family rose in the range"
    )
    parser.set_defaults(run=run)


def collect(
    folder: Path,
    revision_range: str | None = None,
    *,
    config: str | None = None,
    since: str | None = None,
    max_count: int | None = None,
    first_parent: bool = True,
    record_parses: bool = False,
) -> tuple[History, Stats]:
    """Replay the range in the repository holding `folder`; the history and what it cost."""
    if max_count is not None and max_count < 1:
        raise UsageError(f"--max-count must be at least 1, got {max_count}")
    repo = Repo(folder)
    fixed = load_config(Path(config)) if config else None
    if fixed is not None and not fixed.families:
        raise ConfigError(f"{config}: no families in [tool.ssot-harness.families]")
    pyproject = (
        "pyproject.toml"  # the config's path in each commit: the nearest one in the checkout
    )
    found = Path(config) if config else find_pyproject(folder)
    if found is not None:
        try:
            pyproject = found.resolve().relative_to(repo.top.resolve()).as_posix()
        except ValueError:  # above the repository (or a --config elsewhere): the top's own
            pass
    commits = repo.commits(
        revision_range, first_parent=first_parent, since=since, max_count=max_count
    )
    label = revision_range or "HEAD"
    if not commits:
        raise UsageError(f"no commits in {label!r} (check the range, --since and --max-count)")
    replay = Replay(repo, pyproject, fixed=fixed, record=record_parses)
    points = tuple(replay.run(commits))
    families: list[str] = []
    for point in points:
        families += [f.family for f in point.families if f.family not in families]
    notes = []
    shallow = repo.shallow_boundary()
    if commits[0].oid in shallow:
        first = commits[0]
        notes.append(
            f"shallow clone: history stops at {first.short} ({first.date}); older commits are not "
            "in this clone (`git fetch --unshallow` to replay further back)"
        )
    scope = f"{label} ({'first parent' if first_parent else 'all parents'})"
    return History(scope, points, tuple(families), tuple(notes)), replay.stats


def run(args: argparse.Namespace) -> int:
    if args.chart:
        check_path(Path(args.chart))
    history, _stats = collect(
        Path("."),
        args.revision_range,
        config=args.config,
        since=args.since,
        max_count=args.max_count,
        first_parent=not args.all_parents,
    )
    text = FORMATS[args.format](history)
    if args.output:
        _write(Path(args.output), text)
        print(f"wrote {args.format} history to {args.output}: {history.summary()}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    if args.chart:
        _write(Path(args.chart), chart_file(history, Path(args.chart)))
        print(f"wrote burndown chart to {args.chart}", file=sys.stderr)
    return 1 if args.fail_on_rise and history.rises else 0


def _write(path: Path, text: str) -> None:
    write_text_atomic(path, text)
