"""Identity-preserving normalization: volatile values become placeholders, equal values stay equal.

`<run:1>` stands wherever the same run id appeared, `<run:2>` for the next one, so a cross-user
mix-up is still visible after normalization. Rules are small pieces: a key rule names the kind of
the value under a key; a pattern rule finds volatile values inside any string. A rule declared
`required` that matched nothing fails loudly: a scrubber that silently misses is a bug.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from harness.characterize.transcript import Transcript
from harness.errors import HarnessError


class NormalizationError(HarnessError):
    """A required normalization rule matched nothing."""


@dataclass(frozen=True)
class KeyRule:
    """The value under any of `keys` (at any depth) is an identity of `kind`."""

    kind: str
    keys: tuple[str, ...]
    identity: bool = True  # False: every value becomes the same `<kind>`
    required: bool = False


@dataclass(frozen=True)
class PatternRule:
    """Substrings matching `pattern` (group 1 if present) are identities of `kind`."""

    kind: str
    pattern: str
    identity: bool = True
    required: bool = False


Rule = KeyRule | PatternRule

_UUID = r"\b[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\b"
_ISO = r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"

# Volatile values any service may have, found by their look; the values under a service's own
# keys (its run ids, thread ids, timestamps...) are the target's `volatile` rules.
PATTERN_RULES: tuple[Rule, ...] = (
    PatternRule("jwt", r"\beyJ[\w-]+\.[\w-]+\.[\w-]+"),
    PatternRule("timestamp", _ISO, identity=False),
    PatternRule("uuid", _UUID),
    PatternRule("port", r"(?:127\.0\.0\.1|localhost|\[::1\]):(\d{2,5})\b"),
    PatternRule("tmp", r"(/tmp/[\w./-]+|/var/folders/[\w./-]+)"),
    PatternRule("duration", r"\b\d+(?:\.\d+)?\s?(?:ms|s)\b(?=[^\w]|$)", identity=False),
)
_PLACEHOLDER = re.compile(r"^<[a-z]+(?::\d+)?>$")


class _Normalizer:
    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = tuple(rules)
        self.key_kind: dict[str | None, KeyRule] = {}  # None: a list item, under no key
        for rule in self.rules:
            if isinstance(rule, KeyRule):
                for key in rule.keys:
                    self.key_kind[key] = rule
        self.patterns = [
            (r, re.compile(r.pattern)) for r in self.rules if isinstance(r, PatternRule)
        ]
        self.seen: dict[str, str] = {}  # raw value -> placeholder, across kinds
        self.counts: dict[str, int] = {}
        self.hit: set[Rule] = set()  # the rules that matched something

    def placeholder(self, rule: Rule, raw: str) -> str:
        self.hit.add(rule)
        if _PLACEHOLDER.match(raw):
            return raw  # already normalized: idempotence
        if not rule.identity:
            return f"<{rule.kind}>"
        if raw not in self.seen:
            self.counts[rule.kind] = self.counts.get(rule.kind, 0) + 1
            self.seen[raw] = f"<{rule.kind}:{self.counts[rule.kind]}>"
        return self.seen[raw]

    def value(self, value: Any, key: str | None = None) -> Any:
        if isinstance(value, dict):
            return {k: self.value(v, k) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(v) for v in value]
        rule = self.key_kind.get(key)
        if rule is not None and isinstance(value, int | float) and not isinstance(value, bool):
            return self.placeholder(rule, repr(value))  # a measured number (a duration, a count)
        if not isinstance(value, str):
            return value
        if rule is not None and value:
            return self.placeholder(rule, value)
        return self.text(value)

    def text(self, text: str) -> str:
        for known, placeholder in sorted(self.seen.items(), key=lambda kv: -len(kv[0])):
            if len(known) >= 8 and known in text:
                text = text.replace(known, placeholder)
        for rule, regex in self.patterns:

            def swap(
                match: re.Match[str], rule: PatternRule = rule, grouped: bool = bool(regex.groups)
            ) -> str:
                raw = match.group(1) if grouped else match.group(0)  # the value, in what matched
                return match.group(0).replace(raw, self.placeholder(rule, raw))

            text = regex.sub(swap, text)
        return text

    def check_required(self, what: str) -> None:
        missed = [r for r in self.rules if r.required and r not in self.hit]
        if missed:
            names = ", ".join(
                f"{r.kind} (keys {', '.join(r.keys)})"
                if isinstance(r, KeyRule)
                else f"{r.kind} (pattern {r.pattern})"
                for r in missed
            )
            raise NormalizationError(
                f"{what}: required normalization rule(s) matched nothing: {names}; "
                "the data changed shape or the rule is wrong"
            )


def normalize(data: Any, rules: Iterable[Rule] = PATTERN_RULES) -> Any:
    """`data` (a Transcript or plain JSON-like data) with volatile values replaced, same shape.

    Placeholders are numbered in traversal order: users sorted by name, each stream in arrival
    order, then LLM calls, then rows; so the result does not depend on ids or timing."""
    normalizer = _Normalizer(rules)
    if isinstance(data, Transcript):
        plain = data.to_data()
        out = Transcript.from_data(
            {
                "scenario": plain["scenario"],
                "streams": {u: normalizer.value(s) for u, s in plain["streams"].items()},
                "llm_calls": sorted(normalizer.value(plain["llm_calls"])),
                "rows": {t: normalizer.value(r) for t, r in plain["rows"].items()},
            }
        )
        normalizer.check_required(f"scenario {data.scenario!r}")
        return out
    out = normalizer.value(data)
    normalizer.check_required("data")
    return out
