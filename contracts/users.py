"""Users made for a test: one pbkdf2 hash per password per process. Every user the characterization
and the contracts create has a password derived from its name, hashed with 100,000 iterations; a
hash computed once verifies just as well (the service's login still checks it for real), and
hashing each user of each run again was a tenth of the golden path's CPU time."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from unittest.mock import patch

from agent_platform.auth import hash_password


@functools.cache
def password_hash(password: str) -> str:
    return hash_password(password)


@contextmanager
def hashed_once() -> Iterator[None]:
    """Within it, the store hashes each distinct password once per process."""
    with patch("agent_platform.store.hash_password", password_hash):
        yield
