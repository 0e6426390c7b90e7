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

PROFILE_ENV = "SSOT_HYPOTHESIS_PROFILE"
DATABASE_ENV = "SSOT_HYPOTHESIS_DATABASE"


class DivergenceFound(AssertionError):
    """A member's transcript differs from the canonical's for the same scenario."""


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
    raise DivergenceFound(
        f"{member} diverges from the canonical {canonical}.\n"
        f"Minimal scenario:\n{describe(scenario)}\n"
        f"Diff (canonical -> {member}):\n{diff}"
    )


def example_database(spec: str | None = None):
    """`SSOT_HYPOTHESIS_DATABASE`: unset -> .hypothesis/examples; 'none'; a directory; or
    'github:OWNER/REPO' to read a CI fleet's shared examples (read-only) beside the local directory."""
    spec = spec if spec is not None else os.environ.get(DATABASE_ENV, "")
    local = DirectoryBasedExampleDatabase(".hypothesis/examples")
    if not spec:
        return local
    if spec == "none":
        return None
    if spec.startswith("github:"):
        owner, _, repo = spec.removeprefix("github:").partition("/")
        return MultiplexedDatabase(local, ReadOnlyDatabase(GitHubArtifactDatabase(owner, repo)))
    return DirectoryBasedExampleDatabase(spec)


def register_profiles() -> None:
    common = dict(
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    settings.register_profile("dev", max_examples=15, database=example_database(), **common)
    settings.register_profile(
        "ci", max_examples=30, derandomize=True, database=None, print_blob=True, **common
    )
    settings.register_profile("nightly", max_examples=500, database=example_database(), **common)


def default_profile() -> str:
    return os.environ.get(PROFILE_ENV) or ("ci" if os.environ.get("CI") else "dev")
