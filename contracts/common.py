"""What every family's adapters and differential tests share: the `Unsupported` operation and the
comparison of one member's trace with the canonical's (memoized: the canonical runs once per case)."""

from __future__ import annotations

import ssl
from collections.abc import Callable
from typing import Any

import pytest

from harness.prove.differential import assert_equivalent
from harness.prove.memo import CanonicalMemo

TLS = ssl.create_default_context()
"""One TLS context for every LLM client a contract builds: building one per client (httpx's default)
loads the CA bundle each time and would dominate a contract's run time."""


class Unsupported(NotImplementedError):
    """The member has no way to do what the protocol asks: a contract that needs it fails, by name."""

    def __init__(self, member: str, operation: str) -> None:
        super().__init__(f"{member} cannot {operation}")


def short(adapter: Any) -> str:
    """The member's name as test ids and divergences.toml spell it (the qualname)."""
    return adapter.member.partition(":")[2]


def assert_same_as_canonical(
    implementation: Any,
    canonical: Any,
    case: Any,
    *,
    trace: Callable[[Any, Any], str],
    describe: Callable[[Any], str],
    memo: CanonicalMemo,
) -> None:
    """`trace(adapter, case)` of the member must equal the canonical's; on a difference hypothesis
    shrinks `case` and the failure shows it (described) and the diff."""
    if implementation is canonical:
        pytest.skip("the canonical is the reference")
    reference = short(canonical)

    def transcript_of(who: str, c: Any) -> str:
        if who != reference:
            return trace(implementation, c)
        key = describe(c)
        if key not in memo:
            memo[key] = trace(canonical, c)
        return memo[key]

    assert_equivalent(
        case,
        member=short(implementation),
        canonical=reference,
        transcript_of=transcript_of,
        describe=describe,
    )
