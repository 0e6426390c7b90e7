"""The runtime a scaffolded suite is written against: members that share a qualname get distinct
names, values render the same across runs, state is put back, arguments reach members positionally,
and strategies come from annotations (type variables bound by the generic base)."""

from __future__ import annotations

from typing import Generic, TypeVar

import pytest
from hypothesis import find, given

from harness import MemberAdapter, ScaffoldTODO, hinted, play, preserve, todo, unsupported
from harness.prove.member_cases import _labels

T = TypeVar("T")


def test_members_sharing_a_qualname_are_named_by_their_modules() -> None:
    labels = _labels({"a.smtp:EmailBackend", "a.locmem:EmailBackend", "a.x.dummy:Other", "b.x:Same", "c.x:Same"})
    assert labels == {
        "a.smtp:EmailBackend": "smtp.EmailBackend",
        "a.locmem:EmailBackend": "locmem.EmailBackend",
        "a.x.dummy:Other": "",
        "b.x:Same": "b.x.Same",
        "c.x:Same": "c.x.Same",
    }


class Plain:
    def __init__(self) -> None:
        self.name = "n"
        self._hidden = object()


class Shared:
    items: dict[str, int] = {}

    def put(self, key: str, value: int) -> None:
        self.items[key] = value

    def get(self, key: str) -> int:
        return self.items[key]


def test_play_renders_answers_stably_and_puts_state_back() -> None:
    adapter = MemberAdapter(
        member="tests:Shared",
        build=Shared,
        methods={"put": "put", "get": "get", "plain": lambda obj: Plain(), "nope": lambda obj: (_ for _ in ()).throw(unsupported("tests:Shared", "nope"))},
        state=(preserve(Shared, "items"),),
    )
    case = [(0, "put", {"key": "a", "value": 1}), (1, "get", {"key": "a"}), (0, "plain", {}), (0, "nope", {}), (1, "get", {"key": "b"})]
    trace = play(adapter, case)
    assert trace == (
        "1. [0] put(key='a', value=1) -> returns None\n"
        "2. [1] get(key='a') -> returns 1\n"
        "3. [0] plain() -> returns Plain(name='n')\n"
        "4. [0] nope() -> unsupported\n"
        "5. [1] get(key='b') -> raises KeyError"
    )
    assert Shared.items == {}  # put back
    assert play(adapter, case) == trace


def test_arguments_go_positionally_so_parameter_names_may_differ() -> None:
    class Other:
        def get(self, other_name: str) -> str:
            return other_name * 2

    adapter = MemberAdapter(member="tests:Other", build=Other, methods={"get": "get"})
    assert play(adapter, [(0, "get", {"key": "ab"})]) == "1. [0] get(key='ab') -> returns 'abab'"


def test_a_todo_is_an_error_naming_its_line_and_is_not_swallowed_by_play() -> None:
    def build():
        raise ScaffoldTODO("build it")

    line = build.__code__.co_firstlineno + 1
    with pytest.raises(ScaffoldTODO, match=rf"test_runtime.py:{line}: TODO: build it"):
        play(MemberAdapter(member="tests:X", build=build), [(0, "get", {})])


class Base(Generic[T]):
    def put(self, key: str, value: T) -> None: ...


class Ints(Base[int]):
    pass


@given(key=hinted(Ints, "put", "key"), value=hinted(Ints, "put", "value"))
def test_hinted_draws_small_values_and_binds_the_generic_base(key, value) -> None:
    assert isinstance(key, str) and set(key) <= {"a", "b"}
    assert isinstance(value, int) and not isinstance(value, bool)


def test_a_todo_strategy_names_the_line_that_made_it() -> None:
    strategy = todo("draw it")
    line = test_a_todo_strategy_names_the_line_that_made_it.__code__.co_firstlineno + 1
    with pytest.raises(ScaffoldTODO, match=rf"test_runtime.py:{line}: TODO: draw it"):
        find(strategy, lambda _: True)
