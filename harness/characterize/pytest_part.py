"""pytest hooks and fixtures of the characterize wing (registered by harness.plugin)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.characterize.scenario import Scenario, load_scenarios
from harness.characterize.snapshot import TranscriptSnapshotExtension

STAGING_ENV = "SSOT_STAGING_URL"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ssot-harness characterization")
    group.addoption(
        "--staging-url",
        default=None,
        help=f"base URL of a deployed instance for `-m staging` smoke tests (default: ${STAGING_ENV})",
    )
    group.addoption(
        "--scenarios",
        default="scenarios",
        help="folder of golden-path scenario files, relative to the rootdir (default: scenarios)",
    )


def scenarios_of(config: pytest.Config) -> list[Scenario]:
    return load_scenarios(Path(config.rootpath) / config.getoption("--scenarios"))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "scenario" in metafunc.fixturenames:
        scenarios = scenarios_of(metafunc.config)
        metafunc.parametrize("scenario", scenarios, ids=[s.name for s in scenarios])


@pytest.fixture
def transcript_snapshot(snapshot):
    """syrupy's snapshot, storing normalized transcripts as chat logs under snapshots/."""
    return snapshot.use_extension(TranscriptSnapshotExtension)


@pytest.fixture
def staging_url(request: pytest.FixtureRequest) -> str:
    url = request.config.getoption("--staging-url") or os.environ.get(STAGING_ENV)
    if not url:
        pytest.skip(f"no staging instance: pass --staging-url URL or set ${STAGING_ENV}")
    return url.rstrip("/")
