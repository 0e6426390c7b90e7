"""Fuzzed experiment records (`ssot-harness experiments FILE`): whatever a JSON-lines file holds, the
summary answers (exit 0 or 1), each line that is not an observation skipped and named by file:line,
or the harness's own error naming the file (exit 2); never a traceback.

Inputs are lines a real experiment published (every outcome), each mutated the way the config
fuzz mutates its documents, plus raw bytes; `SSOT_FUZZ_EXAMPLES` as in test_parsers.py."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.cli import main
from harness.experiment import Divergence, Experiment, JsonLinesPublisher
from harness.experiment.summary import read_observations
from tests.fuzz.junk import FUZZ, JSON_JUNK, mutated


def _published(folder: Path) -> list[dict[str, Any]]:
    """One observation of each outcome, as a real experiment publishes them."""
    log = folder / "published.jsonl"

    def boom(x: int) -> int:
        raise RuntimeError(f"candidate broke on {x}")

    experiment = Experiment(
        "engine",
        {"same": lambda x: x, "off": lambda x: x + 1, "declared": lambda x: -x, "broken": boom},
        publisher=JsonLinesPublisher(log),
        name="run",
        divergences=[Divergence("declared", "test_run", "negates on purpose")],
        seed=1,
    )
    experiment.run(lambda x: x, 3)
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    out = _published(tmp_path_factory.mktemp("experiment"))
    assert {r["outcome"] for r in out} == {"match", "mismatch", "accepted", "error"}
    return out


def _summarize(path: Path, fmt: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["experiments", str(path), "--format", fmt, "--max-mismatch-rate", "0.5"])
    return status, out.getvalue(), err.getvalue()


def _check(path: Path, lines: int) -> None:
    """Every line is an observation or named as skipped; both formats answer alike."""
    observations, skipped = read_observations([path])
    assert len(observations) + len(skipped) == lines
    assert all(s.startswith(f"{path}:") for s in skipped)
    status, out, err = _summarize(path, "json")
    assert status in (0, 1) and not err, err
    data = json.loads(out)
    assert sum(m["calls"] for m in data["members"]) == len(observations)
    assert len(data["skipped"]) == len(skipped)
    text_status, text, err = _summarize(path, "text")
    assert text_status == status and not err, err
    assert text.startswith("# Experiments\n")


@FUZZ
@given(data=st.data())
def test_mutated_records(
    tmp_path_factory: pytest.TempPathFactory, records: list[dict[str, Any]], data: st.DataObject
) -> None:
    lines = [json.dumps(r) for r in records]
    index = data.draw(st.integers(0, len(lines) - 1), label="line")
    lines[index] = json.dumps(data.draw(mutated(records[index], JSON_JUNK), label="record"))
    path = tmp_path_factory.mktemp("records") / "observations.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _check(path, len(lines))


@FUZZ
@given(raw=st.binary(max_size=80) | st.text(max_size=40).map(str.encode))
def test_raw_bytes_after_real_records(
    tmp_path_factory: pytest.TempPathFactory, records: list[dict[str, Any]], raw: bytes
) -> None:
    path = tmp_path_factory.mktemp("records") / "observations.jsonl"
    body = "".join(json.dumps(r) + "\n" for r in records).encode() + raw
    path.write_bytes(body)
    lines = sum(1 for line in body.decode("utf-8", "replace").splitlines() if line.strip())
    _check(path, lines)


def test_a_missing_file_is_our_error_naming_it(tmp_path: Path) -> None:
    status, out, err = _summarize(tmp_path / "gone.jsonl", "text")
    assert status == 2 and not out and "gone.jsonl: no such file" in err


@pytest.mark.parametrize(
    ("field", "value"),
    [("family", 5), ("member", ["a"]), ("diff", {"a": 1}), ("overhead_ms", "fast"),
     ("overhead_ms", True), ("control_ms", None), ("at", 3)],
)  # fmt: skip
def test_a_field_of_the_wrong_type_skips_its_line(
    tmp_path: Path, records: list[dict[str, Any]], field: str, value: Any
) -> None:
    path = tmp_path / "observations.jsonl"
    bad = {**records[0], field: value}
    path.write_text("".join(json.dumps(r) + "\n" for r in [bad, *records[1:]]), encoding="utf-8")
    observations, skipped = read_observations([path])
    assert len(observations) == len(records) - 1
    assert len(skipped) == 1 and skipped[0].startswith(f"{path}:1: ") and field in skipped[0]
    _check(path, len(records))
