"""The harness names no wire detail of the bundled demo: its paths, frame and event types, token and
id keys live in the demo's target description. Docstrings and comments may show them as examples."""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

HARNESS = Path(__file__).resolve().parents[2] / "harness"
DEMO_LITERALS = (
    "/auth/login", "/ws", "/health", "/v1/_requests", "/v1/chat/completions", "user_message",
    "agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed", "agent_error",
    "access_token", "run_id", "thread_id", "tool_call_id", "/payload", "pw-",
)  # fmt: skip


def demo_literals_in(source: str) -> list[tuple[int, str]]:
    """(line, literal) for each demo literal in code: string constants that are not docstrings,
    and names. Docstrings and comments are documentation and are not searched."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }  # fmt: skip
    found = [
        (node.lineno, literal)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
        for literal in DEMO_LITERALS
        if literal in node.value
    ]
    names = [t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type == tokenize.NAME]
    found += [(t.start[0], t.string) for t in names if t.string in DEMO_LITERALS]
    return sorted(set(found))


def test_the_harness_code_names_no_demo_literal() -> None:
    hits = [
        f"{path.relative_to(HARNESS.parent)}:{line}: {literal!r}"
        for path in sorted(HARNESS.rglob("*.py"))
        for line, literal in demo_literals_in(path.read_text(encoding="utf-8"))
    ]
    assert hits == [], "demo wire details in harness/ (move them to the target description):\n" + "\n".join(hits)


def test_the_scan_finds_literals_in_code_and_names_but_not_in_documentation() -> None:
    source = '''"""Logs in at /auth/login (documentation)."""
# a comment naming agent_started
def f(run_id):
    """Returns the run_id (documentation)."""
    return {"type": "user_message", "at": "/ws"}
'''
    assert demo_literals_in(source) == [(3, "run_id"), (5, "/ws"), (5, "user_message")]
