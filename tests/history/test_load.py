"""A history read back for the page's burndown (`--history FILE`): the JSON `history --format json`
writes reads back as it was; one with a field of another type is a usage error naming the file and
the key (a commit's families as a list was an AttributeError traceback)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.errors import UsageError
from harness.history.history_cli import collect
from harness.history.load import read
from harness.history.render import render_json
from tests.history.conftest import Scripted


@pytest.fixture(scope="module")
def written(scripted: Scripted, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    history, _ = collect(scripted.root)
    path = tmp_path_factory.mktemp("history") / "history.json"
    path.write_text(render_json(history), encoding="utf-8")
    assert render_json(read(path)) == path.read_text(encoding="utf-8")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert any(c["movements"] for c in data["commits"])
    return data


@pytest.mark.parametrize(
    ("where", "value", "said"),
    [
        (("families",), "shop", "key families is a string, not a list"),
        (("commits", "K", "families"), [], "key commits[N].families is a list, not an object"),
        (("commits", "K", "time"), "noon", "key commits[N].time is a string, not an integer"),
        (("commits", "K", "movements", 0, "before", "members"), True, "before.members is true or false"),
    ],
)
def test_a_history_with_a_field_of_another_type_names_the_file_and_key(
    written: dict[str, Any], tmp_path: Path, where: tuple[Any, ...], value: Any, said: str
) -> None:
    data = json.loads(json.dumps(written))
    k = max(i for i, c in enumerate(data["commits"]) if c["movements"])  # a commit that moved
    inner = data
    for step in where[:-1]:
        inner = inner[k if step == "K" else step]
    inner[where[-1]] = value
    path = tmp_path / "history.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        read(path)
    message = str(caught.value).replace(f"commits[{k}]", "commits[N]")
    assert message.startswith(f"--history {path}: ") and said in message, message
