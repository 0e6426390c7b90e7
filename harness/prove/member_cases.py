"""Implementations as parameters: each family member's adapter, found in the family's adapter package."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Any

from harness.errors import TargetImportError
from harness.model import Config, Family


@dataclass(frozen=True)
class MemberCase:
    """One parameter of `implementation`: a member with its adapter, or a member still without one."""

    member: str  # "module:qualname"
    adapter: Any | None
    label: str = ""  # the name where members share a qualname (Django's five `EmailBackend`s)

    @property
    def name(self) -> str:
        """The member as test ids and divergences.toml name it: its qualname, led by the last
        parts of its module where another member has the same qualname (`smtp.EmailBackend`)."""
        return self.label or self.member.partition(":")[2]


def load_adapters(family: Family) -> dict[str, Any]:
    """member id -> adapter object, from every module under the family's `adapters` package that
    defines `ADAPTER` (an object with a `member` attribute); test modules are not imported."""
    if not family.adapters:
        return {}
    try:
        package = importlib.import_module(family.adapters)
    except Exception as exc:
        raise TargetImportError(
            f"family {family.name}: adapters package {family.adapters!r} does not import: {exc}"
        ) from None
    adapters: dict[str, Any] = {}
    infos = pkgutil.walk_packages(package.__path__, prefix=f"{family.adapters}.")
    for info in sorted(infos, key=lambda m: m.name):
        name = info.name
        if name.rpartition(".")[2].startswith(("test_", "conftest")):
            continue
        try:
            module = importlib.import_module(name)
        except Exception as exc:
            raise TargetImportError(
                f"family {family.name}: adapter module {name} does not import: {exc}"
            ) from None
        adapter = getattr(module, "ADAPTER", None)
        if adapter is None:
            continue
        member = getattr(adapter, "member", None)
        if not isinstance(member, str) or ":" not in member:
            raise TargetImportError(
                f"{name}.ADAPTER.member must be 'module:qualname', got {member!r}"
            )
        if member in adapters:
            raise TargetImportError(f"{name}: a second adapter for {member}")
        adapters[member] = adapter
    return adapters


def audited_members(config: Config, family: Family) -> tuple[str, ...]:
    """The members the static audit finds (definitions and aliases)."""
    from harness.pin.audit import run_audit

    return run_audit(config, require_baseline=False).family(family.name).members


def member_cases(
    config: Config, family: Family, *, audited: tuple[str, ...] | None = None
) -> list[MemberCase]:
    """Every member, adapter or not, sorted with the canonical first."""
    adapters = load_adapters(family)
    members = set(adapters) | set(
        audited if audited is not None else audited_members(config, family)
    )
    cases = [MemberCase(m, adapters.get(m), label) for m, label in _labels(members).items()]
    canonical = family.canonical.id
    cases.sort(key=lambda c: (c.member != canonical, c.name, c.member))
    return cases


def _labels(members: set[str]) -> dict[str, str]:
    """member -> label: "" (the qualname does) unless members share a qualname; then as many of
    the module's last parts as it takes to tell them apart."""
    by_name: dict[str, list[str]] = {}
    for member in members:
        by_name.setdefault(member.partition(":")[2], []).append(member)
    labels = dict.fromkeys(members, "")
    for qualname, same in by_name.items():
        if len(same) < 2:
            continue
        for depth in range(1, 1 + max(len(m.partition(":")[0].split(".")) for m in same)):
            named = {
                m: ".".join([*m.partition(":")[0].split(".")[-depth:], qualname]) for m in same
            }
            if len(set(named.values())) == len(same):
                labels.update(named)
                break
    return labels
