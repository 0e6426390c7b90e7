"""A cheap outline of one file's bytes without parsing: class, getter and alias names, imports.

Discover reads every file once through this outline to learn the tree's role words and to choose
the few files worth parsing; the scanner then gives exact facts for those.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.scan.facts import resolve_relative

# Each pattern starts with a literal, so the regex engine skips ahead fast (a `^` anchor with
# re.MULTILINE would try every position and costs 10-30x more on a large tree).
_CLASS = re.compile(rb"class[ \t]+([A-Za-z_]\w*)")
_GETTER = re.compile(rb"def[ \t]+(get_\w+)")
_FROM = re.compile(rb"from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)")
_ALIAS = re.compile(rb"\n([A-Z]\w*) = [A-Za-z_][\w.]*[ \t]*(?=\n)")
_NAME = re.compile(r"[A-Za-z_]\w*")


@dataclass(frozen=True)
class Outline:
    """What one file's bytes say at a glance (a class in a docstring may be counted: it is a guess)."""

    classes: tuple[str, ...] = ()
    top: tuple[str, ...] = ()  # the classes whose statement starts its line (module level)
    getters: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # module-level `Name = other.Name`
    imports: tuple[tuple[str, str], ...] = ()  # (absolute module, name)
    # (module, class) constructed here: `Name(...)` of a name imported or defined in this file
    constructed: tuple[tuple[str, str], ...] = ()


def outline(data: bytes, package: str, module: str = "") -> Outline:
    """The outline of a module's bytes; `package` resolves relative imports, `module` (its own
    name) places the classes it defines and constructs itself."""
    imports = []
    for m in _FROM.finditer(data):
        if not _starts_line(data, m.start()):
            continue
        text = m.group(1).decode("ascii", "replace")
        level = len(text) - len(text.lstrip("."))
        base = resolve_relative(package, text.lstrip(".") or None, level)
        for part in m.group(2).decode("utf-8", "replace").strip("()").split(","):
            first = _NAME.match(part.strip(" \t\r\n\\"))
            if first:
                imports.append((base, first.group()))
    found = [m for m in _CLASS.finditer(data) if _starts_line(data, m.start())]
    classes = tuple(m.group(1).decode() for m in found)
    top = tuple(
        c
        for m, c in zip(found, classes, strict=True)
        if data[m.start() - 1 : m.start()] in (b"\n", b"")
    )
    home = {name: base for base, name in imports if name[:1].isupper()}
    if module:
        home.update((name, module) for name in classes)
    constructed = [
        (base, name) for name, base in home.items() for _ in range(_calls(data, name.encode()))
    ]
    return Outline(
        classes=classes,
        top=top,
        getters=tuple(
            m.group(1).decode() for m in _GETTER.finditer(data) if _starts_def(data, m.start())
        ),
        aliases=tuple(n.decode() for n in _ALIAS.findall(b"\n" + data)),
        imports=tuple(imports),
        constructed=tuple(constructed),
    )


def _calls(data: bytes, name: bytes) -> int:
    """How many times `name(` stands in `data` as a name of its own (not `OtherName(` or
    `x.name(`), and not as the `class name(` statement itself."""
    needle, count = name + b"(", 0
    at = data.find(needle)
    while at >= 0:
        before = data[at - 1 : at]
        if not (before.isalnum() or before in (b"_", b".")) and data[at - 6 : at] != b"class ":
            count += 1
        at = data.find(needle, at + 1)
    return count


def _starts_line(data: bytes, at: int) -> bool:
    """Whether only indentation precedes `at` on its line."""
    return not data[data.rfind(b"\n", 0, at) + 1 : at].strip(b" \t")


def _starts_def(data: bytes, at: int) -> bool:
    head = data[data.rfind(b"\n", 0, at) + 1 : at].strip(b" \t")
    return head in (b"", b"async")
