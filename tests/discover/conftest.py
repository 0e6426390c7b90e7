"""Fixtures shared by the discover tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths discover reads from here on, in order (counted at the scanner's one reader)."""
    from harness.scan import index

    seen: list[str] = []
    real = index.read_file

    def counted(path: str, size: int) -> bytes:
        seen.append(path)
        return real(path, size)

    monkeypatch.setattr(index, "read_file", counted)
    monkeypatch.setattr("harness.discover.collect.read_file", counted)
    return seen
