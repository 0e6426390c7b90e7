"""Arguments from annotations: one hypothesis strategy per parameter of a protocol method, drawn
from the canonical's type hints over small domains (so that equal values, a name used twice, come
up often), and the strategy of a case: a sequence of protocol calls on a few built objects.

A type of the family's own is drawn by `st.from_type`, so `st.register_type_strategy` in the
scaffolded strategies.py decides it; a hint that resolves to nothing drawable is a `ScaffoldTODO`
naming the line of strategies.py to fill in."""

from __future__ import annotations

import collections.abc
import enum
import sys
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import ResolutionFailed

from harness.errors import ScaffoldTODO

_SMALL_TEXT = st.text(alphabet="ab", max_size=2)
_ANYTHING = st.one_of(st.none(), st.integers(0, 2), _SMALL_TEXT)


class Made:
    """What a drawn callable returns: a fresh object each call, equal to the others of its label."""

    def __init__(self, label: int) -> None:
        self.label = label

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Made) and other.label == self.label

    def __hash__(self) -> int:
        return hash(("Made", self.label))

    def __repr__(self) -> str:
        return f"Made({self.label})"


class Returns:
    """A drawn callable: whatever its arguments, it returns a new `Made(label)`."""

    def __init__(self, label: int) -> None:
        self.label = label

    def __call__(self, *args: Any, **kwargs: Any) -> Made:
        return Made(self.label)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Returns) and other.label == self.label

    def __hash__(self) -> int:
        return hash(("Returns", self.label))

    def __repr__(self) -> str:
        return f"returns(Made({self.label}))"


def small(hint: Any, *, where: str = "strategies.py") -> st.SearchStrategy[Any]:
    """A strategy for `hint` over a small domain; the family's own types go to `st.from_type`."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any or hint is object:
        return _ANYTHING
    if hint is None or hint is type(None):
        return st.none()
    if hint is str:
        return _SMALL_TEXT
    if hint is bool:
        return st.booleans()
    if hint is int:
        return st.integers(-1, 3)
    if hint is float:
        return st.sampled_from([0.0, 1.5, -1.0])
    if hint is bytes:
        return st.binary(max_size=2)
    if origin is typing.Literal:
        return st.sampled_from(args)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(small(a, where=where) for a in args))
    if origin is typing.Annotated:
        return small(args[0], where=where)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return st.sampled_from(list(hint))
    if origin in (collections.abc.Callable, Callable) or hint in (
        collections.abc.Callable,
        Callable,
    ):
        return st.integers(0, 2).map(Returns)
    if origin in (
        list,
        collections.abc.Sequence,
        collections.abc.Iterable,
        collections.abc.Collection,
    ):
        return st.lists(small(args[0] if args else Any, where=where), max_size=3)
    if origin in (set, frozenset, collections.abc.Set):
        inner = st.sets(small(args[0] if args else Any, where=where), max_size=3)
        return inner.map(frozenset) if origin is frozenset else inner
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return st.lists(small(args[0], where=where), max_size=3).map(tuple)
        return st.tuples(*(small(a, where=where) for a in args))
    if origin in (dict, collections.abc.Mapping, collections.abc.MutableMapping):
        key, value = args if len(args) == 2 else (Any, Any)
        return st.dictionaries(small(key, where=where), small(value, where=where), max_size=2)
    return _from_type(hint, where)


def _from_type(hint: Any, where: str) -> st.SearchStrategy[Any]:
    def resolved() -> st.SearchStrategy[Any]:
        strategy = st.from_type(hint)
        try:
            strategy.validate()
        except (ResolutionFailed, TypeError) as exc:
            raise ScaffoldTODO(
                f"no strategy for {hint!r} ({exc}): register one, "
                f"st.register_type_strategy({getattr(hint, '__name__', hint)}, st.builds(...))",
                where=where,
            ) from None
        return strategy

    return st.deferred(resolved)


def _caller() -> str:
    frame = sys._getframe(2)
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


def hinted(owner: Any, method: str, parameter: str, **bound: Any) -> st.SearchStrategy[Any]:
    """The strategy of `parameter` of `owner.method`, from its resolved type hint (a type variable
    bound by `owner`'s generic bases, or in `bound`, becomes what it is bound to). Resolved when
    first drawn: an annotation that does not resolve is a `ScaffoldTODO` naming the calling line."""
    where = _caller()

    def resolved() -> st.SearchStrategy[Any]:
        function = getattr(owner, method)
        try:
            hints = typing.get_type_hints(function)
        except Exception as exc:
            raise ScaffoldTODO(
                f"the annotations of {getattr(owner, '__qualname__', owner)}.{method} do not resolve "
                f"({type(exc).__name__}: {exc}): replace this strategy with one of your own",
                where=where,
            ) from None
        if parameter not in hints:
            raise ScaffoldTODO(
                f"{method}({parameter}) is not annotated: draw it yourself here", where=where
            )
        hint = hints[parameter]
        if isinstance(hint, typing.TypeVar):
            hint = {**typevars(owner), **bound}.get(hint.__name__, hint.__bound__ or Any)
        return small(hint, where=where)

    return st.deferred(resolved)


def typevars(owner: Any) -> dict[str, Any]:
    """Type variable name -> what `owner`'s generic bases bind it to (`class A(Base[int])`)."""
    found: dict[str, Any] = {}
    for klass in reversed(getattr(owner, "__mro__", ())):
        for base in getattr(klass, "__orig_bases__", ()):
            origin = typing.get_origin(base)
            params = getattr(origin, "__parameters__", ())
            for param, arg in zip(params, typing.get_args(base), strict=False):
                if not isinstance(arg, typing.TypeVar):
                    found[param.__name__] = arg
                elif arg.__name__ in found:
                    found[param.__name__] = found[arg.__name__]
    return found


def todo(message: str) -> st.SearchStrategy[Any]:
    """A strategy still to be written: drawing it is a `ScaffoldTODO` naming the calling line."""
    where = _caller()

    def resolved() -> st.SearchStrategy[Any]:
        raise ScaffoldTODO(message, where=where)

    return st.deferred(resolved)


def calls(
    arguments: Mapping[str, Mapping[str, st.SearchStrategy[Any]]],
    *,
    objects: int = 2,
    max_calls: int = 6,
) -> st.SearchStrategy[list[tuple[int, str, dict[str, Any]]]]:
    """Cases for the differential: up to `max_calls` calls, each on one of `objects` built objects
    (two by default, so that state shared between them shows), of a method in `arguments` with
    keyword arguments drawn from its parameters' strategies."""
    if not arguments:
        raise ScaffoldTODO("the protocol has no method to call", where=_caller())
    one = st.one_of(
        *(
            st.tuples(
                st.integers(0, objects - 1), st.just(name), st.fixed_dictionaries(dict(params))
            )
            for name, params in sorted(arguments.items())
        )
    )
    return st.lists(one, min_size=1, max_size=max_calls)
