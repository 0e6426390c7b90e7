"""Both mutant sets keep applying to today's source: every edit's old text occurs exactly once."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from mutants import MUTANTS  # noqa: E402
from mutants_endpoint import MUTANTS as ENDPOINT_MUTANTS  # noqa: E402


def test_at_least_twenty_distinct_mutants() -> None:
    assert len(MUTANTS) >= 20
    assert len({m.name for m in MUTANTS}) == len(MUTANTS)


def test_the_endpoint_set_is_distinct_from_the_first() -> None:
    assert len(ENDPOINT_MUTANTS) >= 15
    assert len({m.name for m in MUTANTS + ENDPOINT_MUTANTS}) == len(MUTANTS) + len(ENDPOINT_MUTANTS)


@pytest.mark.parametrize("mutant", MUTANTS + ENDPOINT_MUTANTS, ids=[m.name for m in MUTANTS + ENDPOINT_MUTANTS])
def test_mutant_applies_exactly_once_and_changes_the_source(mutant) -> None:
    text = (ROOT / mutant.file).read_text(encoding="utf-8")
    original = text
    for old, new in mutant.edits:
        assert text.count(old) == 1, f"{mutant.name}: {old!r} occurs {text.count(old)} times in {mutant.file}"
        text = text.replace(old, new)
    assert text != original
    compile(text, mutant.file, "exec")  # a mutant is a behaviour change, not a syntax error
