"""The ratchet: identities and counts only shrink; a swap fails; a rise needs --allow-increase, loudly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.errors import ConfigError
from harness.model import KINDS
from harness.pin.baseline import (
    Change,
    FamilyBaseline,
    Judgement,
    judge,
    load_baseline,
    ratchet,
    render_baseline,
)
from tests.static.conftest import set_stage


def _families(tree: Path) -> dict:
    return json.loads((tree / ".ssot-baseline.json").read_text())["families"]


def _counts(tree: Path) -> dict[str, dict[str, int]]:
    return {name: body["counts"] for name, body in _families(tree).items()}


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
    assert "today's non-canonical places equal the baseline" in cli("baseline", recorded).out
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


def _fb(counts: dict[str, int], *entries: str) -> FamilyBaseline:
    return FamilyBaseline(counts, frozenset(entries))


def test_ratchet_rules_without_files() -> None:
    old = {"f": _fb({"definition": 2, "import": 2}, "definition m:A", "definition m:B")}
    today = {
        "f": _fb({"definition": 2, "import": 4}, "definition m:A", "definition m:C"),
        "g": _fb({"alias": 2}, "alias m:G"),
    }
    new, rises, added = ratchet(old, today, allow_increase=False)
    assert new["f"].entries == {"definition m:A"}  # B is gone, C is not let in
    assert new["f"].counts["import"] == 2 and new["f"].counts["definition"] == 2
    assert new["g"] == today["g"]  # a new family is recorded as it is
    assert rises == [Change("f", "import", 2, 4)] and added == ["f: definition m:C"]
    raised, _, _ = ratchet(old, today, allow_increase=True)
    assert raised["f"] == today["f"]


def test_render_is_byte_stable() -> None:
    baseline = {
        "b": _fb({"import": 1}, "import x:Y in z", "import x:A in z"),
        "a": _fb({"alias": 2}),
    }
    text = render_baseline(baseline)
    assert text == render_baseline(dict(reversed(list(baseline.items()))))
    assert text.index('"a"') < text.index('"b"') and text.endswith("}\n")
    assert text.index("x:A") < text.index("x:Y")


def test_a_swap_behind_an_equal_count_fails_naming_both(recorded: Path, cli) -> None:
    """Remove one non-canonical class and add another: the count stays 4, the audit fails."""
    legacy = recorded / "src/shop/legacy/old_factory.py"
    legacy.write_text(legacy.read_text().replace("class LegacyEngineFactory", "class LegacyThing"))
    (recorded / "src/shop/brand_new.py").write_text("class BrandNewEngineFactory:\n    pass\n")
    result = cli("audit", recorded)
    assert result.code == 1, result.out
    assert "definitions: 4 non-canonical of 5, baseline 4" in result.out
    assert "added definition shop.brand_new:BrandNewEngineFactory" in result.out
    assert "removed definition shop.legacy.old_factory:LegacyEngineFactory" in result.out
    update = cli("baseline", "--update", recorded)
    assert update.code == 1
    assert "new engine-factory: definition shop.brand_new:BrandNewEngineFactory" in update.err
    entries = _families(recorded)["engine-factory"]["entries"]
    assert "definition shop.legacy.old_factory:LegacyEngineFactory" not in entries
    assert "definition shop.brand_new:BrandNewEngineFactory" not in entries


def test_an_import_site_moving_to_another_module_is_a_new_entry(recorded: Path, cli) -> None:
    app = recorded / "src/shop/app.py"
    moved = app.read_text()
    app.write_text("")
    (recorded / "src/shop/app2.py").write_text(moved)
    result = cli("audit", recorded)
    assert result.code == 1
    assert "added import shop.compat:FastEngineFactory in shop.app2" in result.out


def test_a_count_only_baseline_is_read_then_migrated(recorded: Path, cli) -> None:
    path = recorded / ".ssot-baseline.json"
    v1 = {"version": 1, "families": _counts(recorded)}
    path.write_text(json.dumps(v1))
    shown = cli("baseline", recorded)
    assert "recorded by count only (version 1 baseline)" in shown.out
    assert cli("audit", recorded).code == 0
    result = cli("baseline", "--update", recorded)
    assert result.code == 0
    assert (
        "migrated engine-factory, notifier from counts only (version 1) to member identities"
        in (result.out)
    )
    assert json.loads(path.read_text())["version"] == 2
    assert (
        "definition shop.legacy.old_factory:LegacyEngineFactory"
        in _families(recorded)["engine-factory"]["entries"]
    )


def test_a_malformed_baseline_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text('{"families": {"f": {"imports": 1}}}')
    with pytest.raises(ConfigError, match="family 'f' must map kinds"):
        load_baseline(path)
    path.write_text("{")
    with pytest.raises(ConfigError, match="not a readable baseline"):
        load_baseline(path)


ZERO = dict.fromkeys(KINDS, 0)


def test_the_rendering_is_two_space_json_every_kind_counted_a_missing_kind_as_none() -> None:
    baseline = {"f": _fb({"import": 1}, "import x:A in z"), "g": FamilyBaseline({"alias": 2})}
    assert render_baseline(baseline) == (
        '{\n  "version": 2,\n  "families": {\n    "f": {\n      "counts": {\n        "definition": 0,\n'
        '        "alias": 0,\n        "reexport": 0,\n        "import": 1,\n        "reference": 0\n      },\n'
        '      "entries": [\n        "import x:A in z"\n      ]\n    },\n    "g": {\n      "counts": {\n'
        '        "definition": 0,\n        "alias": 2,\n        "reexport": 0,\n        "import": 0,\n'
        '        "reference": 0\n      }\n    }\n  }\n}\n'
    )


def test_a_file_without_a_version_is_read_as_counts_only_and_missing_kinds_count_none(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text('{"families": {"f": {"import": 2}}}')
    assert load_baseline(path) == {"f": FamilyBaseline({**ZERO, "import": 2}, None)}
    path.write_text('{"version": 2, "families": {"f": {"counts": {"alias": 1}, "entries": ["alias m:A"]}}}')
    assert load_baseline(path) == {"f": FamilyBaseline({**ZERO, "alias": 1}, frozenset({"alias m:A"}))}
    assert load_baseline(tmp_path / "none.json") is None


@pytest.mark.parametrize(
    "text",
    ["[]", '{"version": 3, "families": {}}', '{"version": 2}', '{"version": 2, "families": []}',
     '{"version": 1, "families": "f"}'],
)  # fmt: skip
def test_a_file_that_is_no_baseline_says_so_and_what_to_do(tmp_path: Path, text: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_baseline(path)
    assert str(caught.value) == (
        f"{path}: not a baseline of version 1 or 2 with a 'families' table; restore it from version "
        "control or delete it and run `ssot-harness baseline --update`"
    )


def test_a_family_with_bad_counts_or_entries_is_named(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text('{"version": 2, "families": {"f": {"counts": {"import": -1}}}}')
    with pytest.raises(ConfigError) as caught:
        load_baseline(path)
    assert str(caught.value) == (
        f"{path}: family 'f' must map kinds (definition, alias, reexport, import, reference) to whole "
        'counts >= 0 (got {"import": -1})'
    )
    path.write_text('{"version": 2, "families": {"f": {"counts": {}, "entries": ["a", 1]}}}')
    with pytest.raises(ConfigError) as caught:
        load_baseline(path)
    assert str(caught.value) == f"{path}: family 'f' entries must be a list of strings"


def test_judging_counts_only_still_sees_rises_and_drops() -> None:
    old = FamilyBaseline({"import": 2, "alias": 1})
    now = _fb({"import": 3, "definition": 1}, "import m:A in z")
    assert judge("f", old, now) == Judgement(
        rises=(Change("f", "definition", 0, 1), Change("f", "import", 2, 3)),
        drops=(Change("f", "alias", 1, 0),),
    )  # no identities to compare: nothing added or removed
    assert str(Change("f", "import", None, 3)) == "f import: absent -> 3"
    assert str(Change("f", "import", 2, 3)) == "f import: 2 -> 3"


def test_a_rise_over_a_counts_only_baseline_keeps_it_counts_only() -> None:
    old = {"f": FamilyBaseline({**ZERO, "import": 1}), "g": FamilyBaseline({**ZERO, "import": 1})}
    today = {"f": _fb({**ZERO, "import": 2}, "import m:A in z", "import m:B in z"),
             "g": _fb({**ZERO, "import": 1}, "import m:A in y")}  # fmt: skip
    new, rises, added = ratchet(old, today, allow_increase=False)
    assert new["f"] == FamilyBaseline({**ZERO, "import": 1}, None)  # not migrated while it rose
    assert new["g"] == today["g"]  # migrated: its count did not rise
    assert rises == [Change("f", "import", 1, 2)] and added == []


def test_allowing_an_increase_reports_every_familys_rises_and_additions() -> None:
    old = {name: _fb({**ZERO, "import": 1}, "import m:A in z") for name in ("f", "g")}
    today = {name: _fb({**ZERO, "import": 2}, "import m:A in z", "import m:B in z") for name in ("f", "g")}
    new, rises, added = ratchet(old, today, allow_increase=True)
    assert new == today
    assert rises == [Change("f", "import", 1, 2), Change("g", "import", 1, 2)]
    assert added == ["f: import m:B in z", "g: import m:B in z"]


def test_a_kind_missing_on_either_side_of_the_ratchet_counts_as_none() -> None:
    old = {"f": _fb({"import": 2, "alias": 1}, "import m:A in z")}
    today = {"f": _fb({"import": 2, "reference": 3}, "import m:A in z")}
    new, rises, _ = ratchet(old, today, allow_increase=False)
    assert new["f"].counts == {**ZERO, "import": 2}  # the alias went, the references are not let in
    assert rises == [Change("f", "reference", 0, 3)]


def test_an_unreadable_baseline_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_bytes(b'{"version": 2, "families": {"\xff": {}}}')
    with pytest.raises(ConfigError) as caught:
        load_baseline(path)
    assert str(caught.value) == (
        f"{path}: not valid UTF-8 (byte 29); a baseline is JSON written by `ssot-harness baseline --update`: "
        "restore it from version control or delete it and record a new one"
    )
    path.write_text('{"version": 2,')
    with pytest.raises(ConfigError) as caught:
        load_baseline(path)
    message = str(caught.value)  # the JSON parser's own words in the middle
    assert message.startswith(f"{path}: not a readable baseline (") and "line 1 column 15" in message
    assert message.endswith("); fix it or delete it and run `ssot-harness baseline --update`")
