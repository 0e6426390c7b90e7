"""Transcript: what one scenario did, as users and reviewers see it; and its chat-log rendering."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


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


def render(transcript: Transcript) -> str:
    """A transcript as a chat log: one line per message, readable in a PR diff."""
    lines = [f"scenario: {transcript.scenario}"]
    for user in sorted(transcript.streams):
        lines += ["", f"== {user}"]
        for entry in transcript.streams[user]:
            if entry["dir"] == "->":
                lines.append(f"-> {entry['text']}")
                continue
            event = entry["event"]
            if "run_id" in event:
                ids = f"run={event.get('run_id')} thread={event.get('thread_id')} at={event.get('timestamp')}"
                head = f"<- {event.get('type', '?'):<15} {event.get('agent', ''):<13} {ids}"
            else:
                head = f"<- {event.get('type', '?')}"
            lines.append(head)
            lines.append(f"     {_compact(event.get('payload', {}))}")
            extra = {k: v for k, v in event.items() if k not in _EVENT_KEYS}
            if extra:
                lines.append(f"     extra: {_compact(extra)}")
    lines += ["", f"== llm calls ({len(transcript.llm_calls)})"]
    lines += [f"   {call}" for call in transcript.llm_calls]
    for table in sorted(transcript.rows):
        lines += ["", f"== rows: {table}"]
        lines += [f"   {_compact(row)}" for row in transcript.rows[table]]
    return "\n".join(lines) + "\n"


_EVENT_KEYS = {"type", "run_id", "thread_id", "agent", "timestamp", "payload"}
