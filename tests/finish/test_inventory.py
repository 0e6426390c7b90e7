"""`ssot-harness inventory`: tests per member measured by coverage contexts, serial and under xdist."""

from __future__ import annotations

import json

CANONICAL = "kitchen.ovens:Oven"


def _inventory(cli, kitchen, *args: str) -> dict:
    outcome = cli("inventory", "--config", kitchen / "pyproject.toml", "--format", "json", *args)
    assert outcome.code == 0, outcome.err
    (family,) = json.loads(outcome.out)["families"]
    return family


def test_each_member_lists_the_tests_that_execute_it(cli, kitchen) -> None:
    family = _inventory(cli, kitchen)
    tests = {m["member"]: m["tests"] for m in family["members"]}
    assert tests["kitchen.old:SlowOven"] == ["tests/test_kitchen.py::test_supper"]
    assert tests["kitchen.ovens:get_oven_class"] == ["tests/test_kitchen.py::test_breakfast"]
    # an alias is the canonical's code: the canonical lists the tests that go through the alias
    assert "tests/test_kitchen.py::test_lunch" in tests[CANONICAL]
    assert "tests/test_kitchen.py::test_supper" not in tests[CANONICAL]
    assert family["only_non_canonical"] == [
        {"test": "tests/test_kitchen.py::test_supper", "members": ["kitchen.old:SlowOven"]}
    ]
    assert family["unexercised"] == []


def test_a_selection_leaves_members_unexercised(cli, kitchen) -> None:
    family = _inventory(cli, kitchen, "-m", "not slow")
    assert family["unexercised"] == ["kitchen.old:SlowOven"]
    assert family["only_non_canonical"] == []


def test_serial_and_xdist_give_the_same_bytes(cli, kitchen) -> None:
    serial = cli("inventory", "--config", kitchen / "pyproject.toml", "--format", "json")
    parallel = cli(
        "inventory", "--config", kitchen / "pyproject.toml", "--format", "json", "-n", "2"
    )
    assert serial.code == parallel.code == 0
    assert parallel.out == serial.out.replace(
        '"selection": []', '"selection": [\n    "-n",\n    "2"\n  ]'
    )


def test_markdown_and_text_name_the_tests_to_move(cli, kitchen) -> None:
    md = cli("inventory", "--config", kitchen / "pyproject.toml", "--format", "markdown").out
    assert "- `tests/test_kitchen.py::test_supper` (`kitchen.old:SlowOven`)" in md
    text = cli("inventory", "--config", kitchen / "pyproject.toml").out
    assert "tests exercising only non-canonical members (1)" in text


def test_an_empty_selection_is_a_usage_error(cli, kitchen) -> None:
    outcome = cli("inventory", "--config", kitchen / "pyproject.toml", "-m", "no_such_marker")
    assert outcome.code == 2
    assert "collected no tests" in outcome.err and "Traceback" not in outcome.err
