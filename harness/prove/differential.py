"""The differential runner: every member runs the same scenario; its transcript must equal the canonical's.

Public face: `assert_equivalent(...)`, called from a hypothesis test; on a mismatch hypothesis shrinks
the scenario and the failure shows the minimal scenario first, then a unified diff."""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis.database import (
    DirectoryBasedExampleDatabase,
    GitHubArtifactDatabase,
    MultiplexedDatabase,
    ReadOnlyDatabase,
)
from hypothesis.errors import InvalidArgument

from harness.errors import ConfigError

PROFILE_ENV = "SSOT_HYPOTHESIS_PROFILE"
DATABASE_ENV = "SSOT_HYPOTHESIS_DATABASE"


class DivergenceFound(AssertionError):
    """A member's transcript differs from the canonical's for the same scenario.

    `scenario` (the minimal scenario, described) and `diff` travel to the equivalence matrix as
    data, through the test report's user properties."""

    def __init__(self, message: str, *, scenario: str = "", diff: str = "") -> None:
        super().__init__(message)
        self.scenario = scenario
        self.diff = diff


def assert_equivalent(
    scenario: Any,
    *,
    member: str,
    canonical: str,
    transcript_of: Callable[[str, Any], str],
    describe: Callable[[Any], str],
) -> None:
    """`transcript_of(member, scenario)` must equal `transcript_of(canonical, scenario)`."""
    expected = transcript_of(canonical, scenario)
    actual = transcript_of(member, scenario)
    if actual == expected:
        return
    diff = "\n".join(
        difflib.unified_diff(
            expected.splitlines(),
            actual.splitlines(),
            f"canonical {canonical}",
            f"member {member}",
            lineterm="",
        )
    )
    described = describe(scenario)
    raise DivergenceFound(
        f"{member} diverges from the canonical {canonical}.\n"
        f"Minimal scenario:\n{described}\n"
        f"Diff (canonical -> {member}):\n{diff}",
        scenario=described,
        diff=diff,
    )


def example_database(spec: str | None = None):
    """`SSOT_HYPOTHESIS_DATABASE`: unset -> .hypothesis/examples; 'none'; a directory; or
    'github:OWNER/REPO' to read a CI fleet's shared examples (read-only) beside the local directory."""
    spec = os.environ.get(DATABASE_ENV) if spec is None else spec
    local = DirectoryBasedExampleDatabase(".hypothesis/examples")
    if not spec:
        return local
    if spec == "none":
        return None
    if spec.startswith("github:"):
        owner, slash, repo = spec.removeprefix("github:").partition("/")
        if not (owner and slash and repo) or "/" in repo:
            raise ConfigError(f"{DATABASE_ENV}={spec!r}: expected github:OWNER/REPO")
        return MultiplexedDatabase(local, ReadOnlyDatabase(GitHubArtifactDatabase(owner, repo)))
    return DirectoryBasedExampleDatabase(spec)


PROFILES = ("ssot-dev", "ssot-ci", "ssot-nightly")
_active: list[str] = ["ssot-dev"]


def profile_settings() -> dict[str, settings]:
    """The harness's named profiles: no deadline and no health check against fixtures or slow
    examples in any; `ssot-dev` 15 examples, `ssot-ci` 30 derandomized (so with no database) and
    the failing example's blob printed, `ssot-nightly` 500; dev and nightly keep their examples in
    `example_database()`."""
    common = settings(
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    return {
        "ssot-dev": settings(common, max_examples=15, database=example_database()),
        "ssot-ci": settings(common, max_examples=30, derandomize=True, print_blob=True),
        "ssot-nightly": settings(common, max_examples=500, database=example_database()),
    }


def register_profiles() -> None:
    """Registers the harness's named profiles, each only where the user has not registered their
    own of that name (so a project overrides one by registering it first, e.g. in conftest.py).
    Nothing is loaded: the user's own tests keep the user's settings."""
    for name, values in profile_settings().items():
        try:
            settings.get_profile(name)
        except InvalidArgument:
            settings.register_profile(name, values)


def default_profile() -> str:
    return os.environ.get(PROFILE_ENV) or ("ssot-ci" if os.environ.get("CI") else "ssot-dev")


def use_profile(name: str) -> None:
    """Makes `name` the profile of `equivalence_settings()`; an unknown name is an error."""
    try:
        settings.get_profile(name)
    except InvalidArgument:
        raise ConfigError(
            f"hypothesis profile {name!r} is not registered (harness profiles: {', '.join(PROFILES)})"
        ) from None
    _active[0] = name


def equivalence_settings() -> settings:
    """The hypothesis settings of the contract and differential tests: the active harness profile.

    @equivalence_settings()
    @given(case=scenarios())
    def test_same_transcript_as_the_canonical(ssot_implementation, ssot_canonical, case): ...
    """
    return settings(settings.get_profile(_active[0]))
