"""Fuzzed shard files (`ssot-harness merge`): real shards of `verify --shard K/3` and `inventory
--shard K/3` (made by the product, each shard its own process), one of them mutated the way the
config fuzz mutates its documents (values replaced by junk of any JSON type, keys dropped or
added, lists of strings turned into a string). The merge either answers (exit 0 or 1, a result
file that reads back, an inventory in JSON) or is the harness's own error naming the damaged file
(and, for a field, its key), exit 2; never a traceback. `SSOT_FUZZ_EXAMPLES` as in test_parsers.py."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from harness.cli import main
from harness.commands import results
from tests.fuzz.junk import FUZZ, JSON_JUNK, mutated
from tests.report.shard_runs import kitchen, shard_files, toy

__all__ = ["kitchen", "toy"]  # session fixtures


def _merge(project: Path, files: list[Path], *extra: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(
            ["merge", *map(str, files), "--config", str(project / "pyproject.toml"), *extra]
        )
    return status, out.getvalue(), err.getvalue()


def _written(folder: Path, docs: list[Any], index: int, damaged: Any) -> list[Path]:
    paths = []
    for i, doc in enumerate(docs):
        path = folder / f"shard{i + 1}.json"
        path.write_text(json.dumps(damaged if i == index else doc), encoding="utf-8")
        paths.append(path)
    return paths


# what an error says when no single key is wrong but the shards disagree (or one is not a shard)
ACROSS = ("given twice", "different numbers of shards", "different selection", "different families",
          "audits differ", "ran in", "not a shard's result file")  # fmt: skip


def _refused(status: int, err: str, damaged: Path) -> None:
    """Exit 2, one line of the harness's own error naming the damaged file and the key."""
    assert status == 2, err
    assert err.startswith("ssot-harness merge: error: ") and err.count("\n") == 1, err
    assert str(damaged) in err, err
    assert "key " in err or any(said in err for said in ACROSS), err


@FUZZ
@given(data=st.data())
def test_mutated_verify_shards(
    tmp_path_factory: pytest.TempPathFactory, toy: Path, data: st.DataObject
) -> None:
    docs = [json.loads((toy / f).read_text(encoding="utf-8")) for f in shard_files(toy)]
    index = data.draw(st.integers(0, len(docs) - 1), label="shard")
    damaged = data.draw(mutated(docs[index], JSON_JUNK), label="damaged")
    folder = tmp_path_factory.mktemp("verify-shards")
    files = _written(folder, docs, index, damaged)
    status, out, err = _merge(toy, files, "--reports", str(folder / "merged"))
    event(f"exit {status}")
    if status == 2:
        _refused(status, err, files[index])
        assert not (folder / "merged").exists()
        return
    assert status in (0, 1) and not err, err
    merged = results.load(folder / "merged" / results.file_name(None))
    assert merged["merged"] == 3 and f"merged 3 shards into {folder / 'merged'}" in out


@FUZZ
@given(data=st.data())
def test_mutated_inventory_shards(
    tmp_path_factory: pytest.TempPathFactory, kitchen: Path, data: st.DataObject
) -> None:
    docs = [json.loads((kitchen / f"inv{k}.json").read_text(encoding="utf-8")) for k in (1, 2, 3)]
    index = data.draw(st.integers(0, len(docs) - 1), label="shard")
    damaged = data.draw(mutated(docs[index], JSON_JUNK), label="damaged")
    files = _written(tmp_path_factory.mktemp("inventory-shards"), docs, index, damaged)
    status, out, err = _merge(kitchen, files, "--format", "json")
    event(f"exit {status}")
    if status == 2:
        _refused(status, err, files[index])
        return
    assert status in (0, 1), err
    assert err == (
        "inventory: the measured run had failing tests; their coverage is counted all the same\n"
        if status
        else ""
    ), err
    assert [f["family"] for f in json.loads(out)["families"]]
