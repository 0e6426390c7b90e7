"""The harness's one exception hierarchy; every message names the file, key or member and what to do."""

from __future__ import annotations


class HarnessError(Exception):
    """Base of every error the harness raises on purpose. `exit_code` is what the CLI exits with."""

    exit_code = 2


class ConfigError(HarnessError):
    """`[tool.ssot-harness]` is missing, malformed or names something that does not exist."""


class UsageError(HarnessError):
    """The command line asks for something that cannot be done."""


class TargetImportError(HarnessError):
    """A module named by the config or an adapter does not import."""


class StagingError(HarnessError):
    """The staging instance cannot be reached or answers nonsense."""


class WriteError(HarnessError, OSError):
    """A file could not be written (a full disk, a size limit, no permission); the file named
    keeps its previous content. An OSError too, so callers that tolerate I/O failures still do."""

    def __str__(self) -> str:
        return self.strerror or super().__str__()


class ScaffoldTODO(HarnessError):
    """A part of a scaffolded family suite still to be filled in by hand; the message names the
    file and line to edit (the place that raised it, unless `where` says otherwise)."""

    def __init__(self, message: str, *, where: str | None = None) -> None:
        if where is None:
            import os
            import sys

            frame = sys._getframe(1)
            where = f"{_shown(frame.f_code.co_filename, os.getcwd())}:{frame.f_lineno}"
        super().__init__(f"{where}: TODO: {message}")
        self.where = where


def _shown(path: str, cwd: str) -> str:
    """`path` relative to `cwd` when it lies below it, else as it is."""
    prefix = cwd.rstrip("/\\") + ("\\" if "\\" in cwd else "/")
    return path[len(prefix) :] if path.startswith(prefix) else path
