"""What shape each non-canonical member has, which decides its move: an alias or a getter returning the
canonical moves mechanically; any other definition needs its behaviour proved or changed first."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from harness.model import Finding
from harness.scan.nodes import find_definition


@dataclass(frozen=True)
class Shape:
    kind: str  # alias | getter-class | getter-instance | class | function | classmethod | method
    codemod: bool  # `ssot-harness rewrite` can move its callers
    origin: str = ""  # for an alias, the member it names

    @property
    def mechanical(self) -> bool:
        """The member *is* the canonical (or hands it out): moving callers changes no behaviour."""
        return self.kind in ("alias", "getter-class", "getter-instance")


def shape_of(root: Path, finding: Finding, canonical_name: str) -> Shape:
    """The shape of the member defined (or aliased) at `finding`."""
    if finding.kind == "alias":
        origin = finding.detail.rpartition("alias of ")[2].split(";")[0].rstrip(")")
        return Shape("alias", True, origin)
    tree = ast.parse((root / finding.path).read_bytes())
    node = find_definition(tree, finding.member.partition(":")[2])
    if isinstance(node, ast.ClassDef):
        return Shape("class", False)
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return Shape(finding.detail or "definition", False)
    returns = [n.value for n in ast.walk(node) if isinstance(n, ast.Return) and n.value is not None]
    if returns and all(_names(r, canonical_name) for r in returns):
        return Shape("getter-class", True)
    annotation = node.returns
    if (
        annotation is not None
        and _names(annotation, canonical_name)
        and not _is_type_of(annotation)
    ):
        return Shape("getter-instance", False)
    return Shape(finding.detail or "function", False)


def _names(node: ast.expr, name: str) -> bool:
    if isinstance(node, ast.Name):
        return node.id == name
    if isinstance(node, ast.Attribute):
        return node.attr == name
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value == name
    if isinstance(node, ast.Subscript) and _is_type_of(node):
        return False
    return False


def _is_type_of(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id in ("type", "Type")
    )
