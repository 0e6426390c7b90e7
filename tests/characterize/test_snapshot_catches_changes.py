"""A deliberate change to one event of the production path fails exactly the affected snapshots,
with a readable diff."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from harness.characterize.recorder import record
from harness.characterize.snapshot import TranscriptSnapshotExtension

SNAPSHOTS = Path(__file__).resolve().parents[2] / "snapshots" / "golden_path" / "test_golden_path"


class RenamedToolTarget:
    """The production target, with one change on the wire: tool_completed reports another tool name."""

    def __init__(self, target) -> None:
        self._target = target

    def __getattr__(self, name: str):
        return getattr(self._target, name)

    def build_app(self, *args):
        app = self._target.build_app(*args)

        async def changed(scope, receive, send):
            async def send_changed(message):
                if message["type"] == "websocket.send":
                    event = json.loads(message["text"])
                    if event.get("type") == "tool_completed":
                        event["payload"]["tool"] = event["payload"]["tool"] + "_v2"
                        message = {**message, "text": json.dumps(event)}
                await send(message)

            await app(scope, receive, send_changed)

        return changed


@pytest.mark.asyncio
async def test_changed_event_fails_exactly_the_affected_snapshots(ssot_target, tmp_path, request):
    from harness.characterize.pytest_part import scenarios_of

    extension = TranscriptSnapshotExtension()
    target = RenamedToolTarget(ssot_target)
    failing, diffs = set(), {}
    for scenario in scenarios_of(request.config):
        stored = (SNAPSHOTS / f"test_golden_path[{scenario.name}].txt").read_text(encoding="utf-8")
        workdir = tmp_path / scenario.name
        workdir.mkdir()
        now = extension.serialize(await record(scenario, target, workdir))
        if now != stored:
            failing.add(scenario.name)
            diffs[scenario.name] = list(difflib.unified_diff(stored.splitlines(), now.splitlines(), lineterm=""))
    affected = {
        path.name.removeprefix("test_golden_path[").removesuffix("].txt")
        for path in SNAPSHOTS.glob("*.txt")
        if "<- tool_completed" in path.read_text(encoding="utf-8")
    }
    assert affected and failing == affected
    changed_lines = [line for diff in diffs.values() for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert all('"tool": "' in line and ("_v2" in line or line.startswith("-")) for line in changed_lines)
