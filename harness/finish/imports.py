"""The imports a rewrite of `module.Member` to `Canonical` needs, by position: the canonical imported
at the top of the module, and module imports left unused removed, placed as libcst's
AddImportsVisitor and RemoveImportsVisitor place them (the layout users of the codemod know)."""

from __future__ import annotations

import ast
from collections.abc import Callable

from harness.finish.layout import alone, first_line, owned_lines, statements
from harness.finish.scopes import ScopeWalk, resolve
from harness.finish.textedit import Edit, Source, apply, simple_string, without_aliases


def settle_imports(
    text: str,
    module: str,
    canonical: str,
    bindings: set[tuple[str, str | None]],
    imports_canonical: Callable[[ast.stmt], bool],
) -> str:
    """`text` with `from module import canonical` added at the top (unless an import there already
    binds it: `imports_canonical`) and the imports `import base` / `import base as binding` of
    `bindings` removed where nothing uses them."""
    tree = ast.parse(text)
    src = Source(text)
    edits = _added(tree, src, module, canonical, imports_canonical) + _removed(tree, src, bindings)
    return apply(text, edits)


def _is_docstring(src: Source, stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
        and simple_string(src.of(stmt.value)) is not None
    )


def _skip_first(src: Source, body: list[ast.stmt]) -> bool:
    """A docstring or a `__strict__` flag first: imports go after it."""
    if not body or not alone(body, 0):
        return False
    first = body[0]
    if isinstance(first, ast.Assign):
        return any(isinstance(t, ast.Name) and t.id == "__strict__" for t in first.targets)
    return _is_docstring(src, first)


def _added(
    tree: ast.Module,
    src: Source,
    module: str,
    canonical: str,
    imports_canonical: Callable[[ast.stmt], bool],
) -> list[Edit]:
    body = tree.body
    start = 1 if _skip_first(src, body) else 0
    end = start
    while (
        end < len(body) and isinstance(body[end], ast.Import | ast.ImportFrom) and alone(body, end)
    ):
        end += 1
    if any(imports_canonical(stmt) for stmt in body[start:end]):
        return []  # already imported (from the canonical's module, a re-export, relatively)
    same: ast.ImportFrom | None = None
    for stmt in body[start:end]:
        if not isinstance(stmt, ast.ImportFrom) or stmt.level:
            continue  # (libcst's visitor, given no package, leaves relative imports alone)
        if stmt.module != module:
            continue
        if any(a.name in ("*", canonical) and a.asname is None for a in stmt.names):
            return []  # already imported
        same = same or stmt
    if same is not None:  # libcst puts the name first in the existing import
        at = src.span(same.names[0])[0]
        return [Edit(at, at, f"{canonical}, ")]
    line = f"from {module} import {canonical}{src.newline}"
    if end == 0:  # after the module's header comments, before its first statement
        at = src.line_start(first_line(body[0])) if body else len(src.text)
    else:
        at = src.line_after(body[end - 1].end_lineno)  # type: ignore[arg-type]
        if not src.text[:at].endswith(("\n", "\r")):
            line = src.newline + line
    if end < len(body):  # libcst: an empty line before the first statement after the imports
        first, _ = owned_lines(src, body, end)
        if first == first_line(body[end]) or src.line_text(first).strip():
            line += src.newline
    return [Edit(at, at, line)]


def _removed(tree: ast.Module, src: Source, bindings: set[tuple[str, str | None]]) -> list[Edit]:
    heads = {binding or base for base, binding in bindings}
    walk = ScopeWalk(tree, src.text, heads)
    listed = exported(tree)
    in_strings = {u.node.id for u in walk.uses if u.string is not None}
    edits: list[Edit] = []
    for st in statements(tree.body):
        stmt, body, index = st.node, st.body, st.index
        if not isinstance(stmt, ast.Import):
            continue
        scope = walk.scope_of.get(id(stmt))
        if scope is None:
            continue
        drop = []
        for i, alias in enumerate(stmt.names):
            if (alias.name, alias.asname) not in bindings:
                continue
            name = alias.asname or alias.name
            used = (
                name in listed
                or name in in_strings
                or any(
                    u.node.id == name and u.string is None and resolve(name, u.scope) is scope
                    for u in walk.uses
                )
            )
            if not used:
                drop.append(i)
        if not drop:
            continue
        keep = [i for i in range(len(stmt.names)) if i not in drop]
        if keep:
            edits.append(Edit(*src.span(stmt), without_aliases(src, stmt, keep)))
        elif alone(body, index):
            first, _ = owned_lines(src, body, index)
            edits.append(Edit(src.line_start(first), src.line_after(stmt.end_lineno), ""))  # type: ignore[arg-type]
    return edits


def exported(tree: ast.Module) -> set[str]:
    """The names a module-level `__all__` lists."""
    out: set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets) and isinstance(
                stmt.value, ast.List | ast.Tuple | ast.Set
            ):
                out.update(
                    e.value for e in stmt.value.elts
                    if isinstance(e, ast.Constant) and isinstance(e.value, str)
                )  # fmt: skip
    return out
