"""`ssot-harness verify`: golden path, contracts, differential and pins in one pytest run, then the audit;
prints the equivalence matrix and the audit verdicts, and exits non-zero on anything unexpected."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from harness.config import find_pyproject, load_config
from harness.errors import ConfigError
from harness.pin.audit import run_audit

MARKERS = "golden_path or contract or ssot"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="run the golden path, contracts, differential and pins, then the audit; print the report",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "exit status:\n"
            "  0  every test passed or failed only as an accepted divergence (strict xfail), and every\n"
            "     family is within its stage and baseline\n"
            "  1  anything else: a failure, a fixed divergence still declared, a count above the baseline\n"
            "  2  usage or config error\n\n"
            f"The pytest run is: pytest -m '{MARKERS}' -p no:randomly --hypothesis-profile ci -n WORKERS"
        ),
    )
    parser.add_argument(
        "--config", metavar="PYPROJECT", help="pyproject.toml holding [tool.ssot-harness]"
    )
    parser.add_argument(
        "--reports",
        default="reports",
        metavar="DIR",
        help="where the matrix is written (default: reports)",
    )
    parser.add_argument(
        "-n", "--workers", default="2", help="pytest-xdist workers (default: 2; 0 for none)"
    )
    parser.add_argument(
        "pytest_args", nargs="*", metavar="PYTEST_ARG", help="extra pytest arguments, after --"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    pyproject = Path(args.config) if args.config else find_pyproject(Path.cwd())
    if pyproject is None or not pyproject.is_file():
        raise ConfigError("no pyproject.toml here or above; pass --config PYPROJECT")
    config = load_config(pyproject)
    root = Path(config.root)
    reports = root / args.reports
    for stale in ("equivalence-matrix.md", "equivalence-matrix.json"):
        (reports / stale).unlink(missing_ok=True)
    command = [
        sys.executable, "-m", "pytest", "-m", MARKERS, "-p", "no:randomly", "-q", "--no-header", "-rfE",
        "--hypothesis-profile", "ci", "--equivalence-matrix", args.reports, "-n", args.workers, *args.pytest_args,
    ]  # fmt: skip
    print(f"== ssot-harness verify: {' '.join(command[2:])}", flush=True)
    tests_rc = subprocess.call(command, cwd=root)
    matrix = reports / "equivalence-matrix.md"
    print()
    if matrix.is_file():
        print(matrix.read_text(encoding="utf-8"))
    else:
        print("(no equivalence matrix was written: no contract ran)")
    report = run_audit(config)
    print("# Audit")
    print()
    for family in report.families:
        print(f"- {family.verdict}")
    print()
    problems = []
    if tests_rc != 0:
        problems.append(f"pytest exited {tests_rc}")
    if report.failed:
        problems.append("the audit failed")
    if problems:
        print(f"verify: FAILED ({'; '.join(problems)})")
        return 1
    print("verify: OK (everything passed; every divergence is an accepted, declared one)")
    return 0
