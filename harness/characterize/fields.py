"""An event's fields by JSON pointer: the ones a description ignores, the ones left once the named
pieces are shown (nothing else is dropped), and the declared ordering field's check within a run."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from typing import Any

from harness.characterize.wire import MISSING, EventShape, pointer_get

_WILDCARDS = frozenset("*?[")


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _matches(pointer: str, patterns: Sequence[str]) -> bool:
    """`pointer` is one of `patterns`, or matches one with shell wildcards (`*` spans levels)."""
    return any(
        pointer == p or (bool(_WILDCARDS & set(p)) and fnmatch.fnmatchcase(pointer, p))
        for p in patterns
    )


def without(value: Any, patterns: Iterable[str], at: str = "") -> Any:
    """`value` without the fields whose pointer matches `patterns`; an object or list emptied by
    the removal goes too (one that was empty to begin with stays: it is data)."""
    patterns = tuple(patterns)
    if not patterns:
        return value
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, child in value.items():
            pointer = f"{at}/{_escape(str(key))}"
            if _matches(pointer, patterns):
                continue
            kept = without(child, patterns, pointer)
            if kept is not MISSING:
                out[key] = kept
        return MISSING if value and not out else out
    if isinstance(value, list):
        items = []
        for index, child in enumerate(value):
            pointer = f"{at}/{index}"
            if _matches(pointer, patterns):
                continue
            kept = without(child, patterns, pointer)
            if kept is not MISSING:
                items.append(kept)
        return MISSING if value and not items else items
    return value


def ignored(event: Any, shape: EventShape) -> Any:
    """The event as a transcript shows it: the fields the description ignores taken out."""
    if not shape.ignore:
        return event
    kept = without(event, shape.ignore)
    return {} if kept is MISSING else kept


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def order_problems(events: Sequence[Any], shape: EventShape) -> list[str]:
    """Where the declared ordering field (`events.order`) does not increase strictly within a run,
    or an event of a run lacks it. Runs are told apart by the run id where one is declared, else
    a run ends at each terminal event. Events outside any run are not checked."""
    if shape.order is None:
        return []
    problems: list[str] = []
    last: dict[Any, Any] = {}
    segment = 0
    for index, event in enumerate(events):
        kind = shape.type_of(event)
        if shape.run is not None:
            run = pointer_get(event, shape.run, None)
            key = run
        else:
            run, key = segment, segment
        if run is not None:
            value = pointer_get(event, shape.order)
            where = f"event {index} ({kind}) of run {run}"
            if value is MISSING or not _is_number(value):
                shown = "no value" if value is MISSING else repr(value)
                problems.append(f"{where}: {shape.order} is {shown}, not a number")
            else:
                if key in last and not value > last[key]:
                    problems.append(
                        f"{where}: {shape.order} {value!r} does not increase (previous {last[key]!r})"
                    )
                last[key] = value
        if shape.run is None and shape.is_terminal(event):
            segment += 1
    return problems
