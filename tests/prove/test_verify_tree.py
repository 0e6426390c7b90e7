"""`verify` leaves nothing in the user's tree but `reports/` and the cache folder, and hypothesis
never advises `git apply` (nor writes a patch) for an accepted divergence."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TOY = Path(__file__).resolve().parents[1] / "fixtures" / "prove" / "toy_project"

PROPERTY = """\
import pytest
from hypothesis import given, strategies as st

from harness.prove.differential import equivalence_settings

pytestmark = pytest.mark.contract


@equivalence_settings()
@given(name=st.text(alphabet="abc", min_size=1, max_size=4))
def test_greets_any_name(ssot_implementation, name):
    assert ssot_implementation.make().greet(name) == f"hello {name}"
"""

DECLARED = """
[[divergence]]
member = "LoudGreeter"
contract = "test_greets_any_name"
reason = "shouts every name"

[[divergence]]
member = "LoudGreeter"
contract = "test_greeting_ends_with_the_name"
reason = "shouts the name too"
"""


# adapters whose repr is source, so hypothesis can write its failing example as a patch
ADAPTING = """\
import dataclasses
import importlib


@dataclasses.dataclass(frozen=True)
class Adapter:
    member: str

    def make(self):
        module, _, name = self.member.partition(":")
        return getattr(importlib.import_module(module), name)()
"""


def files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def toy(tmp_path: Path) -> Path:
    """The toy family with a hypothesis contract on which LoudGreeter diverges (declared)."""
    project = tmp_path / "toy_project"
    shutil.copytree(TOY, project)
    (project / "toycontracts" / "test_property.py").write_text(PROPERTY)
    (project / "toy" / "adapting.py").write_text(ADAPTING)
    for module, member in (("adapters", "Greeter"), ("loud", "LoudGreeter"), ("polite", "PoliteGreeter")):
        (project / "toycontracts" / f"{module}.py").write_text(
            f'from toy.adapting import Adapter\n\nADAPTER = Adapter("toy.greeters:{member}")\n'
        )
    with (project / "toycontracts" / "divergences.toml").open("a") as f:
        f.write(DECLARED)
    subprocess.run(
        [sys.executable, "-m", "harness.cli", "baseline", "--update"], cwd=project, check=True, capture_output=True
    )  # fmt: skip
    return project


def verify(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", "verify", *args, "--", "--ssot-implementation", "Greeter,LoudGreeter"],
        cwd=project, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.mark.parametrize("workers", ["0", "2"])
def test_verify_writes_only_reports_and_its_cache_and_gives_no_git_apply_advice(
    toy: Path, workers: str
) -> None:
    before = files(toy)
    done = verify(toy, "-n", workers)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "test_greets_any_name" in done.stdout  # the divergence was found and accepted
    assert "git apply" not in done.stdout + done.stderr
    new = files(toy) - before
    assert {n.split("/")[0] for n in new} <= {"reports", ".ssot-cache"}, sorted(new)
    assert "reports/equivalence-matrix.json" in new
    assert not any("/patches/" in n for n in new), sorted(new)


def test_a_real_hypothesis_failure_keeps_its_patch_in_the_cache_folder(toy: Path) -> None:
    (toy / "toycontracts" / "divergences.toml").write_text("")
    before = files(toy)
    done = verify(toy, "-n", "0")
    assert done.returncode == 1
    new = files(toy) - before
    assert {n.split("/")[0] for n in new} <= {"reports", ".ssot-cache"}, sorted(new)


def test_a_migration_steps_suite_run_leaves_the_tree_as_clean_as_verify(toy: Path) -> None:
    """`step` runs the same contracts as verify: hypothesis's storage, bytecode and pytest's cache
    go to the cache folder (on the previous main it left .hypothesis/, __pycache__/ and
    .pytest_cache/ in the user's tree)."""
    from harness.config import load_config
    from harness.finish.step import tests_green

    before = files(toy)
    check = tests_green(
        load_config(toy / "pyproject.toml"),
        toy / "pyproject.toml",
        "0",
        ["--ssot-implementation", "Greeter,LoudGreeter"],
    )
    assert check.ok, check.detail
    new = files(toy) - before
    assert new and {n.split("/")[0] for n in new} == {".ssot-cache"}, sorted(new)
