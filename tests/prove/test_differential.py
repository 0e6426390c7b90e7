"""The differential runner's own rules: the failure it raises, the hypothesis profiles it registers
(as docs/adopting.md states them), which one is active, and where examples are kept
(`SSOT_HYPOTHESIS_DATABASE`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.database import (
    DirectoryBasedExampleDatabase,
    GitHubArtifactDatabase,
    MultiplexedDatabase,
    ReadOnlyDatabase,
)

from harness.errors import ConfigError
from harness.prove import differential
from harness.prove.differential import DivergenceFound, assert_equivalent

LOCAL = DirectoryBasedExampleDatabase(".hypothesis/examples")


def test_equal_transcripts_pass_and_each_side_is_played_once() -> None:
    played: list[tuple[str, str]] = []

    def transcript_of(who: str, scenario: str) -> str:
        played.append((who, scenario))
        return f"one line\n{scenario}\n"

    assert_equivalent("case", member="Old", canonical="New", transcript_of=transcript_of, describe=str.upper)
    assert sorted(played) == [("New", "case"), ("Old", "case")]


def test_a_divergence_shows_the_minimal_scenario_then_the_diff_canonical_first() -> None:
    texts = {"New": "same\ncanonical says\nsame again\n", "Old": "same\nmember says\nsame again\n"}
    with pytest.raises(DivergenceFound) as caught:
        assert_equivalent(
            "case", member="Old", canonical="New",
            transcript_of=lambda who, _: texts[who], describe=lambda s: f"described {s}",
        )  # fmt: skip
    diff = "--- canonical New\n+++ member Old\n@@ -1,3 +1,3 @@\n same\n-canonical says\n+member says\n same again"
    assert str(caught.value) == (
        f"Old diverges from the canonical New.\nMinimal scenario:\ndescribed case\nDiff (canonical -> Old):\n{diff}"
    )
    assert (caught.value.scenario, caught.value.diff) == ("described case", diff)
    assert isinstance(caught.value, AssertionError)  # a plain test failure, shrunk by hypothesis


@pytest.fixture
def hypothesis_defaults() -> Iterator[None]:
    """hypothesis's own defaults loaded (this repo's conftest loads a profile without a deadline),
    the loaded profile put back after the test."""
    before = settings.get_current_profile_name()
    settings.load_profile("default")
    yield
    settings.load_profile(before)


def test_the_profiles_are_the_documented_ones(hypothesis_defaults: None) -> None:
    profiles = differential.profile_settings()
    assert list(profiles) == list(differential.PROFILES) == ["ssot-dev", "ssot-ci", "ssot-nightly"]
    dev, ci, nightly = profiles.values()
    assert (dev.max_examples, ci.max_examples, nightly.max_examples) == (15, 30, 500)
    assert (dev.derandomize, ci.derandomize, nightly.derandomize) == (False, True, False)
    assert (dev.database, ci.database, nightly.database) == (LOCAL, None, LOCAL)
    assert (dev.print_blob, ci.print_blob, nightly.print_blob) == (False, True, False)
    for profile in profiles.values():
        assert profile.deadline is None
        assert set(profile.suppress_health_check) == {HealthCheck.function_scoped_fixture, HealthCheck.too_slow}


@pytest.fixture
def active() -> Iterator[None]:
    """The active harness profile and the registered ssot-nightly, put back after the test."""
    before, nightly = differential._active[0], settings.get_profile("ssot-nightly")
    yield
    differential.use_profile(before)
    settings.register_profile("ssot-nightly", nightly)


def test_a_projects_own_profile_of_a_harness_name_is_kept(active: None) -> None:
    settings.register_profile("ssot-nightly", max_examples=7)
    differential.register_profiles()
    assert settings.get_profile("ssot-nightly").max_examples == 7
    differential.use_profile("ssot-nightly")
    assert differential.equivalence_settings().max_examples == 7


def test_the_chosen_profile_is_what_equivalence_settings_give(active: None) -> None:
    differential.register_profiles()
    differential.use_profile("ssot-ci")
    chosen = differential.equivalence_settings()
    assert (chosen.max_examples, chosen.derandomize, chosen.database) == (30, True, None)
    differential.use_profile("ssot-dev")
    assert differential.equivalence_settings().max_examples == 15


def test_an_unregistered_profile_is_an_error_naming_the_harness_profiles(active: None) -> None:
    before = differential._active[0]
    with pytest.raises(ConfigError) as caught:
        differential.use_profile("ssot-weekly")
    assert str(caught.value) == (
        "hypothesis profile 'ssot-weekly' is not registered (harness profiles: ssot-dev, ssot-ci, ssot-nightly)"
    )
    assert differential._active[0] == before  # nothing changed


@pytest.mark.parametrize(
    ("env", "expected"),
    [({}, "ssot-dev"), ({"CI": "true"}, "ssot-ci"), ({"CI": ""}, "ssot-dev"),
     ({"CI": "1", "SSOT_HYPOTHESIS_PROFILE": "ssot-nightly"}, "ssot-nightly"),
     ({"SSOT_HYPOTHESIS_PROFILE": "mine"}, "mine"), ({"SSOT_HYPOTHESIS_PROFILE": "", "CI": "1"}, "ssot-ci")],
)  # fmt: skip
def test_the_default_profile(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv(differential.PROFILE_ENV, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert differential.default_profile() == expected


@pytest.mark.parametrize(
    ("spec", "expected"),
    [("", LOCAL), ("none", None), ("ci/examples", DirectoryBasedExampleDatabase("ci/examples")),
     ("github:acme/shop", MultiplexedDatabase(LOCAL, ReadOnlyDatabase(GitHubArtifactDatabase("acme", "shop")))),
     ("None", DirectoryBasedExampleDatabase("None"))],
)  # fmt: skip
def test_where_examples_are_kept(monkeypatch: pytest.MonkeyPatch, spec: str, expected: object) -> None:
    assert differential.example_database(spec) == expected
    monkeypatch.setenv(differential.DATABASE_ENV, spec)
    assert differential.example_database() == expected
    monkeypatch.delenv(differential.DATABASE_ENV)
    assert differential.example_database() == LOCAL


@pytest.mark.parametrize("spec", ["github:acme", "github:/shop", "github:acme/", "github:acme/shop/x"])
def test_a_github_database_names_one_owner_and_one_repository(spec: str) -> None:
    with pytest.raises(ConfigError) as caught:
        differential.example_database(spec)
    assert str(caught.value) == f"SSOT_HYPOTHESIS_DATABASE={spec!r}: expected github:OWNER/REPO"


def test_a_divergence_raised_by_hand_carries_no_scenario_and_no_diff() -> None:
    found = DivergenceFound("Old diverges")
    assert (str(found), found.scenario, found.diff) == ("Old diverges", "", "")


def test_a_malformed_database_setting_stops_the_run_with_a_usage_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyprojecttoml(
        '[tool.pytest.ini_options]\nasyncio_default_fixture_loop_scope = "function"\n\n[tool.ssot-harness]\n'
    )
    pytester.makepyfile(test_nothing="def test_nothing():\n    pass\n")
    monkeypatch.setenv(differential.DATABASE_ENV, "github:acme")
    result = pytester.runpytest_inprocess("-p", "no:randomly", "-p", "no:xdist", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: ssot-harness: SSOT_HYPOTHESIS_DATABASE='github:acme': expected github:OWNER/REPO"])
