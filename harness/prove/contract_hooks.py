"""pytest hooks and fixtures of the prove wing (registered by harness.plugin): `ssot_implementation`
parametrization, accepted divergences as strict xfail, the equivalence matrix. Inert where the
project has no `[tool.ssot-harness]`; its hypothesis profiles apply to contract tests only."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from harness import pytest_session
from harness.errors import HarnessError, ScaffoldTODO
from harness.model import Config, Family
from harness.prove import differential, matrix
from harness.prove.declarations import Declarations
from harness.prove.member_cases import MemberCase, load_adapters

_CELL = "ssot_cell"  # user property: [family, member, contract, case]
_DETAIL = "ssot_detail"  # user property: the divergence's minimal scenario and diff, or the failure
_DECLARED = "ssot_declared"  # user property: [family, index of the matching declaration]
_FIXED = "ssot_fixed"  # user property: a declared divergence that no longer diverges
_COLLECTED = (
    "ssot_collected_declarations"  # xdist workeroutput: declarations matching a collected test
)
_NO_MARKER = pytest.StashKey[bool]()
_HYPOTHESIS_EXAMPLES = (
    "_hypothesis_failing_examples"  # where hypothesis leaves a failure's examples
)
_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def pytest_configure(config: pytest.Config) -> None:
    project = pytest_session.project_config(config)
    if project is None:
        return
    profile = pytest_session.setting(config, "ssot_hypothesis_profile", project.hypothesis_profile)
    try:
        differential.register_profiles()  # a malformed SSOT_HYPOTHESIS_DATABASE is a usage error
        differential.use_profile(profile or differential.default_profile())
    except HarnessError as exc:
        raise pytest.UsageError(f"ssot-harness: {exc}") from None
    state = _State(config, project)
    config.stash[_STATE] = state
    config.pluginmanager.register(state, "ssot-harness-equivalence")
    config.pluginmanager.register(_Summary(state), "ssot-harness-matrix-summary")


class _State:
    """The run's families, members and declarations; gathers the matrix cells on the controller."""

    def __init__(self, config: pytest.Config, project: Config) -> None:
        self.config = config
        self.project = project
        self.families = [f for f in project.families if f.adapters]
        option = pytest_session.setting(config, "ssot_divergences", None)
        self.declarations = Declarations(project, self.families, option)
        self.cells: list[matrix.Cell] = []
        self.matched: set[tuple[str, int]] = set()
        # declarations matching a collected test, whether it ran, was deselected (-k, -m) or never
        # reached (-x, --maxfail, ^C); None: no collection seen (an xdist run whose workers said nothing)
        self.collected: set[tuple[str, int]] | None = None
        self.written: tuple[Path, ...] = ()
        self.stale: list[str] = []

    @property
    def only(self) -> tuple[str, ...]:
        names = [
            n.strip()
            for opt in self.config.getoption("ssot_implementation")
            for n in opt.split(",")
        ]
        return tuple(n for n in names if n)

    def family_of(self, module_name: str) -> Family | None:
        for family in self.families:
            if module_name == family.adapters or module_name.startswith(f"{family.adapters}."):
                return family
        return None

    # -- checks that need no collection: on the controller, before any worker starts

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        if hasattr(self.config, "workerinput"):
            return
        try:
            self.declarations.check_names()
        except HarnessError as exc:
            raise pytest.UsageError(f"ssot-harness: {exc}") from None

    # -- the matrix: reports reach the controller under xdist, so it is gathered and written there

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        props: dict[str, Any] = dict(report.user_properties)
        cell = props.get(_CELL)
        if cell is None:
            return
        family, member, contract, case = json.loads(cell)
        if _DECLARED in props:
            self.matched.add(tuple(json.loads(props[_DECLARED])))  # type: ignore[arg-type]
        outcome = matrix.outcome_of(report, fixed=_FIXED in props, detail=props.get(_DETAIL, ""))
        if outcome is not None:
            self.cells.append(matrix.Cell(family, member, contract, case, *outcome))

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        """An xdist worker's collected declarations (each worker collects the whole selection)."""
        found = getattr(node, "workeroutput", {}).get(_COLLECTED)
        if found is not None:
            self.collected = (self.collected or set()) | {tuple(x) for x in json.loads(found)}

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if hasattr(self.config, "workerinput"):
            self.config.workeroutput[_COLLECTED] = json.dumps(sorted(self.collected or ()))  # type: ignore[attr-defined]
            return
        if not self.cells:
            return
        cells = _final(self.cells)
        self.stale = self.declarations.unmatched(cells, self.matched, self.collected)
        if self.stale and session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        folder = pytest_session.setting(self.config, "ssot_reports", None)
        if folder:
            out = pytest_session.project_path(self.config, folder)
            self.written = matrix.write(cells, out)
            matrix.write_cells(cells, self.stale, out)

    def cases(self, family: Family) -> list[MemberCase]:
        return self.declarations.cases(family, only=self.only)


class _Summary:
    """The compact matrix at the end of the terminal report (`verify` blocks it and prints the full one)."""

    def __init__(self, state: _State) -> None:
        self.state = state

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        state = self.state
        if hasattr(state.config, "workerinput") or not state.cells:
            return
        terminalreporter.section("ssot-harness equivalence matrix")
        for line in (
            matrix.to_markdown(_final(state.cells)).split("\n\nDivergences")[0].splitlines()
        ):
            if line.startswith(("|", "## ")):
                terminalreporter.write_line(line)
        for problem in state.stale:
            terminalreporter.write_line(f"ERROR: {problem}", red=True)
        root = Path(state.project.root).resolve()
        for path in state.written:
            shown = path.relative_to(root) if path.is_relative_to(root) else path
            terminalreporter.write_line(f"written: {shown}")


_STATE = pytest.StashKey[_State]()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "ssot_implementation" not in metafunc.fixturenames or _STATE not in metafunc.config.stash:
        return
    state = metafunc.config.stash[_STATE]
    family = state.family_of(metafunc.module.__name__)
    if family is None:
        adapters = ", ".join(f"{f.name}: {f.adapters}" for f in state.families) or "none declared"
        raise pytest.UsageError(
            f"{metafunc.module.__name__}: asks for `ssot_implementation` but is not inside any family's "
            f"adapters package ([tool.ssot-harness.families.NAME] adapters = '...'; now: {adapters})"
        )
    try:
        cases = state.cases(family)
    except HarnessError as exc:
        raise pytest.UsageError(f"ssot-harness: {exc}") from None
    metafunc.parametrize("ssot_implementation", cases, ids=[c.name for c in cases], indirect=True)


@pytest.fixture
def ssot_implementation(request: pytest.FixtureRequest) -> Any:
    """The adapter of one family member; a member without an adapter fails here, by name."""
    pytest_session.require(request.config, "ssot_implementation")
    if request.node.stash.get(_NO_MARKER, False):
        marker = pytest_session.require(request.config, "ssot_implementation").marker("contract")
        pytest.fail(
            f"{request.node.nodeid}: a test in an adapters package that asks for ssot_implementation must "
            f"carry the `{marker}` marker (add `pytestmark = pytest.mark.{marker}` to its module); without "
            "it `verify` would silently skip it",
            pytrace=False,
        )
    case: MemberCase = request.param
    if case.adapter is None:
        pytest.fail(
            f"{case.member} is a member of this family (the static audit found it) but has no adapter: "
            f"add a module to the family's adapters package defining ADAPTER with member = {case.member!r}",
            pytrace=False,
        )
    return case.adapter


@pytest.fixture
def ssot_canonical(request: pytest.FixtureRequest) -> Any:
    """The adapter of the family's canonical member."""
    pytest_session.require(request.config, "ssot_canonical")
    state = request.config.stash[_STATE]
    family = state.family_of(request.module.__name__)
    adapter = load_adapters(family).get(family.canonical.id) if family else None
    if adapter is None:
        pytest.fail(
            f"the canonical {family.canonical.id if family else '?'} has no adapter", pytrace=False
        )
    return adapter


def _case_id(item: pytest.Item, member: str) -> str:
    parts = item.callspec.id.split("-")  # type: ignore[attr-defined]
    return "-".join(p for p in parts if p != member)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    if _STATE not in config.stash:
        return
    state = config.stash[_STATE]
    state.collected = state.collected or set()
    for item in items:
        case: Any = getattr(getattr(item, "callspec", None), "params", {}).get(
            "ssot_implementation"
        )
        family = state.family_of(item.module.__name__) if isinstance(case, MemberCase) else None  # type: ignore[attr-defined]
        if family is None:
            continue
        marker = state.project.marker("contract")
        if item.get_closest_marker(marker) is None:
            item.stash[_NO_MARKER] = (
                True  # fails in its fixture, by name, and is not deselected by -m contract
            )
            item.add_marker(getattr(pytest.mark, marker))
        contract, case_id = item.originalname, _case_id(item, case.name)  # type: ignore[attr-defined]
        item.user_properties.append(
            (_CELL, json.dumps([family.name, case.name, contract, case_id]))
        )
        for index, divergence in enumerate(state.declarations.of(family)):
            if divergence.matches(case.name, contract, case_id):
                item.user_properties.append((_DECLARED, json.dumps([family.name, index])))
                state.collected.add((family.name, index))
                item.add_marker(
                    pytest.mark.xfail(
                        strict=True, reason=f"accepted divergence: {divergence.reason}"
                    )
                )
                break


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    outcome = yield
    if _STATE not in item.config.stash or call.when != "call":
        return
    props = dict(item.user_properties)
    if _CELL not in props:
        return
    report = outcome.get_result()
    error = call.excinfo.value if call.excinfo is not None else None
    if isinstance(error, ScaffoldTODO):  # a part still to fill in: its place, not a traceback
        report.longrepr = f"{type(error).__name__}: {error}"
    if isinstance(error, differential.DivergenceFound):
        detail = f"Minimal scenario:\n{error.scenario}\nDiff (canonical -> member):\n{error.diff}"
    elif error is not None and not isinstance(error, pytest.skip.Exception):
        first = (str(error).strip().splitlines() or [""])[0]
        detail = _ADDRESS.sub(
            "", f"{type(error).__name__}: {first}"
        )  # deterministic: no object addresses
    else:
        detail = ""
    if detail:
        report.user_properties.append((_DETAIL, detail))
    if error is None and _DECLARED in props:
        report.user_properties.append((_FIXED, "1"))
    if _DECLARED in props:
        # an accepted divergence: hypothesis must not write `.hypothesis/patches/…` nor advise
        # `git apply` to add its example as a test case (its plugin reads this at teardown)
        item.__dict__.pop(_HYPOTHESIS_EXAMPLES, None)


def _final(cells: list[matrix.Cell]) -> list[matrix.Cell]:
    """One cell per test: a teardown failure overrides the call's pass."""
    last: dict[tuple[str, str, str, str], matrix.Cell] = {}
    for cell in cells:
        key = (cell.family, cell.member, cell.contract, cell.case)
        if key not in last or cell.outcome in ("fail", "fixed"):
            last[key] = cell
    return list(last.values())
