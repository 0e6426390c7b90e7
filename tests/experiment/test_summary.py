"""Reading observations back: `ssot-harness experiments FILE…` per family and member, mismatches
grouped by diff, the threshold as exit status; and the matrix's "observed" column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main
from harness.experiment import Experiment, JsonLinesPublisher
from harness.experiment.summary import observed_mark, read_observations, summarize
from harness.prove.matrix import render_markdown


def _record(log: Path, calls: int = 10) -> None:
    """`calls` calls: `good` always matches, `flaky` mismatches on every fifth call (one diff)."""
    experiment = Experiment(
        "engine", {"good": lambda x: x, "flaky": lambda x: x if x % 5 else -1},
        publisher=JsonLinesPublisher(log), name="run", seed=2,
    )  # fmt: skip
    for i in range(calls):
        experiment.run(lambda x: x, i)


def test_the_summary_counts_groups_and_gates(tmp_path: Path, capsys) -> None:
    log = tmp_path / "o.jsonl"
    _record(log)
    assert main(["experiments", str(log), "--max-mismatch-rate", "0.25"]) == 0
    out = capsys.readouterr().out
    assert "## engine / flaky" in out and "calls 10: match 8, accepted 0, mismatch 2" in out
    assert "mismatch × 1 (first: call 'run'" in out  # x=0 and x=5 differ in the value: two diffs
    assert main(["experiments", str(log), "--max-mismatch-rate", "0.1"]) == 1
    assert "experiments: FAILED (above the 10.00% threshold: engine/flaky (20.00%))" in capsys.readouterr().out


def test_the_threshold_comes_from_the_config(tmp_path: Path, capsys) -> None:
    log = tmp_path / "o.jsonl"
    _record(log)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.ssot-harness]\nexperiments = { max-mismatch-rate = 0.5 }\n", encoding="utf-8")
    assert main(["experiments", str(log), "--config", str(pyproject), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    flaky = next(m for m in data["members"] if m["member"] == "flaky")
    assert (flaky["calls"], flaky["mismatch"], flaky["over_threshold"]) == (10, 2, False)
    assert data["threshold"] == 0.5


def test_a_truncated_line_is_skipped_and_named(tmp_path: Path) -> None:
    log = tmp_path / "o.jsonl"
    _record(log, calls=2)
    with log.open("a", encoding="utf-8") as f:
        f.write('{"family": "engine", "memb')  # the disk filled up mid-line
    observations, skipped = read_observations([log])
    assert len(observations) == 4 and len(skipped) == 1 and skipped[0].startswith(f"{log}:5:")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["experiments", "missing.jsonl"], "missing.jsonl: no such file"),
        (["experiments", "x.jsonl", "--max-mismatch-rate", "2"], "expected a number in 0..1"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(argv, message, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_a_threshold_outside_0_1_in_the_config_is_a_config_error(tmp_path: Path, capsys) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.ssot-harness]\nexperiments = { max-mismatch-rate = 3 }\n", encoding="utf-8")
    (tmp_path / "o.jsonl").write_text("", encoding="utf-8")
    assert main(["experiments", str(tmp_path / "o.jsonl"), "--config", str(pyproject)]) == 2
    assert "experiments: max-mismatch-rate must be a number in 0..1, got 3" in capsys.readouterr().err


def test_the_matrix_gains_an_observed_column(tmp_path: Path) -> None:
    log = tmp_path / "o.jsonl"
    _record(log)
    marks = {(s.family, s.member): observed_mark(s) for s in summarize(read_observations([log])[0])}
    table = {("engine", "good", "test_a"): {"outcome": "pass", "reason": "", "cases": "1/1", "failing_cases": [], "detail": ""}}
    text = render_markdown(table, marks)
    assert "| member | test_a | observed |" in text
    assert "| good | pass | 100.0% of 10 |" in text
    assert "| flaky | — | 80.0% of 10, **2 mismatch, 0 error** |" in text
    assert "observed" not in render_markdown(table)


def test_verify_with_a_missing_experiments_file_stops_before_any_test(capsys) -> None:
    assert main(["verify", "--experiments", "no-such-observations.jsonl"]) == 2
    err = capsys.readouterr().err
    assert "no-such-observations.jsonl: no such file" in err
