"""A deliberate change to one event of the production path fails exactly the affected snapshots,
with a readable diff."""

from __future__ import annotations

import dataclasses
import difflib
import json

import pytest

from harness.characterize.golden_hooks import golden_transcript, snapshots_dir
from harness.characterize.recorder import record
from harness.characterize.snapshot import as_text


class RenamedToolTarget:
    """The production target, with one change on the wire: tool_completed reports another tool name."""

    def __init__(self, target) -> None:
        self._target = target

    def __getattr__(self, name: str):
        return getattr(self._target, name)

    def build_app(self, instance):
        app = self._target.build_app(instance)

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
    from harness.characterize.golden_hooks import scenarios_of

    target = dataclasses.replace(ssot_target, service=RenamedToolTarget(ssot_target.service))
    failing, diffs = set(), {}
    for scenario in scenarios_of(request.config):
        stored = golden_transcript(request.config, scenario.name)
        workdir = tmp_path / scenario.name
        workdir.mkdir()
        now = as_text(await record(scenario, target, workdir), target)
        if now != stored:
            failing.add(scenario.name)
            diffs[scenario.name] = list(difflib.unified_diff(stored.splitlines(), now.splitlines(), lineterm=""))
    affected = {
        path.stem
        for path in snapshots_dir(request.config).glob("*.txt")
        if "<- tool_completed" in path.read_text(encoding="utf-8")
    }
    assert affected and failing == affected
    changed_lines = [line for diff in diffs.values() for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert all('"tool": "' in line and ("_v2" in line or line.startswith("-")) for line in changed_lines)
