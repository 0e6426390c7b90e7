"""Where a member's code runs: the body lines of each member definition the audit found."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from harness.pin.audit import FamilyAudit
from harness.scan.nodes import find_definition


@dataclass(frozen=True)
class MemberSpan:
    """One member of a family and the lines of its function bodies (empty for an alias)."""

    member: str  # module:qualname
    kind: str  # "definition" or "alias"
    path: str  # project-relative posix path of the definition (or alias)
    line: int
    canonical: bool
    lines: frozenset[int]  # statement lines inside the member's function bodies
    alias_of: str = ""  # for an alias, the member it names

    @property
    def name(self) -> str:
        return self.member.partition(":")[2]


def member_spans(root: Path, fa: FamilyAudit) -> tuple[MemberSpan, ...]:
    """Every definition and alias of the family, with the body lines a test executes when it uses it.

    Only lines inside function bodies count: `def`/`class` headers and class-level statements run
    at import time, which says nothing about which test uses the member.
    """
    trees: dict[str, ast.Module] = {}
    spans: list[MemberSpan] = []
    for f in fa.findings:
        if f.kind == "definition":
            if f.path not in trees:
                trees[f.path] = ast.parse((root / f.path).read_bytes(), filename=f.path)
            node = find_definition(trees[f.path], f.member.partition(":")[2])
            lines = frozenset(_body_lines(node)) if node is not None else frozenset()
            spans.append(MemberSpan(f.member, "definition", f.path, f.line, f.canonical, lines))
        elif f.kind == "alias":
            origin = f.detail.rpartition("alias of ")[2].split(";")[0].rstrip(")")
            spans.append(MemberSpan(f.member, "alias", f.path, f.line, False, frozenset(), origin))
    seen: set[str] = set()
    out = []
    for s in sorted(spans, key=lambda s: (not s.canonical, s.member)):
        if s.member not in seen:
            seen.add(s.member)
            out.append(s)
    return tuple(out)


def _body_lines(node: ast.AST) -> set[int]:
    lines: set[int] = set()
    for fn in ast.walk(node):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            for stmt in fn.body:
                for inner in ast.walk(stmt):
                    if isinstance(inner, ast.stmt):
                        lines.add(inner.lineno)
    return lines
