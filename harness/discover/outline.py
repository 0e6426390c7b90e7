"""A cheap outline of one file without parsing: class, getter and alias names, marks, imports.

Discover outlines every file to learn the tree's role words and to choose the few files worth
parsing; the scanner then gives exact facts for those. Inside a git work tree the outline comes
from the lines one `git grep` prints (see native.py), elsewhere from the bytes read here: both go
through the same line classifier (`classify`), so they give the same outline. The imports and
constructions (who leans on which class) are read from the bytes only, for the files that need them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from harness.scan.facts import resolve_relative

# One regex per kind of line, matched at the start of the line (`fullmatch` for aliases). The
# PCRE patterns git grep runs (native.py) select a superset of the lines these accept.
_CLASS_LINE = re.compile(rb"([ \t]*)class[ \t]+([A-Za-z_]\w*)")
_GETTER_LINE = re.compile(rb"[ \t]*(?:async[ \t]*)?def[ \t]+(get_\w+)")
_CONSTRUCTOR_LINE = re.compile(
    rb"[ \t]*(?:async[ \t]*)?def[ \t]+(?:create_for_|for_user|from_context)"
)
_ALIAS_LINE = re.compile(rb"([A-Z]\w*) = ([A-Za-z_][\w.]*)[ \t]*")
_RENAME = re.compile(rb"\b([A-Za-z_]\w*)[ \t]+as[ \t]+([A-Z]\w*)")
_RENAME_LINE = re.compile(rb"[ \t]*(?:from[ \t]|import[ \t]|[A-Za-z_]\w*[ \t]+as[ \t])")
# "deprecated" as a word of prose or of a CamelCase name (DeprecationWarning), never inside a
# snake_case name (`system_check_deprecated_details`); or a RemovedIn...Warning category
_MARK = re.compile(
    rb"(?<![_\w])(?:[Dd]eprecat|DEPRECAT)[A-Za-z]*(?!\w)|(?<=[a-z0-9])Deprecat[A-Za-z]*(?!\w)"
    rb"|RemovedIn\w*Warning"
)
_FALLBACK_LINE = re.compile(rb"[ \t]*except\b[^:]*\b(?:ImportError|ModuleNotFoundError)\b")
_DECORATOR_LINE = re.compile(rb"[ \t]*@")
MARK_DECORATOR, MARK_TOP, MARK_INDENTED = 1, 2, 3

# Finders for the Python path: each starts with a literal, so the regex engine skips ahead fast
# (a `^` anchor with re.MULTILINE would try every position: 10-30x slower on a large tree).
_CLASS = re.compile(rb"class[ \t]+([A-Za-z_]\w*)")
_DEF = re.compile(rb"def[ \t]+(?:get_|create_for_|for_user|from_context)")
_ALIAS = re.compile(rb"\n[A-Z]\w* = ")
# (deprecat, Deprecat and DEPRECAT hold one of the first two)
_LITERALS = (b"eprecat", b"EPRECAT", b"RemovedIn", b"ImportError", b"ModuleNotFoundError",
             b" as ", b" as\t", b"\tas ", b"\tas\t")  # fmt: skip
_FROM = re.compile(rb"from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)")
_NAME = re.compile(r"[A-Za-z_]\w*")


@dataclass(frozen=True)
class Outline:
    """What one file says at a glance (a class in a docstring may be counted: it is a guess)."""

    classes: tuple[str, ...] = ()
    top: tuple[str, ...] = ()  # the classes whose statement starts its line (module level)
    lines: tuple[int, ...] = ()  # the line of each class statement (of `classes`)
    getters: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # module-level `Name = other.Name`
    # the names aliases and renaming imports (`import X as Y`) point at: `X`, or `Name` of `m.Name`
    targets: tuple[str, ...] = ()
    renames: tuple[str, ...] = ()  # `Y` of each `import X as Y` whose new name is capitalized
    constructors: bool = False  # a `def create_for_...`, `for_user...` or `from_context...`
    # lines that say "deprecated" (or name a RemovedIn...Warning): (number, where), where is
    # MARK_DECORATOR, MARK_TOP (a line at column 0) or MARK_INDENTED
    marks: tuple[tuple[int, int], ...] = ()
    fallback: bool = False  # an `except ImportError:` (or ModuleNotFoundError)
    imports: tuple[tuple[str, str], ...] = ()  # (absolute module, name); read from bytes only
    # (module, class) constructed here: `Name(...)` of a name imported or defined in this file
    constructed: tuple[tuple[str, str], ...] = ()


@dataclass
class Lines:
    """An outline being built from classified lines, in the order of the file."""

    classes: list[str] = field(default_factory=list)
    top: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    getters: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    renames: list[str] = field(default_factory=list)
    constructors: bool = False
    marks: list[tuple[int, int]] = field(default_factory=list)
    fallback: bool = False

    def classify(self, number: int, line: bytes, *, classes: bool = True) -> None:
        """Take what one line says (`number` counts from 1, `line` is without its newline); with
        `classes` False, a class statement is left to `add_class` (taken in bulk)."""
        found = _CLASS_LINE.match(line)
        if found:
            if classes:
                self.add_class(found.group(2).decode(), number, not found.group(1))
        else:
            getter = _GETTER_LINE.match(line)
            if getter:
                self.getters.append(getter.group(1).decode())
            if _CONSTRUCTOR_LINE.match(line):
                self.constructors = True
            alias = _ALIAS_LINE.fullmatch(line)
            if alias:
                self.aliases.append(alias.group(1).decode())
                self.targets.append(alias.group(2).decode().rpartition(".")[2])
            elif _RENAME_LINE.match(line):
                for source, new in _RENAME.findall(line):
                    if source != new:
                        self.renames.append(new.decode())
                        self.targets.append(source.decode())
            if _FALLBACK_LINE.match(line):
                self.fallback = True
        if _MARK.search(line):
            if _DECORATOR_LINE.match(line):
                self.marks.append((number, MARK_DECORATOR))
            else:
                self.marks.append((number, MARK_INDENTED if line[:1] in b" \t" else MARK_TOP))

    def add_class(self, name: str, number: int, top: bool) -> None:
        self.classes.append(name)
        self.lines.append(number)
        if top:
            self.top.append(name)

    def outline(self, **more: object) -> Outline:
        return Outline(
            classes=tuple(self.classes),
            top=tuple(self.top),
            lines=tuple(self.lines),
            getters=tuple(self.getters),
            aliases=tuple(self.aliases),
            targets=tuple(self.targets),
            renames=tuple(self.renames),
            constructors=self.constructors,
            marks=tuple(self.marks),
            fallback=self.fallback,
            **more,  # type: ignore[arg-type]
        )


def line_starts(data: bytes) -> list[int]:
    """Where each line that some classifier may take starts, in order (found by the finders), but
    for the lines that are only class statements (see `outline`)."""
    starts = set()
    rfind, find = data.rfind, data.find
    for m in _DEF.finditer(data):
        starts.add(rfind(b"\n", 0, m.start()) + 1)
    for m in _ALIAS.finditer(data):
        starts.add(m.start() + 1)
    if data[:1].isupper():
        starts.add(0)  # an alias on the first line
    for literal in _LITERALS:
        at = find(literal)
        while at >= 0:
            starts.add(rfind(b"\n", 0, at) + 1)
            at = find(literal, at + 1)
    return sorted(starts)


def outline(data: bytes, package: str, module: str = "") -> Outline:
    """The outline of a module's bytes; `package` resolves relative imports, `module` (its own
    name) places the classes it defines and constructs itself."""
    lines = Lines()
    number, last = 1, 0
    for m in _CLASS.finditer(data):  # class statements in bulk: the most frequent lines
        start = data.rfind(b"\n", 0, m.start()) + 1
        indent = data[start : m.start()]
        if not indent.strip(b" \t"):  # as _CLASS_LINE takes it: only indentation before
            number += data.count(b"\n", last, start)
            last = start
            lines.add_class(m.group(1).decode(), number, not indent)
    number, last = 1, 0
    for start in line_starts(data):
        number += data.count(b"\n", last, start)
        last = start
        end = data.find(b"\n", start)
        lines.classify(number, data[start : end if end >= 0 else len(data)], classes=False)
    imports, constructed = reads(data, package, module, lines.classes)
    return lines.outline(imports=imports, constructed=constructed)


def reads(
    data: bytes,
    package: str,
    module: str,
    classes: list[str] | tuple[str, ...],
    only: set[str] | None = None,
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """(imports, constructions) of a module's bytes: who leans on which class (of the names in
    `only`, when given)."""
    imports = []
    for m in _FROM.finditer(data):
        if not _starts_line(data, m.start()):
            continue
        text = m.group(1).decode("ascii", "replace")
        level = len(text) - len(text.lstrip("."))
        base = resolve_relative(package, text.lstrip(".") or None, level)
        for part in m.group(2).decode("utf-8", "replace").strip("()").split(","):
            first = _NAME.match(part.strip(" \t\r\n\\"))
            if first and (only is None or first.group() in only):
                imports.append((base, first.group()))
    home = {name: base for base, name in imports if name[:1].isupper()}
    if module:
        home.update((name, module) for name in classes if only is None or name in only)
    constructed = [
        (base, name) for name, base in home.items() for _ in range(_calls(data, name.encode()))
    ]
    return tuple(imports), tuple(constructed)


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
