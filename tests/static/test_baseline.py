"""The ratchet: `baseline --update` only lowers counts; a rise needs --allow-increase and says so loudly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.errors import ConfigError
from harness.pin.baseline import Change, compare, load_baseline, ratchet, render_baseline
from tests.static.conftest import set_stage


def _counts(tree: Path) -> dict[str, dict[str, int]]:
    return json.loads((tree / ".ssot-baseline.json").read_text())["families"]


@pytest.fixture
def recorded(shop: Path, cli) -> Path:
    set_stage(shop, "notifier", "prove")
    result = cli("baseline", "--update", shop)
    assert result.code == 0 and "first baseline" in result.out
    return shop


def test_first_update_records_every_family_and_kind(recorded: Path) -> None:
    assert _counts(recorded) == {
        "engine-factory": {"definition": 4, "alias": 4, "reexport": 0, "import": 5, "reference": 1},
        "notifier": {"definition": 3, "alias": 0, "reexport": 0, "import": 2, "reference": 0},
    }


def test_update_lowers_counts_that_went_down(recorded: Path, cli) -> None:
    (recorded / "tools/cli.py").write_text(
        "def run():\n    return None\n"
    )  # a canonical import: no change
    (recorded / "src/plugins/extra/hooks.py").write_text("def hook(events):\n    return events\n")
    assert "below the baseline (import 2 -> 0)" in cli("audit", recorded).out
    result = cli("baseline", "--update", recorded)
    assert result.code == 0
    assert "lowered notifier import: 2 -> 0" in result.out
    assert _counts(recorded)["notifier"]["import"] == 0
    assert _counts(recorded)["engine-factory"]["import"] == 5


def test_update_refuses_to_raise_without_allow_increase(recorded: Path, cli) -> None:
    (recorded / "src/shop/more.py").write_text("from shop.engines import ShopEngineFactory\n")
    result = cli("baseline", "--update", recorded)
    assert result.code == 1
    assert "refusing to raise the baseline" in result.err
    assert "rose engine-factory import: 5 -> 6" in result.err
    assert _counts(recorded)["engine-factory"]["import"] == 5
    assert cli("audit", recorded).code == 1  # still failing: the rise is not accepted


def test_allow_increase_raises_with_a_loud_warning(recorded: Path, cli) -> None:
    (recorded / "src/shop/more.py").write_text("from shop.engines import ShopEngineFactory\n")
    result = cli("baseline", "--update", "--allow-increase", recorded)
    assert result.code == 0
    assert "WARNING: --allow-increase RAISED the baseline" in result.err
    assert "raised engine-factory import: 5 -> 6" in result.err
    assert _counts(recorded)["engine-factory"]["import"] == 6
    assert cli("audit", recorded).code == 0


def test_baseline_without_update_shows_the_comparison(recorded: Path, cli) -> None:
    assert "today's counts equal the baseline" in cli("baseline", recorded).out
    (recorded / "src/shop/more.py").write_text("from shop.engines import ShopEngineFactory\n")
    result = cli("baseline", recorded)
    assert result.code == 0 and "rose    engine-factory import: 5 -> 6" in result.out


def test_a_family_missing_from_the_baseline_fails_the_audit(recorded: Path, cli) -> None:
    path = recorded / ".ssot-baseline.json"
    data = json.loads(path.read_text())
    del data["families"]["notifier"]
    path.write_text(json.dumps(data))
    result = cli("audit", recorded)
    assert result.code == 1
    assert (
        "notifier [prove]: 4 members, 5 non-canonical places; not in the baseline yet" in result.out
    )


def test_ratchet_rules_without_files() -> None:
    old = {"f": {"definition": 3, "import": 2}}
    new, rises = ratchet(
        old, {"f": {"definition": 1, "import": 4}, "g": {"alias": 2}}, allow_increase=False
    )
    assert new["f"]["definition"] == 1 and new["f"]["import"] == 2 and new["g"]["alias"] == 2
    assert rises == [Change("f", "import", 2, 4)]
    raised, _ = ratchet(old, {"f": {"definition": 1, "import": 4}}, allow_increase=True)
    assert raised["f"]["import"] == 4
    assert compare(old, {"f": {"definition": 3, "import": 2}}) == ([], [])


def test_render_is_byte_stable() -> None:
    counts = {"b": {"import": 1}, "a": {"alias": 2}}
    text = render_baseline(counts)
    assert text == render_baseline(dict(reversed(list(counts.items()))))
    assert text.index('"a"') < text.index('"b"') and text.endswith("}\n")


def test_a_malformed_baseline_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text('{"families": {"f": {"imports": 1}}}')
    with pytest.raises(ConfigError, match="family 'f' must map kinds"):
        load_baseline(path)
    path.write_text("{")
    with pytest.raises(ConfigError, match="not a readable baseline"):
        load_baseline(path)
