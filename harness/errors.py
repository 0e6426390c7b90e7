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
