"""Optional dependencies of the finishing commands: a clear error naming the extra to install."""

from __future__ import annotations

import importlib.util

from harness.errors import UsageError


def need(module: str, extra: str, command: str) -> None:
    """A UsageError when `module` is not installed, saying which extra of ssot-harness provides it."""
    if importlib.util.find_spec(module) is None:
        raise UsageError(
            f"`ssot-harness {command}` needs {module}, which is not installed; "
            f"install it with: pip install 'ssot-harness[{extra}]'"
        )
