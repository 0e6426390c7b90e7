"""A member mapped onto its family's protocol, as data (`MemberAdapter`), and what runs protocol calls
through one: a case of calls played into a trace, one call's kind of answer, values as stable text.

What `ssot-harness scaffold` writes builds on these; a hand-written adapter may use them too."""

from __future__ import annotations

import asyncio
import copy
import inspect
import re
import types
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from harness.errors import ScaffoldTODO
from harness.prove.canonical import Unsupported, labels
from harness.prove.differential import assert_equivalent

Call = tuple[int, str, dict[str, Any]]  # (which built object, protocol method, keyword arguments)
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_DEPTH = 3


@dataclass(frozen=True)
class Preserved:
    """Attributes of a class or module that a member keeps process-wide state in: saved before each
    use of the member and put back after, so one generated case cannot leak into the next."""

    owner: Any
    names: tuple[str, ...]

    def save(self) -> Callable[[], None]:
        missing = object()
        saved = {n: _copied(getattr(self.owner, n, missing)) for n in self.names}

        def restore() -> None:
            for name, value in saved.items():
                if value is missing:
                    if hasattr(self.owner, name):
                        delattr(self.owner, name)
                else:
                    setattr(self.owner, name, value)

        return restore


def preserve(owner: Any, *names: str) -> Preserved:
    """`preserve(AClass, "_instances")`, `preserve(a_module, "_engine")`: state restored after each use."""
    return Preserved(owner, names)


def _copied(value: Any) -> Any:
    return copy.copy(value) if isinstance(value, dict | list | set | bytearray) else value


Method = str | Callable[..., Any]  # the member's own method name, or fn(obj, **arguments)


@dataclass(frozen=True)
class MemberAdapter:
    """One member exposed through the protocol: `build()` gives the object a use of the member gets
    (the way its callers get it), `methods` say which of its methods plays each protocol method."""

    member: str  # "module:qualname", as the static audit names it
    build: Callable[[], Any]
    methods: Mapping[str, Method] = field(default_factory=dict)
    state: tuple[Preserved, ...] = ()

    def __repr__(self) -> str:  # hypothesis prints it with each failing case: the member is enough
        return f"MemberAdapter({self.member!r})"

    @contextmanager
    def use(self) -> Iterator[Callable[[], Any]]:
        """Within it, each call of the yielded function builds one object; on exit the member's
        process-wide state (`state`) is as it was before."""
        restorers = [p.save() for p in self.state]
        try:
            yield self.build
        finally:
            for restore in reversed(restorers):
                restore()

    def call(self, obj: Any, method: str, arguments: Mapping[str, Any]) -> Any:
        """The protocol's `method` on `obj`: `arguments` in order, positionally (members name their
        parameters differently: `messages`, `email_messages`), those keyed `*name` by keyword."""
        try:
            mapped = self.methods[method]
        except KeyError:
            raise ScaffoldTODO(
                f"{self.member}: the adapter maps no method onto the protocol's {method!r} "
                f"(it maps: {', '.join(sorted(self.methods)) or 'none'})",
                where=f"the ADAPTER of {self.member}",
            ) from None
        positional = [v for k, v in arguments.items() if not k.startswith("*")]
        keywords = {k[1:]: v for k, v in arguments.items() if k.startswith("*")}
        if isinstance(mapped, str):
            return getattr(obj, mapped)(*positional, **keywords)
        return mapped(obj, *positional, **keywords)


def unsupported(adapter_member: str, operation: str) -> Unsupported:
    """The error an adapter raises for a protocol method the member has no way to do."""
    return Unsupported(adapter_member, operation)


def render(value: Any, depth: int = 0) -> str:
    """A value as text that is the same across runs and processes: reprs without addresses, plain
    objects as their type and public attributes, containers element by element (sets sorted)."""
    if value is None or isinstance(value, bool | int | float | complex | str | bytes):
        return repr(value)
    if depth >= _DEPTH:
        return f"{type(value).__name__}(...)"
    inner = depth + 1
    if isinstance(value, list | tuple):
        items = ", ".join(render(v, inner) for v in value)
        return f"[{items}]" if isinstance(value, list) else f"({items}{',' * (len(value) == 1)})"
    if isinstance(value, set | frozenset):
        return "{" + ", ".join(sorted(render(v, inner) for v in value)) + "}"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{render(k, inner)}: {render(v, inner)}" for k, v in value.items())
            + "}"
        )
    if isinstance(value, type | types.FunctionType | types.BuiltinFunctionType | types.MethodType):
        return f"<{type(value).__name__} {getattr(value, '__qualname__', '?')}>"
    if type(value).__repr__ is object.__repr__ and hasattr(value, "__dict__"):
        attrs = {k: v for k, v in sorted(vars(value).items()) if not k.startswith("_")}
        body = ", ".join(f"{k}={render(v, inner)}" for k, v in attrs.items())
        return f"{type(value).__name__}({body})"
    return _ADDRESS.sub("", repr(value))


def _answer(
    adapter: MemberAdapter, obj: Any, method: str, arguments: Mapping[str, Any], run: Any
) -> tuple[str, Any]:
    """('returns'|'awaits'|'raises'|'unsupported', value) of one call; TODOs propagate."""
    try:
        result = adapter.call(obj, method, arguments)
        if inspect.isawaitable(result):
            return "awaits", run(_awaited(result))
        return "returns", result
    except ScaffoldTODO:
        raise
    except Unsupported:
        return "unsupported", None
    except Exception as exc:
        return "raises", exc


async def _awaited(awaitable: Any) -> Any:
    return await awaitable


def _runner() -> Any:
    return asyncio.Runner()


def play(adapter: MemberAdapter, case: list[Call]) -> str:
    """The trace of `case` on one member: each call's answer, one line each. Objects are built on
    first use (`case` numbers them) inside one `use()`, and async methods run on one event loop."""
    lines = []
    with adapter.use() as new, _runner() as runner:
        built: dict[int, Any] = {}
        for i, (which, method, arguments) in enumerate(case):
            if which not in built:
                built[which] = new()
            obj = built[which]
            how, value = _answer(adapter, obj, method, arguments, runner.run)
            if how == "raises":
                shown = f"raises {type(value).__name__}"
            elif how == "unsupported":
                shown = "unsupported"
            else:
                shown = f"{how} " + ("self" if value is obj else render(value))
            lines.append(f"{i + 1}. [{which}] {method}({_arguments(arguments)}) -> {shown}")
    return "\n".join(lines)


def describe_calls(case: list[Call]) -> str:
    """A case of calls, one numbered line each: `[object] method(arguments)`."""
    return "\n".join(
        f"  {i + 1}. [{which}] {method}({_arguments(arguments)})"
        for i, (which, method, arguments) in enumerate(case)
    )


def _arguments(arguments: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={render(v)}" for k, v in arguments.items())


def kind_of(adapter: MemberAdapter, method: str, arguments: Mapping[str, Any]) -> str:
    """The kind of answer one call gives on a freshly built object: the type it returns (awaited
    for async methods), the exception it raises, or that the member cannot do it."""
    with adapter.use() as new, _runner() as runner:
        obj = new()
        how, value = _answer(adapter, obj, method, arguments, runner.run)
    if how == "unsupported":
        return "unsupported"
    if how == "raises":
        return f"raises {type(value).__name__}"
    return f"{how} " + ("self" if value is obj else type(value).__name__)


def assert_same_kind(
    implementation: MemberAdapter,
    canonical: MemberAdapter,
    method: str,
    arguments: Mapping[str, Any],
) -> None:
    """The member's `method` answers `arguments` with the same kind of thing as the canonical's."""
    if implementation is canonical:
        kind_of(canonical, method, arguments)  # the canonical builds and answers: no TODO left
        return
    case = [(0, method, dict(arguments))]
    member, reference = labels(implementation, canonical)
    assert_equivalent(
        case,
        member=member,
        canonical=reference,
        transcript_of=lambda who, c: kind_of(
            canonical if who == reference else implementation, method, arguments
        ),
        describe=describe_calls,
    )
