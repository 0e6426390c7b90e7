"""pytest hooks and fixtures of the prove wing (registered by harness.plugin): `implementation`
parametrization, accepted divergences as strict xfail, the equivalence matrix, hypothesis profiles."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import settings

from harness.config import load_config
from harness.errors import HarnessError
from harness.model import Family
from harness.prove import differential, matrix
from harness.prove.divergences import Divergence, load_divergences
from harness.prove.members import MemberCase, load_adapters, member_cases

differential.register_profiles()
_CELL = "ssot_cell"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ssot-harness equivalence")
    group.addoption(
        "--implementation",
        action="append",
        default=[],
        metavar="NAME",
        help="run contracts only against these members (short names; repeat or comma-separate)",
    )
    group.addoption(
        "--equivalence-matrix",
        default="reports",
        metavar="DIR",
        help="folder for equivalence-matrix.md/.json written at session end (default: reports; '' to skip)",
    )
    group.addoption(
        "--divergences",
        default=None,
        metavar="FILE",
        help="accepted divergences file (default: divergences.toml in each family's adapters package)",
    )


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("hypothesis_profile", None):
        settings.load_profile(differential.default_profile())
    state = _State(config)
    config.stash[_STATE] = state
    config.pluginmanager.register(state, "ssot-harness-equivalence-matrix")


class _State:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.cells: list[matrix.Cell] = []
        self._families: list[Family] | None = None
        self._cases: dict[str, list[MemberCase]] = {}
        self.written: tuple[Path, ...] = ()

    @property
    def only(self) -> tuple[str, ...]:
        names = [
            n.strip() for opt in self.config.getoption("--implementation") for n in opt.split(",")
        ]
        return tuple(n for n in names if n)

    def families(self) -> list[Family]:
        if self._families is None:
            pyproject = Path(self.config.rootpath) / "pyproject.toml"
            self._families = (
                [f for f in load_config(pyproject).families if f.adapters]
                if pyproject.is_file()
                else []
            )
        return self._families

    def family_of(self, module_name: str) -> Family | None:
        for family in self.families():
            if module_name == family.adapters or module_name.startswith(f"{family.adapters}."):
                return family
        return None

    def cases(self, family: Family) -> list[MemberCase]:
        if family.name not in self._cases:
            config = load_config(Path(self.config.rootpath) / "pyproject.toml")
            self._cases[family.name] = member_cases(config, family, only=self.only)
        return self._cases[family.name]

    def defined_contracts(self, family: Family) -> set[str]:
        """Names of the test functions in the family's package, read from source, collected or not."""
        package = Path(self.config.rootpath, *family.adapters.split("."))
        pattern = re.compile(r"^(?:async )?def (test_\w+)\(", re.MULTILINE)
        return {
            name
            for path in package.rglob("test_*.py")
            for name in pattern.findall(path.read_text(encoding="utf-8"))
        }

    # -- the matrix: reports reach the controller under xdist, so it is gathered and written there

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        cell = dict(report.user_properties).get(_CELL)
        outcome = matrix.outcome_of(report) if cell is not None else None
        if outcome is not None:
            family, member, contract, case = json.loads(cell)
            self.cells.append(matrix.Cell(family, member, contract, case, *outcome))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        folder = self.config.getoption("--equivalence-matrix")
        if hasattr(self.config, "workerinput") or not self.cells or not folder:
            return
        self.written = matrix.write(_final(self.cells), Path(self.config.rootpath) / folder)

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if hasattr(self.config, "workerinput") or not self.cells:
            return
        terminalreporter.section("ssot-harness equivalence matrix")
        for line in matrix.to_markdown(_final(self.cells)).split("\n\nDivergences")[0].splitlines():
            if line.startswith(("|", "## ")):
                terminalreporter.write_line(line)
        for path in self.written:
            shown = (
                path.relative_to(self.config.rootpath)
                if path.is_relative_to(self.config.rootpath)
                else path
            )
            terminalreporter.write_line(f"written: {shown}")

    def divergences(self, family: Family) -> tuple[Divergence, ...]:
        option = self.config.getoption("--divergences")
        if option:
            return load_divergences(Path(option))
        package = Path(self.config.rootpath, *family.adapters.split("."))
        return load_divergences(package / "divergences.toml")


_STATE = pytest.StashKey[_State]()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "implementation" not in metafunc.fixturenames:
        return
    state = metafunc.config.stash[_STATE]
    family = state.family_of(metafunc.module.__name__)
    if family is None:
        raise pytest.UsageError(
            f"{metafunc.module.__name__}: asks for `implementation` but is not inside any family's "
            "adapters package ([tool.ssot-harness.families.NAME] adapters = '...')"
        )
    try:
        cases = state.cases(family)
    except HarnessError as exc:
        raise pytest.UsageError(str(exc)) from None
    metafunc.parametrize("implementation", cases, ids=[c.name for c in cases], indirect=True)


@pytest.fixture
def implementation(request: pytest.FixtureRequest):
    """The adapter of one family member; a member without an adapter fails here, by name."""
    case: MemberCase = request.param
    if case.adapter is None:
        pytest.fail(
            f"{case.member} is a member of this family (the static audit found it) but has no adapter: "
            f"add a module to the family's adapters package defining ADAPTER with member = {case.member!r}",
            pytrace=False,
        )
    return case.adapter


@pytest.fixture
def canonical(request: pytest.FixtureRequest):
    """The adapter of the family's canonical member."""
    family = request.config.stash[_STATE].family_of(request.module.__name__)
    adapter = load_adapters(family).get(family.canonical.id) if family else None
    if adapter is None:
        pytest.fail(
            f"the canonical {family.canonical.id if family else '?'} has no adapter", pytrace=False
        )
    return adapter


def _case_id(item: pytest.Item, member: str) -> str:
    parts = item.callspec.id.split("-")
    return "-".join(p for p in parts if p != member)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    state = config.stash[_STATE]
    matched: set[Divergence] = set()
    seen: dict[str, tuple[set[str], set[str], set[tuple[str, str, str]]]] = {}
    for item in items:
        case = getattr(getattr(item, "callspec", None), "params", {}).get("implementation")
        if not isinstance(case, MemberCase):
            continue
        family = state.family_of(item.module.__name__)
        contract, case_id = item.originalname, _case_id(item, case.name)
        members, contracts, cells = seen.setdefault(family.name, (set(), set(), set()))
        members.add(case.name)
        contracts.add(contract)
        cells.add((case.name, contract, case_id))
        item.user_properties.append(
            (_CELL, json.dumps([family.name, case.name, contract, case_id]))
        )
        for divergence in state.divergences(family):
            if divergence.matches(case.name, contract, case_id):
                matched.add(divergence)
                item.add_marker(
                    pytest.mark.xfail(
                        strict=True, reason=f"accepted divergence: {divergence.reason}"
                    )
                )
    for family in state.families():
        if family.name not in seen:
            continue
        members, contracts, cells = seen[family.name]
        defined = state.defined_contracts(family)
        for divergence in state.divergences(family):
            if divergence in matched or divergence.member not in members:
                continue
            if divergence.contract in defined and divergence.contract not in contracts:
                continue  # that contract's module is not part of this run
            raise pytest.UsageError(
                f"accepted divergence matches no test: member {divergence.member!r}, contract "
                f"{divergence.contract!r}{', cases ' + str(list(divergence.cases)) if divergence.cases else ''} "
                f"(family {family.name}; contracts defined: {', '.join(sorted(defined))}). "
                "Remove or correct the declaration."
            )


def _final(cells: list[matrix.Cell]) -> list[matrix.Cell]:
    """One cell per test: a teardown failure overrides the call's pass."""
    last: dict[tuple[str, str, str, str], matrix.Cell] = {}
    for cell in cells:
        key = (cell.family, cell.member, cell.contract, cell.case)
        if key not in last or cell.outcome == "fail":
            last[key] = cell
    return list(last.values())
