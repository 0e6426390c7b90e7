"""Publishers: JSON lines with rotation, logging, a callable; secrets redacted before anything is
written (a JWT in a payload); a full disk or an unwritable file never fails the call."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from pathlib import Path

from harness.experiment import Experiment, JsonLinesPublisher, LoggingPublisher, redact


def _jwt(claims: dict) -> str:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps(claims).encode())
    sig = hmac.new(b"secret", f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(sig)}"


def test_a_jwt_a_password_and_a_configured_pattern_never_reach_the_file(tmp_path: Path) -> None:
    token = _jwt({"sub": "user-1", "exp": 1999999999})
    log = tmp_path / "observations.jsonl"

    def control():
        return {"access_token": token, "note": "ok", "card": "4111-1111-1111-1111"}

    def candidate():
        return {"access_token": _jwt({"sub": "user-2"}), "note": "changed", "card": "4111-1111-1111-1112"}

    def failing():
        raise RuntimeError(f"login failed: password=hunter2 Authorization: Bearer {token}")

    experiment = Experiment(
        "fam", {"new": candidate, "failing": failing}, publisher=JsonLinesPublisher(log),
        rules=(), redact=[r"\b\d{4}-\d{4}-\d{4}-\d{4}\b"], seed=3,
    )  # fmt: skip
    assert experiment.run(control) == control()
    text = log.read_text(encoding="utf-8")
    assert token.split(".")[1] not in text and "eyJ" not in text
    assert "hunter2" not in text and "4111-1111" not in text
    lines = [json.loads(line) for line in text.splitlines()]
    by_member = {line["member"]: line for line in lines}
    assert by_member["new"]["outcome"] == "mismatch" and "<redacted>" in by_member["new"]["diff"]
    assert by_member["failing"]["error"] == (
        "RuntimeError: login failed: password=<redacted> Authorization: <redacted> <redacted>"
    )


def test_redact_keeps_the_key_and_replaces_the_value() -> None:
    assert redact('{"password": "s3cr3t", "user": "ann"}') == '{"password": "<redacted>", "user": "ann"}'
    assert redact("api_key=abc123&x=1") == "api_key=<redacted>&x=1"
    assert redact("nothing to hide") == "nothing to hide"


def test_a_full_disk_drops_the_observation_and_the_call_goes_on(caplog) -> None:
    full = JsonLinesPublisher("/dev/full")  # every write fails with ENOSPC, as on a full disk
    experiment = Experiment("fam", {"c": lambda: 2}, publisher=full, seed=1)
    with caplog.at_level(logging.WARNING, logger="harness.experiment"):
        assert experiment.run(lambda: 1) == 1
        assert experiment.run(lambda: 1) == 1
    assert (full.dropped, full.written) == (2, 0)
    assert len([r for r in caplog.records if "being dropped" in r.getMessage()]) == 1


def test_an_unwritable_file_drops_the_observation_and_the_call_goes_on(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    publisher = JsonLinesPublisher(blocker / "observations.jsonl")
    assert Experiment("fam", {"c": lambda: 2}, publisher=publisher).run(lambda: 1) == 1
    assert publisher.dropped == 1


def test_the_file_rotates_and_keeps_its_backups(tmp_path: Path) -> None:
    log = tmp_path / "o.jsonl"
    publisher = JsonLinesPublisher(log, max_bytes=600, backups=2)
    experiment = Experiment("fam", {"c": lambda: 1}, publisher=publisher, seed=1)
    for _ in range(40):
        experiment.run(lambda: 1)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["o.jsonl", "o.jsonl.1", "o.jsonl.2"]
    assert all(p.stat().st_size <= 600 for p in tmp_path.iterdir())
    kept = sum(len(p.read_text().splitlines()) for p in tmp_path.iterdir())
    assert publisher.written == 40 and kept < 40  # the oldest were dropped by rotation


def test_the_logging_publisher_logs_mismatches_as_warnings(caplog) -> None:
    experiment = Experiment("fam", {"same": lambda: 1, "other": lambda: 2}, publisher=LoggingPublisher(), seed=1)
    with caplog.at_level(logging.INFO, logger="harness.experiment.observations"):
        experiment.run(lambda: 1)
    levels = {json.loads(r.getMessage())["member"]: r.levelname for r in caplog.records}
    assert levels == {"same": "INFO", "other": "WARNING"}
