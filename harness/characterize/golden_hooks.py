"""pytest hooks and fixtures of the characterize wing (registered by harness.plugin): `ssot_scenario`
parametrization, the `ssot_target`, the transcript snapshot and golden files, the staging URL. Inert where the
project has no `[tool.ssot-harness]`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness import pytest_session
from harness.characterize.scenario import Scenario, load_scenarios
from harness.characterize.snapshot import extension_for, read_golden
from harness.characterize.staging import StagingClient
from harness.characterize.target import Target, describe, parse_declared
from harness.errors import ConfigError, StagingError

STAGING_ENV = "SSOT_STAGING_URL"
# (variable, what it holds): the staging user's credentials never live in a config file
ENVIRONMENT: tuple[tuple[str, str], ...] = (
    (STAGING_ENV, "base URL of the deployed instance (`--ssot-staging-url` wins)"),
    ("SSOT_STAGING_USERNAME", "login name of the staging user (`ssot_staging` fixture, ready staging tests)"),
    ("SSOT_STAGING_PASSWORD", "password of the staging user"),
    ("SSOT_STAGING_USERNAME_2", "login name of a second staging user (the two-users-at-once smoke test; skipped without)"),
    ("SSOT_STAGING_PASSWORD_2", "password of the second staging user"),
)  # fmt: skip


def staging_credentials(suffix: str = "") -> tuple[str, str] | None:
    """(username, password) from $SSOT_STAGING_USERNAME{suffix} / $SSOT_STAGING_PASSWORD{suffix}."""
    user = os.environ.get(f"SSOT_STAGING_USERNAME{suffix}")
    password = os.environ.get(f"SSOT_STAGING_PASSWORD{suffix}")
    return (user, password) if user and password else None


def scenarios_of(config: pytest.Config) -> list[Scenario]:
    """The golden-path scenarios of the configured project (config key `scenarios`)."""
    project = pytest_session.require(config, "ssot_scenario")
    folder = pytest_session.setting(config, "ssot_scenarios", project.scenarios)
    return load_scenarios(pytest_session.project_path(config, folder or "scenarios"))


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """A malformed `[tool.ssot-harness.target]` stops the run before collection, naming the key."""
    project = pytest_session.project_config(config)
    if project is not None and project.target_declared:
        try:
            parse_declared(project.target_declared, f"{project.source}: [tool.ssot-harness.target]")
        except ConfigError as exc:
            raise pytest.UsageError(f"ssot-harness: {exc}") from None


# the ready tests of harness.characterize.suite that carry the golden-path marker, whatever its name
GOLDEN_PATH_TESTS = (
    "test_golden_path",
    "test_live_and_in_process_transcripts_are_identical",
    "test_every_snapshot_file_belongs_to_a_scenario_and_back",
)


@pytest.hookimpl(tryfirst=True)  # before -m deselects
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The ready golden-path tests (harness.characterize.suite) get the project's marker name."""
    project = pytest_session.project_config(config)
    if project is None:
        return
    marker = getattr(pytest.mark, project.marker("golden_path"))
    for item in items:
        function = getattr(item, "function", None)
        if (
            getattr(function, "__module__", None) == "harness.characterize.suite"
            and getattr(function, "__name__", "") in GOLDEN_PATH_TESTS
        ):
            item.add_marker(marker)


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
    raise pytest.fail(
        "ssot_scenario is parametrized by the plugin; it cannot be used here", pytrace=False
    )


def target_of(config: pytest.Config) -> Target:
    """The project's target description (config `target`; `--ssot-target` names another object)."""
    project = pytest_session.require(config, "ssot_target")
    return describe(project, config.getoption("ssot_target", None))


def snapshots_dir(config: pytest.Config) -> Path:
    project = pytest_session.require(config, "ssot_transcript_snapshot")
    return pytest_session.project_path(config, project.snapshots)


def golden_transcript(config: pytest.Config, scenario: str) -> str:
    """The golden (snapshotted) transcript of `scenario`, by name: what a contract compares with."""
    try:
        marker = pytest_session.require(config, "ssot_transcript_snapshot").marker("golden_path")
        return read_golden(snapshots_dir(config), scenario, marker=marker)
    except ConfigError as exc:
        problem = str(exc)
    pytest.fail(problem, pytrace=False)  # outside the except: the message shows once, unchained


@pytest.fixture(scope="session")
def ssot_target(pytestconfig: pytest.Config) -> Target:
    """The service under characterization: `[tool.ssot-harness.target]` and its object
    (`--ssot-target module:OTHER` swaps the object, e.g. a variant build, in process and live)."""
    try:
        return target_of(pytestconfig)
    except ConfigError as exc:
        problem = str(exc)
    pytest.fail(problem, pytrace=False)


@pytest.fixture
def ssot_transcript_snapshot(snapshot, request: pytest.FixtureRequest, ssot_target: Target):
    """syrupy's snapshot of the test's `ssot_scenario`, stored as `<snapshots>/<scenario>.txt`."""
    if "ssot_scenario" not in request.fixturenames:
        pytest.fail(
            "ssot_transcript_snapshot is the golden file of a scenario: the test must take ssot_scenario",
            pytrace=False,
        )
    scenario = request.getfixturevalue("ssot_scenario")
    return snapshot.use_extension(
        extension_for(snapshots_dir(request.config), ssot_target, scenario.name)
    )


@pytest.fixture
def ssot_staging_url(request: pytest.FixtureRequest) -> str:
    """The deployed instance's base URL (`--ssot-staging-url` or $SSOT_STAGING_URL); the test skips without one."""
    url = request.config.getoption("ssot_staging_url", None) or os.environ.get(STAGING_ENV)
    if not url:
        pytest.skip(f"no staging instance: pass --ssot-staging-url URL or set ${STAGING_ENV}")
    return url.rstrip("/")


@pytest.fixture
def ssot_staging(ssot_staging_url: str, ssot_target: Target) -> StagingClient:
    """A client of the deployed instance, checked reachable, with the staging user's credentials in
    $SSOT_STAGING_USERNAME / $SSOT_STAGING_PASSWORD (the test fails, once, naming what is missing)."""
    client = StagingClient(ssot_staging_url, ssot_target)
    try:
        client.check_reachable()
        problem = ""
    except StagingError as exc:
        problem = str(exc)
    if not problem and staging_credentials() is None:
        problem = "set SSOT_STAGING_USERNAME and SSOT_STAGING_PASSWORD for the staging user"
    if problem:
        pytest.fail(problem, pytrace=False)  # outside the except: no "during handling" chain
    return client
