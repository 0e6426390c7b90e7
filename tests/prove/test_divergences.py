"""The accepted-divergences file: what a declaration matches, and each way the file can be wrong,
with the message that names the file, the entry and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import ConfigError
from harness.prove.divergences import Divergence, load_divergences


def test_a_declaration_matches_its_member_and_contract_and_its_cases_only() -> None:
    every = Divergence("Old", "test_same", "why")
    assert every.matches("Old", "test_same", "any") and every.matches("Old", "test_same", None)
    assert not every.matches("Old", "test_other", "any") and not every.matches("New", "test_same", "any")
    narrow = Divergence("Old", "test_same", "why", cases=("one", "two"))
    assert narrow.matches("Old", "test_same", "two") and not narrow.matches("Old", "test_same", "three")
    assert not narrow.matches("Old", "test_same", None)  # a test with no case is not one of them
    assert not narrow.matches("Old", "test_other", "one")


def test_a_file_is_read_in_order_with_reasons_trimmed_and_cases_kept(tmp_path: Path) -> None:
    path = tmp_path / "divergences.toml"
    path.write_text(
        '[[divergence]]\nmember = "Old"\ncontract = "test_a"\nreason = "  drops an event \\n"\n\n'
        '[[divergence]]\nmember = "Older"\ncontract = "test_b"\nreason = "r"\ncases = ["one", "two"]\n',
        encoding="utf-8",
    )
    assert load_divergences(path) == (
        Divergence("Old", "test_a", "drops an event"),
        Divergence("Older", "test_b", "r", ("one", "two")),
    )
    assert load_divergences(tmp_path / "none.toml") == ()  # no file: nothing declared
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    assert load_divergences(empty) == ()


ENTRY = '[[divergence]]\nmember = "Old"\ncontract = "test_a"\nreason = "r"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[divergence]]\nmember = ", "not valid TOML: "),
        ('title = "x"\n' + ENTRY, "expected only [[divergence]] tables"),
        ("[divergence]\nmember = 'Old'\n", "expected only [[divergence]] tables"),
        ("divergence = [1]\n", "[[divergence]] #1: expected a table with member, contract and reason"),
        (ENTRY + ENTRY + "extra = 1\n", "[[divergence]] #2: unknown key 'extra' (allowed: cases, contract, member, reason)"),
        (ENTRY.replace('member = "Old"\n', ""), "[[divergence]] #1: 'member' must be a non-empty string"),
        (ENTRY.replace('"test_a"', '"  "'), "[[divergence]] #1: 'contract' must be a non-empty string"),
        (ENTRY.replace('"r"', "3"), "[[divergence]] #1: 'reason' must be a non-empty string"),
        (ENTRY + 'cases = "one"\n', "[[divergence]] #1: 'cases' must be a list of case ids, e.g. [\"one_tool_call\"]"),
        (ENTRY + 'cases = ["one", ""]\n', "[[divergence]] #1: 'cases' must be a list of case ids"),
        (ENTRY + "cases = [1]\n", "[[divergence]] #1: 'cases' must be a list of case ids"),
    ],
)
def test_each_mistake_is_an_error_naming_the_file_and_the_entry(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "divergences.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_divergences(path)
    assert str(caught.value).startswith(f"{path}: {message}")


def test_a_file_that_is_not_utf8_is_an_error_naming_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "divergences.toml"
    path.write_bytes(b'[[divergence]]\nmember = "\xff"\n')
    with pytest.raises(ConfigError) as caught:
        load_divergences(path)
    assert str(caught.value) == f"{path}: not UTF-8 (byte 25); TOML files must be UTF-8"
