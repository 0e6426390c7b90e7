"""The target description: every key validated with an error naming it, no demo default, the
object overrides any piece, and scenario steps are typed with line-precise errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.characterize.scenario import load_scenario
from harness.characterize.steps import Say, Wait
from harness.characterize.target import describe
from harness.characterize.wire import SocketAuth, TokenTransport
from harness.config import parse_config
from harness.errors import ConfigError

MINIMAL = {
    "socket": "/s",
    "health": "/up",
    "login": {"path": "/in", "username": "u", "password": "p", "token": "/t"},
    "token": {"via": "query", "name": "key"},
    "message": {"template": {"kind": "say"}, "content": "/text"},
    "events": {"type": "/kind", "terminal": ["done"]},
}


def target_from(table: dict, tmp_path: Path):
    return describe(parse_config({"target": table}, root=tmp_path, source="p.toml"))


def without(key: str) -> dict:
    head, _, tail = key.partition(".")
    table = json.loads(json.dumps(MINIMAL))
    if tail:
        del table[head][tail]
    else:
        del table[head]
    return table


def test_a_minimal_declared_target_needs_no_python(tmp_path) -> None:
    target = target_from(MINIMAL, tmp_path)
    assert target.message("hi", None) == '{"kind": "say", "text": "hi"}'
    assert target.token("abc") == SocketAuth(query=(("key", "abc"),))
    assert target.llm is None and target.events.is_terminal({"kind": "done"})


@pytest.mark.parametrize("key", ["socket", "health", "login", "token", "message", "events"])
def test_a_missing_piece_is_an_error_naming_it(key, tmp_path) -> None:
    with pytest.raises(ConfigError, match=f"no {key!r}"):
        target_from(without(key), tmp_path)


@pytest.mark.parametrize(
    "key, match",
    [("login.token", "login.token"), ("login.path", "login.path"), ("events.terminal", "events.terminal"),
     ("message.content", "message.content"), ("token.via", "token.via")],
)  # fmt: skip
def test_a_missing_required_key_is_named(key, match, tmp_path) -> None:
    with pytest.raises(ConfigError, match=match.replace(".", r"\.")):
        target_from(without(key), tmp_path)


@pytest.mark.parametrize(
    "patch, match",
    [
        ({"login": {**MINIMAL["login"], "tokn": "/x"}}, "unknown key 'tokn'"),
        ({"sockets": "/x"}, "unknown key 'sockets'"),
        ({"token": {"via": "pigeon", "name": "x"}}, "token.via: 'pigeon'"),
        ({"token": {"via": "header"}}, "token.name"),
        ({"login": {**MINIMAL["login"], "token": "access"}}, "login.token: 'access' is not a JSON pointer"),
        ({"login": {**MINIMAL["login"], "encoding": "xml"}}, "login.encoding"),
        ({"socket": "ws"}, "socket: 'ws' must be a path"),
        ({"events": {"type": "/kind", "terminal": []}}, "events.terminal"),
        ({"message": {"template": "say", "content": "/t"}}, "message.template"),
        ({"volatile": {"run": {"keys": ["r"], "identty": False}}}, "volatile.run: unknown key 'identty'"),
        ({"volatile": {"Run": ["r"]}}, "volatile.Run"),
        ({"password": "secret"}, r"password: 'secret' must contain \{user\}"),
    ],
)
def test_a_bad_value_is_an_error_naming_its_key(patch, match, tmp_path) -> None:
    with pytest.raises(ConfigError, match=match):
        target_from({**MINIMAL, **patch}, tmp_path)


def test_no_target_at_all_says_how_to_describe_one(tmp_path) -> None:
    with pytest.raises(ConfigError, match="describing-your-service"):
        describe(parse_config({}, root=tmp_path, source="p.toml"))


class Override:
    socket = "/other"
    token = TokenTransport("cookie", "sid")


def test_the_python_object_overrides_any_piece(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr("tests.characterize.test_target_description.OVERRIDE", Override(), raising=False)
    table = {**without("token"), "object": "tests.characterize.test_target_description:OVERRIDE"}
    target = target_from(table, tmp_path)
    assert target.socket == "/other"
    assert target.token("v") == SocketAuth(headers=(("cookie", "sid=v"),))


def test_a_hook_the_driver_needs_is_named_when_missing(tmp_path) -> None:
    target = target_from(MINIMAL, tmp_path)
    with pytest.raises(ConfigError, match=r"in-process driver needs the target object's build_app\(\)"):
        target.hook("build_app", "the in-process driver")


def scenario_file(tmp_path: Path, steps: list) -> Path:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"users": ["alice"], "steps": steps}, indent=2), encoding="utf-8")
    return path


def test_steps_are_typed(tmp_path) -> None:
    path = scenario_file(tmp_path, [{"user": "alice", "say": "hi", "thread": "previous"}, {"user": "alice", "wait": "terminal"}])
    assert load_scenario(path).steps == (Say("alice", "hi", True), Wait("alice", "terminal"))


@pytest.mark.parametrize(
    "bad, match",
    [
        ({"user": "bob", "say": "hi"}, "one of the scenario's users"),
        ({"user": "alice", "say": "hi", "wait": "terminal"}, "exactly one of"),
        ({"user": "alice", "say": ""}, "non-empty string"),
        ({"user": "alice", "say": "hi", "thread": "last"}, "'thread' is 'previous'"),
        ({"user": "alice", "wait_llm_calls": 0}, "positive integer"),
        ({"user": "alice", "disconnect": "yes"}, "takes true"),
        ({"user": "alice", "wait": "terminal", "thread": "previous"}, "unknown key 'thread'"),
    ],
)
def test_a_bad_step_is_reported_at_its_line(bad, match, tmp_path) -> None:
    steps = [{"user": "alice", "say": "hi"}, {"user": "alice", "wait": "terminal"}, bad]
    path = scenario_file(tmp_path, steps)
    line = [i + 1 for i, text in enumerate(path.read_text().splitlines()) if text.strip() == "{"][3]  # 1: the file
    with pytest.raises(ConfigError, match=match) as caught:
        load_scenario(path)
    assert f"{path}:{line}: step 2" in str(caught.value)


def test_the_guide_shows_the_reference_the_validator_uses() -> None:
    from harness.config import target_reference_markdown

    guide = (Path(__file__).resolve().parents[2] / "docs" / "describing-your-service.md").read_text(encoding="utf-8")
    assert target_reference_markdown() in guide, "regenerate the table in docs/describing-your-service.md"


def test_a_malformed_target_table_stops_pytest_before_collection(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml(
        '[tool.pytest.ini_options]\naddopts = "-p no:randomly -p no:cacheprovider"\n\n'
        '[tool.ssot-harness.target]\nsocket = "/s"\ntoken = { via = "pigeon", name = "x" }\n'
    )
    pytester.makepyfile(test_x="def test_x():\n    pass\n")
    result = pytester.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*[[]tool.ssot-harness.target[]] token.via: 'pigeon' is not one of header, query, subprotocol, cookie*"])
