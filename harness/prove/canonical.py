"""One member's trace against the canonical's, for the same case: the canonical traced once per
case (memoized), the member compared through `assert_equivalent`, the canonical itself skipped."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any

import pytest

from harness.prove.differential import assert_equivalent


class Unsupported(NotImplementedError):
    """The member has no way to do what the protocol asks: a contract that needs it fails, by name."""

    def __init__(self, member: str, operation: str) -> None:
        super().__init__(f"{member} cannot {operation}")


def short(adapter: Any) -> str:
    """The member's name as test ids and divergences.toml spell it (the qualname)."""
    return adapter.member.partition(":")[2]


def labels(implementation: Any, canonical: Any) -> tuple[str, str]:
    """(member, canonical) as a failure names them: their short names, or their ids where the
    short names are the same (`smtp:EmailBackend` and `locmem:EmailBackend`)."""
    member, reference = short(implementation), short(canonical)
    if member == reference:
        return implementation.member, canonical.member
    return member, reference


def assert_same_as_canonical(
    implementation: Any,
    canonical: Any,
    case: Any,
    *,
    trace: Callable[[Any, Any], str],
    describe: Callable[[Any], str],
    memo: MutableMapping[str, str],
) -> None:
    """`trace(adapter, case)` of the member must equal the canonical's; on a difference hypothesis
    shrinks `case` and the failure shows it (described) and the diff. `memo` (a `CanonicalMemo`)
    holds the canonical's trace per described case, so the canonical runs once per case."""
    if implementation is canonical:
        pytest.skip("the canonical is the reference")
    member, reference = labels(implementation, canonical)

    def transcript_of(who: str, c: Any) -> str:
        if who != reference:
            return trace(implementation, c)
        key = describe(c)
        if key not in memo:
            memo[key] = trace(canonical, c)
        return memo[key]

    assert_equivalent(
        case,
        member=member,
        canonical=reference,
        transcript_of=transcript_of,
        describe=describe,
    )
