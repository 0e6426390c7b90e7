"""The static benchmark's generator still produces a tree the audit reads (at a tiny size)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import static_audit  # noqa: E402

from harness.config import load_config  # noqa: E402
from harness.pin.audit import run_audit  # noqa: E402


def test_small_generated_tree_audits_with_its_planted_members(tmp_path: Path) -> None:
    static_audit.generate(tmp_path, files=60, seed=7)
    report = run_audit(load_config(tmp_path / "pyproject.toml"), require_baseline=False, use_cache=False)
    factories = report.family("payment-gateway-factory")
    assert len([m for m in factories.members if "Legacy" in m]) >= 12  # 24 spread over a few packages
    assert report.family("order-notifier").members
    assert report.skipped == ()
