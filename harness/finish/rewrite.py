"""The codemod: one module's import sites and references of a mechanical member rewritten to the
canonical, found with `ast` and Python's scoping rules and edited by position, keeping every other
byte (formatting, comments) as it was. A place where the canonical's name already means something
else, or would once renamed, is left with a note."""

from __future__ import annotations

import ast
import bisect
import builtins
import difflib
import re
from dataclasses import dataclass

from harness.finish.importlines import Target, all_edits, import_edits
from harness.finish.imports import exported, settle_imports
from harness.finish.layout import statements
from harness.finish.scopes import Scope, ScopeWalk, Use, between, resolve
from harness.finish.textedit import (
    Edit,
    Source,
    apply,
    simple_string,
)
from harness.scan.facts import dotted, resolve_relative


@dataclass(frozen=True)
class Move:
    """What to rewrite: names under which the member is reachable -> the canonical."""

    sources: frozenset[tuple[str, str]]  # (module, name) pairs that are the member
    canonical_module: str
    canonical_name: str
    getter: bool  # a getter returning the canonical class: `get()` becomes `Canonical`
    # other (module, name) pairs that are the canonical itself (its re-exports)
    canonical_sources: frozenset[tuple[str, str]] = frozenset()
    # (module, alias) of `from m import Canonical as Alias` that nothing imports: moved in place
    local: frozenset[tuple[str, str]] = frozenset()

    def is_canonical_import(self, node: ast.AST, package: str | None = None) -> bool:
        """`node` is `from M import Canonical` for the canonical's module or one re-exporting it
        (`from .m import Canonical` too, when the `package` it sits in is given)."""
        if not isinstance(node, ast.ImportFrom) or any(a.name == "*" for a in node.names):
            return False
        if node.level:
            if package is None:
                return False
            base = resolve_relative(package, node.module, node.level)
        else:
            base = node.module or ""
        pairs = {(self.canonical_module, self.canonical_name), *self.canonical_sources}
        return any(
            (base, a.name) in pairs and a.asname is None and a.name == name
            for a in node.names
            for _, name in pairs
        )

    def is_canonical(self, module: str, name: str) -> bool:
        pairs = {(self.canonical_module, self.canonical_name), *self.canonical_sources}
        return (module, name) in pairs

    def mentioned_in(self, text: str) -> bool:
        """Whether `text` holds one of the member's names as a word (else nothing can change)."""
        names = sorted({name for _, name in self.sources | self.local})
        return re.search(r"\b(?:" + "|".join(map(re.escape, names)) + r")\b", text) is not None


@dataclass(frozen=True)
class FileResult:
    source: str
    new: str
    notes: tuple[str, ...] = ()  # places left alone, with why
    # the sites of `source` the rewrite accounted for (rewritten, or left with a note): (line,
    # `m.Name` as written) for a module's member, (line, "") for every site on the line
    sites: frozenset[tuple[int, str]] = frozenset()

    @property
    def changed(self) -> bool:
        return self.new != self.source


def rewrite_source(
    source: str, module: str, package: str, move: Move, path: str = ""
) -> FileResult:
    """`source` (the module `module`, in package `package`) with the member's uses moved to the canonical."""
    return rewrite_moves(source, module, package, (move,), path)


def rewrite_moves(
    source: str, module: str, package: str, moves: tuple[Move, ...], path: str = ""
) -> FileResult:
    """`rewrite_source` of each move in turn; the source is parsed again only after a move changed
    it, and a move none of whose names the text mentions is not looked for at all. A SyntaxError
    when the source does not parse."""
    bom = "\ufeff" if source.startswith("\ufeff") else ""  # (ast refuses it; it stays)
    text, notes = source[len(bom) :], list[str]()
    sites: set[tuple[int, str]] = set()
    tree: ast.Module | None = None
    for move in moves:
        if not move.mentioned_in(text):
            continue
        if tree is None:
            tree = ast.parse(text)
        result = _Finder(tree, Source(text), module, package, move, path).rewrite()
        notes += result.notes
        sites |= _sites_in(source[len(bom) :], text, result.sites)
        if result.changed:
            text, tree = result.new, None
    return FileResult(source, bom + text, tuple(notes), frozenset(sites))


def _sites_in(
    original: str, current: str, sites: frozenset[tuple[int, str]]
) -> set[tuple[int, str]]:
    """`sites` of `current` (an earlier move's rewrite of `original`) at lines of `original`."""
    if current == original or not sites:
        return set(sites)
    at: dict[int, int] = {}
    old, new = original.splitlines(), current.splitlines()
    for _, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        for j in range(j1, j2):
            at[j + 1] = i1 + min(j - j1, max(i2 - i1 - 1, 0)) + 1
    return {(at.get(line, line), what) for line, what in sites}


class _Finder:
    """Which import aliases, names, calls and attributes to rewrite, and the edits that do it."""

    def __init__(
        self, tree: ast.Module, src: Source, module: str, package: str, move: Move, path: str
    ) -> None:
        self.tree, self.src, self.module, self.package = tree, src, module, package
        self.move, self.path = move, path
        self.canonical = move.canonical_name
        self.notes: list[tuple[int, str]] = []
        self.imports: dict[int, list[ast.alias]] = {}  # id(ImportFrom) -> aliases moved
        self.edits: dict[tuple[int, int], str] = {}  # (start, end) -> text
        self.bindings: set[str] = set()  # local names the rewrite replaces
        self.module_bindings: set[tuple[str, str | None]] = set()
        self.attributes = False
        self.accounted: set[tuple[int, str]] = set()  # sites rewritten or noted, as in FileResult
        self.spelled: set[tuple[int, int]] = set()  # the edits of `m.Name` sites (one site each)

    def _note(self, line: int, text: str, spelled: str = "") -> None:
        """A place left alone; `spelled`: the one `m.Name` site it is about (else the whole line)."""
        self.notes.append((line, f"{self.path}:{line}: {text}"))
        self.accounted.add((line, spelled))

    def rewrite(self) -> FileResult:
        found = list(statements(self.tree.body))
        self.exported = exported(self.tree)
        taken = [s for s in found if isinstance(s.node, ast.ImportFrom) and self._members(s.node)]
        heads = {
            (a.asname or a.name.partition(".")[0]): (a.name if a.asname else a.name.partition(".")[0])
            for s in found if isinstance(s.node, ast.Import) for a in s.node.names
        }  # fmt: skip
        for s in found:  # `from pkg import mod [as m]`, `from . import mod`: a module bound
            if isinstance(s.node, ast.ImportFrom):
                for a in s.node.names:
                    bound = self._module_of(s.node, a)
                    if bound and (a.asname or a.name) not in heads:
                        heads[a.asname or a.name] = bound
        bindings = {a.asname or a.name for s in taken for a in self._members(s.node)}  # type: ignore[arg-type]
        names = {self.canonical} | bindings | set(heads)
        attributes = {name for _, name in self.move.sources} if heads else set()
        self.walk = ScopeWalk(self.tree, self.src.text, names, attributes)
        for s in taken:
            assert isinstance(s.node, ast.ImportFrom)
            moved = [a for a in self._members(s.node) if self._take(s.node, a.asname or a.name)]
            if moved:
                self.imports[id(s.node)] = moved
        self._attributes(heads)
        notes = tuple(n for _, n in sorted(self.notes, key=lambda n: n[0]))
        text = self.src.text
        if not (self.imports or self.attributes):
            return FileResult(text, text, notes, self._sites())
        target = Target(
            self.move.canonical_module,
            self.canonical,
            self._imports_canonical,
            self._imports_itself,
        )
        self.edits.update(import_edits(self.src, found, self.imports, target))
        self.edits.update(all_edits(self.src, found, self.bindings, self.canonical))
        new = apply(text, [Edit(s, e, t) for (s, e), t in self.edits.items()])
        if self.attributes:
            new = settle_imports(new, self.move.canonical_module, self.canonical,
                                 self.module_bindings, self._imports_canonical)  # fmt: skip
        return FileResult(text, new, notes, self._sites())

    def _sites(self) -> frozenset[tuple[int, str]]:
        """The sites rewritten or left with a note: an edit other than of `m.Name` accounts for its
        whole line (an import's names, a use of an imported member)."""
        starts = self.src.starts
        edited = {
            (bisect.bisect_right(starts, span[0]), "")
            for span in self.edits
            if span not in self.spelled
        }
        return frozenset(edited | self.accounted)

    def _module_of(self, node: ast.ImportFrom, alias: ast.alias) -> str:
        """The module `from base import alias` binds when it is one the member is reachable
        through (`pkg.old` for `from pkg import old` when the member is `pkg.old:Name`), else ""."""
        if alias.name == "*":
            return ""
        base = resolve_relative(self.package, node.module, node.level)
        module = f"{base}.{alias.name}" if base else alias.name
        return module if any(m == module for m, _ in self.move.sources) else ""

    def _imports_itself(self, node: ast.ImportFrom, alias: ast.alias) -> bool:
        """`alias` is `Canonical as Alias`: the canonical itself under a local name."""
        if node.level:
            source = resolve_relative(self.package, node.module, node.level)
        else:
            source = node.module or ""
        return (
            self.move.is_canonical(source, alias.name)
            and (self.module, alias.asname or "") in self.move.local
        )

    def _imports_canonical(self, node: ast.stmt) -> bool:
        return self.move.is_canonical_import(node, self.package)

    def _members(self, node: ast.ImportFrom) -> list[ast.alias]:
        if node.level:
            source = resolve_relative(self.package, node.module, node.level)
        else:
            source = node.module or ""
        return [
            a
            for a in node.names
            if (source, a.name) in self.move.sources
            or (self._imports_itself(node, a) and a.asname not in self.exported)
        ]

    # -- what to rename -------------------------------------------------------------------------

    def _take(self, node: ast.ImportFrom, binding: str) -> bool:
        """Record the renames for `binding`, bound by `node`; False (with a note) when it must stay."""
        scope = self.walk.scope_of.get(id(node))
        if scope is None:
            return False
        if binding != self.canonical and self._clash(scope):
            self._note(
                node.lineno, f"left {binding}: {self.canonical} already names something else here"
            )
            return False
        uses = [
            u for u in self.walk.uses if u.node.id == binding and resolve(binding, u.scope) is scope
        ]
        calls = [self._call_of(u) for u in uses] if self.move.getter else []
        if not all(calls):
            self._note(node.lineno, f"left {binding}: used other than as `{binding}()`")
            return False
        for use in uses:
            shadow = self._shadowed(use.scope, scope)
            if shadow:
                self._note(node.lineno, f"left {binding}: at line {self._line(use)}, {shadow}: "
                           f"renamed, the use would mean that instead")  # fmt: skip
                return False
        if self.move.getter:
            for call in calls:
                assert call is not None
                self.edits[self.src.span(call)] = self.canonical
        else:
            edits = [self._rename(u) for u in uses]
            if None in edits:
                self._note(
                    node.lineno,
                    f"left {binding}: in a string annotation that is not one plain string",
                )
                return False
            for edit in edits:
                assert edit is not None
                self.edits[edit[0]] = edit[1]
            for b in scope.bound.get(
                binding, ()
            ):  # `except ImportError: Binding = None` and the like
                if isinstance(b.node, ast.Name):
                    self.edits[self.src.span(b.node)] = self.canonical
        self.bindings.add(binding)
        self.accounted.add((node.lineno, ""))
        return True

    def _clash(self, scope: Scope) -> bool:
        """The canonical's name, looked up where the import is, is something other than the
        canonical (an import of it, or the fallback of one in an `except` handler, is not)."""
        found = resolve(self.canonical, scope)
        if found is None:
            return hasattr(builtins, self.canonical)
        return any(
            not (
                b.statement is not None and self.move.is_canonical_import(b.statement, self.package)
            )
            and not b.in_except
            for b in found.bound.get(self.canonical, ())
        )

    def _shadowed(self, use: Scope, target: Scope) -> str:
        """Why the canonical's name, read at a use in `use`, would not reach `target` (where the
        import binding it will be): a scope between binds it or declares it global/nonlocal."""
        for scope in between(use, target):
            where = _where(scope)
            if self.canonical in scope.declared:
                return f"{self.canonical} is declared {scope.declared[self.canonical]} in {where}"
            for b in scope.bound.get(self.canonical, ()):
                line = getattr(b.node, "lineno", None) or getattr(b.statement, "lineno", "?")
                return f"{self.canonical} is {_what(b.node, scope)} of {where} (line {line})"
        return ""

    def _line(self, use: Use) -> int:
        return (use.string or use.node).lineno

    def _call_of(self, use: Use) -> ast.Call | None:
        parent = use.parent
        if (
            isinstance(parent, ast.Call)
            and parent.func is use.node
            and not parent.args
            and not parent.keywords
        ):
            return parent
        return None

    def _rename(self, use: Use) -> tuple[tuple[int, int], str] | None:
        if use.string is None:
            return self.src.span(use.node), self.canonical
        start, end = self.src.span(use.string)
        parts = simple_string(self.src.text[start:end])
        if (
            parts is None
            or "\n" in parts[2]
            or use.node.lineno != 1
            or parts[2] != use.string.value
        ):
            return None
        prefix, quote, body = parts
        at = start + len(prefix) + len(quote) + use.node.col_offset - 1
        width = len(use.node.id)
        assert self.src.text[at : at + width] == use.node.id
        return (at, at + width), self.canonical

    def _attributes(self, heads: dict[str, str]) -> None:
        for use in self.walk.attributes:
            name = dotted(use.node)
            if name is None:
                continue
            base, _, attr = name.rpartition(".")
            head, _, rest = base.partition(".")
            if head not in heads:
                continue
            module = heads[head] + (f".{rest}" if rest else "")
            if (module, attr) not in self.move.sources:
                continue
            line = use.node.lineno
            bound = resolve(head, use.scope)
            if bound is None or not all(
                self._binds_module(b.statement, b.node, heads[head]) for b in bound.bound[head]
            ):
                continue  # the name is not (only) the module here
            # the audit names `import pkg.old, then pkg.old.Name` at the import's line
            self.accounted |= {
                (b.statement.lineno, "")
                for b in bound.bound[head]
                if isinstance(b.statement, ast.Import)
            }
            shadow = self._shadowed(use.scope, self.walk.module)
            if shadow or self._clash(self.walk.module):
                why = (
                    f"{shadow}: renamed, the use would mean that instead"
                    if shadow
                    else f"{self.canonical} already names something else in this module"
                )
                self._note(line, f"left {name}: {why}", name)
                continue
            if self.move.getter:
                call = use.parent
                if not (
                    isinstance(call, ast.Call)
                    and call.func is use.node
                    and not call.args
                    and not call.keywords
                ):
                    self._note(line, f"left {name}: used other than as a call", name)
                    continue
                span = self.src.span(call)
            else:
                span = self.src.span(use.node)
            self.edits[span] = self.canonical
            self.spelled.add(span)
            self.accounted.add((line, name))
            self.attributes = True
            binding_module = heads[head]
            if all(isinstance(b.statement, ast.Import) for b in bound.bound[head]):
                self.module_bindings.add((binding_module, head if binding_module != head else None))

    def _binds_module(self, statement: ast.stmt | None, alias: ast.AST, module: str) -> bool:
        """The binding is an import of a module: `import m[.n] [as x]`, or `from p import m [as x]`
        binding `module`."""
        if isinstance(statement, ast.Import):
            return True
        return (
            isinstance(statement, ast.ImportFrom)
            and isinstance(alias, ast.alias)
            and self._module_of(statement, alias) == module
        )

    # -- the import statements and __all__ ------------------------------------------------------


def _where(scope: Scope) -> str:
    if scope.kind in ("function", "class"):
        return f"{'class ' if scope.kind == 'class' else ''}`{getattr(scope.node, 'name', '?')}`"
    return f"a {scope.kind}"


def _what(node: ast.AST, scope: Scope) -> str:
    if isinstance(node, ast.arg):
        return "a parameter"
    if isinstance(node, ast.alias):
        return "an import"
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return "a function"
    if isinstance(node, ast.ClassDef):
        return "a class"
    return "an attribute" if scope.kind == "class" else "a local variable"
