"""Transcript: what one scenario did, as users and reviewers see it; and its chat-log rendering."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

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


def _event_lines(event: Any, shape: EventShape) -> list[str]:
    kind = shape.type_of(event)
    kind = "?" if kind is None else kind
    if not isinstance(event, dict):
        return [f"<- {kind}", f"     {_compact(event)}"]
    if shape.run is not None and pointer_get(event, shape.run) is not MISSING:
        ids = " ".join(
            f"{label}={shape.get(event, piece)}" for label, piece in _IDS if getattr(shape, piece)
        )
        agent = shape.get(event, "agent") if shape.agent else None
        head = f"<- {kind:<15} {'' if agent is None else agent:<13} {ids}"
    else:
        head = f"<- {kind}"
    payload = shape.get(event, "payload") if shape.payload else None
    lines = [head, f"     {_compact({} if payload is None else payload)}"]
    envelope = shape.top_level_keys()
    extra = {k: v for k, v in event.items() if k not in envelope}
    if extra:
        lines.append(f"     extra: {_compact(extra)}")
    return lines
