"""Golden transcripts, one text file per scenario: `<snapshots>/<scenario>.txt`, written and
updated by syrupy (`--snapshot-update`), read by anyone who knows the scenario's name."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from harness.characterize.normalize import normalize
from harness.characterize.target import Target
from harness.characterize.transcript import Transcript, render
from harness.errors import ConfigError
from harness.scan.atomic import write_text_atomic

SUFFIX = ".txt"


def as_text(transcript: Transcript, target: Target) -> str:
    """A transcript normalized by the target's volatile rules and rendered by its event shape."""
    return render(
        normalize(transcript, target.volatile), target.events, llm_calls=target.llm is not None
    )


def golden_file(snapshots_dir: Path, scenario: str) -> Path:
    return Path(snapshots_dir) / f"{scenario}{SUFFIX}"


def read_golden(snapshots_dir: Path, scenario: str, *, marker: str = "golden_path") -> str:
    """The golden transcript of `scenario`, or a ConfigError saying how to record it."""
    path = golden_file(snapshots_dir, scenario)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"scenario {scenario!r} has no golden transcript at {path}; record it with "
            f"`pytest -m {marker} --snapshot-update`"
        ) from None


def stray_and_missing(snapshots_dir: Path, scenarios: set[str]) -> tuple[list[str], list[str]]:
    """Snapshot files with no scenario, and scenarios with no snapshot file."""
    folder = Path(snapshots_dir)
    files = {p.name for p in folder.iterdir() if p.is_file()} if folder.is_dir() else set()
    stray = sorted(f for f in files if not (f.endswith(SUFFIX) and f[: -len(SUFFIX)] in scenarios))
    missing = sorted(s for s in scenarios if f"{s}{SUFFIX}" not in files)
    return stray, missing


class TranscriptSnapshotExtension(SingleFileSnapshotExtension):
    """syrupy extension storing a Transcript as `<snapshots_dir>/<scenario>.txt`, whatever the
    test module or function is called. One file per scenario: xdist workers never share one."""

    _write_mode = WriteMode.TEXT
    file_extension = SUFFIX[1:]
    snapshots_dir: Path | None = None
    scenario: str = ""
    target: Target | None = None

    def serialize(self, data: Any, **kwargs: Any) -> str:
        if isinstance(data, Transcript):
            if self.target is None:
                raise TypeError(
                    "this extension has no target to normalize and render the transcript with"
                )
            return as_text(data, self.target)
        if not isinstance(data, str):
            raise TypeError(f"snapshot a Transcript or a str, not {type(data).__name__}")
        return data

    @classmethod
    def dirname(cls, *, test_location: Any) -> str:
        return str(cls.snapshots_dir)

    @classmethod
    def discovery_dirname(cls, *, test_location: Any) -> str:
        return str(cls.snapshots_dir)

    @classmethod
    def get_snapshot_name(cls, *, test_location: Any, index: Any = 0) -> str:
        return cls.scenario

    @classmethod
    def matches_test_location(cls, *, test_location: Any, snapshot_location: str) -> bool:
        return Path(snapshot_location).name == f"{cls.scenario}{SUFFIX}"

    def owns_snapshot_collection(self, *, filepath: str, test_location: Any) -> bool:
        return Path(filepath).name == f"{self.scenario}{SUFFIX}"

    @classmethod
    def write_snapshot_collection(cls, *, snapshot_collection: Any, **kwargs: Any) -> None:
        """syrupy's own writes the file in place; a run killed mid-update (SIGKILL under
        `--snapshot-update -n 2`) would leave a truncated golden. Replaced atomically instead."""
        data = next(iter(snapshot_collection)).data
        if not isinstance(data, str):
            raise TypeError(f"a golden transcript is text, not {type(data).__name__}")
        write_text_atomic(Path(snapshot_collection.location), data)

    @classmethod
    def write_snapshot(cls, **kwargs: Any) -> None:
        """syrupy's own, without its warning that the file is not named after the test: by design."""
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r"\s*Can not relate snapshot name")
            super().write_snapshot(**kwargs)


def extension_for(
    snapshots_dir: Path, target: Target, scenario: str
) -> type[TranscriptSnapshotExtension]:
    """The extension class for one scenario's golden file (syrupy takes a class, not an instance)."""
    attributes = {"snapshots_dir": Path(snapshots_dir), "target": target, "scenario": scenario}
    return type(TranscriptSnapshotExtension.__name__, (TranscriptSnapshotExtension,), attributes)
