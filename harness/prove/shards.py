"""Shards: `--ssot-shard K/N` keeps a deterministic 1/N of the collected tests, by test id.

A test goes to the shard its function's id (the node id without parameters) hashes to, with a
hash that is the same on every machine and under every PYTHONHASHSEED; all the parametrizations of
one contract (every member, every case) run in the same shard, so each shard's matrix cells and
stale-declaration check are whole and the shards' results combine by union."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import pytest

from harness.errors import UsageError

_SPEC = re.compile(r"^(\d+)/(\d+)$")


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based
    total: int

    def __str__(self) -> str:
        return f"{self.index}/{self.total}"

    @property
    def slug(self) -> str:
        return f"{self.index}-of-{self.total}"

    def holds(self, nodeid: str) -> bool:
        return shard_of(nodeid, self.total) == self.index


def parse_shard(text: str, *, what: str = "--shard") -> Shard:
    """`K/N` with 1 <= K <= N, else a usage error naming the option."""
    found = _SPEC.match(text.strip())
    if found is None or not 1 <= int(found[1]) <= int(found[2]):
        raise UsageError(
            f"{what} {text!r}: expected K/N with 1 <= K <= N (e.g. 2/3 for the second of three shards)"
        )
    return Shard(int(found[1]), int(found[2]))


def shard_of(nodeid: str, total: int) -> int:
    """The 1-based shard of a test: its function's id hashed (sha256), modulo `total`."""
    function = nodeid.partition("[")[0]
    return int.from_bytes(hashlib.sha256(function.encode()).digest()[:8], "big") % total + 1


def check_shards(found: list[tuple[str, str | None]]) -> int:
    """The shard count, when `found` ((file, "K/N")) holds each of 1..N once; else a usage error."""
    if not found:
        raise UsageError("merge: no result files given")
    parsed: dict[int, str] = {}
    totals: dict[int, list[str]] = {}
    for name, spec in found:
        if spec is None:
            raise UsageError(
                f"{name}: key shard is null: the result of an unsharded run; merge takes the files of `--shard K/N` runs"
            )
        shard = parse_shard(spec, what=f"{name}: key shard")
        totals.setdefault(shard.total, []).append(name)
        if shard.index in parsed:
            raise UsageError(f"shard {shard} given twice: {parsed[shard.index]} and {name}")
        parsed[shard.index] = name
    if len(totals) != 1:
        raise UsageError(
            "merge: the files come from runs cut into different numbers of shards ("
            + "; ".join(f"{n}: {', '.join(totals[n])}" for n in sorted(totals))
            + ")"
        )
    (total,) = totals
    missing = [f"{k}/{total}" for k in range(1, total + 1) if k not in parsed]
    if missing:
        raise UsageError(
            f"merge: shard {', '.join(missing)} missing (given: {', '.join(f'{k}/{total}' for k in sorted(parsed))}); "
            "a partial matrix would hide what those shards test"
        )
    return total


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    option = config.getoption("ssot_shard", None)
    if not option:
        return
    try:
        shard = parse_shard(option, what="--ssot-shard")
    except UsageError as exc:
        raise pytest.UsageError(f"ssot-harness: {exc}") from None
    kept = [item for item in items if shard.holds(item.nodeid)]
    dropped = [item for item in items if not shard.holds(item.nodeid)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
