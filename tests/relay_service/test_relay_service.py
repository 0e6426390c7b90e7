"""The relay (tests/fixtures/targets/relay_service), a project adopting the harness as a user would:
its tests/ are one-line modules importing the ready tests from `harness`, its service is described in
its own pyproject.toml (subprotocol list, nested meta with a sequence, built-in users, no call ids).
Run as its own pytest session, in process and live, on 2 workers, in random order."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

RELAY = Path(__file__).resolve().parents[1] / "fixtures" / "targets" / "relay_service"
SCENARIOS = len(list((RELAY / "scenarios").glob("*.json")))


def relay_pytest(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """pytest in the relay's own folder: its rootdir, its config, its tests."""
    environment = {**os.environ, "PYTHONHASHSEED": "0", **(env or {})}
    for name in ("SSOT_STAGING_URL", "SSOT_STAGING_USERNAME", "SSOT_STAGING_PASSWORD"):
        if env is None or name not in env:
            environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
        cwd=RELAY, capture_output=True, text=True, timeout=600, env=environment,
    )  # fmt: skip


def test_the_ready_tests_pass_in_process_and_live_on_two_workers() -> None:
    result = relay_pytest("-n", "2")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert f"{2 * SCENARIOS + 1} passed, 2 skipped" in result.stdout  # staging skips: no URL
    assert "PytestDeprecationWarning" not in result.stdout + result.stderr


def test_a_field_missing_from_every_event_fails_every_snapshot_in_process() -> None:
    """The no-trace build (chosen in process with --ssot-target) leaves meta.traceId out: every
    scenario's snapshot fails, and the diff is that field."""
    result = relay_pytest("-m", "not live", "--ssot-target", "relay_target:NO_TRACE", "-vv")
    assert result.returncode == 1
    assert f"{SCENARIOS} failed" in result.stdout and "1 passed" in result.stdout
    changed = [(m[1], m[2]) for line in result.stdout.splitlines() if (m := re.match(r"E?\s*([-+])\s+(.*)$", line))]
    changed = [(sign, text) for sign, text in changed if text.startswith(("extra:", "<-", "{"))]
    assert changed and all(text.startswith("extra:") and '"seq"' in text for _, text in changed)
    assert all(('"traceId"' in text) == (sign == "-") for sign, text in changed)


def test_a_run_out_of_order_fails_in_process_and_live() -> None:
    result = relay_pytest("--ssot-target", "relay_target:REORDERED", "-k", "plain_question")
    assert result.returncode == 1
    assert "2 failed" in result.stdout, result.stdout[-3000:]
    assert result.stdout.count("/meta/seq 1 does not increase (previous 2)") >= 2
    assert "in_process: scenario plain_question: events out of order" in result.stdout
    assert "live: scenario plain_question: events out of order" in result.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def deployed_relay():
    """The relay served by uvicorn on loopback, standing in for a deployed instance."""
    port = free_port()
    process = subprocess.Popen([sys.executable, str(RELAY / "relay_app.py"), "--port", str(port)])
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{url}/status", timeout=0.5).status_code == 200:
                    break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_ready_staging_tests_pass_against_a_deployed_relay(deployed_relay: str) -> None:
    users = {"SSOT_STAGING_USERNAME": "alice@example.com", "SSOT_STAGING_PASSWORD": "wonderland",
             "SSOT_STAGING_USERNAME_2": "bob@example.com", "SSOT_STAGING_PASSWORD_2": "builder-bob"}  # fmt: skip
    result = relay_pytest("-m", "staging", "--ssot-staging-url", deployed_relay, env=users)
    assert result.returncode == 0, result.stdout[-4000:]
    assert "2 passed" in result.stdout
    wrong = relay_pytest("-m", "staging", "--ssot-staging-url", deployed_relay,
                         env={**users, "SSOT_STAGING_PASSWORD": "not-it"})  # fmt: skip
    assert wrong.returncode == 1 and "answered 401" in wrong.stdout


def test_staging_against_an_unreachable_url_says_so_once() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = relay_pytest("-m", "staging", "--ssot-staging-url", url, "-p", "no:randomly")
    assert result.returncode == 1
    message = f"staging instance {url} is unreachable"
    failures = result.stdout.split("short test summary info")[0]
    assert failures.count(message) == 2  # once in each of the two tests' failure sections
    assert "During handling of the above exception" not in result.stdout


def test_the_guide_shows_the_relay_as_it_is() -> None:
    """docs/describing-your-service.md embeds the relay's description and Python half verbatim."""
    guide = (RELAY.parents[3] / "docs" / "describing-your-service.md").read_text(encoding="utf-8")
    toml = (RELAY / "pyproject.toml").read_text(encoding="utf-8")
    assert toml[toml.index("[tool.ssot-harness]") :] in guide
    assert (RELAY / "relay_target.py").read_text(encoding="utf-8") in guide
    for module in (RELAY / "tests").glob("*.py"):
        imported = module.read_text(encoding="utf-8").split('"""', 2)[2].strip()
        assert imported in guide, module.name
