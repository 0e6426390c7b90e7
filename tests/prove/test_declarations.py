"""Accepted divergences held to what exists, in process: where a family's declarations live, which
members and contracts they may name (an error names the nearest real names), how a one-file option
splits among families, `--ssot-implementation` narrowing, and which declarations a run calls stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config import load_config
from harness.errors import ConfigError
from harness.model import Config, Family
from harness.prove.declarations import Declarations, package_dir
from harness.prove.divergences import Divergence
from harness.prove.matrix import Cell

PYPROJECT = """\
[tool.ssot-harness]
roots = ["toy"]
import-roots = ["."]

[tool.ssot-harness.families.greeter]
canonical = "toy.greeters:Greeter"
names = ["*Greeter"]
adapters = "toycontracts"

[tool.ssot-harness.families.counter]
canonical = "toy.counters:Counter"
names = ["*Counter"]
adapters = "toycounters"
"""


def _adapter(package: Path, module: str, member: str) -> None:
    package.joinpath(f"{module}.py").write_text(
        f"from types import SimpleNamespace\nADAPTER = SimpleNamespace(member={member!r})\n"
    )


@pytest.fixture
def toy(pytester: pytest.Pytester) -> Config:
    """Two families, two members each, each with its adapters package and contracts."""
    pytester.makepyprojecttoml(PYPROJECT)
    toy = pytester.mkpydir("toy")
    toy.joinpath("greeters.py").write_text("class Greeter:\n    pass\n\n\nclass LegacyGreeter:\n    pass\n")
    toy.joinpath("counters.py").write_text("class Counter:\n    pass\n\n\nclass OldCounter:\n    pass\n")
    greet = pytester.mkpydir("toycontracts")
    _adapter(greet, "greeter", "toy.greeters:Greeter")
    _adapter(greet, "legacy", "toy.greeters:LegacyGreeter")
    greet.joinpath("test_greet.py").write_text(
        "def test_greets(ssot_implementation):\n    pass\n\n\n"
        "async def test_waves(ssot_implementation):\n    pass\n\n\n"
        "def helper():\n    pass\n\n\nclass TestNot:\n    def test_a_method(self):\n        pass\n"
    )
    greet.joinpath("deeper").mkdir()
    greet.joinpath("deeper", "test_more.py").write_text("def test_bows(ssot_implementation):\n    pass\n")
    greet.joinpath("shapes.py").write_text("def test_not_in_a_test_module():\n    pass\n")
    count = pytester.mkpydir("toycounters")
    _adapter(count, "counter", "toy.counters:Counter")
    _adapter(count, "old", "toy.counters:OldCounter")
    count.joinpath("test_count.py").write_text("def test_counts(ssot_implementation):\n    pass\n")
    pytester.syspathinsert()
    return load_config(pytester.path / "pyproject.toml")


def _declare(path: Path, *entries: tuple[str, str]) -> Path:
    path.write_text(
        "".join(f'[[divergence]]\nmember = "{m}"\ncontract = "{c}"\nreason = "why"\n\n' for m, c in entries)
    )
    return path


def _declarations(config: Config, option: str | None = None) -> Declarations:
    return Declarations(config, list(config.families), option)


def _family(config: Config, name: str) -> Family:
    return next(f for f in config.families if f.name == name)


def test_declarations_live_beside_the_adapters_unless_the_config_or_the_option_says(toy: Config) -> None:
    greeter = _family(toy, "greeter")
    folder = package_dir(greeter)
    assert folder == Path(toy.root) / "toycontracts"
    assert _declarations(toy).path(greeter) == folder / "divergences.toml"
    assert _declarations(toy, option="all.toml").path(greeter) == Path("all.toml")
    configured = Family("greeter", greeter.canonical, adapters="toycontracts", divergences="docs/div.toml")
    assert _declarations(toy).path(configured) == Path(toy.root) / "docs" / "div.toml"
    gone = Family("greeter", greeter.canonical, adapters="no_such_package")
    assert package_dir(gone) is None and _declarations(toy).path(gone) is None
    assert _declarations(toy).of(gone) == () and _declarations(toy).contracts(gone) == set()


def test_a_configured_declarations_file_that_does_not_exist_is_an_error(toy: Config) -> None:
    greeter = Family("greeter", _family(toy, "greeter").canonical, adapters="toycontracts", divergences="div.toml")
    with pytest.raises(ConfigError) as caught:
        _declarations(toy).of(greeter)
    assert str(caught.value) == (
        f"{toy.source}: [tool.ssot-harness.families.greeter] divergences: 'div.toml' does not exist"
    )


def test_no_declarations_file_declares_nothing(toy: Config) -> None:
    declarations = _declarations(toy)
    assert declarations.of(_family(toy, "greeter")) == ()
    declarations.check_names()  # nothing to check


def test_the_contracts_are_the_test_functions_of_the_adapters_package(toy: Config) -> None:
    assert _declarations(toy).contracts(_family(toy, "greeter")) == {"test_greets", "test_waves", "test_bows"}


def test_one_file_for_every_family_gives_each_family_its_own_members_declarations(toy: Config) -> None:
    option = _declare(Path(toy.root) / "all.toml", ("LegacyGreeter", "test_greets"), ("OldCounter", "test_counts"),
                      ("LegacyGreeter", "test_waves"))  # fmt: skip
    declarations = _declarations(toy, option=str(option))
    assert [d.contract for d in declarations.of(_family(toy, "greeter"))] == ["test_greets", "test_waves"]
    assert declarations.of(_family(toy, "counter")) == (Divergence("OldCounter", "test_counts", "why"),)
    declarations.check_names()


def test_a_declaration_naming_a_member_of_no_family_is_an_error_with_the_nearest(toy: Config) -> None:
    option = _declare(Path(toy.root) / "all.toml", ("OldCounter", "test_counts"), ("OldCountr", "test_counts"))
    with pytest.raises(ConfigError) as caught:
        _declarations(toy, option=str(option)).check_names()
    assert str(caught.value) == (
        f"{option}: accepted divergence (member 'OldCountr', contract 'test_counts'): no member of any family "
        "is named 'OldCountr'; did you mean 'OldCounter' or 'Counter'? "
        "(known: Counter, Greeter, LegacyGreeter, OldCounter)"
    )


@pytest.mark.parametrize(
    ("member", "contract", "problem"),
    [("LegacyGreter", "test_greets", "no member of family greeter is named 'LegacyGreter'; did you mean "
      "'LegacyGreeter' or 'Greeter'? (known: Greeter, LegacyGreeter)"),
     ("Zzz", "test_greets", "no member of family greeter is named 'Zzz' (known: Greeter, LegacyGreeter)"),
     ("OldCounter", "test_counts", "no member of family greeter is named 'OldCounter' (known: Greeter, LegacyGreeter)"),
     ("LegacyGreeter", "test_greet", "no contract of family greeter is named 'test_greet'; did you mean "
      "'test_greets' or 'test_waves' or 'test_bows'? (known: test_bows, test_greets, test_waves)"),
     ("LegacyGreeter", "test_counts", "no contract of family greeter is named 'test_counts'; did you mean "
      "'test_bows' or 'test_greets' or 'test_waves'? (known: test_bows, test_greets, test_waves)")],
)  # fmt: skip
def test_a_declaration_must_name_a_member_and_a_contract_of_its_family(
    toy: Config, member: str, contract: str, problem: str
) -> None:
    path = _declare(Path(toy.root) / "toycontracts" / "divergences.toml", ("LegacyGreeter", "test_waves"), (member, contract))
    with pytest.raises(ConfigError) as caught:
        _declarations(toy).check_names()
    assert str(caught.value) == f"{path}: accepted divergence (member {member!r}, contract {contract!r}): {problem}"


def test_implementation_narrows_the_members_and_an_unknown_one_is_an_error(toy: Config) -> None:
    greeter = _family(toy, "greeter")
    declarations = _declarations(toy)
    assert [c.name for c in declarations.cases(greeter)] == ["Greeter", "LegacyGreeter"]  # the canonical first
    assert [c.name for c in declarations.cases(greeter, only=("LegacyGreeter",))] == ["LegacyGreeter"]
    with pytest.raises(ConfigError) as caught:
        declarations.cases(greeter, only=("Zed", "LegacyGreeter", "Abe"))
    assert str(caught.value) == (
        "--ssot-implementation Abe, Zed: no such member of greeter (known: Greeter, LegacyGreeter)"
    )


def test_a_declaration_is_stale_only_when_its_member_and_contract_ran_and_nothing_matched(toy: Config) -> None:
    _declare(Path(toy.root) / "toycontracts" / "divergences.toml",
             ("LegacyGreeter", "test_greets"), ("LegacyGreeter", "test_waves"), ("Greeter", "test_bows"))  # fmt: skip
    declarations = _declarations(toy)
    cells = [Cell("greeter", "LegacyGreeter", "test_greets", case, "pass") for case in ("two", "one")]
    cells += [Cell("greeter", "LegacyGreeter", "test_waves", "", "xfail")]
    assert declarations.unmatched(cells, set(), None) == []  # no collection known: none is stale
    stale = (
        "accepted divergence matches no test: member 'LegacyGreeter', contract 'test_greets', cases [] "
        "(family greeter; cases that ran: one, two). Remove or correct the declaration."
    )
    # #1 matched its test; #2 (Greeter × test_bows) never ran: neither is stale
    assert declarations.unmatched(cells, {("greeter", 1)}, set()) == [stale]
    assert declarations.unmatched(cells, {("greeter", 1)}, {("greeter", 0)}) == []  # collected, not run
    assert declarations.unmatched(cells, {("greeter", 0), ("greeter", 1)}, set()) == []
    assert declarations.unmatched(cells, {("counter", 0), ("greeter", 1)}, set()) == [stale]  # another family's


def test_a_stale_declaration_after_a_matched_one_is_still_found(toy: Config) -> None:
    _declare(Path(toy.root) / "toycontracts" / "divergences.toml",
             ("LegacyGreeter", "test_waves"), ("LegacyGreeter", "test_greets"))  # fmt: skip
    cells = [Cell("greeter", "LegacyGreeter", c, "", "xfail") for c in ("test_waves", "test_greets")]
    (stale,) = _declarations(toy).unmatched(cells, {("greeter", 0)}, set())
    assert "contract 'test_greets'" in stale


def test_every_family_is_checked_even_after_one_with_nothing_declared(toy: Config, pytester: pytest.Pytester) -> None:
    (pytester.path / "toycounters" / "test_count.py").unlink()  # a family with no contract yet
    path = _declare(pytester.path / "toycounters" / "divergences.toml", ("OldCounter", "test_counts"))
    with pytest.raises(ConfigError) as caught:
        _declarations(toy).check_names()  # greeter, first, declares nothing
    assert str(caught.value) == (
        f"{path}: accepted divergence (member 'OldCounter', contract 'test_counts'): no contract of family "
        "counter is named 'test_counts' (known: none)"
    )


def test_at_most_three_nearest_names_are_offered(toy: Config, pytester: pytest.Pytester) -> None:
    (pytester.path / "toycontracts" / "test_greet.py").write_text(
        "".join(f"def test_wave{n}(ssot_implementation):\n    pass\n\n" for n in "abcd")
    )
    (pytester.path / "toycontracts" / "deeper" / "test_more.py").unlink()
    _declare(Path(toy.root) / "toycontracts" / "divergences.toml", ("LegacyGreeter", "test_wave"))
    with pytest.raises(ConfigError, match="did you mean 'test_waved' or 'test_wavec' or 'test_waveb'\\? \\(known"):
        _declarations(toy).check_names()
