"""The stale-declaration check fires on a full run, and never for a declared test that was collected
but not run: deselected (-k, -m) or never reached (-x, --maxfail), serial and under xdist."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TOY = Path(__file__).resolve().parents[1] / "fixtures" / "prove" / "toy_project"
STALE = "accepted divergence matches no test"

CASES = """\
import pytest

pytestmark = pytest.mark.contract


@pytest.mark.parametrize("name", ["bob", "al"])
def test_echoes(ssot_implementation, name):
    assert ssot_implementation.make().greet(name) == f"hello {name}"
"""

DECLARED = """
[[divergence]]
member = "LoudGreeter"
contract = "test_echoes"
reason = "shouts at al"
cases = ["al"]
"""


@pytest.fixture
def toy(tmp_path: Path) -> Path:
    """The toy family with a two-case contract; LoudGreeter diverges on both, only `al` is declared
    (so `bob` is a real failure that runs before it)."""
    project = tmp_path / "toy_project"
    shutil.copytree(TOY, project)
    (project / "toycontracts" / "test_cases.py").write_text(CASES)
    with (project / "toycontracts" / "divergences.toml").open("a") as f:
        f.write(DECLARED)
    return project


def run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "--ssot-implementation", "Greeter,LoudGreeter",
         "toycontracts/test_cases.py", *args],
        cwd=project, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("stop", "workers"),
    [
        (("-x",), ()),
        (("--maxfail", "1"), ()),
        (("-k", "not al"), ()),
        (("-x",), ("-n", "2")),
        (("-k", "not al"), ("-n", "2")),
    ],
    ids=["x", "maxfail", "k", "x-xdist", "k-xdist"],
)
def test_a_declared_test_collected_but_not_run_is_no_stale_declaration(
    toy: Path, stop: tuple[str, ...], workers: tuple[str, ...]
) -> None:
    done = run(toy, *stop, *workers)
    assert "test_echoes[LoudGreeter-bob]" in done.stdout  # the real failure ran and is reported
    assert done.returncode in (1, 2)  # xdist reports its -x stop as an interruption
    assert STALE not in done.stdout + done.stderr, done.stdout
    assert "PASSED toycontracts/test_cases.py::test_echoes[LoudGreeter-al]" not in done.stdout


def test_a_declared_test_deselected_by_marker_is_no_stale_declaration(toy: Path) -> None:
    cases = toy / "toycontracts" / "test_cases.py"
    cases.write_text(
        cases.read_text().replace(
            '@pytest.mark.parametrize("name", ["bob", "al"])',
            '@pytest.mark.parametrize("name", ["bob", pytest.param("al", marks=pytest.mark.slow)])',
        )
    )
    pyproject = toy / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("[tool.pytest.ini_options]\n", '[tool.pytest.ini_options]\nmarkers = ["slow: slow"]\n'))
    done = run(toy, "-m", "not slow")
    assert "2 deselected" in done.stdout, done.stdout
    assert STALE not in done.stdout


@pytest.mark.parametrize("workers", [(), ("-n", "2")], ids=["serial", "xdist"])
def test_a_declaration_matching_no_collected_test_still_fails_a_full_run(
    toy: Path, workers: tuple[str, ...]
) -> None:
    with (toy / "toycontracts" / "divergences.toml").open("a") as f:
        f.write(DECLARED.replace('"al"', '"alice"'))
    done = run(toy, *workers)
    assert done.returncode == 1
    assert (
        f"ERROR: {STALE}: member 'LoudGreeter', contract 'test_echoes', cases ['alice'] "
        "(family greeter; cases that ran: al, bob)"
    ) in done.stdout
    assert done.stdout.count(STALE) == 1  # the declaration of 'al' matched
