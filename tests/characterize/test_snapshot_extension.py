"""The snapshot extension in process: one text file per scenario, named after the scenario whatever
the test is called, written whole, holding the normalized and rendered transcript; a run limited to
some scenarios leaves the others' files alone; a missing golden says how to record it."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.characterize.normalize import KeyRule
from harness.characterize.snapshot import (
    TranscriptSnapshotExtension,
    as_text,
    extension_for,
    golden_file,
    read_golden,
    stray_and_missing,
)
from harness.characterize.target import Target
from harness.characterize.transcript import Transcript
from harness.characterize.wire import EventShape
from harness.errors import ConfigError


async def _login(*_args: object) -> str:
    return "token"


def _target(*, llm: bool = False) -> Target:
    return Target(
        name="toy", login=_login, token=lambda t: t, socket="/ws", message=lambda text, thread: text,
        events=EventShape(type="/type", terminal=frozenset({"done"}), run="/run", payload="/payload"),
        health="/health", volatile=(KeyRule("run", ("run",)),),
        llm=object() if llm else None,  # type: ignore[arg-type]  # only its presence matters here
    )  # fmt: skip


TRANSCRIPT = Transcript(
    "two_runs",
    streams={"bo": [
        {"dir": "->", "text": "hi"},
        {"dir": "<-", "event": {"type": "done", "run": "r-9f2", "payload": {"n": 1}}},
        {"dir": "<-", "event": {"type": "done", "run": "r-77a", "payload": {"n": 2}}},
    ]},
)  # fmt: skip


def test_as_text_normalizes_by_the_targets_rules_then_renders_by_its_event_shape() -> None:
    text = as_text(TRANSCRIPT, _target())
    assert text == (
        "scenario: two_runs\n\n== bo\n-> hi\n"
        "<- done                          run=<run:1>\n     {\"n\": 1}\n"
        "<- done                          run=<run:2>\n     {\"n\": 2}\n"
    )
    assert as_text(TRANSCRIPT, _target(llm=True)) == text + "\n== llm calls (0)\n"


def test_a_golden_file_is_named_after_its_scenario(tmp_path: Path) -> None:
    assert golden_file(tmp_path, "two_runs") == tmp_path / "two_runs.txt"
    (tmp_path / "two_runs.txt").write_text("scenario: two_runs\n", encoding="utf-8")
    assert read_golden(tmp_path, "two_runs") == "scenario: two_runs\n"


def test_a_missing_golden_says_where_and_how_to_record_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        read_golden(tmp_path, "gone", marker="characterization")
    assert str(caught.value) == (
        f"scenario 'gone' has no golden transcript at {tmp_path / 'gone.txt'}; record it with "
        "`pytest -m characterization --snapshot-update`"
    )
    with pytest.raises(ConfigError, match="`pytest -m golden_path --snapshot-update`$"):
        read_golden(tmp_path, "gone")  # the harness's own marker name by default


def test_stray_files_and_scenarios_without_a_file_are_named(tmp_path: Path) -> None:
    assert stray_and_missing(tmp_path / "none", {"a"}) == ([], ["a"])
    for name in ("a.txt", "old.txt", "notes.md", "b.txt.bak"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "c.txt").mkdir()  # a folder is not a golden file
    assert stray_and_missing(tmp_path, {"a", "c", "d"}) == (["b.txt.bak", "notes.md", "old.txt"], ["c", "d"])


def test_the_extension_serializes_a_transcript_by_its_target_and_text_as_it_is(tmp_path: Path) -> None:
    extension = extension_for(tmp_path, _target(), "two_runs")()
    assert extension.serialize(TRANSCRIPT) == as_text(TRANSCRIPT, _target())
    assert extension.serialize("already text\n") == "already text\n"
    with pytest.raises(TypeError, match="a Transcript or a str, not dict"):
        extension.serialize({"a": 1})
    with pytest.raises(TypeError) as caught:
        TranscriptSnapshotExtension().serialize(TRANSCRIPT)
    assert str(caught.value) == "this extension has no target to normalize and render the transcript with"


def test_each_scenario_gets_its_own_extension_class_and_tells_syrupy_its_file(tmp_path: Path) -> None:
    one, two = extension_for(tmp_path, _target(), "one"), extension_for(tmp_path / "x", _target(), "two")
    assert issubclass(one, TranscriptSnapshotExtension) and one is not two
    assert (one.scenario, one.snapshots_dir, two.scenario, two.snapshots_dir) == ("one", tmp_path, "two", tmp_path / "x")
    assert TranscriptSnapshotExtension.scenario == ""  # the base class is left as it was
    # what syrupy asks: the folder, the name whatever the test or its index, which file is this one's
    assert one.dirname(test_location=None) == one.discovery_dirname(test_location=None) == str(tmp_path)
    assert one.get_snapshot_name(test_location=None, index=3) == "one"
    assert one.matches_test_location(test_location=None, snapshot_location=str(tmp_path / "one.txt"))
    assert not one.matches_test_location(test_location=None, snapshot_location=str(tmp_path / "two.txt"))
    assert one().owns_snapshot_collection(filepath=str(tmp_path / "one.txt"), test_location=None)
    assert not one().owns_snapshot_collection(filepath=str(tmp_path / "one.txt.bak"), test_location=None)


GOLDEN_TESTS = '''
from pathlib import Path

from harness.characterize.snapshot import extension_for

HERE = Path(__file__).parent / "golden"


def test_any_name_at_all(snapshot):
    assert TEXT_ONE == snapshot.use_extension(extension_for(HERE, None, "one"))


def test_another(snapshot):
    assert "second\\n" == snapshot.use_extension(extension_for(HERE, None, "two"))
'''


def _golden_run(pytester: pytest.Pytester, text_one: str, *args: str) -> pytest.RunResult:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(test_golden=GOLDEN_TESTS.replace("TEXT_ONE", repr(text_one)))
    return pytester.runpytest_inprocess(
        "test_golden.py", "-p", "no:randomly", "-p", "no:xdist", "-p", "no:cacheprovider", *args
    )


def test_syrupy_writes_reads_and_diffs_one_file_per_scenario(pytester: pytest.Pytester) -> None:
    golden = pytester.path / "golden"
    golden.mkdir()
    (golden / "kept.txt").write_text("a scenario these tests do not play\n", encoding="utf-8")
    created = _golden_run(pytester, "first\nline two\n", "--snapshot-update")
    assert created.ret == 0, created.stdout.str()
    said = created.stdout.str() + created.stderr.str()
    assert "Can not relate snapshot" not in said  # a golden is named after its scenario by design
    assert sorted(p.name for p in golden.iterdir()) == ["kept.txt", "one.txt", "two.txt"]
    assert (golden / "one.txt").read_text(encoding="utf-8") == "first\nline two\n"
    assert not list(pytester.path.rglob("__snapshots__"))  # nothing beside the test module

    assert _golden_run(pytester, "first\nline two\n").ret == 0
    changed = _golden_run(pytester, "first\nline 2\n")
    assert changed.ret == 1
    changed.assert_outcomes(passed=1, failed=1)
    changed.stdout.fnmatch_lines(["*- line two*", "*+ line 2*"])
    assert (golden / "one.txt").read_text(encoding="utf-8") == "first\nline two\n"  # not written

    only_two = _golden_run(pytester, "first\nline 2\n", "-k", "another", "--snapshot-update")
    assert only_two.ret == 0 and "unused" not in only_two.stdout.str()
    assert (golden / "one.txt").read_text(encoding="utf-8") == "first\nline two\n"  # not this run's

    assert _golden_run(pytester, "first\nline 2\n", "--snapshot-update").ret == 0
    assert (golden / "one.txt").read_text(encoding="utf-8") == "first\nline 2\n"
    assert sorted(p.name for p in golden.iterdir()) == ["kept.txt", "one.txt", "two.txt"]  # nothing torn


def test_only_text_is_written_as_a_golden(tmp_path: Path) -> None:
    class Collection:
        location = str(tmp_path / "one.txt")

        def __iter__(self):  # noqa: ANN204
            return iter([type("Snapshot", (), {"data": b"bytes"})()])

    with pytest.raises(TypeError, match="a golden transcript is text, not bytes"):
        TranscriptSnapshotExtension.write_snapshot_collection(snapshot_collection=Collection())
    assert not (tmp_path / "one.txt").exists()
