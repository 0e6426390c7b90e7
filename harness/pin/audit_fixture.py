"""pytest hooks and fixtures of the pin wing (registered by harness.plugin): pin a family from a test.

    @pytest.mark.ssot
    def test_engine_factory_is_pinned(ssot_audit):
        ssot_audit.assert_single_implementation("execution-engine-factory")

Failures list every offender as file:line with the canonical to use instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import pytest_session
from harness.config import load_config
from harness.model import Config
from harness.pin.audit import AuditReport, FamilyAudit, run_audit


class SsotAudit:
    """One audit of a project, run on first use; the assertions a pin test makes against it."""

    def __init__(self, config: Config, *, use_cache: bool = True) -> None:
        self.config = config
        self.use_cache = use_cache
        self._report: AuditReport | None = None

    @classmethod
    def from_pyproject(cls, pyproject: Path | str, *, use_cache: bool = True) -> SsotAudit:
        return cls(load_config(Path(pyproject)), use_cache=use_cache)

    @property
    def report(self) -> AuditReport:
        if self._report is None:
            self._report = run_audit(self.config, use_cache=self.use_cache, require_baseline=False)
        return self._report

    def family(self, name: str) -> FamilyAudit:
        self.config.family(name)  # a clear ConfigError for an unknown name
        return self.report.family(name)

    def assert_single_implementation(self, name: str) -> None:
        """Only the canonical may remain: no other definition, alias, re-export, import or reference."""
        fa = self.family(name)
        if fa.unparsed.unaccepted:  # what such a file holds is unknown: no pin can pass over it
            raise AssertionError(f"family {name!r} cannot be pinned: {fa.verdict}")
        if fa.offenders:
            raise AssertionError(
                f"family {name!r} must have a single implementation, {fa.family.canonical}, "
                f"but {len(fa.offenders)} other place{'s' * (len(fa.offenders) != 1)} remain:\n"
                + _offenders(fa)
            )

    def assert_within_baseline(self, name: str) -> None:
        """No non-canonical count of the family rose above the committed baseline (a pinned family:
        none beyond its live shims, which needs no baseline)."""
        fa = self.family(name)
        if fa.pinned:
            if fa.failed:
                raise AssertionError(f"family {name!r} is not within its pin: {fa.verdict}")
            return
        if fa.baseline is None:
            raise AssertionError(
                f"family {name!r} has no baseline in {self.config.baseline}; run "
                "`ssot-harness baseline --update` and commit the file"
            )
        if fa.rises or fa.added:
            raise AssertionError(
                f"family {name!r} is above its baseline: {fa.verdict}\n"
                f"non-canonical places (use {fa.family.canonical} instead):\n" + _offenders(fa)
            )


def _offenders(fa: FamilyAudit) -> str:
    return "\n".join(
        f"  {f.location}: {f.kind} {f.member} ({f.detail}) -> {f.fix}" for f in fa.offenders
    )


@pytest.fixture(scope="session")
def ssot_audit(pytestconfig: pytest.Config) -> SsotAudit:
    """The static audit of this project's families (its [tool.ssot-harness], or --ssot-config)."""
    return SsotAudit(pytest_session.require(pytestconfig, "ssot_audit"))


def assert_single_implementation(family: str, *, pyproject: Path | str = "pyproject.toml") -> None:
    """Fixture-free form of `ssot_audit.assert_single_implementation`."""
    SsotAudit.from_pyproject(pyproject).assert_single_implementation(family)


def assert_within_baseline(family: str, *, pyproject: Path | str = "pyproject.toml") -> None:
    """Fixture-free form of `ssot_audit.assert_within_baseline`."""
    SsotAudit.from_pyproject(pyproject).assert_within_baseline(family)
