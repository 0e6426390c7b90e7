"""docs/configuration.md is generated from the code: it must match what the generator makes now,
and the generator must show every key, option, fixture and marker the harness defines."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from harness import config, plugin

DOCS = Path(__file__).resolve().parents[2] / "docs"


def generator():
    spec = importlib.util.spec_from_file_location(
        "generate_configuration", DOCS / "generate_configuration.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_reference_matches_the_code() -> None:
    committed = (DOCS / "configuration.md").read_text(encoding="utf-8")
    assert committed == generator().render(), (
        "docs/configuration.md drifted: run `python docs/generate_configuration.py`"
    )


def test_every_key_option_fixture_and_marker_is_in_the_reference() -> None:
    text = generator().render()
    for key in (*config.TOP_KEYS, *config.FAMILY_KEYS):
        assert f"| `{key.name}` | {key.type} |" in text
    for flag, _, _ in plugin.OPTIONS:
        assert f"| `{flag} VALUE` |" in text
    assert "| `--ssot-implementation NAME` |" in text
    for fixture in (
        "ssot_implementation",
        "ssot_canonical",
        "ssot_scenario",
        "ssot_target",
        "ssot_transcript_snapshot",
        "ssot_staging_url",
        "ssot_staging",
        "ssot_audit",
    ):
        assert f"| `{fixture}` |" in text
    for marker in plugin.MARKERS:
        assert f"| `{marker}` |" in text


def test_check_mode_fails_on_a_drifted_file(tmp_path: Path, monkeypatch) -> None:
    module = generator()
    stale = tmp_path / "configuration.md"
    stale.write_text(module.render().replace("`cache-dir`", "`cachedir`"), encoding="utf-8")
    monkeypatch.setattr(module, "TARGET", stale)
    assert module.main(["--check"]) == 1
    stale.write_text(module.render(), encoding="utf-8")
    assert module.main(["--check"]) == 0
