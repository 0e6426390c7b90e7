"""The harness's marker names are the project's to choose (`[tool.ssot-harness] markers`): a project
whose own `contract` or `ssot` markers mean something else keeps them, `verify` selects the harness's
tests by the configured names, and a clash with the defaults is reported once at start-up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness.config import parse_config
from harness.errors import ConfigError
from tests.plugin.test_inert import configured_toy

RENAMED = 'markers = { contract = "ssot_contract", ssot = "ssot_pin" }\n'
THEIRS = 'markers = ["contract: needs the partner sandbox", "ssot: needs docker"]\n'


def _project(pytester: pytest.Pytester, *, ours: str = "", theirs: str = THEIRS, stage: str = "prove") -> Path:
    """configured_toy with the user's own markers in [tool.pytest.ini_options] (and --strict-markers),
    the harness's names in [tool.ssot-harness], and one test of the user's own `contract` marker."""
    adapters = configured_toy(pytester)
    pyproject = pytester.path / "pyproject.toml"
    text = pyproject.read_text()
    text = text.replace(
        'addopts = "-p no:randomly -p no:cacheprovider"\n',
        'addopts = "-p no:randomly -p no:cacheprovider --strict-markers"\n' + theirs,
    )
    text = text.replace('roots = ["toy"]\n', 'roots = ["toy"]\nimport-roots = ["."]\n' + ours)
    text = text.replace('adapters = "toycontracts"', f'adapters = "toycontracts"\nstage = "{stage}"')
    pyproject.write_text(text)
    marker = "ssot_contract" if ours else "contract"
    adapters.joinpath("test_greet.py").write_text(
        f"import pytest\npytestmark = pytest.mark.{marker}\n\n"
        "def test_greets(ssot_implementation):\n    assert ssot_implementation.make().greet('bo') == 'hi bo'\n"
    )
    pytester.makepyfile(
        test_sandbox="import pytest\n\n@pytest.mark.contract\ndef test_needs_the_partner_sandbox():\n    pass\n"
    )
    return adapters


def test_renamed_markers_are_registered_and_select_only_the_harness_tests(pytester: pytest.Pytester) -> None:
    _project(pytester, ours=RENAMED)
    listed = pytester.runpytest_subprocess("--markers")
    listed.stdout.fnmatch_lines(["@pytest.mark.ssot_contract: a contract run*", "@pytest.mark.ssot_pin: pins*"])
    assert "ssot-harness: the marker" not in listed.stdout.str()  # no clash left to report
    harness = pytester.runpytest_subprocess("-p", "no:xdist", "-m", "ssot_contract", "-v")
    harness.assert_outcomes(passed=1, deselected=1)
    harness.stdout.fnmatch_lines(["*test_greets*PASSED*"])
    theirs = pytester.runpytest_subprocess("-p", "no:xdist", "-m", "contract", "-v")
    theirs.assert_outcomes(passed=1, deselected=1)
    theirs.stdout.fnmatch_lines(["*test_needs_the_partner_sandbox PASSED*"])


def test_an_unmarked_contract_test_names_the_configured_marker(pytester: pytest.Pytester) -> None:
    adapters = _project(pytester, ours=RENAMED)
    adapters.joinpath("test_unmarked.py").write_text("def test_forgot(ssot_implementation):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:xdist", "-m", "ssot_contract")
    result.assert_outcomes(passed=1, errors=1, deselected=1)
    result.stdout.fnmatch_lines(["*must carry the `ssot_contract` marker (add `pytestmark = pytest.mark.ssot_contract`*"])


def test_a_clash_with_the_projects_own_marker_is_reported_once_with_the_key(pytester: pytest.Pytester) -> None:
    _project(pytester)
    pytester.makeconftest(
        'def pytest_configure(config):\n    config.addinivalue_line("markers", "staging: our own k8s staging")\n'
    )
    result = pytester.runpytest_subprocess("-p", "no:xdist", "toycontracts")
    result.assert_outcomes(passed=1)
    out = result.stdout.str()
    for name, theirs in (("contract", "needs the partner sandbox"), ("ssot", "needs docker"), ("staging", "our own k8s staging")):
        line = f"ssot-harness: the marker {name!r} is also registered by this project ({theirs!r})"
        assert out.count(line) == 1, out
    assert 'markers = { ssot = "ssot_ssot" }' in out
    assert "the marker 'golden_path'" not in out


def test_an_unconfigured_project_hears_nothing_of_its_markers(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\naddopts = "-p no:randomly"\n' + THEIRS)
    pytester.makepyfile(test_x="def test_x():\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:xdist")
    result.assert_outcomes(passed=1)
    assert "ssot-harness: the marker" not in result.stdout.str()


def test_verify_selects_by_the_configured_names(pytester: pytest.Pytester) -> None:
    """A pinned toy (no baseline needed): verify runs the harness's contract, not the user's test."""
    _project(pytester, ours=RENAMED, stage="pinned")
    script = Path(sys.executable).parent / "ssot-harness"
    done = subprocess.run(
        [str(script), "verify", "-n", "0", "--", "-p", "no:cacheprovider", "-v"],
        cwd=pytester.path, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "pytest -m golden_path or ssot_contract or ssot_pin " in done.stdout
    assert "test_greets" in done.stdout
    assert "test_needs_the_partner_sandbox" not in done.stdout


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"contract": "my contract"}, "contract: 'my contract' is not a marker name"),
        ({"ssot": "contract"}, "ssot: 'contract' is also the name of contract"),
        ({"pin": "x"}, "unknown key 'pin'"),
        ({"ssot": 3}, "ssot: expected a string"),
    ],
)
def test_a_bad_markers_table_is_a_config_error_naming_the_key(tmp_path: Path, table: dict, message: str) -> None:
    with pytest.raises(ConfigError, match="markers") as exc:
        parse_config({"markers": table}, root=tmp_path)
    assert message in str(exc.value)


def test_the_defaults_are_unchanged(tmp_path: Path) -> None:
    config = parse_config({}, root=tmp_path)
    assert [config.marker(r) for r in ("golden_path", "contract", "ssot", "staging")] == [
        "golden_path", "contract", "ssot", "staging",
    ]  # fmt: skip
    assert config.verify_markers == "golden_path or contract or ssot"
