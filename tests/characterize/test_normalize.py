"""The normalizer: idempotent, equality-preserving, and nothing volatile survives."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.characterize.normalize import (
    PATTERN_RULES,
    KeyRule,
    NormalizationError,
    PatternRule,
    normalize,
)
from harness.characterize.transcript import Transcript

# the demo's key rules (its target declares them in pyproject.toml) and the generic patterns
DEFAULT_RULES = (
    KeyRule("run", ("run_id",)),
    KeyRule("thread", ("thread_id",)),
    KeyRule("timestamp", ("timestamp", "created_at", "finished_at"), identity=False),
    *PATTERN_RULES,
)
ids = st.uuids().map(lambda u: u.hex)
timestamps = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)).map(
    lambda d: d.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")
)
jwts = st.tuples(*[st.text("abcdefXYZ0123456789_-", min_size=4, max_size=20)] * 2).map(
    lambda p: f"eyJhbGciOiJIUzI1NiJ9.{p[0]}.{p[1]}"
)


@st.composite
def transcripts(draw) -> Transcript:
    users = draw(st.lists(st.sampled_from(["alice", "bob", "carol"]), min_size=1, max_size=3, unique=True))
    runs = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    streams = {}
    for user in users:
        entries = []
        for _ in range(draw(st.integers(1, 5))):
            run = draw(st.sampled_from(runs))
            text = draw(st.sampled_from(["hi {run}", "token {jwt}", "at {ts} took 12.5 ms", "plain"]))
            payload = {"note": text.format(run=run, jwt=draw(jwts), ts=draw(timestamps))}
            entries.append(
                {
                    "dir": "<-",
                    "event": {"type": "agent_thinking", "run_id": run, "thread_id": draw(ids),
                              "agent": "a", "timestamp": draw(timestamps), "payload": payload},
                }
            )  # fmt: skip
        streams[user] = entries
    return Transcript("generated", streams, [], {"runs": [{"run_id": r, "created_at": draw(timestamps)} for r in runs]})


VOLATILE = [
    re.compile(r"[0-9a-f]{32}"),
    re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"),
    re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+"),
]


@given(transcripts())
def test_idempotent(transcript: Transcript) -> None:
    once = normalize(transcript, DEFAULT_RULES)
    assert normalize(once, DEFAULT_RULES) == once


@given(transcripts())
def test_no_raw_uuid_timestamp_or_token_survives(transcript: Transcript) -> None:
    text = json.dumps(normalize(transcript, DEFAULT_RULES).to_data())
    for pattern in VOLATILE:
        assert not pattern.search(text), pattern.pattern


@given(transcripts())
def test_equal_ids_stay_equal_and_distinct_ids_stay_distinct(transcript: Transcript) -> None:
    normalized = normalize(transcript, DEFAULT_RULES)
    raw = [e["event"]["run_id"] for u in sorted(transcript.streams) for e in transcript.streams[u]]
    new = [e["event"]["run_id"] for u in sorted(normalized.streams) for e in normalized.streams[u]]
    assert len(raw) == len(new)
    for i in range(len(raw)):
        for j in range(len(raw)):
            assert (raw[i] == raw[j]) == (new[i] == new[j])


@given(transcripts(), st.binary(min_size=1, max_size=8))
def test_same_shape_different_ids_normalize_equal(transcript: Transcript, salt: bytes) -> None:
    """Renaming every id consistently (one to one) changes nothing after normalization."""
    data = json.dumps(transcript.to_data())
    for old in set(re.findall(r"[0-9a-f]{32}", data)):
        data = data.replace(old, hashlib.md5(salt + old.encode()).hexdigest())
    assert normalize(Transcript.from_data(json.loads(data)), DEFAULT_RULES) == normalize(transcript, DEFAULT_RULES)


def test_a_cross_user_mixup_stays_visible() -> None:
    run_a, run_b = uuid.uuid4().hex, uuid.uuid4().hex
    ok = {"alice": [{"run_id": run_a}], "bob": [{"run_id": run_b}]}
    leak = {"alice": [{"run_id": run_a}], "bob": [{"run_id": run_a}]}
    assert normalize(ok, DEFAULT_RULES) == {"alice": [{"run_id": "<run:1>"}], "bob": [{"run_id": "<run:2>"}]}
    assert normalize(leak, DEFAULT_RULES) == {"alice": [{"run_id": "<run:1>"}], "bob": [{"run_id": "<run:1>"}]}


def test_ids_inside_text_take_the_same_placeholder() -> None:
    run = uuid.uuid4().hex
    now = datetime.now(UTC)
    data = {"run_id": run, "note": f"see {run} at {now.isoformat()} on 127.0.0.1:8123 in /tmp/x/db.sqlite",
            "later": (now + timedelta(seconds=1)).isoformat()}  # fmt: skip
    assert normalize(data, DEFAULT_RULES) == {
        "run_id": "<run:1>",
        "note": "see <run:1> at <timestamp> on 127.0.0.1:<port:1> in <tmp:1>",
        "later": "<timestamp>",
    }


def test_a_required_rule_that_matches_nothing_fails_loudly() -> None:
    rules = (*DEFAULT_RULES, KeyRule("session", ("session_id",), required=True))
    with pytest.raises(NormalizationError, match="session"):
        normalize({"run_id": uuid.uuid4().hex}, rules)


def test_a_missed_required_rule_is_named_with_its_keys_or_pattern_and_where() -> None:
    rules = (
        KeyRule("session", ("session_id", "sid"), required=True),
        PatternRule("ticket", r"T-\d+", required=True),
        KeyRule("run", ("run_id",), required=True),
    )
    with pytest.raises(NormalizationError) as caught:
        normalize({"run_id": "r1"}, rules)
    assert str(caught.value) == (
        "data: required normalization rule(s) matched nothing: session (keys session_id, sid), "
        r"ticket (pattern T-\d+); the data changed shape or the rule is wrong"
    )
    with pytest.raises(NormalizationError, match=r"^scenario 'two_users': required .* session \(keys"):
        normalize(Transcript("two_users", {"bo": [{"run_id": "r1"}]}), rules)
    normalize({"run_id": "r1", "sid": "s", "note": "see T-12"}, rules)  # each matched: no error


def test_a_number_under_a_key_rule_is_an_identity_a_boolean_is_not() -> None:
    rules = (KeyRule("n", ("count",)),)
    data = [{"count": 12}, {"count": 12.5}, {"count": 13}, {"count": 12}, {"count": True}, {"count": None}]
    assert normalize(data, rules) == [
        {"count": "<n:1>"}, {"count": "<n:2>"}, {"count": "<n:3>"}, {"count": "<n:1>"},
        {"count": True}, {"count": None},
    ]  # fmt: skip


def test_known_ids_inside_text_longest_first_and_only_from_eight_characters() -> None:
    rules = (KeyRule("id", ("id",)),)
    data = [{"id": "abcdefgh"}, {"id": "abcdefgh-ijk"}, {"id": "abcdefg"},
            {"note": "abcdefgh-ijk then abcdefgh then abcdefg"}]  # fmt: skip
    assert normalize(data, rules)[3] == {"note": "<id:2> then <id:1> then abcdefg"}
