"""The example project (examples/pricing) through every stage, as .ci/adoption takes it from the
built wheel, here against the checkout's install: the cheap checks in process, pytest runs in a
subprocess (the example loads its own hypothesis profile, which must not leak into this session)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import minimal_divergence  # tests/plugin/, beside this file
import pytest

from harness.cli import main
from harness.config import load_config
from harness.pin.audit import run_audit
from harness.pin.audit_fixture import SsotAudit

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "pricing"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy = tmp_path / "pricing"
    shutil.copytree(
        EXAMPLE, copy, ignore=shutil.ignore_patterns("__pycache__", ".ssot-cache", "reports")
    )
    return copy


def pytest_in(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:xdist", *args],
        cwd=project, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def outcomes(run: subprocess.CompletedProcess[str]) -> list[str]:
    return sorted(
        line
        for line in run.stdout.splitlines()
        if line.startswith(("PASSED", "FAILED", "ERROR", "SKIPPED"))
    )


def test_the_audit_finds_every_member_alias_and_importlib_import(project: Path, capsys) -> None:
    assert (
        main(
            [
                "audit",
                str(project),
                "--no-cache",
                "--format",
                "sarif",
                "--output",
                str(project / "a.sarif"),
            ]
        )
        == 0
    )
    results = json.dumps(json.loads((project / "a.sarif").read_text())["runs"][0]["results"])
    for member in (
        "pricing.legacy:legacy_cart_total",
        "pricing.fast:fast_cart_total",
        "pricing:old_cart_total",
    ):
        assert member in results
    family = run_audit(load_config(project / "pyproject.toml"), use_cache=False).family(
        "cart-total"
    )
    kinds = {(f.kind, f.location.split(":")[0]) for f in family.offenders}
    assert ("alias", "pricing/__init__.py") in kinds
    assert ("import", "pricing/checkout.py") in kinds  # the importlib.import_module of pricing.fast


def test_the_projects_own_tests_run_the_same_with_and_without_the_plugin(project: Path) -> None:
    without = pytest_in(project, "tests/test_pricing.py", "-rA", "-p", "no:ssot_harness")
    with_plugin = pytest_in(project, "tests/test_pricing.py", "-rA")
    assert without.returncode == with_plugin.returncode == 0, with_plugin.stdout
    assert outcomes(with_plugin) == outcomes(without)
    assert (
        "PASSED tests/test_pricing.py::test_the_projects_hypothesis_profile_is_in_force"
        in outcomes(with_plugin)
    )
    assert not (project / "reports").exists()


def test_the_divergence_is_found_shrunk_and_reported_until_declared(project: Path) -> None:
    (project / "pricing_ssot" / "cart_total" / "divergences.toml").write_text("")
    run = pytest_in(
        project, "pricing_ssot", "--ssot-hypothesis-profile", "ssot-ci", "--ssot-reports", "reports"
    )
    assert run.returncode == 1, run.stdout
    cells = json.loads((project / "reports" / "equivalence-matrix.json").read_text())["cells"]
    failed = {c["member"] for c in cells if c["outcome"] == "fail"}
    assert failed == {"legacy_cart_total", "old_cart_total"}
    lines, percent_off = minimal_divergence.check(
        project
    )  # diverges; nothing one step smaller does
    assert len(lines) == 2 and percent_off > 0
    assert (
        "Diff (canonical -> member):" in (project / "reports" / "equivalence-matrix.md").read_text()
    )


def test_pinning_fails_until_the_duplicates_are_deleted(project: Path) -> None:
    config = load_config(project / "pyproject.toml")
    with pytest.raises(
        AssertionError, match=r"pricing/legacy.py:6: definition pricing.legacy:legacy_cart_total"
    ):
        SsotAudit(config, use_cache=False).assert_single_implementation("cart-total")
    for name in ("pricing/legacy.py", "pricing/fast.py", "pricing/checkout.py"):
        (project / name).unlink()
    (project / "pricing" / "__init__.py").write_text(
        "from pricing.engine import cart_total\n\n__all__ = ['cart_total']\n"
    )
    SsotAudit(config, use_cache=False).assert_single_implementation("cart-total")
