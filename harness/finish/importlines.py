"""The import lines and `__all__` of a module the codemod rewrites: the moved names taken out, the
canonical imported once per block, a duplicate import gone, `__all__` entries renamed or dropped,
laid out as libcst laid them out."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

from harness.finish.layout import Statement, in_suite, line_of, owned_lines
from harness.finish.textedit import Source, simple_string, without_aliases, without_elements


@dataclass(frozen=True)
class Target:
    """The canonical as one module imports it."""

    module: str
    name: str
    imported: Callable[[ast.stmt], bool]  # the statement imports the canonical (any form)
    in_place: Callable[[ast.ImportFrom, ast.alias], bool]  # `Canonical as Alias`, moved where it is

    @property
    def statement(self) -> str:
        return f"from {self.module} import {self.name}"


def import_edits(
    src: Source, found: list[Statement], imports: dict[int, list[ast.alias]], target: Target
) -> dict[tuple[int, int], str]:
    """Each line holding a moved import: the moved names out (the whole import becomes
    `from canonical import Name`), a line importing the canonical added after it unless the
    block it sits in (the module, a function...) already imports the canonical, in any form
    (`from .m import Name` too); a duplicate import goes."""
    edits: dict[tuple[int, int], str] = {}
    have: dict[int, bool] = {}  # id(block) -> the block imports the canonical
    done: set[int] = set()
    for st in found:
        if id(st.node) not in imports or id(st.node) in done:
            continue
        line = line_of(st)
        done.update(id(s) for s in line)
        extra = in_place = False
        for small in line:
            moved = imports.get(id(small))
            if not moved:
                continue
            assert isinstance(small, ast.ImportFrom)
            # `Canonical as Alias` becomes `Canonical` where it is; other names go
            # (or goes, when the line imports `Canonical` itself already)
            local = {id(a) for a in moved if target.in_place(small, a)}
            gone = {a.name for a in moved if id(a) not in local}
            plain = {a.name for a in small.names if a.asname is None}
            keep = [
                i
                for i, a in enumerate(small.names)
                if a.name not in gone and not (id(a) in local and a.name in plain)
            ]
            renamed = {i: small.names[i].name for i in keep if id(small.names[i]) in local}
            span = src.span(small)
            if keep:
                edits[span] = without_aliases(src, small, keep, renamed)
                extra = extra or bool(gone)
                in_place = in_place or bool(local)
            else:
                edits[span] = target.statement
        first, last = line[0], line[-1]
        suite = in_suite(src, first)
        block = id(st.body)
        if block not in have:
            have[block] = any(target.imported(s) for s in st.body)
        if in_place:  # the line imports the canonical itself now
            have[block] = True
            continue
        if not extra:
            if len(line) != 1 or suite:
                continue
            if not have[block]:
                have[block] = True
                continue
            removed = _removal(src, st)
            if removed is not None:
                del edits[src.span(first)]
                edits[removed] = ""
            continue
        if have[block]:
            continue
        have[block] = True
        if suite:
            end = src.span(last)[1]
            edits[(end, end)] = f"; {target.statement}"
            continue
        at = src.line_after(last.end_lineno)  # type: ignore[arg-type]
        indent = src.text[src.line_start(first.lineno) : src.span(first)[0]]
        newline = "" if src.text[:at].endswith(("\n", "\r")) else src.newline
        edits[(at, at)] = f"{newline}{indent}{target.statement}{src.newline}"
    return edits


def _removal(src: Source, st: Statement) -> tuple[int, int] | None:
    """The text a duplicate top-level import line takes with it: the blank lines above it that
    are its own (None when a comment sits among them: the line stays)."""
    first, comment = owned_lines(src, st.body, st.index)
    if comment:
        return None
    return src.line_start(first), src.line_after(st.node.end_lineno)  # type: ignore[arg-type]


def all_edits(
    src: Source, found: list[Statement], bindings: set[str], canonical: str
) -> dict[tuple[int, int], str]:
    """Every `__all__ = [...]` listing a renamed binding: the entry renamed to the canonical, or
    dropped when the canonical is listed already."""
    edits: dict[tuple[int, int], str] = {}
    if not bindings:
        return edits
    for st in found:
        node = st.node
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.List | ast.Tuple)):
            continue
        if not any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            continue
        edits.update(_renamed_all(src, node.value, bindings, canonical))
    return edits


def _renamed_all(
    src: Source, value: ast.List | ast.Tuple, bindings: set[str], canonical: str
) -> dict[tuple[int, int], str]:
    strings: dict[int, tuple[str, str, str]] = {}
    for i, element in enumerate(value.elts):
        if isinstance(element, ast.Constant) and isinstance(element.value, str):
            parts = simple_string(src.of(element))
            if parts is not None and parts[2] == element.value:
                strings[i] = parts
    present = {parts[2] for parts in strings.values()}
    drop: set[int] = set()
    renamed: dict[int, str] = {}
    for i, (prefix, quote, body) in strings.items():
        if body not in bindings:
            continue
        if canonical in present:
            drop.add(i)  # already exported under the canonical name
            continue
        renamed[i] = f"{prefix}{quote}{canonical}{quote}"
        present.add(canonical)
    if not (drop or renamed):
        return {}
    return {src.span(value): without_elements(src, value, drop, renamed)}
