"""Installed in a project without [tool.ssot-harness], the plugin changes nothing: the user's own
hypothesis profile, their `scenario` and `implementation` arguments, and their tree stay theirs.
In a configured project, a plain pytest run writes no report unless asked."""

from __future__ import annotations

import pytest

USERS_CONFTEST = """
import pytest
from hypothesis import settings

settings.register_profile("mine", max_examples=7, database=None)
settings.load_profile("mine")


@pytest.fixture
def implementation():
    return "the user's own implementation fixture"
"""

USERS_TESTS = """
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.errors import InvalidArgument


@pytest.mark.parametrize("scenario", ["checkout", "refund"])
def test_their_own_scenario_parameter(scenario):
    assert scenario in ("checkout", "refund")


def test_their_own_implementation_fixture(implementation):
    assert implementation == "the user's own implementation fixture"


def test_their_hypothesis_profile_is_in_force():
    assert settings.default.max_examples == 7


def test_no_harness_profile_was_registered():
    for name in ("ssot-dev", "ssot-ci", "ssot-nightly"):
        with pytest.raises(InvalidArgument):
            settings.get_profile(name)


@given(st.integers())
def test_a_property(n):
    assert isinstance(n, int)
"""


@pytest.fixture
def users_project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyprojecttoml('[project]\nname = "their-app"\nversion = "1"\n\n[tool.pytest.ini_options]\naddopts = "-p no:randomly -p no:cacheprovider"\n')
    pytester.makeconftest(USERS_CONFTEST)
    pytester.makepyfile(test_theirs=USERS_TESTS)
    return pytester


def tree(root) -> list[str]:
    """Top-level entries (hypothesis's own .hypothesis/ keeps per-module caches inside: not ours)."""
    return sorted(p.name for p in root.iterdir() if not p.name.startswith("runpytest"))


def test_an_unconfigured_project_runs_exactly_as_without_the_plugin(users_project: pytest.Pytester) -> None:
    import shutil

    before = tree(users_project.path)
    without = users_project.runpytest_subprocess("-p", "no:xdist", "-p", "no:ssot_harness")
    without.assert_outcomes(passed=6)
    made_by_pytest_alone = tree(users_project.path)
    for name in set(made_by_pytest_alone) - set(before):
        shutil.rmtree(users_project.path / name, ignore_errors=True)
    result = users_project.runpytest_subprocess("-p", "no:xdist")
    result.assert_outcomes(passed=6)
    assert tree(users_project.path) == made_by_pytest_alone  # no reports/, no cache dir, nothing else


def test_the_markers_and_options_are_registered_even_when_inert(users_project: pytest.Pytester) -> None:
    result = users_project.runpytest_subprocess("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.golden_path:*", "@pytest.mark.contract:*"])
    result = users_project.runpytest_subprocess("--help")
    result.stdout.fnmatch_lines(["*--ssot-config=VALUE*", "*--ssot-implementation=NAME*"])


def test_a_harness_fixture_in_an_unconfigured_project_says_what_is_missing(users_project: pytest.Pytester) -> None:
    users_project.makepyfile(test_asks="def test_asks(ssot_implementation):\n    pass\n")
    result = users_project.runpytest_subprocess("-p", "no:xdist", "test_asks.py")
    result.assert_outcomes(errors=1)
    assert "ssot_implementation needs the project's [tool.ssot-harness]" in result.stdout.str()


def configured_toy(pytester: pytest.Pytester):
    """A project with [tool.ssot-harness]: one family, its canonical, and its adapters package."""
    pytester.makepyprojecttoml(
        '[tool.pytest.ini_options]\naddopts = "-p no:randomly -p no:cacheprovider"\n\n'
        '[tool.ssot-harness]\nroots = ["toy"]\n\n'
        '[tool.ssot-harness.families.greeter]\ncanonical = "toy.greeters:Greeter"\nnames = ["*Greeter"]\nadapters = "toycontracts"\n'
    )
    pytester.mkpydir("toy").joinpath("greeters.py").write_text("class Greeter:\n    def greet(self, n):\n        return 'hi ' + n\n")
    adapters = pytester.mkpydir("toycontracts")
    adapters.joinpath("greeter.py").write_text(
        "from types import SimpleNamespace\nfrom toy.greeters import Greeter\n"
        "ADAPTER = SimpleNamespace(member='toy.greeters:Greeter', make=Greeter)\n"
    )
    return adapters


def test_a_configured_project_writes_no_report_unless_asked(pytester: pytest.Pytester) -> None:
    adapters = configured_toy(pytester)
    adapters.joinpath("test_greet.py").write_text(
        "import pytest\npytestmark = pytest.mark.contract\n\n"
        "def test_greets(ssot_implementation):\n    assert ssot_implementation.make().greet('bo') == 'hi bo'\n"
    )
    result = pytester.runpytest_subprocess("-p", "no:xdist", "toycontracts")
    result.assert_outcomes(passed=1)
    assert not (pytester.path / "reports").exists()
    asked = pytester.runpytest_subprocess("-p", "no:xdist", "--ssot-reports", "out", "toycontracts")
    asked.assert_outcomes(passed=1)
    assert (pytester.path / "out" / "equivalence-matrix.json").is_file()


def test_a_contract_test_without_the_marker_fails_by_name(pytester: pytest.Pytester) -> None:
    adapters = configured_toy(pytester)
    adapters.joinpath("test_unmarked.py").write_text("def test_forgot_the_marker(ssot_implementation):\n    pass\n")
    for args in ((), ("-m", "contract")):  # selection by marker must not hide it
        result = pytester.runpytest_subprocess("-p", "no:xdist", *args)
        result.assert_outcomes(errors=1)
        result.stdout.fnmatch_lines(["*test_forgot_the_marker*must carry the `contract` marker*"])
