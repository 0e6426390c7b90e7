"""`ssot-harness plan FAMILY`: ordered steps from the audit, the declared divergences and the inventory."""

from __future__ import annotations

import json

import pytest


def _plan(cli, kitchen, *args: str) -> dict:
    outcome = cli("plan", "oven", "--config", kitchen / "pyproject.toml", "--format", "json", *args)
    assert outcome.code == 0, outcome.err
    return json.loads(outcome.out)


INVENTORY = {
    "selection": [],
    "families": [
        {
            "family": "oven",
            "members": [
                {"member": "kitchen.old:SlowOven", "tests": ["tests/test_kitchen.py::test_supper"]}
            ],
            "only_non_canonical": [
                {"test": "tests/test_kitchen.py::test_supper", "members": ["kitchen.old:SlowOven"]}
            ],
        }
    ],
}


def test_mechanical_moves_come_first_then_behaviour_changes_then_delete_and_pin(
    cli, kitchen
) -> None:
    plan = _plan(cli, kitchen)
    moves = [
        (s["member"].partition(":")[2], s["move"]) for s in plan["steps"] if s["action"] == "move"
    ]
    assert moves == [
        ("LegacyOven", "mechanical"),
        ("get_oven_class", "mechanical"),
        ("Stove", "mechanical"),
        ("SlowOven", "behaviour change"),
    ]
    assert [s["action"] for s in plan["steps"][-2:]] == ["delete", "pin"]
    assert plan["members_before"] == 7 and plan["members_after"] == 1


def test_each_step_names_callers_divergences_and_tests(cli, kitchen) -> None:
    (kitchen / "inventory.json").write_text(json.dumps(INVENTORY))
    steps = {
        s.get("member"): s
        for s in _plan(cli, kitchen, "--inventory", kitchen / "inventory.json")["steps"]
    }
    legacy = steps["kitchen.compat:LegacyOven"]
    assert legacy["codemod"] == "ssot-harness rewrite oven --member LegacyOven --apply"
    # the local `import ... as` aliases of LegacyOven are its callers, moved in the same step
    assert [c["location"] for c in legacy["callers"]] == [
        "kitchen/api.py:3",
        "kitchen/menu.py:7", "kitchen/menu.py:9", "kitchen/menu.py:13", "kitchen/menu.py:16"
    ]  # fmt: skip
    slow = steps["kitchen.old:SlowOven"]
    assert slow["codemod"] is None
    assert [d["contract"] for d in slow["divergences_to_fix_first"]] == [
        "test_bakes_at_the_asked_temperature"
    ]
    assert slow["tests_to_migrate"] == ["tests/test_kitchen.py::test_supper"]
    assert steps["kitchen.ovens:get_oven_class"]["kind"] == "getter-class"


def test_markdown_is_ordered_and_deterministic(cli, kitchen) -> None:
    first = cli("plan", "oven", "--config", kitchen / "pyproject.toml")
    second = cli("plan", "oven", "--config", kitchen / "pyproject.toml")
    assert first.code == 0 and first.out == second.out
    assert first.out.index("`LegacyOven`") < first.out.index("`SlowOven` (class; behaviour change)")
    assert "## Step 6. Pin" in first.out


def test_bad_inventory_and_unknown_family_are_usage_errors(cli, kitchen) -> None:
    (kitchen / "bad.json").write_text("{not json")
    bad = cli(
        "plan", "oven", "--config", kitchen / "pyproject.toml", "--inventory", kitchen / "bad.json"
    )
    assert bad.code == 2 and "bad.json: not the JSON of `ssot-harness inventory --format json`" in bad.err
    unknown = cli("plan", "grill", "--config", kitchen / "pyproject.toml")
    assert unknown.code == 2 and "no family named 'grill'" in unknown.err


@pytest.mark.parametrize(
    ("damage", "key"),
    [
        (lambda d: d.pop("families"), "key families is missing"),
        (lambda d: d["families"][0].update(family=["oven"]), "key families[0].family is a list"),
        (lambda d: d["families"][0]["members"][0].update(tests="t"), "members[0].tests is a string"),
        (lambda d: d["families"][0]["members"][0].pop("member"), "members[0].member is missing"),
        (lambda d: d["families"][0].update(only_non_canonical={}), "only_non_canonical is an object"),
        (lambda d: d["families"][0]["only_non_canonical"][0].update(members=[1]), "members[0] is an"),
    ],
)
def test_an_inventory_of_another_shape_names_the_file_and_key(cli, kitchen, damage, key) -> None:
    """A field of another type or a missing key is a usage error naming both, never a traceback
    (a list for `tests` was once read as its letters, a missing key raised KeyError)."""
    data = json.loads(json.dumps(INVENTORY))
    damage(data)
    path = kitchen / "inventory.json"
    path.write_text(json.dumps(data))
    bad = cli("plan", "oven", "--config", kitchen / "pyproject.toml", "--inventory", path)
    assert bad.code == 2 and f"error: {path}: not the JSON of" in bad.err and key in bad.err, bad.err
    assert "Traceback" not in bad.err


def test_callers_through_a_function_that_builds_the_member_are_its_callers(cli, kitchen) -> None:
    old = kitchen / "kitchen" / "old.py"
    old.write_text(
        old.read_text()
        + "\n\n_ovens = []\n\n\ndef make_slow_oven(**kwargs) -> SlowOven:\n    oven = SlowOven(**kwargs)\n"
        "    _ovens.append(oven)\n    return oven\n\n\ndef describe(oven: SlowOven) -> str:\n    return repr(oven)\n"
    )  # describe only names SlowOven in an annotation: it builds nothing, it is no wrapper
    (kitchen / "kitchen" / "startup.py").write_text(
        "import kitchen.old as legacy\n"
        "from kitchen.old import describe\n"
        "from kitchen.old import make_slow_oven as make\n"
        "from .old import make_slow_oven\n"
        "\n"
        "OVEN = make(temperature=150)\n"
        "SPARE = legacy.make_slow_oven()\n"
        "LABEL = describe(OVEN)\n"
        "__all__ = ['make_slow_oven']\n"
    )
    slow = {s.get("member"): s for s in _plan(cli, kitchen)["steps"]}["kitchen.old:SlowOven"]
    through = [
        (c["location"], c["detail"]) for c in slow["callers"] if c["kind"] == "through a wrapper"
    ]
    assert through == [
        (
            "kitchen/startup.py:4",
            "make_slow_oven(), which builds or returns SlowOven",
        ),  # imported, not called
        ("kitchen/startup.py:6", "make_slow_oven(), which builds or returns SlowOven"),
        ("kitchen/startup.py:7", "make_slow_oven(), which builds or returns SlowOven"),
    ]


def test_a_family_without_a_declarations_file_says_none(cli, kitchen) -> None:
    config = kitchen / "pyproject.toml"
    config.write_text(config.read_text().replace('divergences = "divergences.toml"\n', ""))
    markdown = cli("plan", "oven", "--config", config)
    assert markdown.code == 0, markdown.err
    assert "Declared divergences: none.\n" in markdown.out
    assert "None" not in markdown.out and "every declaration left in" not in markdown.out
    delete = [s for s in _plan(cli, kitchen)["steps"] if s["action"] == "delete"]
    assert delete[0]["divergences_file"] is None
    # with the file: named, in the summary and in the delete step
    (kitchen / "pyproject.toml").write_text(
        config.read_text().replace(
            'names = ["*Oven", "get_oven*"]\n',
            'names = ["*Oven", "get_oven*"]\ndivergences = "divergences.toml"\n',
        )
    )
    named = cli("plan", "oven", "--config", config).out
    assert "Declared divergences: `divergences.toml`." in named
    assert "every declaration left in `divergences.toml`" in named


def test_an_alias_of_a_name_outside_the_family_is_no_mechanical_move(cli, kitchen) -> None:
    # Django's gis geojson.py: `from django.core.serializers.json import Serializer as
    # JSONSerializer` binds the family's name to another class; moving its callers to the
    # canonical would change what they get
    (kitchen / "kitchen" / "grill.py").write_text(
        "from collections import OrderedDict as GrillOven\n\nRACK = GrillOven()\n"
    )
    steps = {s.get("member"): s for s in _plan(cli, kitchen)["steps"]}
    grill = steps["kitchen.grill:GrillOven"]
    assert grill["kind"] == "alias of a name outside the family"
    assert grill["move"] == "behaviour change" and grill["codemod"] is None
    assert steps["kitchen:Stove"]["codemod"]  # an alias of the canonical still moves
    refused = cli(
        "rewrite", "oven", "--config", kitchen / "pyproject.toml", "--member", "GrillOven"
    )
    assert refused.code == 2 and "is not a mechanical rename" in refused.err
