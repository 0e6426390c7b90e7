"""`ssot-harness verify`: the audit first (fast), then golden path, contracts, differential and pins
in one pytest run; prints the audit verdicts and the equivalence matrix once, and exits non-zero
on anything unexpected."""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from harness.commands import outputs, results
from harness.config import find_pyproject, load_config
from harness.errors import ConfigError
from harness.pin.audit import run_audit
from harness.prove import matrix
from harness.prove.clean_run import clean_env, clean_options
from harness.prove.matrix import render_markdown, table_from_json
from harness.prove.memo import MEMO_ENV
from harness.prove.outcomes import FILE as TESTS_FILE
from harness.prove.shards import parse_shard
from harness.report.json_report import as_data
from harness.scan.atomic import write_text_atomic

MARKERS = "golden_path or contract or ssot"  # the default names ([tool.ssot-harness] markers)


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "verify",
        help="audit, then run the golden path, contracts, differential and pins; print the report",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "exit status:\n"
            "  0  every test passed or failed only as an accepted divergence (strict xfail), and every\n"
            "     family is within its stage and baseline\n"
            "  1  anything else: a failure, a fixed divergence still declared, a count above the baseline,\n"
            "     a family with adapters whose contracts did not run\n"
            "  2  usage or config error\n\n"
            f"The pytest run is: pytest -m '{MARKERS}' (the names in [tool.ssot-harness] markers)\n"
            "  -p no:randomly --ssot-hypothesis-profile ssot-ci\n"
            "  --ssot-reports DIR [-n WORKERS when pytest-xdist is installed] --junitxml DIR/junit.xml\n"
            "  [--ssot-shard K/N] [PYTEST_ARG...] [verify-paths...]\n\n"
            "Written into DIR: equivalence-matrix.md/.json, junit.xml, verify-results.json (for\n"
            "`ssot-harness report --html`); with --shard K/N only verify-shard-K-of-N.json and\n"
            "junit-K-of-N.xml, for `ssot-harness merge`. Under GitHub Actions (GITHUB_ACTIONS=true)\n"
            "it prints ::error annotations for a failed family's places and for failed tests."
        ),
    )
    parser.add_argument(
        "--config",
        metavar="PYPROJECT",
        help="pyproject.toml holding [tool.ssot-harness] (default: found at or above .)",
    )
    parser.add_argument(
        "--reports",
        default=None,
        metavar="DIR",
        help="where the matrix is written (default: config key reports, 'reports')",
    )
    parser.add_argument(
        "-n", "--workers", default=None,
        help=f"pytest-xdist workers (default: one more than the cores, at most {MAX_WORKERS}, when pytest-xdist is installed, else a serial run; 0 for serial)",
    )  # fmt: skip
    outputs.add_arguments(parser)
    parser.add_argument(
        "--experiments",
        action="append",
        default=[],
        metavar="FILE",
        help='a staging experiments\' JSON-lines file (repeatable): the matrix gains an "observed" column, '
        "and a member above [tool.ssot-harness.experiments] max-mismatch-rate fails verify",
    )
    parser.add_argument(
        "pytest_args", nargs="*", metavar="PYTEST_ARG", help="extra pytest arguments, after --"
    )
    parser.set_defaults(run=run)


MAX_WORKERS = 8


def default_workers() -> str:
    """One worker more than the cores: golden-path and contract tests spend much of their time
    waiting (scripted LLM delays, servers starting), so on 2 cores 3 workers finish first; beyond
    a few, each worker's start-up costs more than it saves."""
    return str(min((os.cpu_count() or 1) + 1, MAX_WORKERS))


def _workers(requested: str | None) -> list[str]:
    has_xdist = importlib.util.find_spec("xdist") is not None
    if requested in (None, "0") or not has_xdist:
        if requested not in (None, "0"):
            print(
                f"verify: pytest-xdist is not installed; running serially instead of -n {requested}",
                flush=True,
            )
        return ["-p", "no:xdist"] if has_xdist else []
    return ["-n", requested]


def run(args: argparse.Namespace) -> int:
    pyproject = Path(args.config).resolve() if args.config else find_pyproject(Path.cwd())
    if pyproject is None:
        raise ConfigError(
            f"no pyproject.toml in {Path.cwd()} or above it; run inside your project or pass --config PYPROJECT"
        )
    config = load_config(pyproject)
    if not config.families:
        raise ConfigError(
            f"{pyproject}: no families in [tool.ssot-harness.families]; declare one (`ssot-harness discover` suggests some)"
        )
    root = Path(config.root)
    reports = (root / (args.reports or config.reports)).resolve()

    shard = parse_shard(args.shard) if args.shard else None
    outputs.check(args)
    observed = _observed(
        args.experiments, config.experiment_max_mismatch_rate
    )  # a bad file: exit 2 now
    report = run_audit(config)
    print("# Audit\n")
    for family in report.families:
        print(f"- {family.verdict}")
    print(flush=True)

    for stale in (*matrix.FILES, matrix.CELLS_FILE, TESTS_FILE):
        (reports / stale).unlink(missing_ok=True)
    workers = _workers(args.workers if args.workers is not None else default_workers())
    command = [
        sys.executable, "-m", "pytest", "-m", config.verify_markers, *clean_options(config), "-p", "no:randomly", "-p", "no:ssot-harness-matrix-summary",
        "-q", "--no-header", "-rfE", "--ssot-config", str(pyproject), "--ssot-hypothesis-profile", "ssot-ci",
        "--ssot-reports", str(reports), *workers, *outputs.junit(args.pytest_args, reports, shard),
        *([f"--ssot-shard={shard}"] if shard else []), *args.pytest_args, *config.verify_selection(args.pytest_args),
    ]  # fmt: skip
    print(f"== ssot-harness verify: pytest {' '.join(command[3:])}", flush=True)
    with tempfile.TemporaryDirectory(prefix="ssot-memo-") as memo:  # shared by the xdist workers
        tests_rc = subprocess.call(
            command, cwd=root, env={**os.environ, **clean_env(config), MEMO_ENV: memo}
        )
    print()
    matrix_md = reports / "equivalence-matrix.md"
    if matrix_md.is_file():
        if shard:
            print(
                f"(shard {shard}: this shard's part of the matrix; `ssot-harness merge` makes the whole)\n"
            )
        matrix_json = reports / "equivalence-matrix.json"
        if observed is not None and matrix_json.is_file():
            table = table_from_json(matrix_json.read_text(encoding="utf-8"))
            write_text_atomic(matrix_md, render_markdown(table, observed.marks))
        print(matrix_md.read_text(encoding="utf-8"))
    else:
        print("(no equivalence matrix was written: no contract ran)")
    found = results.build(as_data(report), reports, shard, tests_rc, outputs.today())
    written = results.write(found, reports / results.file_name(shard))
    if shard:  # a shard's matrix is a part: only the merge writes the matrix files
        for part in (*matrix.FILES, matrix.CELLS_FILE, TESTS_FILE):
            (reports / part).unlink(missing_ok=True)
    print(f"results: {written.relative_to(root) if written.is_relative_to(root) else written}")
    extra = []
    if observed is not None and observed.over:
        extra.append(
            f"experiments above the {observed.threshold:.2%} mismatch threshold: {', '.join(observed.over)}"
        )
    return outputs.finish(args, config, found, report, extra)


@dataclass(frozen=True)
class Observed:
    marks: dict[tuple[str, str], str]  # (family, member) -> the "observed" cell
    over: tuple[str, ...]  # family/member above the threshold
    threshold: float


def _observed(files: list[str], threshold: float) -> Observed | None:
    if not files:
        return None
    from harness.experiment.summary import (
        observed_mark,
        over_threshold,
        read_observations,
        summarize,
    )

    observations, skipped = read_observations([Path(f) for f in files])
    for line in skipped:
        print(f"verify: skipped, not an observation: {line}", flush=True)
    summaries = summarize(observations)
    return Observed(
        {(s.family, s.member): observed_mark(s) for s in summaries},
        tuple(
            f"{s.family}/{s.member} ({s.unaccepted_rate:.2%})"
            for s in over_threshold(summaries, threshold)
        ),
        threshold,
    )
