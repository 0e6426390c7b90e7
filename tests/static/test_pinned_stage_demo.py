"""A pinned family that still has more than its canonical fails its pin test, naming each offender."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "static" / "shop"

PIN_TEST = """
import pytest


@pytest.mark.ssot
def test_notifier_is_pinned(ssot_audit):
    ssot_audit.assert_single_implementation("notifier")


@pytest.mark.ssot
def test_engine_factory_is_still_being_proved(ssot_audit):
    assert len(ssot_audit.family("engine-factory").members) > 1
"""


def test_a_pinned_family_fails_its_pin_test_with_the_offenders(tmp_path: Path) -> None:
    tree = tmp_path / "shop"
    shutil.copytree(FIXTURE, tree)
    (tree / "test_pins.py").write_text(PIN_TEST)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            "-q",
            "test_pins.py",
        ],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 failed, 1 passed" in done.stdout
    assert (
        "family 'notifier' must have a single implementation, shop.notify:Notifier" in done.stdout
    )
    assert (
        "src/shop/notify.py:13: definition shop.notify:LouderNotifier (class) -> use shop.notify:Notifier instead"
        in done.stdout
    )
