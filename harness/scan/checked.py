"""Plain data read back from a cache file, checked to be of the shapes and types its writer writes.

A cache line whose digest is right may still hold what this version never writes (written by
another version, or edited by hand and sealed again): a reader checks what it decodes here, once,
and a TypeError naming the part is damage (the cache is rebuilt), never a value taken on trust.
Types are compared exactly (`type(x) is int`: a JSON true is not the number 1).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

__all__ = ["all_strings", "rows", "strings", "table"]


def table(value: Any, keys: Collection[str], what: str) -> dict[str, Any]:
    """`value`, a JSON object of exactly `keys`."""
    if type(value) is not dict or value.keys() != set(keys):
        raise TypeError(f"{what} is not a table of {', '.join(keys)}")
    return value


def rows(value: Any, shape: tuple[type, ...], what: str) -> list[list[Any]]:
    """`value`, a list of rows, each of the types `shape` column by column."""
    if type(value) is not list or not all(
        [type(row) is list and tuple(map(type, row)) == shape for row in value]
    ):
        raise TypeError(f"{what}: a row is not ({', '.join(t.__name__ for t in shape)})")
    return value


def strings(value: Any, what: str) -> list[str]:
    """`value`, a list of strings."""
    if not all_strings(value):
        raise TypeError(f"{what} is not a list of strings")
    return value  # type: ignore[no-any-return]


def all_strings(value: Any) -> bool:
    """Whether `value` is a list of strings."""
    return type(value) is list and all([type(item) is str for item in value])
