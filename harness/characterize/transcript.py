"""Transcript: what one scenario did, as users and reviewers see it; and its chat-log rendering."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from harness.characterize.fields import ignored, without
from harness.characterize.wire import MISSING, EventShape, pointer_get


@dataclass(frozen=True)
class Transcript:
    """Per-user streams (client messages `->` and server events `<-`, in arrival order),
    the LLM calls made (summaries, sorted: their interleaving across users is not behaviour),
    and the persisted rows the scenario declared interesting."""

    scenario: str
    streams: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    llm_calls: list[str] = field(default_factory=list)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def to_data(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "streams": {user: self.streams[user] for user in sorted(self.streams)},
            "llm_calls": list(self.llm_calls),
            "rows": {table: self.rows[table] for table in sorted(self.rows)},
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Transcript:
        return cls(data["scenario"], data["streams"], data["llm_calls"], data["rows"])


def _compact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def render(transcript: Transcript, shape: EventShape, *, llm_calls: bool = True) -> str:
    """A transcript as a chat log: one line per message, readable in a PR diff. Events are laid
    out by the target's event `shape`; the LLM section is left out for a service without one."""
    lines = [f"scenario: {transcript.scenario}"]
    for user in sorted(transcript.streams):
        lines += ["", f"== {user}"]
        for entry in transcript.streams[user]:
            if entry["dir"] == "->":
                lines.append(f"-> {entry['text']}")
            else:
                lines += _event_lines(entry["event"], shape)
    if llm_calls or transcript.llm_calls:
        lines += ["", f"== llm calls ({len(transcript.llm_calls)})"]
        lines += [f"   {call}" for call in transcript.llm_calls]
    for table in sorted(transcript.rows):
        lines += ["", f"== rows: {table}"]
        lines += [f"   {_compact(row)}" for row in transcript.rows[table]]
    return "\n".join(lines) + "\n"


_IDS = (("run", "run"), ("thread", "thread"), ("at", "timestamp"))
ABSENT = "(missing)"  # a declared piece the event does not have: not the same as a null


def _piece(event: Any, pointer: str) -> Any:
    value = pointer_get(event, pointer)
    return ABSENT if value is MISSING else value


def _event_lines(event: Any, shape: EventShape) -> list[str]:
    """The head line (type, agent, ids), the payload, and every other field of the event as
    `extra`: a field the description neither names nor ignores is shown, never dropped."""
    kind = shape.type_of(event)
    kind = "?" if kind is None else kind
    if not isinstance(event, dict):
        return [f"<- {kind}", f"     {_compact(event)}"]
    event = ignored(event, shape)
    shown = [shape.type]
    if shape.run is not None and pointer_get(event, shape.run) is not MISSING:
        pieces = [(label, getattr(shape, piece)) for label, piece in _IDS if getattr(shape, piece)]
        ids = " ".join(f"{label}={_piece(event, pointer)}" for label, pointer in pieces)
        agent = _piece(event, shape.agent) if shape.agent else None
        head = f"<- {kind:<15} {'' if agent is None else agent:<13} {ids}"
        shown += [pointer for _, pointer in pieces] + ([shape.agent] if shape.agent else [])
    else:
        head = f"<- {kind}"
    lines = [head]
    if shape.payload:
        payload = pointer_get(event, shape.payload)
        lines.append(f"     {ABSENT if payload is MISSING else _compact(payload)}")
        shown.append(shape.payload)
    else:
        lines.append("     {}")
    extra = without(event, shown)
    if extra is not MISSING and extra:
        lines.append(f"     extra: {_compact(extra)}")
    return lines
