"""A parsed file's definitions as discover reads them, with what the file says about each beyond its
name: bases resolved through the file's imports, a place in `__all__`, a fallback for an import, a
deprecation; and the ways in it defines (getters, classmethod constructors, aliases and renaming
re-exports, each alias with the class it stands for).
"""

from __future__ import annotations

import bisect
from collections import defaultdict

from harness.discover.families import DEPRECATED, FALLBACK
from harness.discover.names import shape
from harness.discover.outline import MARK_DECORATOR, MARK_TOP
from harness.discover.rank import CONSTRUCTOR_PREFIXES, Definition, is_double_name
from harness.scan.facts import FileFacts

_TEST_DIRS = {"tests", "test", "testing", "fixtures", "mocks"}
_METHOD_KINDS = {"method", "classmethod", "staticmethod"}
# methods that run when a class is used at all: a deprecation warned there is the class's own
_CONSTRUCTION = {"__init__", "__new__", "__init_subclass__", "__post_init__", "__attrs_post_init__"}
# how many lines below its class statement a docstring says the class itself is deprecated,
# how far the constructor of a class that only warns does, how far above a decorator does
DOCSTRING_HEAD, CONSTRUCTOR_HEAD, DECORATOR_ABOVE = 5, 12, 10


def in_tests(path: str) -> bool:
    """Whether a file (posix, relative) is a test module or under a test folder."""
    parts = path.split("/")
    return bool(_TEST_DIRS & set(parts[:-1])) or parts[-1].startswith(("test_", "conftest"))


class _Names:
    """What each name bound at a module's top stands for (a dotted module or `module.Name`), by the
    line that bound it: a base is the binding before its class statement."""

    def __init__(self, facts: FileFacts) -> None:
        bound: defaultdict[str, list[tuple[int, str]]] = defaultdict(list)
        for m in facts.module_imports:
            if m.scope != "function" and m.binding and not m.dynamic:
                top = m.module.partition(".")[0]
                bound[m.binding].append((m.line, top if m.binding == top else m.module))
        for n in facts.name_imports:
            if n.scope != "function" and n.module:
                bound[n.asname].append((n.line, f"{n.module}.{n.name}"))
        for d in facts.definitions:
            if "." not in d.qualname and d.kind in ("class", "function"):
                bound[d.qualname].append((d.line, f"{facts.module}.{d.qualname}"))
        self.bound = bound  # (few names are ever resolved: nothing is sorted ahead)

    def resolve(self, dotted: str, line: int) -> str:
        """`dotted` as written at `line`, its head replaced by what the module bound it to last
        before that line (unchanged when nothing did: a builtin, a star import); of two bindings
        on one line, the greater target."""
        head, dot, rest = dotted.partition(".")
        before = [bound for bound in self.bound.get(head, ()) if bound[0] < line]
        if not before:
            return dotted
        return max(before)[1] + dot + rest


def definitions(facts: FileFacts, marks: tuple[tuple[int, int], ...] = ()) -> list[Definition]:
    """The classes, getters, constructors and aliases of one file; `marks` are the lines that say
    "deprecated" (and where each stands: see Outline.marks), from its outline."""
    tests = in_tests(facts.path)
    names = _Names(facts)
    methods: dict[str, set[str]] = {}
    every: dict[str, set[str]] = {}  # private and dunder methods too: a class's shape
    for d in facts.definitions:
        owner, _, own = d.qualname.partition(".")
        if own and "." not in own and d.kind in _METHOD_KINDS:
            every.setdefault(owner, set()).add(own)
            if not own.startswith("_"):
                methods.setdefault(owner, set()).add(own)
    binds = {a.target.partition(".")[0] for a in facts.assignments if "." in a.target}
    deprecated = _deprecated(facts, marks, methods) if marks else set()
    fallbacks = {n.asname for n in facts.name_imports if n.scope == "fallback"}
    public = set(facts.all_names or ())
    # the modules the file imports from, and `module:Name` for each name it imports
    imports = frozenset(
        {n.module for n in facts.name_imports}
        | {f"{n.module}:{n.name}" for n in facts.name_imports}
        | {m.module for m in facts.module_imports}
    )
    out: list[Definition] = []
    for d in facts.definitions:
        if d.kind in _METHOD_KINDS and d.kind != "classmethod":
            continue  # a method is only ever part of its class's method set (above)
        head, _, own = d.qualname.partition(".")
        double = tests or is_double_name(head)
        if d.kind == "class" and not own:
            if any(b.rpartition(".")[2] == "Protocol" for b in d.bases):
                continue  # an interface is not an implementation
            said: tuple[str, ...] = (DEPRECATED,) if d.qualname in deprecated else ()
            if d.qualname in fallbacks:
                said += (FALLBACK,)
            out.append(
                Definition(
                    d.qualname,
                    facts.module,
                    facts.path,
                    d.line,
                    "class",
                    frozenset(methods.get(d.qualname, ())),
                    double,
                    shape(d.bases, every.get(d.qualname, ())),
                    bases=tuple(names.resolve(b, d.line) for b in d.bases),
                    marks=said,
                    public=d.qualname in public,
                    bare=d.qualname not in every and d.qualname not in binds,
                    imports=imports,
                )
            )
        elif d.kind == "function" and not own and d.qualname.startswith("get_"):
            out.append(
                Definition(d.qualname, facts.module, facts.path, d.line, "getter", double=double)
            )
        elif d.kind == "classmethod" and own.startswith(CONSTRUCTOR_PREFIXES) and "." not in own:
            out.append(
                Definition(
                    d.qualname, facts.module, facts.path, d.line, "constructor", double=double
                )
            )
    for a in facts.assignments:
        if "." not in a.target and "." not in a.value and a.target[:1].isupper():
            target = names.resolve(a.value, a.line)
            out.append(
                Definition(
                    a.target, facts.module, facts.path, a.line, "alias", double=tests, target=target
                )
            )
    for n in facts.name_imports:  # `from m import X as Y`, Y re-exported: a way in named Y
        renamed = n.asname != n.name and n.asname[:1].isupper() and n.scope != "function"
        if renamed and n.module and (n.asname in public or facts.is_package):
            out.append(
                Definition(
                    n.asname,
                    facts.module,
                    facts.path,
                    n.line,
                    "alias",
                    double=tests,
                    target=f"{n.module}.{n.name}",
                    public=True,
                )
            )
    return out


def _deprecated(
    facts: FileFacts, marks: tuple[tuple[int, int], ...], methods: dict[str, set[str]]
) -> set[str]:
    """The module-level classes a deprecation mark speaks of: a decorator just above the class, a
    mark in its own text before its first method (its docstring), or in a method run on every use
    (`__init__`, `__new__`...) of a class that adds no public method (it exists only to warn).
    A docstring says it in its first lines (`.. deprecated::`, "This class is deprecated"): one
    further down speaks of a behaviour; a class that only warns is short (see the *_HEAD limits,
    which steps.py reads from the outline alone). Never the class statement itself, a warning category
    (...Warning: it speaks of what is deprecated), nor a line at column 0 (at module level)."""
    tops = sorted(
        [(d.line, d.qualname) for d in facts.definitions if "." not in d.qualname]
        + [(a.line, "") for a in facts.assignments if "." not in a.target]
        + [(n.line, "") for n in facts.name_imports if n.scope != "function"]
        + [(m.line, "") for m in facts.module_imports if m.scope != "function"]
    )
    classes = {d.qualname for d in facts.definitions if d.kind == "class" and "." not in d.qualname}
    inside: defaultdict[str, list[tuple[int, str]]] = defaultdict(list)
    for d in facts.definitions:
        owner, _, own = d.qualname.partition(".")
        if own and "." not in own and owner in classes:
            inside[owner].append((d.line, own))
    starts = [line for line, _ in tops]
    found: set[str] = set()
    for line, where in marks:
        at = bisect.bisect_right(starts, line)  # tops[at] is the first item after the mark
        if where == MARK_DECORATOR:
            if at < len(tops) and tops[at][1] in classes and tops[at][0] - line <= DECORATOR_ABOVE:
                found.add(tops[at][1])
            continue
        if where == MARK_TOP or at == 0 or tops[at - 1][1] not in classes:
            continue
        start, name = tops[at - 1]
        if start == line or name.endswith("Warning"):
            continue  # the class statement (its name or bases), or a warning category
        before = [m for m in sorted(inside.get(name, ())) if m[0] <= line]
        if before:
            thin = before[-1][1] in _CONSTRUCTION and not methods.get(name)
            if thin and line - start <= CONSTRUCTOR_HEAD:
                found.add(name)
        elif line - start <= DOCSTRING_HEAD:
            found.add(name)
    return {name for name in found if not name.endswith("Warning")}
