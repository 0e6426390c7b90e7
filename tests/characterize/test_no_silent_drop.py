"""Nothing an event carries is dropped from its transcript unless the description says so: fields no
pointer names are shown, ignored ones go by pointer or pattern, a declared piece an event lacks
says so, and a declared ordering field must increase within a run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness import Transcript, describe_target, order_problems, shape_problems
from harness.characterize.snapshot import as_text
from harness.config import parse_config
from harness.errors import ConfigError

TABLE = {
    "socket": "/s",
    "health": "/up",
    "login": {"path": "/in", "username": "email", "password": "p", "token": "/data/jwt"},
    "token": {"via": "subprotocol", "format": ["jwt-auth", "jwt.{token}"]},
    "message": {"template": {"action": "chat"}, "content": "/input/prompt"},
    "events": {"type": "/event", "terminal": ["done"], "run": "/meta/runId", "payload": "/data",
               "timestamp": "/meta/sentAt", "order": "/meta/seq", "started": ["begin"]},
    "volatile": {"run": ["runId"], "trace": ["traceId"], "sent": {"keys": ["sentAt"], "identity": False}},
}  # fmt: skip


def target(tmp_path: Path, **events):
    table = {**TABLE, "events": {**TABLE["events"], **events}}
    return describe_target(parse_config({"target": table}, root=tmp_path, source="p.toml"))


def event(kind: str, seq: int, **meta) -> dict:
    base = {"runId": "r-1", "sentAt": "2026-01-01T00:00:00Z", "traceId": f"t{seq}", "seq": seq}
    return {"event": kind, "data": {"n": seq}, "meta": {**base, **meta}}


def text(target, events: list[dict]) -> str:
    stream = [{"dir": "<-", "event": e} for e in events]
    return as_text(Transcript("s", {"alice": stream}), target)


RUN = [event("begin", 1), event("step", 2), event("done", 3)]


def test_fields_no_pointer_names_are_shown_with_volatile_values_as_placeholders(tmp_path) -> None:
    shown = text(target(tmp_path), RUN)
    assert 'extra: {"meta": {"seq": 2, "traceId": "<trace:2>"}}' in shown
    assert "run=<run:1>" in shown and "at=<sent>" in shown


@pytest.mark.parametrize("gone", ["traceId", "seq"])
def test_a_field_removed_from_an_event_changes_the_transcript(gone, tmp_path) -> None:
    shape = target(tmp_path)
    changed = [RUN[0], {**RUN[1], "meta": {k: v for k, v in RUN[1]["meta"].items() if k != gone}}, RUN[2]]
    assert text(shape, changed) != text(shape, RUN)


def test_a_new_field_changes_the_transcript(tmp_path) -> None:
    shape = target(tmp_path)
    added = [RUN[0], {**RUN[1], "debug": {"host": "a"}}, RUN[2]]
    assert 'extra: {"debug": {"host": "a"}, "meta"' in text(shape, added)


def test_a_declared_piece_an_event_lacks_is_shown_missing(tmp_path) -> None:
    shape = target(tmp_path)
    lacking = {**RUN[1], "meta": {k: v for k, v in RUN[1]["meta"].items() if k != "sentAt"}}
    assert "at=(missing)" in text(shape, [RUN[0], lacking, RUN[2]])
    assert "     (missing)" in text(shape, [RUN[0], {k: v for k, v in RUN[1].items() if k != "data"}, RUN[2]])


def test_ignored_fields_go_by_pointer_or_pattern_and_nothing_else_does(tmp_path) -> None:
    by_pointer = text(target(tmp_path, ignore=["/meta/traceId"]), RUN)
    by_pattern = text(target(tmp_path, ignore=["*/trace*"]), RUN)
    assert by_pointer == by_pattern and "traceId" not in by_pointer and '"seq": 2' in by_pointer
    assert text(target(tmp_path, ignore=["/meta/*"]), RUN).count("extra:") == 0


def test_an_ignore_entry_that_is_no_pointer_is_an_error(tmp_path) -> None:
    with pytest.raises(ConfigError, match="events.ignore: 'traceId' is neither"):
        target(tmp_path, ignore=["traceId"])


def test_a_sequence_out_of_order_is_a_problem_in_process_and_on_staging(tmp_path) -> None:
    shape = target(tmp_path).events
    assert order_problems(RUN, shape) == []
    swapped = [RUN[0], RUN[2], RUN[1]]
    assert order_problems(swapped, shape) == ["event 2 (step) of run r-1: /meta/seq 2 does not increase (previous 3)"]
    assert any("does not increase" in p for p in shape_problems(swapped, shape))
    repeated = [RUN[0], event("step", 1), RUN[2]]
    assert any("1 does not increase (previous 1)" in p for p in order_problems(repeated, shape))
    unnumbered = [RUN[0], {**RUN[1], "meta": {"runId": "r-1"}}, RUN[2]]
    assert order_problems(unnumbered, shape) == ["event 1 (step) of run r-1: /meta/seq is no value, not a number"]
    other_run = [RUN[0], event("begin", 1, runId="r-2"), RUN[2]]
    assert order_problems(other_run, shape) == []  # each run counts on its own


def test_token_subprotocols_are_a_list_of_templates(tmp_path) -> None:
    assert target(tmp_path).token("abc").subprotocols == ("jwt-auth", "jwt.abc")
    table = {**TABLE, "token": {"via": "subprotocol", "format": ["jwt-auth"]}}
    with pytest.raises(ConfigError, match="one template must hold"):
        describe_target(parse_config({"target": table}, root=tmp_path, source="p.toml"))


def test_login_names_come_from_a_template_or_a_per_user_table(tmp_path) -> None:
    table = {**TABLE, "username": "{user}@example.com", "password": "pw-of-{user}",
             "users": {"bob": {"username": "robert", "password": "builder"}}}  # fmt: skip
    found = describe_target(parse_config({"target": table}, root=tmp_path, source="p.toml"))
    assert found.credentials_of("alice") == ("alice@example.com", "pw-of-alice")
    assert found.credentials_of("bob") == ("robert", "builder")
    with pytest.raises(ConfigError, match="users.bob: unknown key 'email'"):
        describe_target(parse_config({"target": {**TABLE, "users": {"bob": {"email": "x"}}}}, root=tmp_path, source="p.toml"))


def test_the_normalizer_imports_without_the_test_and_http_stack() -> None:
    """A staging experiment inside a service imports the normalizer alone."""
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in {'pytest', 'hypothesis', 'syrupy', 'httpx', 'respx', 'websockets'}:\n"
        "            raise ImportError(name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "from harness.characterize.normalize import normalize\n"
        "print(normalize({'a': 'eyJa.b.c'}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "<jwt:1>" in result.stdout
