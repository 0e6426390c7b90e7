"""pytest hooks and fixtures of the characterize wing (registered by harness.plugin): `ssot_scenario`
parametrization, the `ssot_target`, the transcript snapshot, the staging URL. Inert where the
project has no `[tool.ssot-harness]`."""

from __future__ import annotations

import importlib
import os
from typing import Any

import pytest

from harness import pytest_session
from harness.characterize.scenario import Scenario, load_scenarios
from harness.characterize.snapshot import extension_for
from harness.errors import ConfigError

STAGING_ENV = "SSOT_STAGING_URL"


def scenarios_of(config: pytest.Config) -> list[Scenario]:
    """The golden-path scenarios of the configured project (config key `scenarios`)."""
    project = pytest_session.require(config, "ssot_scenario")
    folder = pytest_session.setting(config, "ssot_scenarios", project.scenarios)
    return load_scenarios(pytest_session.project_path(config, folder or "scenarios"))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "ssot_scenario" not in metafunc.fixturenames:
        return
    if pytest_session.project_config(metafunc.config) is None:
        return  # the fixture below fails with the reason
    try:
        scenarios = scenarios_of(metafunc.config)
    except ConfigError as exc:
        raise pytest.UsageError(f"ssot-harness: {exc}") from None
    metafunc.parametrize("ssot_scenario", scenarios, ids=[s.name for s in scenarios])


@pytest.fixture
def ssot_scenario(request: pytest.FixtureRequest) -> Scenario:
    """One golden-path scenario of the project's scenario folder (the test runs once per scenario)."""
    pytest_session.require(request.config, "ssot_scenario")
    raise pytest.fail("ssot_scenario is parametrized by the plugin; it cannot be used here", pytrace=False)


def load_target(spec: str, where: str) -> Any:
    module_name, _, attribute = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        raise ConfigError(f"{where} {spec!r}: module {module_name!r} does not import: {type(exc).__name__}: {exc}") from None
    obj: Any = module
    for part in attribute.split("."):
        if not hasattr(obj, part):
            raise ConfigError(f"{where} {spec!r}: {module_name} has no attribute {attribute!r}")
        obj = getattr(obj, part)
    return obj


@pytest.fixture(scope="session")
def ssot_target(pytestconfig: pytest.Config) -> Any:
    """The system under characterization, from config key `target` ('module:object')."""
    project = pytest_session.require(pytestconfig, "ssot_target")
    spec = pytest_session.setting(pytestconfig, "ssot_target", project.target)
    if not spec:
        pytest.fail(
            f"{project.source}: [tool.ssot-harness] has no 'target' key; set it to the object that "
            "describes your service, e.g. target = \"tests.target:TARGET\"",
            pytrace=False,
        )
    where = "--ssot-target" if pytestconfig.getoption("ssot_target", None) else f"{project.source}: [tool.ssot-harness] target:"
    try:
        return load_target(spec, where)
    except ConfigError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture
def ssot_transcript_snapshot(snapshot, pytestconfig: pytest.Config):
    """syrupy's snapshot, storing normalized transcripts as chat logs under the snapshots folder."""
    project = pytest_session.require(pytestconfig, "ssot_transcript_snapshot")
    return snapshot.use_extension(extension_for(pytest_session.project_path(pytestconfig, project.snapshots), project.root))


@pytest.fixture
def ssot_staging_url(request: pytest.FixtureRequest) -> str:
    """The deployed instance's base URL (`--ssot-staging-url` or $SSOT_STAGING_URL); the test skips without one."""
    url = request.config.getoption("ssot_staging_url", None) or os.environ.get(STAGING_ENV)
    if not url:
        pytest.skip(f"no staging instance: pass --ssot-staging-url URL or set ${STAGING_ENV}")
    return url.rstrip("/")
