"""The syrupy extension: one readable text file per test under the project's snapshots folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from harness.characterize.normalize import GOLDEN_PATH_RULES, normalize
from harness.characterize.transcript import Transcript, render


class TranscriptSnapshotExtension(SingleFileSnapshotExtension):
    """A Transcript is normalized, then rendered as a chat log; strings are stored as they are.

    One file per test, so pytest-xdist workers never write the same file. Files live under
    `snapshots_dir` (the config's `snapshots`), mirroring the test's folder below `tests/`."""

    _write_mode = WriteMode.TEXT
    file_extension = "txt"
    snapshots_dir: Path | None = None
    project_root: Path | None = None

    def serialize(self, data: Any, **kwargs: Any) -> str:
        if isinstance(data, Transcript):
            return render(normalize(data, GOLDEN_PATH_RULES))
        if not isinstance(data, str):
            raise TypeError(f"snapshot a Transcript or a str, not {type(data).__name__}")
        return data

    @classmethod
    def dirname(cls, *, test_location: Any) -> str:
        test_file = Path(test_location.filepath).resolve()
        root = (cls.project_root or _project_root(test_file.parent)).resolve()
        base = cls.snapshots_dir or root / "snapshots"
        relative = test_file.parent.relative_to(root) if test_file.is_relative_to(root) else Path()
        parts = relative.parts[1:] if relative.parts[:1] == ("tests",) else relative.parts
        return str(Path(base).joinpath(*parts, test_location.basename))


def extension_for(snapshots_dir: Path, project_root: str) -> type[TranscriptSnapshotExtension]:
    """The extension class storing under `snapshots_dir` (syrupy takes a class, not an instance)."""
    return type(
        "TranscriptSnapshotExtension",
        (TranscriptSnapshotExtension,),
        {"snapshots_dir": snapshots_dir, "project_root": Path(project_root).resolve()},
    )


def _project_root(start: Path) -> Path:
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return start
