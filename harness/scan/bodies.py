"""Cuts function bodies out of Python source, every other line kept in place, for reading definitions.

A definitions-only read (discover's, see `extract`) never looks inside a function: parsing the
bodies only to drop them is most of its cost. `cut_bodies` replaces each body by `...` and as many
empty lines as it had, so every kept statement keeps its line; the module, its class bodies, its
imports, assignments, `__all__`, try blocks, decorators and signatures are the same text.

The cut is made only where it is certain (else the text comes back unchanged, to be parsed
whole). Strings and comments are lexed the way the tokenizer does, so a `def` or a dedented line
inside a multi-line string is never taken for code, and a line after a backslash continuation is
never taken for a new statement. A file with a tab or a form feed in its indentation, a carriage
return, a NUL, an unterminated string, a one-quote string continued by a backslash, a stray
backslash, or (from Python 3.12, where f-strings nest quotes) an f-string is not cut. A def whose
signature holds a triple-quoted string, or whose body is on its header's line, is not cut. A dedented line inside brackets opened in a body
cannot be told from a new statement without counting brackets; it is left to the parser: the
brackets the cut text then closes without opening are a syntax error, and the caller parses the
whole text instead (`parse_definitions`).

One difference remains, by design: an error inside a function body (a syntax error, or
nesting too deep for the parser) is not seen, so such a file is read rather than skipped.
"""

from __future__ import annotations

import ast
import bisect
import re
import sys

__all__ = ["cut_bodies", "parse_definitions"]

# A run of code, comments and one-line strings, then what ends it: a triple quote, a backslash
# continuation, a quote or backslash that starts nothing valid, or the end of the text. A quote
# followed by two more is a triple quote, never an empty string and a quote.
_ONE_LINE_STRING = (
    r"""'(?!'')[^'\\\n]*(?:\\[^\n][^'\\\n]*)*'|"(?!"")[^"\\\n]*(?:\\[^\n][^"\\\n]*)*\""""
)
_EVENT = re.compile(
    r"(?:[^'\"#\\]+|#[^\n]*|" + _ONE_LINE_STRING + r")*"
    r"(?:(?P<triple>'''|\"\"\")|(?P<continued>\\\n)|(?P<bad>['\"\\]))?"
)
_TRIPLE_END = {
    "'''": re.compile(r"[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''", re.S),
    '"""': re.compile(r'[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""', re.S),
}
_DEF_LINE = re.compile(r"( *)(?:async[ \t]+)?def[ \t]")
# what a def's header is made of, past its name: brackets, colons, strings, comments, line ends
_HEADER = re.compile(r"""[()\[\]{}:\n]|#[^\n]*|'''|\"\"\"|""" + _ONE_LINE_STRING + r"|\\\n|['\"\\]")
_OPENS, _CLOSES = frozenset("([{"), frozenset(")]}")
_UNSURE = frozenset(("'''", '"""', "\\", "'", '"'))
_UNSURE_INDENT = re.compile(r"^ *[\t\f]", re.M)
_F_STRING = re.compile(r"[fF][rR]?['\"]|[rR][fF]['\"]")


def parse_definitions(source: str, filename: str) -> ast.Module:
    """`ast.parse` of `source` with its function bodies cut (see `cut_bodies`), or of the whole
    source when the cut text does not parse (so an error is the whole text's, with its line)."""
    cut = cut_bodies(source)
    if cut is not source:
        try:
            return ast.parse(cut, filename=filename)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            pass
    return ast.parse(source, filename=filename)


def cut_bodies(source: str) -> str:
    """`source` with every function body it can cut for certain replaced by `...` and empty lines
    (the same number of lines), or `source` itself when there is nothing it may cut."""
    if (
        "\r" in source
        or "\0" in source
        or (("\t" in source or "\f" in source) and _UNSURE_INDENT.search(source))
        or (sys.version_info >= (3, 12) and _F_STRING.search(source))
    ):
        return source
    inside = _continued_lines(source)
    if inside is None:
        return source
    starts, ends = inside
    parts: list[str] = []
    done = 0  # source[:done] is in parts
    pos = 0
    while True:
        at = source.find("def", pos)
        if at < 0:
            break
        pos = at + 3
        head = source.rfind("\n", 0, at) + 1
        found = _DEF_LINE.match(source, head)
        if found is None or found.end() != pos + 1:
            continue  # not a `def` keyword that begins its line
        if _covered(head, starts, ends):
            continue  # a `def` inside a string, or after a backslash
        body = _body_start(source, pos)
        if body is None:
            continue
        indent = len(found.group(1))
        end = _body_end(source, body, indent, starts, ends)
        if end <= body:
            continue
        lines = source.count("\n", body, end)
        if lines == 0:
            continue  # the body is a last line without a line end: nothing worth cutting
        parts += [source[done:body], " " * (indent + 1), "...", "\n" * lines]
        done = pos = end
    if not parts:
        return source
    parts.append(source[done:])
    return "".join(parts)


def _continued_lines(source: str) -> tuple[list[int], list[int]] | None:
    """The offsets where lines that continue a statement (inside a multi-line string, or after a
    backslash) begin, as (spans' starts, spans' ends): a line starting at `p` is continued when
    some start < p <= end. None when something is not lexed for certain."""
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    size = len(source)
    while pos < size:
        found = _EVENT.match(source, pos)
        if found is None:  # (the run may be empty, so a match is always found)
            return None
        if found.group("bad") is not None:
            return None
        quote = found.group("triple")
        if quote is not None:
            closed = _TRIPLE_END[quote].match(source, found.end())
            if closed is None:
                return None
            starts.append(found.start("triple"))
            ends.append(closed.end())
            pos = closed.end()
        elif found.group("continued") is not None:
            starts.append(found.start("continued"))
            ends.append(found.end())
            pos = found.end()
        else:
            pos = found.end()
            if pos < size:  # an empty run before something the run cannot hold
                return None
    return starts, ends


def _covered(line: int, starts: list[int], ends: list[int]) -> bool:
    """Whether the line starting at offset `line` continues a multi-line string or a backslash."""
    i = bisect.bisect_left(starts, line) - 1
    return i >= 0 and line <= ends[i]


def _body_start(source: str, pos: int) -> int | None:
    """Where the body begins (the line after the header's colon) when the header ends with its
    colon at a line end (a comment aside), else None (a one-line def, or a header not lexed)."""
    stop = source.find("\n", pos)
    if stop >= 0:
        line = source[pos:stop]
        if (
            not _ODD.search(line)
            and line.rstrip(" \t").endswith(":")
            and all(line.count(o) == line.count(c) for o, c in _PAIRS)
        ):
            # a header of one line with no string nor comment, and its brackets closed: its last
            # colon ends it (in valid code, a body on the header's line never ends with a colon)
            return stop + 1
    depth = 0
    for token in _HEADER.finditer(source, pos):
        text = token.group()
        if text in _OPENS:
            depth += 1
        elif text in _CLOSES:
            depth -= 1
            if depth < 0:
                return None
        elif text == ":" and depth == 0:
            rest = _HEADER_REST.match(source, token.end())
            return rest.end() if rest is not None else None
        elif text == "\n" and depth == 0:
            return None
        elif text in _UNSURE:
            return None
    return None


_ODD = re.compile(r"['\"\\#]")
_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"))
_HEADER_REST = re.compile(r"[ \t]*(?:#[^\n]*)?\n")


def _body_end(source: str, body: int, indent: int, starts: list[int], ends: list[int]) -> int:
    """The offset of the first line after `body` that starts a statement indented at most
    `indent` (blank and comment lines do not), or the end of the text."""
    pattern = _dedent(indent)
    pos = body - 1  # the line end before the body's first line
    while True:
        found = pattern.search(source, pos)
        if found is None:
            return len(source)
        line = found.start() + 1
        if not _covered(line, starts, ends):
            return line
        pos = found.end()


_DEDENTS: dict[int, re.Pattern[str]] = {}


def _dedent(indent: int) -> re.Pattern[str]:
    pattern = _DEDENTS.get(indent)
    if pattern is None:
        pattern = _DEDENTS[indent] = re.compile(rf"\n {{0,{indent}}}(?=[^ \n#])")
    return pattern
