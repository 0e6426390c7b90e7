"""A pytest plugin that measures coverage with one dynamic context per test (loaded by `inventory`).

Loaded through PYTEST_PLUGINS so that every process -- the controller and each xdist worker --
starts its own coverage.py collector, restricted to the files named in $SSOT_INVENTORY_INCLUDE,
and writes a suffixed data file into $SSOT_INVENTORY_DATA; `inventory` combines them.
"""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest

DATA_ENV = "SSOT_INVENTORY_DATA"
INCLUDE_ENV = "SSOT_INVENTORY_INCLUDE"
_KEY = pytest.StashKey["object"]()


def pytest_configure(config: pytest.Config) -> None:
    folder = os.environ.get(DATA_ENV)
    if not folder:
        return
    import coverage

    cov = coverage.Coverage(
        data_file=os.path.join(folder, ".coverage"),
        data_suffix=True,
        include=[p for p in os.environ.get(INCLUDE_ENV, "").split(os.pathsep) if p],
        config_file=False,
    )
    cov.start()
    config.stash[_KEY] = cov


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, None, None]:
    cov = item.config.stash.get(_KEY, None)
    if cov is None:
        yield
        return
    cov.switch_context(item.nodeid)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        cov.switch_context("")  # type: ignore[attr-defined]


def pytest_unconfigure(config: pytest.Config) -> None:
    cov = config.stash.get(_KEY, None)
    if cov is not None:
        cov.stop()  # type: ignore[attr-defined]
        cov.save()  # type: ignore[attr-defined]
