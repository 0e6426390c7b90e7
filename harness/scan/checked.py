"""Plain data read back from a cache file, checked to be of the shapes and types its writer writes.

A cache line whose digest is right may still hold what this version never writes (written by
another version, or edited by hand and sealed again): a reader checks what it decodes here, once,
and a TypeError naming the part is damage (the cache is rebuilt), never a value taken on trust.
Types are compared exactly (`type(x) is int`: a JSON true is not the number 1).

A file a user hands a command (a shard's result file) is checked with `shaped` when it is read
(`read_shaped`): what it does not hold is the harness's own error naming the file and the key.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from pathlib import Path
from typing import Any

from harness.errors import UsageError

__all__ = ["all_strings", "read_shaped", "rows", "shaped", "strings", "table"]


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


def shaped(value: Any, shape: Any, where: str = "") -> Any:
    """`value`, when it has `shape`, else a TypeError naming the key where it has not (`tests[2].line
    is a string, not an integer`). A shape is a type (exact), a tuple of shapes (any of them),
    `[shape]` (a list of such items), `{key: shape, ...}` (an object holding at least those keys)
    or `{str: shape}` (an object of any keys, each value of that shape)."""
    if type(shape) is tuple:
        for alternative in shape:
            try:
                return shaped(value, alternative, where)
            except TypeError:
                pass
        raise TypeError(f"{_key(where)} is {_a(value)}, not {' or '.join(map(_name, shape))}")
    if type(shape) is list:
        if type(value) is not list:
            raise TypeError(f"{_key(where)} is {_a(value)}, not a list")
        for i, item in enumerate(value):
            shaped(item, shape[0], f"{where}[{i}]")
        return value
    if type(shape) is dict:
        if type(value) is not dict:
            raise TypeError(f"{_key(where)} is {_a(value)}, not an object")
        if str in shape:
            for key, item in value.items():
                shaped(item, shape[str], f"{where}.{key}" if where else key)
            return value
        for key, inner in shape.items():
            at = f"{where}.{key}" if where else key
            if key not in value:
                raise TypeError(f"{_key(at)} is missing")
            shaped(value[key], inner, at)
        return value
    if type(value) is not shape:
        raise TypeError(f"{_key(where)} is {_a(value)}, not {_name(shape)}")
    return value


_NAMES = {
    dict: "an object",
    list: "a list",
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "true or false",
    type(None): "null",
}


def _name(shape: Any) -> str:
    if type(shape) is list:
        return "a list"
    if type(shape) is dict:
        return "an object"
    if type(shape) is tuple:
        return " or ".join(map(_name, shape))
    return _NAMES.get(shape, shape.__name__)


def _a(value: Any) -> str:
    return _NAMES.get(type(value), type(value).__name__)


def _key(where: str) -> str:
    return f"key {where}" if where else "the document"


def read_shaped(path: Path, shape: Any, what: str) -> Any:
    """The JSON document in `path`, of `shape`; else a usage error naming the file (and the key)."""
    try:
        return shaped(json.loads(path.read_text(encoding="utf-8")), shape)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, TypeError) as exc:
        raise UsageError(f"{path}: not {what} ({exc})") from None
