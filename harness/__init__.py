"""ssot-harness: characterize, prove equivalence, then pin a single source of truth.

The public API is what `__all__` lists; everything else is internal and may change. Names are
imported on first use, so `import harness` (and the pytest plugin) stays cheap."""

from __future__ import annotations

import importlib
from typing import Any

_PUBLIC = {
    # pin
    "SsotAudit": "harness.pin.audit_fixture",
    "assert_single_implementation": "harness.pin.audit_fixture",
    "assert_within_baseline": "harness.pin.audit_fixture",
    # prove
    "assert_equivalent": "harness.prove.differential",
    "CanonicalMemo": "harness.prove.memo",
    "DivergenceFound": "harness.prove.differential",
    "equivalence_settings": "harness.prove.differential",
    # prove: what a scaffolded family suite (`ssot-harness scaffold`) is written with
    "assert_same_as_canonical": "harness.prove.canonical",
    "Unsupported": "harness.prove.canonical",
    "MemberAdapter": "harness.prove.adapter",
    "assert_same_kind": "harness.prove.adapter",
    "describe_calls": "harness.prove.adapter",
    "play": "harness.prove.adapter",
    "preserve": "harness.prove.adapter",
    "unsupported": "harness.prove.adapter",
    "calls": "harness.prove.hints",
    "hinted": "harness.prove.hints",
    "todo": "harness.prove.hints",
    "ScaffoldTODO": "harness.errors",
    # characterize
    "CharacterizationTarget": "harness.characterize.target",
    "Target": "harness.characterize.target",
    "describe_target": "harness.characterize.target",
    "golden_transcript": "harness.characterize.golden_hooks",
    "Scenario": "harness.characterize.scenario",
    "Transcript": "harness.characterize.transcript",
    "normalize": "harness.characterize.normalize",
    "KeyRule": "harness.characterize.normalize",
    "PatternRule": "harness.characterize.normalize",
    "TranscriptSnapshotExtension": "harness.characterize.snapshot",
    "record": "harness.characterize.recorder",
    "as_text": "harness.characterize.snapshot",
    "load_scenarios": "harness.characterize.scenario",
    "EventShape": "harness.characterize.wire",
    "SocketAuth": "harness.characterize.wire",
    "Instance": "harness.characterize.target",
    "StagingClient": "harness.characterize.staging",
    "shape_problems": "harness.characterize.staging",
    "order_problems": "harness.characterize.fields",
    "StagingError": "harness.errors",
    # characterize: the ready tests, collected where a test module imports them
    "test_golden_path": "harness.characterize.suite",
    "test_live_and_in_process_transcripts_are_identical": "harness.characterize.suite",
    "test_every_snapshot_file_belongs_to_a_scenario_and_back": "harness.characterize.suite",
    "test_golden_path_runs_have_the_expected_shape": "harness.characterize.suite",
    "test_two_users_at_once_get_distinct_runs": "harness.characterize.suite",
    # errors
    "HarnessError": "harness.errors",
    "ConfigError": "harness.errors",
}
__all__ = ["__version__", *sorted(_PUBLIC)]


def __getattr__(name: str) -> Any:
    if name == "__version__":  # read on first use: importlib.metadata costs every command ~40 ms
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("ssot-harness")
        except PackageNotFoundError:  # pragma: no cover - a checkout that is not installed
            found = "0+unknown"
        globals()["__version__"] = found
        return found
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'harness' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return __all__
