"""The pytest plugin is installed, registers the domain markers and loads every wing's part."""

import pytest


def test_markers_registered(pytestconfig: pytest.Config) -> None:
    lines = pytestconfig.getini("markers")
    for marker in ("golden_path", "contract", "ssot", "staging"):
        assert any(line.startswith(f"{marker}:") for line in lines), marker


def test_wing_parts_loaded(pytestconfig: pytest.Config) -> None:
    for part in ("characterize.golden_hooks", "prove.contract_hooks", "pin.audit_fixture"):
        assert pytestconfig.pluginmanager.has_plugin(f"harness.{part}"), part
