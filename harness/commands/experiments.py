"""`ssot-harness experiments FILE…`: the staging experiments' observations summarized per family and
member; exit 1 when a member's unaccepted mismatch rate is above the threshold (a gate for `pin`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from harness.config import find_pyproject, load_project_config
from harness.errors import ConfigError, UsageError
from harness.experiment.summary import (
    over_threshold,
    read_observations,
    summarize,
    to_json,
    to_text,
)

EPILOG = """\
The unaccepted mismatch rate of a member is (mismatches no accepted divergence covers + candidate
errors) / calls observed; timeouts are shown, not counted. The threshold is
[tool.ssot-harness.experiments] max-mismatch-rate (default 0) or --max-mismatch-rate.

exit status:
  0  every member within the threshold
  1  a member above it (the summary names it)
  2  usage or config error (a missing file, a threshold outside 0..1)
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "experiments",
        help="summarize staging experiments' observations; exit 1 above the mismatch threshold",
        description=__doc__,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="JSON-lines observation files")
    parser.add_argument(
        "--config",
        metavar="PYPROJECT",
        help="pyproject.toml holding [tool.ssot-harness] (default: found at or above .; none is fine)",
    )
    parser.add_argument(
        "--max-mismatch-rate",
        type=float,
        default=None,
        metavar="RATE",
        help="the gate's threshold in 0..1 (default: the config's max-mismatch-rate, else 0)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(run=run)


def threshold(config_arg: str | None, given: float | None) -> float:
    """The gate's threshold: the option, else the project's config, else 0."""
    if given is not None:
        if not 0.0 <= given <= 1.0:
            raise UsageError(f"--max-mismatch-rate {given}: expected a number in 0..1")
        return given
    pyproject = Path(config_arg) if config_arg else find_pyproject(Path.cwd())
    if config_arg and not Path(config_arg).is_file():
        raise ConfigError(f"--config {config_arg}: no such file")
    config = load_project_config(pyproject) if pyproject is not None else None
    return config.experiment_max_mismatch_rate if config is not None else 0.0


def run(args: argparse.Namespace) -> int:
    limit = threshold(args.config, args.max_mismatch_rate)
    observations, skipped = read_observations([Path(f) for f in args.files])
    summaries = summarize(observations)
    render = to_json if args.format == "json" else to_text
    print(render(summaries, limit, skipped), end="")
    over = over_threshold(summaries, limit)
    if over and args.format == "text":
        names = ", ".join(f"{s.family}/{s.member} ({s.unaccepted_rate:.2%})" for s in over)
        print(f"experiments: FAILED (above the {limit:.2%} threshold: {names})")
    return 1 if over else 0
