"""The run-time pin (pytest hooks): in a pinned family that names its `product`, every product built
during a golden-path or contract test must be built through the canonical; a test in which one was
built another way fails, naming the file:line that built it."""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Generator
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import pytest

from harness import pytest_session
from harness.errors import TargetImportError
from harness.model import Family, MemberRef

CHECKED_MARKERS = ("golden_path", "contract")
_KEY = pytest.StashKey["list[Guard]"]()


@dataclass
class Guard:
    """Watches one pinned family's product class; records builds that bypass the canonical."""

    family: Family
    canonical_file: str
    canonical_name: str  # the canonical's qualname (a class: its methods are `Name.method`)
    active: bool = False
    bypasses: list[str] = field(default_factory=list)

    def record(self, frame: FrameType | None) -> None:
        if not self.active:
            return
        caller = frame
        while frame is not None:
            code = frame.f_code
            qual = code.co_qualname
            if code.co_filename == self.canonical_file and (
                qual == self.canonical_name or qual.startswith(self.canonical_name + ".")
            ):
                return
            frame = frame.f_back
        where = (
            f"{caller.f_code.co_filename}:{caller.f_lineno} in {caller.f_code.co_qualname}"
            if caller
            else "?"
        )
        self.bypasses.append(where)


def _resolve(ref: MemberRef, family: str, key: str) -> Any:
    try:
        obj: Any = importlib.import_module(ref.module)
        for part in ref.qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as exc:
        raise TargetImportError(
            f"[tool.ssot-harness.families.{family}] {key}: {ref} does not import ({exc})"
        ) from None
    return obj


def install(family: Family) -> Guard:
    """Wrap the product's __init__ so that each build is checked while a guarded test runs."""
    assert family.product is not None
    product = _resolve(family.product, family.name, "product")
    canonical_module = importlib.import_module(family.canonical.module)
    guard = Guard(family, str(canonical_module.__file__), family.canonical.qualname)
    original = product.__init__

    @functools.wraps(original)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        guard.record(sys._getframe(1))
        original(self, *args, **kwargs)

    product.__init__ = __init__
    return guard


def pytest_configure(config: pytest.Config) -> None:
    project = pytest_session.project_config(config)
    if project is None:
        return
    pinned = [f for f in project.families if f.stage == "pinned" and f.product is not None]
    if pinned:
        try:
            config.stash[_KEY] = [install(f) for f in pinned]
        except TargetImportError as exc:
            raise pytest.UsageError(f"ssot-harness: {exc}") from None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, None]:
    guards = item.config.stash.get(_KEY, [])
    project = pytest_session.project_config(item.config)
    names = (
        CHECKED_MARKERS if project is None else tuple(project.marker(m) for m in CHECKED_MARKERS)
    )
    if not guards or not any(item.get_closest_marker(m) for m in names):
        yield
        return
    for guard in guards:
        guard.bypasses.clear()
        guard.active = True
    outcome = yield
    for guard in guards:
        guard.active = False
    problems = [
        f"family {g.family.name!r} is pinned to {g.family.canonical}, but {g.family.product} was built "
        f"without it at {where}; build it through {g.family.canonical}"
        for g in guards
        for where in dict.fromkeys(g.bypasses)
    ]
    if problems and outcome.excinfo is None:
        outcome.force_exception(AssertionError("run-time pin:\n" + "\n".join(problems)))
