"""The run-time pin: in a pinned family with a `product`, a golden-path or contract test that builds
the product other than through the canonical fails, naming where it was built.

Each test runs pytest in process (pytester) over a copy of the motor fixture, so the pin's hooks run
in this interpreter, as they would under the user's pytest."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from harness.model import Family, MemberRef
from harness.pin.runtime import Guard

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "finish" / "motor"
PIN = "family 'engine-factory' is pinned to motor.factory:EngineFactory, but motor.engine:Engine was built without it at "
THROUGH = "; build it through motor.factory:EngineFactory"


@pytest.fixture
def motor(pytester: pytest.Pytester) -> pytest.Pytester:
    shutil.copytree(FIXTURE, pytester.path, dirs_exist_ok=True)
    return pytester


def _edit(tree: Path, rel: str, old: str, new: str, count: int = -1) -> None:
    path = tree / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _calls(pytester: pytest.Pytester) -> dict[str, tuple[str, str]]:
    """test name -> (outcome, the failure's message) of each test's call phase, run in process."""
    recorded = pytester.inline_run("-p", "no:randomly", "-p", "no:xdist", "-p", "no:cacheprovider")
    return {
        r.nodeid.split("::")[-1]: (r.outcome, r.longrepr.reprcrash.message if r.failed else "")
        for r in recorded.getreports("pytest_runtest_logreport")
        if r.when == "call"
    }


def _pin(where: Path, line: int, function: str) -> str:
    return f"{PIN}{where}:{line} in {function}{THROUGH}"


def test_a_product_built_without_the_canonical_fails_the_pin(motor: pytest.Pytester) -> None:
    calls = _calls(motor)
    assert {name: outcome for name, (outcome, _) in calls.items()} == {
        "test_through_the_canonical": "passed",  # EngineFactory.create: a method of the canonical
        "test_built_directly": "failed",
        "test_built_by_a_shortcut": "failed",
        "test_unmarked_tests_are_not_checked": "passed",
    }
    tests = motor.path / "tests" / "test_engines.py"
    assert f"run-time pin:\n{_pin(tests, 14, 'test_built_directly')}" in calls["test_built_directly"][1]
    # in the canonical's module, but not the canonical
    assert _pin(motor.path / "motor" / "factory.py", 11, "shortcut") in calls["test_built_by_a_shortcut"][1]


def test_a_family_still_in_prove_is_not_checked_at_run_time(motor: pytest.Pytester) -> None:
    _edit(motor.path, "pyproject.toml", 'stage = "pinned"', 'stage = "prove"')
    assert {outcome for outcome, _ in _calls(motor).values()} == {"passed"}


MORE_TESTS = '''
import pytest

from motor.engine import Engine
from motor.factory import EngineFactoryV2
from motor.other import EngineFactory


@pytest.mark.contract
def test_each_place_once_in_the_order_built():
    for name in ("a", "b"):
        Engine(name)
    Engine("c")


@pytest.mark.contract
def test_its_own_failure_comes_first():
    Engine("x")
    assert False, "its own failure"


@pytest.mark.contract
def test_a_longer_name_is_not_the_canonical():
    EngineFactoryV2().create("x")


@pytest.mark.golden_path
def test_the_canonicals_name_in_another_file_is_not_the_canonical():
    EngineFactory().create("x")


@pytest.mark.contract
def test_a_later_test_starts_clean():
    pass


@pytest.mark.contract
def test_the_canonical_may_build_through_helpers():
    from motor.factory import EngineFactory as Canonical

    assert Canonical().create_via_helper("x").user == "x"
'''


def test_each_bypass_is_named_once_and_only_where_it_was_built(motor: pytest.Pytester) -> None:
    _edit(motor.path, "motor/factory.py", "def shortcut", (
        "class EngineFactoryV2:\n    def create(self, user: str) -> Engine:\n        return Engine(user)\n\n\n"
        "def shortcut"
    ))  # fmt: skip
    _edit(motor.path, "motor/factory.py", "        return Engine(user)\n", (
        "        return Engine(user)\n\n    def create_via_helper(self, user: str) -> Engine:\n"
        "        from motor.helpers import build\n\n        return build(user)\n"
    ), count=1)  # fmt: skip
    (motor.path / "motor" / "helpers.py").write_text(
        "from motor.engine import Engine\n\n\ndef build(user: str) -> Engine:\n    return Engine(user)\n"
    )
    (motor.path / "motor" / "other.py").write_text(
        "from motor.engine import Engine\n\n\nclass EngineFactory:\n"
        "    def create(self, user: str) -> Engine:\n        return Engine(user)\n"
    )
    (motor.path / "tests" / "test_more.py").write_text(MORE_TESTS)
    calls = _calls(motor)
    more = motor.path / "tests" / "test_more.py"
    message = calls["test_each_place_once_in_the_order_built"][1]
    first, second = (
        _pin(more, 12, "test_each_place_once_in_the_order_built"),
        _pin(more, 13, "test_each_place_once_in_the_order_built"),
    )
    assert message.count(PIN) == 2 and message.index(first) < message.index(second)
    own = calls["test_its_own_failure_comes_first"]
    assert own[0] == "failed" and "its own failure" in own[1] and "run-time pin" not in own[1]
    factory, other = motor.path / "motor" / "factory.py", motor.path / "motor" / "other.py"
    assert _pin(factory, 16, "EngineFactoryV2.create") in calls["test_a_longer_name_is_not_the_canonical"][1]
    assert _pin(other, 6, "EngineFactory.create") in (
        calls["test_the_canonicals_name_in_another_file_is_not_the_canonical"][1]
    )
    assert calls["test_a_later_test_starts_clean"] == ("passed", "")
    assert calls["test_the_canonical_may_build_through_helpers"] == ("passed", "")  # the canonical is up the stack


def test_the_pin_checks_the_projects_own_marker_names(motor: pytest.Pytester) -> None:
    _edit(motor.path, "pyproject.toml", 'roots = ["motor"]', 'roots = ["motor"]\nmarkers = { contract = "pin_contract" }')
    _edit(motor.path, "tests/test_engines.py", "@pytest.mark.contract\ndef test_built_directly",
          "@pytest.mark.pin_contract\ndef test_built_directly")  # fmt: skip
    _edit(motor.path, "tests/test_engines.py", "@pytest.mark.contract\ndef test_through",
          "@pytest.mark.contract  # the project's own marker now: not the harness's\ndef test_through")  # fmt: skip
    _edit(motor.path, "tests/test_engines.py", "EngineFactory().create", "Engine")
    calls = _calls(motor)
    assert calls["test_built_directly"][0] == "failed" and PIN in calls["test_built_directly"][1]
    assert calls["test_through_the_canonical"] == ("passed", "")  # built directly, but not checked
    assert calls["test_built_by_a_shortcut"][0] == "failed"  # golden_path keeps its name


def test_a_product_nested_in_a_class_is_found(motor: pytest.Pytester) -> None:
    (motor.path / "motor" / "nested.py").write_text(
        "class Outer:\n    class Part:\n        def __init__(self, user: str) -> None:\n            self.user = user\n"
    )
    _edit(motor.path, "pyproject.toml", 'product = "motor.engine:Engine"', 'product = "motor.nested:Outer.Part"')
    (motor.path / "tests" / "test_engines.py").write_text(
        "import pytest\nfrom motor.nested import Outer\n\n\n"
        "@pytest.mark.contract\ndef test_built_directly():\n    assert Outer.Part('bob').user == 'bob'\n"
    )
    (outcome, text), *_ = _calls(motor).values()
    assert outcome == "failed" and "but motor.nested:Outer.Part was built without it" in text


@pytest.mark.parametrize("product", ["motor.engine:Nope", "motor.nowhere:Engine", "motor.engine:Engine.nope"])
def test_a_product_that_does_not_import_is_a_usage_error_naming_it(motor: pytest.Pytester, product: str) -> None:
    _edit(motor.path, "pyproject.toml", 'product = "motor.engine:Engine"', f'product = "{product}"')
    result = motor.runpytest_inprocess("-p", "no:randomly", "-p", "no:xdist", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [f"ERROR: ssot-harness: [[]tool.ssot-harness.families.engine-factory] product: {product} does not import (*)"]
    )


def test_a_guard_records_only_while_a_guarded_test_runs() -> None:
    family = Family("f", canonical=MemberRef("m", "C"), product=MemberRef("m", "P"))
    guard = Guard(family, __file__, "C")
    guard.record(sys._getframe())
    assert guard.bypasses == []
    guard.active = True
    line = sys._getframe().f_lineno + 1
    guard.record(sys._getframe())
    guard.record(None)  # a build with no Python frame above it
    assert guard.bypasses == [f"{__file__}:{line} in test_a_guard_records_only_while_a_guarded_test_runs", "?"]
