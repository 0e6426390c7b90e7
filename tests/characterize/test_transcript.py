"""The transcript's chat-log rendering, line by line: what a reviewer reads in a golden file's diff."""

from __future__ import annotations

from harness.characterize.transcript import Transcript, render
from harness.characterize.wire import EventShape

BARE = EventShape(type="/type", terminal=frozenset({"done"}))  # a shape that names no payload
SHAPED = EventShape(type="/type", terminal=frozenset({"done"}), run="/run", agent="/agent", payload="/data")


def _one(event: object, shape: EventShape) -> str:
    return render(Transcript("s", {"bo": [{"dir": "<-", "event": event}]}), shape, llm_calls=False)


def test_an_event_is_its_head_line_then_its_payload_then_what_else_it_carries() -> None:
    event = {"type": "step", "run": "<run:1>", "agent": "triage", "data": {"note": "café"}, "extra": [1]}
    assert _one(event, SHAPED) == (
        "scenario: s\n\n== bo\n"
        "<- step            triage        run=<run:1>\n"
        '     {"note": "café"}\n'  # as written, not \u-escaped
        '     extra: {"extra": [1]}\n'
    )


def test_an_event_without_a_type_or_that_is_no_object_is_still_shown() -> None:
    assert _one({"data": 1}, BARE) == 'scenario: s\n\n== bo\n<- ?\n     {}\n     extra: {"data": 1}\n'
    assert _one("plain text", SHAPED) == 'scenario: s\n\n== bo\n<- ?\n     "plain text"\n'
    assert _one(["a", 2], SHAPED) == 'scenario: s\n\n== bo\n<- ?\n     ["a", 2]\n'


def test_the_llm_section_is_shown_by_default_and_whenever_there_were_calls() -> None:
    quiet = Transcript("s", {"bo": [{"dir": "->", "text": "hi"}]})
    assert render(quiet, BARE) == "scenario: s\n\n== bo\n-> hi\n\n== llm calls (0)\n"
    assert render(quiet, BARE, llm_calls=False) == "scenario: s\n\n== bo\n-> hi\n"
    called = Transcript("s", {}, ["ask: hi"], {"runs": [{"id": "<run:1>", "ok": True}]})
    assert render(called, BARE, llm_calls=False) == (
        'scenario: s\n\n== llm calls (1)\n   ask: hi\n\n== rows: runs\n   {"id": "<run:1>", "ok": true}\n'
    )


def test_users_and_tables_are_laid_out_by_name_whatever_their_order_of_arrival() -> None:
    transcript = Transcript(
        "s", {"zoe": [{"dir": "->", "text": "z"}], "al": [{"dir": "->", "text": "a"}]}, [],
        {"runs": [{"n": 1}], "messages": [{"n": 2}]},
    )  # fmt: skip
    data = transcript.to_data()
    assert list(data["streams"]) == ["al", "zoe"] and list(data["rows"]) == ["messages", "runs"]
    assert Transcript.from_data(data) == transcript
    text = render(transcript, BARE, llm_calls=False)
    assert text.index("== al") < text.index("== zoe") < text.index("== rows: messages") < text.index("== rows: runs")
