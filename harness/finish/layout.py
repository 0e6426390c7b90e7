"""Statements over lines as libcst lays them out: every statement with where it sits, the logical
line it shares (`a; b`), and the blank and comment lines above it that it owns."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from harness.finish.textedit import Source

SIMPLE = (
    ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Pass, ast.Break, ast.Continue,
    ast.Return, ast.Raise, ast.Global, ast.Nonlocal, ast.Import, ast.ImportFrom, ast.Assert,
    ast.Delete,
)  # fmt: skip


@dataclass(frozen=True)
class Statement:
    node: ast.stmt
    body: list[ast.stmt]  # the statements it sits among
    index: int
    depth: int  # 0: module level


def statements(body: list[ast.stmt], depth: int = 0) -> Iterator[Statement]:
    """Every statement under `body`, with where it sits, in source order."""
    for i, stmt in enumerate(body):
        yield Statement(stmt, body, i, depth)
        for name in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, name, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                yield from statements(inner, depth + 1)
        for handler in getattr(stmt, "handlers", ()):
            yield from statements(handler.body, depth + 1)
        for case in getattr(stmt, "cases", ()):
            yield from statements(case.body, depth + 1)


def first_line(stmt: ast.stmt) -> int:
    """The statement's first line, its decorators included."""
    decorators = getattr(stmt, "decorator_list", ())
    return min([stmt.lineno, *(d.lineno for d in decorators)])


def line_of(st: Statement) -> list[ast.stmt]:
    """The statements sharing `st`'s logical line (`a; b`): libcst's SimpleStatementLine."""
    body, i, j = st.body, st.index, st.index
    while i > 0 and body[i - 1].end_lineno == body[i].lineno and isinstance(body[i - 1], SIMPLE):
        i -= 1
    while (
        j + 1 < len(body)
        and body[j].end_lineno == body[j + 1].lineno
        and isinstance(body[j + 1], SIMPLE)
    ):
        j += 1
    return body[i : j + 1]


def alone(body: list[ast.stmt], index: int) -> bool:
    """`body[index]` is the only statement on its logical line."""
    return len(line_of(Statement(body[index], body, index, 0))) == 1


def in_suite(src: Source, stmt: ast.stmt) -> bool:
    """`stmt` follows its compound statement's colon on the same line (`if x: import y`)."""
    start, _ = src.span(stmt)
    return src.text[src.line_start(stmt.lineno) : start].strip() != ""


def owned_lines(src: Source, body: list[ast.stmt], index: int) -> tuple[int, bool]:
    """The first of the blank and comment lines above `body[index]` that libcst counts as the
    statement's own (a module's first statement has none: they are the module's header; a comment
    indented under the block above closes that block), and whether a comment is among them."""
    stmt = body[index]
    start = first_line(stmt)
    if index == 0:
        return start, False
    previous = body[index - 1]
    compound = not isinstance(previous, SIMPLE)
    line, comment = start - 1, False
    while line > previous.end_lineno:  # type: ignore[operator]
        text = src.line_text(line)
        if text.strip() and compound and text[0] in " \t":
            break
        if text.strip():
            comment = True
        start = line
        line -= 1
    return start, comment
