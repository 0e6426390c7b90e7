"""Accepted divergences held to what exists: every declaration names a real member and a real
contract (else an error naming the nearest names), and one that matches no test of the run fails it."""

from __future__ import annotations

import difflib
import importlib.util
import re
from pathlib import Path

from harness.errors import ConfigError
from harness.model import Config, Family
from harness.prove.divergences import Divergence, load_divergences
from harness.prove.matrix import Cell
from harness.prove.member_cases import MemberCase, member_cases

_TEST_DEF = re.compile(r"^(?:async )?def (test_\w+)\(", re.MULTILINE)


def package_dir(family: Family) -> Path | None:
    """The folder of the family's adapters package, wherever it is importable from."""
    assert family.adapters
    try:
        spec = importlib.util.find_spec(family.adapters)
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or []) if spec else []
    return Path(locations[0]) if locations else None


class Declarations:
    """The run's accepted divergences, per family, with the members and contracts they must name."""

    def __init__(self, project: Config, families: list[Family], option: str | None) -> None:
        self.project = project
        self.families = families
        self.option = option
        self._declared: dict[str, tuple[Divergence, ...]] = {}
        self._cases: dict[str, list[MemberCase]] = {}

    def path(self, family: Family) -> Path | None:
        root = Path(self.project.root)
        if self.option:
            return Path(self.option)
        if family.divergences:
            return root / family.divergences
        folder = package_dir(family)
        return folder / "divergences.toml" if folder else None

    def of(self, family: Family) -> tuple[Divergence, ...]:
        if family.name not in self._declared:
            path = self.path(family)
            if family.divergences and path is not None and not path.is_file():
                raise ConfigError(
                    f"{self.project.source}: [tool.ssot-harness.families.{family.name}] divergences: {family.divergences!r} does not exist"
                )
            declared = load_divergences(path) if path is not None else ()
            if (
                self.option
            ):  # one file for every family: each declaration belongs to its member's family
                members = {c.name for c in self.cases(family)}
                declared = tuple(d for d in declared if d.member in members)
            self._declared[family.name] = declared
        return self._declared[family.name]

    def cases(self, family: Family, only: tuple[str, ...] = ()) -> list[MemberCase]:
        if family.name not in self._cases:
            self._cases[family.name] = member_cases(self.project, family)
        cases = self._cases[family.name]
        if not only:
            return cases
        known = {c.name for c in cases}
        unknown = sorted(set(only) - known)
        if unknown:
            raise ConfigError(
                f"--ssot-implementation {', '.join(unknown)}: no such member of {family.name} "
                f"(known: {', '.join(sorted(known))})"
            )
        return [c for c in cases if c.name in only]

    def contracts(self, family: Family) -> set[str]:
        """Names of the test functions in the family's adapters package, read from source."""
        folder = package_dir(family)
        if folder is None:
            return set()
        return {
            name
            for path in sorted(folder.rglob("test_*.py"))
            for name in _TEST_DEF.findall(path.read_text(encoding="utf-8"))
        }

    def check_names(self) -> None:
        """Every declaration names a member of its family and a contract defined in its package."""
        if self.option:
            known = sorted({c.name for family in self.families for c in self.cases(family)})
            for divergence in load_divergences(Path(self.option)):
                if divergence.member not in known:
                    raise ConfigError(
                        f"{self.option}: accepted divergence (member {divergence.member!r}, contract {divergence.contract!r}): "
                        f"no member of any family is named {divergence.member!r}{_nearest(divergence.member, known)}"
                    )
        for family in self.families:
            declared = self.of(family)
            if not declared:
                continue
            members = sorted({c.name for c in self.cases(family)})
            contracts = sorted(self.contracts(family))
            for divergence in declared:
                where = f"{self.path(family)}: accepted divergence (member {divergence.member!r}, contract {divergence.contract!r})"
                if divergence.member not in members:
                    raise ConfigError(
                        f"{where}: no member of family {family.name} is named {divergence.member!r}{_nearest(divergence.member, members)}"
                    )
                if divergence.contract not in contracts:
                    raise ConfigError(
                        f"{where}: no contract of family {family.name} is named {divergence.contract!r}{_nearest(divergence.contract, contracts)}"
                    )

    def unmatched(
        self,
        cells: list[Cell],
        matched: set[tuple[str, int]],
        collected: set[tuple[str, int]] | None,
    ) -> list[str]:
        """Declarations whose member and contract ran but that matched no collected test: stale or
        wrong cases. One matching a test that was collected and not run (deselected by -k or -m, or
        not reached after -x, --maxfail or ^C) is not stale; with no collection known (`None`) none is.
        """
        if collected is None:
            return []
        ran = {(c.family, c.member, c.contract) for c in cells}
        problems = []
        for family in self.families:
            for index, divergence in enumerate(self.of(family)):
                if (
                    (family.name, index) in matched
                    or (family.name, index) in collected
                    or (
                        family.name,
                        divergence.member,
                        divergence.contract,
                    )
                    not in ran
                ):
                    continue
                cases = [
                    c.case
                    for c in cells
                    if (c.family, c.member, c.contract)
                    == (family.name, divergence.member, divergence.contract)
                ]
                problems.append(
                    f"accepted divergence matches no test: member {divergence.member!r}, contract {divergence.contract!r}, "
                    f"cases {list(divergence.cases)} (family {family.name}; cases that ran: {', '.join(sorted(cases))}). "
                    "Remove or correct the declaration."
                )
        return problems


def _nearest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return f"{hint} (known: {', '.join(known) or 'none'})"
