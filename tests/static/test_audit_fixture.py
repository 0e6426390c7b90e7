"""The pytest side of the pin wing: assertions that pin a family, failing with a readable offender list."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import ConfigError
from harness.pin.audit_fixture import (
    SsotAudit,
    assert_single_implementation,
    assert_within_baseline,
)
from tests.static.conftest import set_stage


def test_single_implementation_lists_every_offender_with_the_canonical(shop: Path) -> None:
    audit = SsotAudit.from_pyproject(shop / "pyproject.toml", use_cache=False)
    with pytest.raises(AssertionError) as failure:
        audit.assert_single_implementation("notifier")
    message = str(failure.value)
    assert message.startswith(
        "family 'notifier' must have a single implementation, shop.notify:Notifier, but 5 other places remain:\n"
    )
    assert (
        "  src/shop/notify.py:9: definition shop.notify:LoudNotifier (class) -> use shop.notify:Notifier instead"
        in message.splitlines()
    )
    assert "src/plugins/extra/hooks.py:3: import shop.notify:LouderNotifier" in message


def test_single_implementation_passes_when_only_the_canonical_remains(shop: Path) -> None:
    (shop / "src/shop/legacy/sender.py").write_text(
        "def forward(events):\n    return list(events)\n"
    )
    (shop / "src/shop/notify.py").write_text(
        "class BaseNotifier:\n    pass\n\n\nclass Notifier(BaseNotifier):\n    pass\n"
    )
    (shop / "src/plugins/extra/hooks.py").write_text("from shop.notify import Notifier\n")
    pyproject = shop / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace('members = ["shop.legacy.sender:send_events"]\n', "")
    )
    assert_single_implementation("notifier", pyproject=pyproject)


def test_within_baseline_needs_a_baseline_and_fails_on_a_rise(shop: Path, cli) -> None:
    pyproject = shop / "pyproject.toml"
    with pytest.raises(AssertionError, match="has no baseline in .ssot-baseline.json"):
        assert_within_baseline("engine-factory", pyproject=pyproject)
    set_stage(shop, "notifier", "prove")
    assert cli("baseline", "--update", shop).code == 0
    assert_within_baseline("engine-factory", pyproject=pyproject)
    (shop / "src/shop/more.py").write_text("from shop.compat import FastEngineFactory\n")
    with pytest.raises(AssertionError) as failure:
        assert_within_baseline("engine-factory", pyproject=pyproject)
    assert "rose above the baseline: import 5 -> 6" in str(failure.value)
    assert "src/shop/more.py:1: import shop.compat:FastEngineFactory" in str(failure.value)


def test_an_unknown_family_is_a_config_error(shop: Path) -> None:
    with pytest.raises(ConfigError, match="no family named 'engines'"):
        SsotAudit.from_pyproject(shop / "pyproject.toml", use_cache=False).family("engines")
