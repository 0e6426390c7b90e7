"""Value objects shared by every wing: families and their members."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

Stage = Literal["prove", "pinned"]
STAGES: tuple[str, ...] = ("prove", "pinned")
# the harness's markers, by role; `[tool.ssot-harness.markers]` renames them in a project
MARKER_ROLES: tuple[str, ...] = ("golden_path", "contract", "ssot", "staging")


@dataclass(frozen=True, order=True)
class MemberRef:
    """One implementation of a family, named as `module:qualname`."""

    module: str
    qualname: str

    @classmethod
    def parse(cls, text: str) -> MemberRef:
        module, sep, qualname = text.partition(":")
        if not sep or not module or not qualname:
            raise ValueError(f"{text!r} is not of the form 'package.module:QualName'")
        return cls(module, qualname)

    @property
    def id(self) -> str:
        return f"{self.module}:{self.qualname}"

    @property
    def name(self) -> str:
        """The short name used as a test id."""
        return self.qualname

    def __str__(self) -> str:
        return self.id


@dataclass(frozen=True)
class Shim:
    """A non-canonical member kept on purpose (an alias, a re-export, a stub carrying the family's
    name) until `expires`, for `reason`; `callers` are the modules allowed to use it (none: it
    serves code outside the tree only)."""

    member: MemberRef
    reason: str
    expires: date
    callers: tuple[str, ...] = ()


@dataclass(frozen=True)
class KnownUnparseable:
    """A file the team knows cannot be parsed (a template, Python 2, a half-applied codemod), accepted
    for `reason` until `expires` (None: no end date): a pinned family does not fail on it."""

    path: str  # posix, relative to the project root
    reason: str
    expires: date | None = None


@dataclass(frozen=True)
class Family:
    """One role with many implementations; `canonical` is the one that survives."""

    name: str
    canonical: MemberRef
    stage: Stage = "prove"
    names: tuple[str, ...] = ()  # fnmatch patterns on the definition's own name
    bases: tuple[str, ...] = ()  # base class names (last dotted component) that make a member
    members: tuple[MemberRef, ...] = ()  # explicit extra members
    ignore: tuple[MemberRef, ...] = ()  # definitions matched by the rules that are not members
    adapters: str | None = None  # dotted package holding one adapter per member (stage 2)
    description: str = ""
    divergences: str | None = None  # accepted divergences file, relative to the project root
    shims: tuple[Shim, ...] = ()  # members kept on purpose for a while
    product: MemberRef | None = None  # what the members build; pinned: built only via the canonical
    unparseable: tuple[KnownUnparseable, ...] = ()  # candidate files accepted as not parseable


@dataclass(frozen=True)
class Config:
    """`[tool.ssot-harness]`, validated. Paths are relative to `root`."""

    root: str
    roots: tuple[str, ...] = (".",)
    exclude: tuple[str, ...] = ()
    baseline: str = ".ssot-baseline.json"
    cache_dir: str = ".ssot-cache"
    # folders on sys.path: module names start below them (`src/pkg/mod.py` is `pkg.mod`)
    import_roots: tuple[str, ...] = ("src",)
    families: tuple[Family, ...] = field(default=())
    # stage 1 and the pytest plugin
    target: str | None = None  # "module:object": the Python half of the target description
    target_declared: Any = field(default=None, compare=False)  # declared pieces of [...target]
    scenarios: str = "scenarios"  # folder of golden-path scenario files
    snapshots: str = "snapshots"  # folder of characterization snapshots
    reports: str = "reports"  # where `verify` (or --ssot-reports) writes the equivalence matrix
    hypothesis_profile: str | None = None  # None: ssot-ci when $CI is set, else ssot-dev
    verify_paths: tuple[str, ...] = ()  # where verify's pytest run looks; () = pytest's testpaths
    experiment_max_mismatch_rate: float = 0.0  # the `experiments` gate, [...experiments]
    experiment_redact: tuple[
        str, ...
    ] = ()  # patterns an experiment redacts beside the built-in ones
    source: str = ""  # the pyproject.toml this came from
    # the harness's marker roles (MARKER_ROLES) -> the names the project's tests carry
    markers: tuple[tuple[str, str], ...] = tuple((role, role) for role in MARKER_ROLES)

    def marker(self, role: str) -> str:
        """The marker name the project uses for one of the harness's roles (`golden_path`...)."""
        return dict(self.markers).get(role, role)

    @property
    def verify_markers(self) -> str:
        """The `-m` expression of verify and step: golden path, contracts and pins."""
        return " or ".join(self.marker(r) for r in ("golden_path", "contract", "ssot"))

    def verify_selection(self, pytest_args: Sequence[str] = ()) -> tuple[str, ...]:
        """The paths verify (and step) give pytest: `verify-paths`, unless `pytest_args` already
        name a test file or folder of the project."""
        named = any(
            not a.startswith("-") and os.path.exists(os.path.join(self.root, a.split("::")[0]))
            for a in pytest_args
        )
        return () if named else self.verify_paths

    def family(self, name: str) -> Family:
        for fam in self.families:
            if fam.name == name:
                return fam
        known = ", ".join(f.name for f in self.families) or "none"
        from harness.errors import ConfigError

        raise ConfigError(
            f"no family named {name!r} in [tool.ssot-harness.families] (known: {known})"
        )


# what the static audit finds about a family, in the order a report lists them
KINDS: tuple[str, ...] = ("definition", "alias", "reexport", "import", "reference")


@dataclass(frozen=True, order=True, slots=True)
class Finding:
    """One place in the tree where a family member is defined, renamed, re-exported, imported or reached.

    `canonical` is True when the place uses the canonical member itself; otherwise `fix` says what
    to use instead. `path` is posix and relative to the project root.
    """

    family: str
    path: str
    line: int
    kind: str  # one of KINDS
    member: str  # the member's id, `module:qualname`
    canonical: bool
    detail: str = ""
    fix: str = ""
    site: str = ""  # the dotted module the place is in (what an import site is recorded by)

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"
