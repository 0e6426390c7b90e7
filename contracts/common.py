"""What every family's adapters and differential tests share: the `Unsupported` operation and the
comparison of one member's trace with the canonical's (both the harness's public ones, also what a
scaffolded suite uses), and one TLS context."""

from __future__ import annotations

import ssl

from harness.prove.canonical import Unsupported, assert_same_as_canonical, short

__all__ = ["TLS", "Unsupported", "assert_same_as_canonical", "short"]

TLS = ssl.create_default_context()
"""One TLS context for every LLM client a contract builds: building one per client (httpx's default)
loads the CA bundle each time and would dominate a contract's run time."""
