"""The syrupy extension: one readable text file per test under the project's top-level snapshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from harness.characterize.normalize import GOLDEN_PATH_RULES, normalize
from harness.characterize.transcript import Transcript, render


def _project_root(start: Path) -> Path:
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return start


class TranscriptSnapshotExtension(SingleFileSnapshotExtension):
    """A Transcript is normalized, then rendered as a chat log; strings are stored as they are.

    One file per test, so pytest-xdist workers never write the same file."""

    _write_mode = WriteMode.TEXT
    file_extension = "txt"

    def serialize(self, data: Any, **kwargs: Any) -> str:
        if isinstance(data, Transcript):
            return render(normalize(data, GOLDEN_PATH_RULES))
        if not isinstance(data, str):
            raise TypeError(f"snapshot a Transcript or a str, not {type(data).__name__}")
        return data

    @classmethod
    def dirname(cls, *, test_location: Any) -> str:
        test_file = Path(test_location.filepath).resolve()
        root = _project_root(test_file.parent)
        relative = test_file.parent.relative_to(root)
        parts = relative.parts[1:] if relative.parts[:1] == ("tests",) else relative.parts
        return str(root.joinpath("snapshots", *parts, test_location.basename))
