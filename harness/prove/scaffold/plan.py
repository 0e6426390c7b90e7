"""The scaffold use case: from the audit's members of one family and their source, the files of its
suite (as a plan of path -> text), and writing them without overwriting anything unasked."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from harness.errors import UsageError
from harness.model import Config, Family
from harness.prove.scaffold import code, suite
from harness.prove.scaffold.shapes import Method, Shape, Source
from harness.scan.atomic import write_text_atomic


@dataclass(frozen=True)
class Plan:
    family: Family
    folder: Path
    package: str  # the dotted name pytest imports the folder as
    parents: tuple[Path, ...]  # folders to create above it, each a package
    files: tuple[tuple[str, str], ...]  # (path relative to folder, text)
    shapes: tuple[Shape, ...]
    todos: int  # ScaffoldTODO raised by the written code (build, method, strategy)


@dataclass(frozen=True)
class Outcome:
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    kept: tuple[str, ...]  # exist with other content: left alone (without --force)


def members_of(config: Config, family: Family) -> tuple[str, ...]:
    """The family's members as the static audit finds them (definitions and aliases), canonical first."""
    from harness.pin.audit import run_audit

    found = run_audit(config, require_baseline=False).family(family.name).members
    canonical = family.canonical.id
    if canonical not in found:
        raise UsageError(
            f"family {family.name}: the audit does not find the canonical {canonical} in the roots "
            f"({', '.join(config.roots)}); fix `canonical` or `roots` first (`ssot-harness audit`)"
        )
    return (canonical, *sorted(m for m in found if m != canonical))


def default_folder(config: Config, family: Family) -> Path:
    root = Path(config.root)
    if family.adapters:
        return root.joinpath(*family.adapters.split("."))
    return root / "contracts" / code.snake(family.name)


def new_parents(folder: Path, root: Path) -> tuple[Path, ...]:
    """The folders between the project root and `folder` that do not exist yet: scaffold makes them
    packages too, so the suite's dotted name starts at the root (`contracts.store`, not `store`)."""
    folder, root = folder.resolve(), root.resolve()
    if not folder.is_relative_to(root):
        return ()
    return tuple(
        p for p in folder.parents if p.is_relative_to(root) and p != root and not p.exists()
    )


def package_name(folder: Path, made: tuple[Path, ...] = ()) -> str:
    """The dotted name of `folder` as pytest (rootdir-relative "prepend" import) names it: the
    folder itself, then each parent holding an `__init__.py` (or in `made`, about to)."""
    folder = folder.resolve()
    parts = [folder.name]
    parent = folder.parent
    while ((parent / "__init__.py").is_file() or parent in made) and parent != parent.parent:
        parts.insert(0, parent.name)
        parent = parent.parent
    name = ".".join(parts)
    if not all(p.isidentifier() for p in parts):
        raise UsageError(
            f"--into {folder}: {name!r} is not an importable package name (letters, digits, '_')"
        )
    return name


def _file_names(shapes: tuple[Shape, ...]) -> dict[str, str]:
    """member -> adapter module name: its qualname in snake case, led by as many of its module's
    last parts as it takes to tell apart members that share a name (smtp_email_backend)."""
    out: dict[str, str] = {}
    for depth in range(0, 1 + max(len(s.module.split(".")) for s in shapes)):
        out = {}
        for s in shapes:
            lead = s.module.split(".")[len(s.module.split(".")) - depth :] if depth else []
            name = code.snake("_".join([*lead, s.qualname]))
            out[s.member] = name if not name[:1].isdigit() else f"m_{name}"
        if len(set(out.values())) == len(out):
            return out
    return {
        s.member: f"{name}_{i}"
        for i, (s, name) in enumerate(zip(shapes, out.values(), strict=True))
    }


def plan(config: Config, family: Family, folder: Path | None = None) -> Plan:
    members = members_of(config, family)
    source = Source(Path(config.root), config.import_roots)
    shapes = tuple(source.shape(m) for m in members)
    canonical = shapes[0]
    owner = _owner(canonical)
    if not canonical.methods:
        raise UsageError(
            f"family {family.name}: cannot tell the protocol's methods: the canonical {canonical.member} "
            f"({canonical.path}:{canonical.line}) is a {canonical.kind} whose return annotation names no class "
            "in the tree; annotate it (-> TheClass) or make the canonical the class itself"
        )
    methods: tuple[Method, ...] = canonical.methods
    folder = folder if folder is not None else default_folder(config, family)
    imports = tuple(
        line
        for module in dict.fromkeys(m.owner.partition(":")[0] for m in methods)
        for line in source.imports(module)
    )
    names = _file_names(shapes)
    files = [
        ("__init__.py", suite.package(family.name, canonical.member)),
        ("protocol.py", code.protocol(family.name, canonical, methods, imports)),
        ("strategies.py", code.strategies(family.name, owner, methods)),
        ("adapters/__init__.py", suite.adapters_package(family.name)),
        *(
            (
                f"adapters/{names[s.member]}.py",
                code.adapter(family.name, s, methods, names[s.member]),
            )
            for s in shapes
        ),
        ("test_contracts.py", suite.contracts(family.name, methods)),
        ("test_differential.py", suite.differential(family.name)),
        ("divergences.toml", suite.divergences(family.name, shapes[-1].qualname)),
    ]
    todos = sum(text.count("raise ScaffoldTODO(") + text.count('todo("') for _, text in files)
    made = new_parents(folder, Path(config.root))
    return Plan(family, folder, package_name(folder, made), made, tuple(files), shapes, todos)


def _owner(canonical: Shape) -> str:
    """The class whose methods the protocol takes: the canonical, its alias's target, or the class
    its function returns."""
    if canonical.kind == "class":
        return canonical.member
    assert canonical.target is not None or not canonical.methods
    return canonical.target or canonical.member


def write(p: Plan, *, force: bool) -> Outcome:
    written, unchanged, kept = [], [], []
    for parent in sorted(p.parents):
        parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(parent / "__init__.py", "")
        written.append(os.path.relpath(parent / "__init__.py", p.folder))
    for rel, text in p.files:
        path = p.folder / rel
        if path.is_file():
            if path.read_text(encoding="utf-8") == text:
                unchanged.append(rel)
                continue
            if not force:
                kept.append(rel)
                continue
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, text)
        written.append(rel)
    return Outcome(tuple(written), tuple(unchanged), tuple(kept))


def config_lines(config: Config, p: Plan) -> list[str]:
    """What to add to pyproject.toml so the run finds the suite (empty: nothing to add)."""
    lines = []
    if p.family.adapters != p.package:
        lines += [f"[tool.ssot-harness.families.{p.family.name}]", f'adapters = "{p.package}"']
    root = Path(config.root).resolve()
    folder = p.folder.resolve()
    if config.verify_paths and folder.is_relative_to(root):
        rel = folder.relative_to(root).as_posix()
        if not any(rel == v or rel.startswith(v.rstrip("/") + "/") for v in config.verify_paths):
            paths = ", ".join(f'"{v}"' for v in (*config.verify_paths, rel))
            lines += [
                "[tool.ssot-harness]  # so that `verify` runs it",
                f"verify-paths = [{paths}]",
            ]
    return lines
