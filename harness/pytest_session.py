"""The harness's state in one pytest session: the project config, loaded once into `config.stash`.

A project without `[tool.ssot-harness]` (and no `--ssot-config`) gets `None`: the plugin then
registers its markers and options and does nothing else."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.config import load_project_config, read_section
from harness.errors import HarnessError
from harness.model import Config

CONFIG_KEY = pytest.StashKey["Config | None"]()


def load(config: pytest.Config) -> Config | None:
    """Reads the project config once; a broken config stops the run with the key it names."""
    option = config.getoption("ssot_config", None)
    try:
        if option:
            pyproject = Path(option)
            if read_section(pyproject) is None:
                raise pytest.UsageError(
                    f"--ssot-config {option}: the file has no [tool.ssot-harness] section"
                )
        else:
            pyproject = Path(config.rootpath) / "pyproject.toml"
        return load_project_config(pyproject)
    except HarnessError as exc:
        raise pytest.UsageError(f"ssot-harness: {exc}") from None


def project_config(config: pytest.Config) -> Config | None:
    """The project's `[tool.ssot-harness]`, or None where the harness was not asked for."""
    return config.stash.get(CONFIG_KEY, None)


def require(config: pytest.Config, what: str) -> Config:
    """The project config, or a clear failure for a fixture asked for in an unconfigured project."""
    found = project_config(config)
    if found is None:
        pytest.fail(
            f"{what} needs the project's [tool.ssot-harness] in pyproject.toml (or --ssot-config); "
            "this project has none",
            pytrace=False,
        )
    return found


def setting(config: pytest.Config, option: str, value: str | None) -> str | None:
    """An `--ssot-…` option's value where given, else the config's."""
    given = config.getoption(option, None)
    return given if given else value


def project_path(config: pytest.Config, relative: str) -> Path:
    """A path from the config (or an option), relative to the project root."""
    found = project_config(config)
    root = Path(found.root) if found is not None else Path(config.rootpath)
    return (root / os.path.expanduser(relative)).resolve()
