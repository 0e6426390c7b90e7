"""Redaction: tokens, passwords and the caller's own patterns replaced before anything is published."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

REDACTED = "<redacted>"

# Secrets any service may carry, found by their look or by the key that names them; a pattern's
# group 1, when it has one, is the part kept (the key), the rest of the match is replaced.
SECRET_PATTERNS: tuple[str, ...] = (
    r"\beyJ[\w-]+\.[\w-]+\.[\w-]+",  # a JWT (header.payload.signature, base64url)
    r"(?i)(\bbearer\s+)[\w.~+/=-]+",
    r"""(?ix)(["']?\b(?:password|passwd|pwd|\w*secret|\w*token|api[_-]?key|authorization)\b
        ["']?\s*[:=]\s*["']?)[^"'\s,;}&]+""",
)


@lru_cache(maxsize=32)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


def compile_patterns(patterns: Iterable[str]) -> tuple[str, ...]:
    """`patterns` checked (a bad one raises re.error naming it) and returned as a tuple."""
    out = tuple(patterns)
    _compiled(out)
    return out


def redact(text: str, extra: Iterable[str] = ()) -> str:
    """`text` with every secret pattern and every `extra` pattern replaced by <redacted>."""
    for regex in _compiled((*SECRET_PATTERNS, *extra)):
        if regex.groups:
            text = regex.sub(lambda m: m.group(1) + REDACTED, text)
        else:
            text = regex.sub(REDACTED, text)
    return text
