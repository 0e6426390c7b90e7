"""Discover parses its candidates with the function bodies cut out (harness/scan/bodies.py): the
facts it reads are those of the whole file, on awkward sources and on this repository's own files;
where the cut is unsure it is not made, where the cut text does not parse the whole text is parsed,
and a cutter that cuts one line too many is caught."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from harness.scan import bodies
from harness.scan.bodies import cut_bodies, parse_definitions
from harness.scan.facts import FileFacts, extract
from harness.scan.parse import parse_module
from harness.scan.skip import Skipped

_DOCSTRING_DEDENTED = '''\
class Engine:
    def run(self, x):
        """Runs.

Example at column 0:
def not_a_function():
    pass
class NotAClass:
    pass
        """
        return x

    def stop(self):
        pass


LegacyEngine = Engine
'''

_DEF_IN_STRINGS = """\
TEMPLATE = '''
def fake():
    x = 1
FAKE = Real
'''
HELP = "def also_fake(): pass"  # def in a comment: def x():


def real():
    s = '''
def inner_fake():
        '''
    t = \"\"\"\"quoted\"\"\"
    return s, t


Alias = Target
"""

_NESTED = """\
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections import OrderedDict


def outer(a, b=lambda x: x[1:2], *, c: "dict[str, int]" = {"k": (1, 2)}) -> "Outer":
    def inner():
        class Local:
            def method(self):
                pass
        return Local

    async def later():
        await something()
    return inner


class Registry(Base, metaclass=Meta):
    '''A registry.'''

    KIND = Kind

    class Entry(dict[str, int]):
        def keys(self):
            return []

        @staticmethod
        def build():
            return Registry.Entry()

    @classmethod
    def for_user(
        cls,
        user: "User",  # a comment with ) and :
        *,
        strict: bool = (
            True
        ),
    ) -> "Registry":  # ends here
        # a comment at column 0 in the body:
# like this one
        return cls()

    @property
    def name(self) -> str: return "r"

    async def aclose(self):  # noqa: E501
        pass

    def get_x(self): pass
    def get_y(self):
        pass
    OTHER = Registry


try:
    from fast import Parser
except ImportError:
    def Parser():
        raise
    Parser = SlowParser

__all__ = ["Registry", "outer"]
"""

_CONTINUED = """\
def f():
    x = 1 + \\
2
    y = f'{x!r}' + rb"\\"" + r'\\''
    return x
Y = Z


def g(): return 1
class After:
    def m(self):
        z = {
            "a": 1,
        }
        return z
    def n(self):
        return '''x
'''


match command:
    case "go":
        def h():
            pass
        H = h
"""

_NO_NEWLINE_AT_END = "import a\n\ndef last():\n    b = a\n    return b"

AWKWARD = {
    "docstring with dedented lines": _DOCSTRING_DEDENTED,
    "def in strings and comments": _DEF_IN_STRINGS,
    "nested defs, decorators, lambdas, signatures": _NESTED,
    "continuations, one-line defs, match": _CONTINUED,
    "no newline at the end": _NO_NEWLINE_AT_END,
}

# each is left whole (nothing is certain enough to cut)
UNSURE = {
    "a tab in the indentation": "def f():\n\treturn 1\nX = Y\n",
    "carriage returns": "def f():\r\n    return 1\r\nX = Y\r\n",
    "a one-quote string continued by a backslash": 'def f():\n    s = "a\\\nb"\nX = Y\n',
    "an unterminated string": 'def f():\n    s = "a\nX = Y\n',
    "a stray backslash": "def f():\n    return 1 \\ 2\nX = Y\n",
}

# the cut text does not parse: brackets opened in a body, closed on a dedented line
DEDENTED_BRACKET = """\
def f():
    x = call(
1, 2)
    return x


class After:
    pass
"""


def _facts(tree: ast.Module) -> FileFacts:
    return extract(tree, "pkg/mod.py", definitions_only=True)


@pytest.mark.parametrize("name", sorted(AWKWARD))
def test_the_cut_text_gives_the_facts_of_the_whole_text(name: str) -> None:
    source = AWKWARD[name]
    cut = cut_bodies(source)
    assert cut is not source, "nothing was cut: the case proves nothing"
    assert cut.count("\n") == source.count("\n")
    assert len(cut) < len(source)
    whole = _facts(ast.parse(source))
    assert whole.definitions, "a case with no definition proves little"
    assert _facts(ast.parse(cut)) == whole


def test_what_is_read_inside_strings_stays_in_them() -> None:
    facts = _facts(parse_definitions(_DEF_IN_STRINGS, "x.py"))
    names = {d.qualname for d in facts.definitions}
    assert names == {"real"}
    assert [a.target for a in facts.assignments] == ["Alias"]
    # the string holding a `def` at column 0 is kept whole, quotes and all
    assert "def fake():\n    x = 1\nFAKE = Real" in cut_bodies(_DEF_IN_STRINGS)


@pytest.mark.parametrize("name", sorted(UNSURE))
def test_an_unsure_text_is_not_cut(name: str) -> None:
    assert cut_bodies(UNSURE[name]) is UNSURE[name]


def test_a_cut_text_that_does_not_parse_is_parsed_whole() -> None:
    cut = cut_bodies(DEDENTED_BRACKET)
    assert cut is not DEDENTED_BRACKET
    with pytest.raises(SyntaxError):
        ast.parse(cut)
    facts = _facts(parse_definitions(DEDENTED_BRACKET, "x.py"))
    assert facts == _facts(ast.parse(DEDENTED_BRACKET))
    assert [d.qualname for d in facts.definitions] == ["f", "After"]


def test_a_syntax_error_outside_bodies_is_reported_as_before() -> None:
    source = "def f():\n    return 1\nclass A(:\n    pass\n"
    before = parse_module(Path("m.py"), source)
    after = parse_module(Path("m.py"), source, bodies=False)
    assert isinstance(before, Skipped) and isinstance(after, Skipped)
    assert after.reason == before.reason == "syntax error at line 3: invalid syntax"


def test_a_syntax_error_inside_a_body_is_not_seen() -> None:
    """The one difference, by design: discover reads such a file rather than skipping it."""
    source = "class A:\n    def f(self):\n        return = 1\n"
    assert isinstance(parse_module(Path("m.py"), source), Skipped)
    tree = parse_module(Path("m.py"), source, bodies=False)
    assert isinstance(tree, ast.Module)
    assert [d.qualname for d in _facts(tree).definitions] == ["A", "A.f"]


def _repository_files() -> list[Path]:
    root = Path(__file__).resolve().parents[2]
    return sorted(p for folder in ("harness", "tests") for p in (root / folder).rglob("*.py"))


def test_this_repository_reads_the_same_cut_or_whole() -> None:
    files = _repository_files()
    cut = 0
    for path in files:
        source = path.read_text(encoding="utf-8")
        try:
            whole = _facts(ast.parse(source))
        except SyntaxError:
            continue  # a broken file some test reads
        assert _facts(parse_definitions(source, str(path))) == whole, path
        cut += cut_bodies(source) is not source
    assert cut > len(files) // 2


def test_a_cutter_that_cuts_one_line_too_many_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    cut_end = bodies._body_end

    def one_more(source: str, body: int, indent: int, *spans: list[int]) -> int:
        end = cut_end(source, body, indent, *spans)
        after = source.find("\n", end)
        return len(source) if after < 0 else after + 1

    monkeypatch.setattr(bodies, "_body_end", one_more)
    differ = [
        name
        for name, source in AWKWARD.items()
        if _facts(parse_definitions(source, "x.py")) != _facts(ast.parse(source))
    ]
    assert differ, "the broken cutter went unnoticed"
