"""The prove wing end to end on a toy family: parametrization, missing adapters, --ssot-implementation,
accepted divergences (strict, and never stale), and the matrix, serial and under xdist."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TOY = Path(__file__).resolve().parents[1] / "fixtures" / "prove" / "toy_project"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def toy(tmp_path: Path) -> Path:
    project = tmp_path / "toy_project"
    shutil.copytree(TOY, project)
    return project


def pytest_in(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "--ssot-reports", "reports", *args], cwd=project, capture_output=True, text=True, timeout=300
    )


def cells(project: Path) -> dict[tuple[str, str], str]:
    data = json.loads((project / "reports" / "equivalence-matrix.json").read_text())
    return {(c["member"], c["contract"]): c["outcome"] for c in data["cells"]}


def test_every_member_is_a_parameter_and_one_without_adapter_fails_by_name(toy: Path) -> None:
    run = pytest_in(toy)
    assert run.returncode == 1, run.stdout
    assert "toy.greeters:OldGreeter is a member of this family" in run.stdout
    assert "has no adapter" in run.stdout
    assert cells(toy) == {
        ("Greeter", "test_greets_by_name"): "pass",
        ("Greeter", "test_greeting_ends_with_the_name"): "pass",
        ("LoudGreeter", "test_greets_by_name"): "xfail",
        ("LoudGreeter", "test_greeting_ends_with_the_name"): "fail",
        ("OldGreeter", "test_greets_by_name"): "fail",
        ("OldGreeter", "test_greeting_ends_with_the_name"): "fail",
        ("PoliteGreeter", "test_greets_by_name"): "pass",
        ("PoliteGreeter", "test_greeting_ends_with_the_name"): "pass",
    }
    assert "accepted divergence: shouts" in (toy / "reports" / "equivalence-matrix.md").read_text()


def test_implementation_option_narrows_the_run_and_rejects_unknown_names(toy: Path) -> None:
    run = pytest_in(toy, "--ssot-implementation", "Greeter,PoliteGreeter")
    assert run.returncode == 0, run.stdout
    assert "4 passed" in run.stdout
    bad = pytest_in(toy, "--ssot-implementation", "NoSuchGreeter")
    assert bad.returncode == 2  # a collection error: the run stops before any test
    assert "NoSuchGreeter: no such member of greeter" in bad.stderr + bad.stdout
    assert "known: Greeter, LoudGreeter, OldGreeter, PoliteGreeter" in bad.stderr + bad.stdout


def test_a_fixed_divergence_fails_the_run_until_its_declaration_goes(toy: Path) -> None:
    (toy / "toy" / "greeters.py").write_text(
        (toy / "toy" / "greeters.py").read_text().replace('f"HELLO {name.upper()}"', 'f"hello {name}"')
    )
    run = pytest_in(toy, "--ssot-implementation", "LoudGreeter")
    assert run.returncode == 1
    assert "XPASS(strict)" in run.stdout


def test_a_declaration_that_matches_nothing_is_an_error(toy: Path) -> None:
    with (toy / "toycontracts" / "divergences.toml").open("a") as f:
        f.write('\n[[divergence]]\nmember = "PoliteGreeter"\ncontract = "test_greets_by_nam"\nreason = "typo"\n')
    run = pytest_in(toy)
    assert run.returncode == 4
    assert "no contract of family greeter is named 'test_greets_by_nam'; did you mean 'test_greets_by_name'" in run.stderr


def test_removing_a_declaration_turns_the_divergence_into_a_failure(toy: Path) -> None:
    (toy / "toycontracts" / "divergences.toml").write_text("")
    run = pytest_in(toy, "--ssot-implementation", "LoudGreeter")
    assert run.returncode == 1
    assert "FAILED toycontracts/test_greet.py::test_greets_by_name[LoudGreeter]" in run.stdout


def test_the_matrix_is_byte_identical_serial_and_under_xdist(toy: Path) -> None:
    pytest_in(toy)
    serial = (toy / "reports" / "equivalence-matrix.json").read_bytes()
    serial_md = (toy / "reports" / "equivalence-matrix.md").read_bytes()
    pytest_in(toy, "-n", "2")
    assert (toy / "reports" / "equivalence-matrix.json").read_bytes() == serial
    assert (toy / "reports" / "equivalence-matrix.md").read_bytes() == serial_md


def test_verify_exits_non_zero_with_the_minimal_scenario_and_diff_when_a_declaration_is_removed(tmp_path) -> None:
    source = (ROOT / "contracts" / "execution_engine" / "divergences.toml").read_text()
    kept = source.split("\n\n")
    reduced = "\n\n".join(
        block for block in kept
        if not ("RequestScopedExecutionFactory" in block and "test_same_transcript_as_the_canonical" in block)
    )  # fmt: skip
    assert reduced != source
    declarations = tmp_path / "divergences.toml"
    declarations.write_text(reduced)
    run = subprocess.run(
        [sys.executable, "-m", "harness.cli", "verify", "-n", "0", "--reports", str(tmp_path / "reports"), "--",
         "contracts/execution_engine/test_differential.py", "--ssot-implementation", "ExecutionEngineFactory,RequestScopedExecutionFactory",
         "--ssot-divergences", str(declarations)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 1, run.stdout[-3000:]
    out = run.stdout
    assert "Minimal scenario:" in out and "Diff (canonical -> RequestScopedExecutionFactory)" in out
    assert "-<- tool_completed" in out
    assert "verify: FAILED" in out


def verify_in(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", "verify", "-n", "0", *args], cwd=project, capture_output=True, text=True, timeout=300
    )


def test_verify_collects_only_its_verify_paths(toy: Path) -> None:
    (toy / "pins").mkdir()
    (toy / "pins" / "test_pin.py").write_text("import pytest\n\n\n@pytest.mark.ssot\ndef test_pinned():\n    pass\n")
    pyproject = toy / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('baseline = "baseline.json"', 'baseline = "baseline.json"\nverify-paths = ["pins"]'))
    subprocess.run([sys.executable, "-m", "harness.cli", "baseline", "--update"], cwd=toy, check=True, capture_output=True)
    run = verify_in(toy)
    assert "1 passed" in run.stdout and "OldGreeter" not in run.stdout, run.stdout  # toycontracts not collected
    assert "no contract test ran for greeter" in run.stdout and run.returncode == 1
    named = verify_in(toy, "--", "toycontracts/test_greet.py", "--ssot-implementation", "Greeter")
    assert "2 passed" in named.stdout and "1 passed" not in named.stdout, named.stdout  # named paths win


def test_a_verify_path_that_does_not_exist_is_a_config_error(toy: Path) -> None:
    pyproject = toy / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('baseline = "baseline.json"', 'baseline = "baseline.json"\nverify-paths = ["pinz"]'))
    run = verify_in(toy)
    assert run.returncode == 2
    assert "verify-paths: 'pinz' does not exist under toy_project" in run.stderr
