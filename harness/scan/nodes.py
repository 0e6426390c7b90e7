"""A definition's node in a module's AST, found by its dotted qualname (`Cls.method`)."""

from __future__ import annotations

import ast

Defined = ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef


def find_definition(
    tree: ast.Module | None, qualname: str, *, into_functions: bool = True
) -> Defined | None:
    """The class or function `qualname` names in `tree` (None: no such definition, or no tree).

    Each part is looked up among the statements of the body above it; with `into_functions=False`
    only classes have a body to look in (`f.inner` is then never found)."""
    body: list[ast.stmt] = tree.body if tree is not None else []
    found: Defined | None = None
    for part in qualname.split("."):
        found = next(
            (s for s in body if isinstance(s, Defined) and s.name == part),
            None,
        )
        if found is None:
            return None
        body = found.body if into_functions or isinstance(found, ast.ClassDef) else []
    return found
