"""What every fuzz test shares: the settings (a fixed number of derandomized examples in the suite,
more and new ones under `SSOT_FUZZ_EXAMPLES`), junk of every TOML and JSON type, a document
mutated at drawn paths, and the one acceptable failure: the harness's own error naming the file."""

from __future__ import annotations

import copy
import datetime
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from harness.errors import HarnessError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("SSOT_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    # the suite's run sees the same inputs every time (a failure reproduces by rerunning); a
    # nightly run with SSOT_FUZZ_EXAMPLES set explores new ones
    derandomize="SSOT_FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_SCALARS = (
    st.booleans()
    | st.integers(-2, 3)
    | st.floats(allow_nan=False, allow_infinity=False, width=32)
    | st.text(max_size=6)
    | st.sampled_from(["", " ", "*", "a:b", "x.y:Z", "2020-01-01", "../..", "[", "\x00"])
)
TOML_JUNK = st.recursive(
    _SCALARS | st.dates(datetime.date(1999, 1, 1), datetime.date(2100, 1, 1)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=5,
)
JSON_JUNK = st.recursive(
    _SCALARS | st.none(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=5,
)


def json_type(value: Any) -> str:
    """The JSON type of a decoded value (a bool is not a number, an int is one)."""
    if isinstance(value, bool) or value is None:
        return repr(value)  # true, false and null: each its own
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += paths(v, (*prefix, i))
    return out


def get(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


@st.composite
def mutated(
    draw: st.DrawFn, original: Any, junk: st.SearchStrategy[Any], *, retype: bool = False
) -> Any:
    """`original` with one to three mutations, each at a path drawn from the document: a value
    replaced by junk, a key dropped or added, a list of strings turned into its first string.

    `retype`: only damage a reader can see (junk of another JSON type than the value it replaces,
    keys dropped from tables but never items from lists): what a corrupt cache looks like, as
    opposed to a plausible edit that a reader cannot tell from the real thing."""
    doc = copy.deepcopy(original)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths(doc)))
        if not path:
            continue
        parent, last = get(doc, path[:-1]), path[-1]
        value = parent[last]
        ops = ["junk", "add-key"] + (["drop"] if isinstance(parent, dict) or not retype else [])
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            ops.append("list-to-string")
        op = draw(st.sampled_from(ops))
        if op == "junk":
            kind = json_type(value)
            parent[last] = draw(junk.filter(lambda j, kind=kind: json_type(j) != kind) if retype else junk)
        elif op == "drop":
            del parent[last]
        elif op == "add-key" and isinstance(value, dict):
            value[draw(st.text(min_size=1, max_size=5))] = draw(junk)
        elif op == "list-to-string":
            parent[last] = value[0]
    return doc


def either_result_or_our_error(call: Any, *names: str) -> Any:
    """`call()`'s result; a HarnessError must name one of `names` (the file, the key)."""
    try:
        return call()
    except HarnessError as exc:
        message = str(exc)
        assert any(n in message for n in names), f"error names neither of {names}: {message}"
        return exc
