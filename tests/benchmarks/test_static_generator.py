"""The static benchmark's generator still produces a tree the audit reads (at a tiny size)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import monorepo  # noqa: E402

from harness.config import load_config  # noqa: E402
from harness.pin.audit import run_audit  # noqa: E402


def test_small_generated_tree_audits_with_its_planted_members(tmp_path: Path) -> None:
    monorepo.generate(tmp_path, files=60, seed=7, generated_mb=0.01)
    report = run_audit(load_config(tmp_path / "pyproject.toml"), require_baseline=False, use_cache=False)
    assert len(report.families) == 20
    factories = report.family("payment-gateway-factory")
    legacy = [m for m in factories.members if "Legacy" in m]
    assert len(legacy) == 6  # four in deep packages, two copies under backups/
    assert any(".backups." in m for m in legacy)
    assert not any("Config" in m or "Error" in m for m in factories.members)  # near names are not members
    assert report.skipped == ()
