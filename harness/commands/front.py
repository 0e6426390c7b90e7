"""What the `audit` and `baseline` commands share: finding the config and the scanned roots from PATH."""

from __future__ import annotations

import argparse
from pathlib import Path

from harness.config import find_pyproject, load_config
from harness.errors import ConfigError, UsageError
from harness.model import Config


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path",
        nargs="?",
        default=None,
        metavar="PATH",
        help="the project (its pyproject.toml is found at or above PATH), or a folder/file inside it "
        "to audit only that part (default: .)",
    )
    parser.add_argument(
        "--config", metavar="PYPROJECT", help="pyproject.toml holding [tool.ssot-harness]"
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="neither read nor write the scan cache"
    )


def load(args: argparse.Namespace) -> tuple[Config, tuple[str, ...] | None]:
    """The validated config, and the roots to scan when PATH narrows the audit (else None)."""
    path = Path(args.path or ".")
    if not path.exists():
        raise UsageError(f"PATH {args.path!r} does not exist")
    pyproject = Path(args.config) if args.config else find_pyproject(path)
    if pyproject is None:
        raise ConfigError(
            f"no pyproject.toml in {path.resolve()} or above it: run inside your project "
            "(where pyproject.toml holds [tool.ssot-harness]) or pass --config PYPROJECT"
        )
    config = load_config(pyproject)
    if not config.families:
        raise ConfigError(
            f"{pyproject}: no families in [tool.ssot-harness.families]; declare one "
            "(`ssot-harness discover` suggests some)"
        )
    root = Path(config.root).resolve()
    target = path.resolve()
    if target == root or args.path is None:
        return config, None
    try:
        rel = target.relative_to(root).as_posix()
    except ValueError:
        raise UsageError(f"PATH {args.path!r} is outside the project of {pyproject}") from None
    return config, (rel,)
