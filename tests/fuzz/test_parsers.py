"""Fuzzed inputs for every parser a user's file reaches: a valid result or the harness's own error
naming the file (and, where there is one, the key), never another exception, never a silent default.

Inputs are the bundled project's real files, mutated (a value replaced by junk of another type, a
key dropped or added, a list turned into a plain string), plus raw bytes. The number of examples
is fixed for `./ssot test` (`SSOT_FUZZ_EXAMPLES`, default 60 per parser); the nightly recipe runs
`SSOT_FUZZ_EXAMPLES=2000 ./ssot test tests/fuzz`.
"""

from __future__ import annotations

import copy
import datetime
import json
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.characterize.scenario import load_scenario
from harness.characterize.target import parse_declared
from harness.config import parse_config
from harness.errors import HarnessError
from harness.pin.baseline import load_baseline
from harness.prove.divergences import load_divergences
from tests.fuzz.junk import (
    FUZZ,
    JSON_JUNK,
    ROOT,
    TOML_JUNK,
    either_result_or_our_error,
    get,
    mutated,
)


def _toml(doc: dict[str, Any]) -> str:
    """A TOML document for `doc` (top-level keys as `key = value`, tables inline)."""

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return repr(v)
        if isinstance(v, datetime.date):
            return v.isoformat()
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return "{" + ", ".join(f"{json.dumps(k)} = {value(x)}" for k, x in v.items()) + "}"

    return "".join(f"{json.dumps(k)} = {value(v)}\n" for k, v in doc.items())


# --- [tool.ssot-harness]: families, shims, target description ------------------------------------

SECTION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["ssot-harness"]
SECTION["families"]["agent-registry"]["shims"] = [  # so shims are fuzzed too
    {"member": "agent_platform.agents.catalog:GlobalAgentRegistry", "reason": "admin CLI",
     "expires": datetime.date(2999, 1, 1), "callers": ["agent_platform.admin"]},
]  # fmt: skip


def _parse_section(section: Any) -> Any:
    config = parse_config(section, root=ROOT, source="pyproject.toml")
    if config.target_declared is not None:
        parse_declared(config.target_declared, "pyproject.toml: [tool.ssot-harness.target]")
    return config


def test_the_unmutated_section_parses() -> None:
    config = _parse_section(SECTION)
    assert len(config.families) == 4 and config.families[1].shims


@FUZZ
@given(mutated(SECTION, TOML_JUNK))
def test_config_section(section: dict[str, Any]) -> None:
    either_result_or_our_error(lambda: _parse_section(section), "pyproject.toml")


LIST_KEYS = [("roots",), ("verify-paths",), ("families", "execution-engine-factory", "names"),
             ("families", "agent-registry", "shims", 0, "callers")]  # fmt: skip


@pytest.mark.parametrize("path", LIST_KEYS, ids=lambda p: ".".join(map(str, p)))
def test_a_plain_string_where_a_list_belongs_is_an_error_not_its_letters(path: tuple[Any, ...]) -> None:
    section = copy.deepcopy(SECTION)
    parent = get(section, path[:-1])
    parent[path[-1]] = parent[path[-1]][0]
    with pytest.raises(HarnessError, match=str(path[-1])):
        _parse_section(section)


# --- scenario files ------------------------------------------------------------------------------

SCENARIO = json.loads((ROOT / "scenarios" / "two_users_at_once.json").read_text(encoding="utf-8"))


@FUZZ
@given(mutated(SCENARIO, JSON_JUNK))
def test_scenario_file(tmp_path_factory: pytest.TempPathFactory, doc: Any) -> None:
    path = tmp_path_factory.mktemp("scenario") / "two_users_at_once.json"  # its name must match
    path.write_text(json.dumps(doc), encoding="utf-8")
    either_result_or_our_error(lambda: load_scenario(path), "two_users_at_once.json")


def test_a_scenario_whose_users_is_a_string_is_an_error() -> None:
    doc = {**SCENARIO, "users": "alice"}
    path = ROOT / "scenarios" / "two_users_at_once.json"
    with pytest.raises(HarnessError, match="users"):
        _load_json_as(path.name, doc, load_scenario)


def _load_json_as(name: str, doc: Any, loader: Any) -> Any:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_text(json.dumps(doc), encoding="utf-8")
        return loader(path)


# --- divergence declarations ---------------------------------------------------------------------

DIVERGENCES = tomllib.loads(
    (ROOT / "contracts" / "execution_engine" / "divergences.toml").read_text(encoding="utf-8")
)


@FUZZ
@given(mutated(DIVERGENCES, TOML_JUNK))
def test_divergence_declarations(tmp_path_factory: pytest.TempPathFactory, doc: dict[str, Any]) -> None:
    path = tmp_path_factory.mktemp("divergences") / "divergences.toml"
    path.write_text(_toml(doc), encoding="utf-8")
    either_result_or_our_error(lambda: load_divergences(path), "divergences.toml")


def test_cases_given_as_a_string_is_an_error_not_its_letters(tmp_path: Path) -> None:
    path = tmp_path / "divergences.toml"
    path.write_text('[[divergence]]\nmember = "M"\ncontract = "test_x"\nreason = "r"\ncases = "abc"\n')
    with pytest.raises(HarnessError, match="cases"):
        load_divergences(path)


# --- the baseline --------------------------------------------------------------------------------

BASELINE = json.loads((ROOT / ".ssot-baseline.json").read_text(encoding="utf-8"))


@FUZZ
@given(mutated(BASELINE, JSON_JUNK))
def test_baseline(tmp_path_factory: pytest.TempPathFactory, doc: Any) -> None:
    path = tmp_path_factory.mktemp("baseline") / "baseline.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    either_result_or_our_error(lambda: load_baseline(path), "baseline.json")


# --- raw bytes, for each file-reading parser -----------------------------------------------------

BYTES_PARSERS: dict[str, tuple[str, Callable[[Path], Any], st.SearchStrategy[bytes]]] = {
    # a scenario's users given as one string: once split into letters, silently
    "scenario": ("fuzzed.json", load_scenario,
                 st.binary(max_size=60) | st.just(b'{"users": "alice", "steps": []}')),
    "divergences": ("divergences.toml", load_divergences, st.binary(max_size=60)),
    "baseline": ("baseline.json", load_baseline, st.binary(max_size=60)),
}  # fmt: skip


@pytest.mark.parametrize("parser", sorted(BYTES_PARSERS))
@FUZZ
@given(data=st.data())
def test_raw_bytes(tmp_path_factory: pytest.TempPathFactory, parser: str, data: st.DataObject) -> None:
    name, load, raw = BYTES_PARSERS[parser]
    path = tmp_path_factory.mktemp(parser) / name
    path.write_bytes(data.draw(raw, label="bytes"))
    either_result_or_our_error(lambda: load(path), name)
