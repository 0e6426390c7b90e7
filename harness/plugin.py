"""The pytest entry point: markers and `--ssot-…` options always; everything else only in a project
that asked for the harness (`[tool.ssot-harness]` or `--ssot-config`). Wiring only."""

from __future__ import annotations

import pytest

from harness import pytest_session
from harness.model import Config

# the ready tests live in the harness, not in a test module: their asserts are rewritten all the
# same, so a failing one shows its diff (registered before anything imports them)
pytest.register_assert_rewrite("harness.characterize.suite")

# Each wing keeps its own hooks and fixtures in one module named for its job (golden_hooks,
# contract_hooks, audit_fixture); every hook there checks that the
# project is configured, and every fixture is namespaced `ssot_…`.
pytest_plugins = [
    "harness.characterize.golden_hooks",
    "harness.prove.contract_hooks",
    "harness.prove.outcomes",
    "harness.prove.shards",
    "harness.pin.audit_fixture",
    "harness.pin.runtime",
]

# by role; a project renames them in `[tool.ssot-harness] markers` (its own may already be taken)
MARKERS = {
    "golden_path": "end-to-end characterization of login -> agent execution -> AI response",
    "contract": "a contract run against every implementation of a family",
    "ssot": "pins a family to its single source of truth (static and run time)",
    "staging": "smoke test against a deployed instance (needs --ssot-staging-url or SSOT_STAGING_URL)",
    "live": "starts the service as a real process on 127.0.0.1 (deselect with -m 'not live')",
}

# (flag, dest, help); every value overrides the `[tool.ssot-harness]` key of the same name
OPTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "--ssot-config",
        "ssot_config",
        "pyproject.toml holding [tool.ssot-harness] (default: <rootdir>/pyproject.toml)",
    ),
    (
        "--ssot-target",
        "ssot_target",
        "the system under characterization, 'module:object' (config key: target)",
    ),
    (
        "--ssot-scenarios",
        "ssot_scenarios",
        "folder of golden-path scenario files (config key: scenarios)",
    ),
    (
        "--ssot-reports",
        "ssot_reports",
        "write the equivalence matrix (md, json) to this folder (config key: reports, used by `verify`)",
    ),
    (
        "--ssot-divergences",
        "ssot_divergences",
        "accepted divergences file for every family (config key: families.NAME.divergences)",
    ),
    (
        "--ssot-hypothesis-profile",
        "ssot_hypothesis_profile",
        "hypothesis profile of the contract and differential tests (config key: hypothesis-profile)",
    ),
    (
        "--ssot-shard",
        "ssot_shard",
        "run only shard K/N of the collected tests, by test id (`verify --shard`, `inventory --shard`)",
    ),
    (
        "--ssot-staging-url",
        "ssot_staging_url",
        "base URL of a deployed instance for `-m staging` smoke tests (default: $SSOT_STAGING_URL)",
    ),
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup(
        "ssot-harness", "ssot-harness (active only where [tool.ssot-harness] exists)"
    )
    for flag, dest, help_text in OPTIONS:
        group.addoption(flag, dest=dest, default=None, metavar="VALUE", help=help_text)
    group.addoption(
        "--ssot-implementation",
        dest="ssot_implementation",
        action="append",
        default=[],
        metavar="NAME",
        help="run contracts only against these members (short names; repeat or comma-separate)",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    project = pytest_session.load(config)
    config.stash[pytest_session.CONFIG_KEY] = project
    for role, description in MARKERS.items():
        name = role if project is None else project.marker(role)
        config.addinivalue_line("markers", f"{name}: {description}")


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """Once, on the controller: a harness marker the project also registers with its own meaning."""
    config = session.config
    project = pytest_session.project_config(config)
    if project is None or hasattr(config, "workerinput"):  # inert, or an xdist worker
        return
    clashes = marker_clashes(project, [str(line) for line in config.getini("markers")])
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    for clash in clashes:
        if reporter is not None:
            reporter.write_line(f"ssot-harness: {clash}", yellow=True)


def marker_clashes(project: Config, lines: list[str]) -> list[str]:
    """Each harness marker that `lines` (pytest's `markers` ini lines) also register with another
    description, with the key that renames it."""
    out = []
    for role, description in MARKERS.items():
        name = project.marker(role)
        theirs = sorted(
            {
                rest.strip()
                for line in lines
                for head, _, rest in [line.partition(":")]
                if head.split("(")[0].strip() == name and rest.strip() != description
            }
        )
        if theirs:
            key = f'markers = {{ {role} = "ssot_{role}" }}'
            out.append(
                f"the marker {name!r} is also registered by this project ({theirs[0]!r}): "
                f"`-m {name}` selects your tests and the harness's alike; rename the harness's in "
                f"[tool.ssot-harness] of {project.source or 'pyproject.toml'}, e.g. {key}"
            )
    return out
