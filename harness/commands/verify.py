"""`ssot-harness verify`: the audit first (fast), then golden path, contracts, differential and pins
in one pytest run; prints the audit verdicts and the equivalence matrix once, and exits non-zero
on anything unexpected."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from harness.config import find_pyproject, load_config
from harness.errors import ConfigError
from harness.model import Config
from harness.pin.audit import run_audit
from harness.prove.memo import MEMO_ENV

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
            "  --ssot-reports DIR [-n WORKERS when pytest-xdist is installed] [PYTEST_ARG...] [verify-paths...]"
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


def _cache_folder(config: Config) -> tuple[Path, dict[str, str]]:
    """The project's cache folder (`cache-dir`), and the environment that keeps what the test run
    writes there instead of the user's tree: hypothesis's storage (its example database and
    `patches/`), Python's bytecode; pytest's own cache is pointed there by `-o cache_dir`."""
    cache = (Path(config.root) / config.cache_dir).resolve()
    return cache, {
        "HYPOTHESIS_STORAGE_DIRECTORY": str(cache / "hypothesis"),
        "PYTHONPYCACHEPREFIX": str(cache / "pycache"),
    }


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

    report = run_audit(config)
    print("# Audit\n")
    for family in report.families:
        print(f"- {family.verdict}")
    print(flush=True)

    for stale in ("equivalence-matrix.md", "equivalence-matrix.json"):
        (reports / stale).unlink(missing_ok=True)
    workers = _workers(args.workers if args.workers is not None else default_workers())
    cache, cache_env = _cache_folder(config)
    command = [
        sys.executable, "-m", "pytest", "-m", config.verify_markers, "-o", f"cache_dir={cache / 'pytest'}", "-p", "no:randomly", "-p", "no:ssot-harness-matrix-summary",
        "-q", "--no-header", "-rfE", "--ssot-config", str(pyproject), "--ssot-hypothesis-profile", "ssot-ci",
        "--ssot-reports", str(reports), *workers, *args.pytest_args, *config.verify_selection(args.pytest_args),
    ]  # fmt: skip
    print(f"== ssot-harness verify: pytest {' '.join(command[3:])}", flush=True)
    with tempfile.TemporaryDirectory(prefix="ssot-memo-") as memo:  # shared by the xdist workers
        tests_rc = subprocess.call(
            command, cwd=root, env={**os.environ, **cache_env, MEMO_ENV: memo}
        )
    print()
    matrix_md, matrix_json = reports / "equivalence-matrix.md", reports / "equivalence-matrix.json"
    ran: set[str] = set()
    if matrix_md.is_file():
        print(matrix_md.read_text(encoding="utf-8"))
        ran = {
            cell["family"] for cell in json.loads(matrix_json.read_text(encoding="utf-8"))["cells"]
        }
    else:
        print("(no equivalence matrix was written: no contract ran)")
    problems = []
    if tests_rc != 0:
        problems.append(f"pytest exited {tests_rc}")
    not_run = sorted(f.name for f in config.families if f.adapters and f.name not in ran)
    if not_run:
        problems.append(
            f"no contract test ran for {', '.join(not_run)} (their adapters packages hold no contract-marked test, or the selection excluded them)"
        )
    if report.failed:
        problems.append("the audit failed")
    if problems:
        print(f"verify: FAILED ({'; '.join(problems)})")
        return 1
    print("verify: OK (everything passed; every divergence is an accepted, declared one)")
    return 0
