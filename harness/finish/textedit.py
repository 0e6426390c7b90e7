"""Editing a module's source by position: `ast`'s line/column (UTF-8 bytes) to text offsets, edits
applied right to left, every other byte kept; and the two list surgeries the codemod makes (names
taken out of an import, entries out of `__all__`), laid out as libcst would print them."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

_NEWLINE = re.compile(r"\r\n|\r|\n")
_SIMPLE_STRING = re.compile(
    r"""(?P<prefix>[rRuU]?)(?P<quote>'''|\"\"\"|'|")(?P<body>.*)(?P=quote)\Z""", re.S
)


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    text: str


class Source:
    """A module's text with its line starts: offsets from ast positions, and the line layout."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
        first = _NEWLINE.search(text)
        self.newline = first.group() if first else "\n"

    def offset(self, line: int, col: int) -> int:
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        text = self.text[start:end]
        if text.isascii():
            return start + col
        return start + len(text.encode("utf-8")[:col].decode("utf-8", errors="replace"))

    def span(self, node: ast.AST) -> tuple[int, int]:
        return (
            self.offset(node.lineno, node.col_offset),  # type: ignore[attr-defined]
            self.offset(node.end_lineno, node.end_col_offset),  # type: ignore[attr-defined]
        )

    def of(self, node: ast.AST) -> str:
        start, end = self.span(node)
        return self.text[start:end]

    def line_start(self, line: int) -> int:
        return self.starts[line - 1]

    def line_after(self, line: int) -> int:
        """The offset just past `line`'s line break (the end of the text on the last line)."""
        return self.starts[line] if line < len(self.starts) else len(self.text)

    def line_text(self, line: int) -> str:
        return self.text[self.line_start(line) : self.line_after(line)]


def apply(text: str, edits: list[Edit]) -> str:
    """`text` with `edits` (non-overlapping) applied, right to left so that offsets stay true."""
    out = text
    last = len(text) + 1
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        if edit.end > last:
            raise RuntimeError(f"overlapping edits at offset {edit.start}")
        out = out[: edit.start] + edit.text + out[edit.end :]
        last = edit.start
    return out


def simple_string(text: str) -> tuple[str, str, str] | None:
    """(prefix, quote, body) of a one-piece string literal's source text (not bytes, not an f-string,
    not implicitly concatenated); None otherwise."""
    match = _SIMPLE_STRING.match(text)
    if match is None or match["quote"] in match["body"]:
        return None
    return match["prefix"], match["quote"], match["body"]


def without_aliases(
    src: Source,
    node: ast.Import | ast.ImportFrom,
    keep: list[int],
    replace: dict[int, str] | None = None,
) -> str:
    """The text of `node` with only the aliases at the indices `keep` (in order, at least one), those
    in `replace` written anew: each kept alias keeps the comma and spacing that followed it; the new
    last one has none."""
    names = node.names
    text = src.text
    start, end = src.span(node)
    first, _ = src.span(names[0])
    spans = [src.span(a) for a in names]
    parenthesized = text[end - 1] == ")"
    # a trailing comma takes the spacing up to `)` with it (libcst's layout); without one, that
    # spacing stays before `)`; when no alias goes, everything after the last one stays
    closing = text[spans[-1][1] : end - 1] if parenthesized else ""
    rpar = (
        (")" if closing.lstrip(" \t\\\r\n").startswith(",") else closing + ")")
        if parenthesized
        else ""
    )
    tail = text[spans[-1][1] : end] if len(keep) == len(names) else rpar
    out = [text[start:first]]
    for n, i in enumerate(keep):
        out.append((replace or {}).get(i, text[spans[i][0] : spans[i][1]]))
        if n < len(keep) - 1:
            out.append(text[spans[i][1] : spans[i + 1][0]])
    out.append(tail)
    return "".join(out)


def without_elements(
    src: Source, node: ast.List | ast.Tuple, drop: set[int], replace: dict[int, str]
) -> str:
    """The text of the list or tuple `node` without the elements at the indices `drop` and with the
    text of those in `replace` replaced: an element goes with its comma and the spacing after it;
    the new last one takes the old last one's comma."""
    text = src.text
    start, end = src.span(node)
    elts = node.elts
    spans = [src.span(e) for e in elts]
    bracketed = text[start] in "[(" and text[end - 1] in "])"
    head_end = spans[0][0] if elts else (end - 1 if bracketed else end)
    after_last = spans[-1][1] if elts else head_end
    closing = text[after_last : end - 1] if bracketed else text[after_last:end]
    stripped = closing.lstrip()
    comma = closing[: len(closing) - len(stripped) + 1] if stripped.startswith(",") else ""
    rbracket = closing[len(comma) :] + (text[end - 1] if bracketed else "")
    kept = [i for i in range(len(elts)) if i not in drop]
    out = [text[start:head_end]]
    for n, i in enumerate(kept):
        out.append(replace.get(i, text[spans[i][0] : spans[i][1]]))
        if n < len(kept) - 1:
            out.append(text[spans[i][1] : spans[i + 1][0]])
        else:
            out.append(comma)
    out.append(rbracket)
    return "".join(out)
