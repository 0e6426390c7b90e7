"""Callers a member has through a wrapper: a function beside it that builds or hands it out
(`def configure_legacy_factory(**kw): return LegacyFactory(**kw)`), and the places in the scanned
tree that call that function. The audit follows the member's own name only, so without these a
plan would say "no callers" for a member that the application builds at start-up."""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from pathlib import Path

from harness.model import Config, Finding
from harness.scan.facts import module_name, resolve_relative
from harness.scan.parse import decode_source, parse_module
from harness.scan.walk import walk_strings


@dataclass(frozen=True)
class WrapperCall:
    location: str  # project-relative path:line of the call (or of the import, when never called)
    wrapper: str  # module:function
    member: str  # the member it builds or hands out (its name)


def wrappers_of(root: Path, finding: Finding, members: set[str]) -> list[str]:
    """Module-level functions of the member's module, other than members, whose body names it."""
    module, _, qualname = finding.member.partition(":")
    top = qualname.split(".")[0]
    try:
        tree = ast.parse((root / finding.path).read_bytes(), filename=finding.path)
    except (OSError, SyntaxError, ValueError):
        return []
    out = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or node.name == top:
            continue
        if f"{module}:{node.name}" in members:
            continue
        named = any(
            isinstance(n, ast.Name) and n.id == top
            for stmt in node.body
            for n in ast.walk(stmt)  # the body only: an annotation alone builds nothing
        )
        if named:
            out.append(f"{module}:{node.name}")
    return out


def wrapper_calls(config: Config, wrappers: dict[str, str]) -> list[WrapperCall]:
    """Where the scanned tree calls each wrapper (`{module:function: member name}`), imported by
    name (`from m import f [as g]`, relative too) or through its module (`import m [as x]; x.f()`)."""
    if not wrappers:
        return []
    root = Path(config.root)
    files, _ = walk_strings(
        [os.path.join(config.root, r) for r in config.roots], config.exclude, relative_to=root
    )
    needles = {w.partition(":")[2].encode() for w in wrappers}
    calls: list[WrapperCall] = []
    for path in files:
        try:
            data = Path(path).read_bytes()
        except OSError:
            continue
        if not any(n in data for n in needles):
            continue
        source = decode_source(Path(path), data)
        tree = parse_module(Path(path), source) if isinstance(source, str) else None
        if not isinstance(tree, ast.Module):
            continue  # the audit reports unreadable files; nothing to add here
        rel = Path(path).resolve().relative_to(root.resolve()).as_posix()
        module, is_package = module_name(rel, config.import_roots)
        calls += _calls_in(tree, rel, module if is_package else module.rpartition(".")[0], wrappers)
    return sorted(
        set(calls),
        key=lambda c: (c.location.rpartition(":")[0], int(c.location.rpartition(":")[2])),
    )


def _calls_in(
    tree: ast.Module, rel: str, package: str, wrappers: dict[str, str]
) -> list[WrapperCall]:
    by_name: dict[str, tuple[str, int]] = {}  # local name -> (wrapper, import line)
    by_module: dict[str, str] = {}  # local module name -> module
    modules = {w.partition(":")[0] for w in wrappers}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = (
                resolve_relative(package, node.module, node.level) if node.level else node.module
            )
            for alias in node.names:
                imported = f"{source}:{alias.name}"
                if imported in wrappers:
                    by_name[alias.asname or alias.name] = (imported, node.lineno)
                elif f"{source}.{alias.name}" in modules:
                    by_module[alias.asname or alias.name] = f"{source}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in modules:
                    by_module[alias.asname or alias.name] = alias.name
    out = []
    called: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        wrapper: str | None = None
        if isinstance(func, ast.Name) and func.id in by_name:
            wrapper = by_name[func.id][0]
            called.add(func.id)
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            module = by_module.get(func.value.id)
            if module is not None and f"{module}:{func.attr}" in wrappers:
                wrapper = f"{module}:{func.attr}"
        if wrapper is not None:
            out.append(WrapperCall(f"{rel}:{node.lineno}", wrapper, wrappers[wrapper]))
    for local, (wrapper, line) in by_name.items():
        if local not in called:  # imported, never called here: passed on, or re-exported
            out.append(WrapperCall(f"{rel}:{line}", wrapper, wrappers[wrapper]))
    return out
