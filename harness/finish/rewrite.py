"""The codemod, on libcst: one module's import sites and references of a mechanical member rewritten
to the canonical, keeping every other byte (formatting, comments) as it was."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.helpers import get_full_name_for_node
from libcst.metadata import (
    Access,
    Assignment,
    ImportAssignment,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    ScopeProvider,
)

from harness.scan.facts import resolve_relative


@dataclass(frozen=True)
class Move:
    """What to rewrite: names under which the member is reachable -> the canonical."""

    sources: frozenset[tuple[str, str]]  # (module, name) pairs that are the member
    canonical_module: str
    canonical_name: str
    getter: bool  # a getter returning the canonical class: `get()` becomes `Canonical`
    # other (module, name) pairs that are the canonical itself (its re-exports)
    canonical_sources: frozenset[tuple[str, str]] = frozenset()

    def is_canonical_import(self, node: cst.CSTNode, package: str | None = None) -> bool:
        """`node` is `from M import Canonical` for the canonical's module or one re-exporting it
        (`from .m import Canonical` too, when the `package` it sits in is given)."""
        pairs = {(self.canonical_module, self.canonical_name), *self.canonical_sources}
        return any(_imports(node, module, name, package) for module, name in pairs)


@dataclass(frozen=True)
class FileResult:
    source: str
    new: str
    notes: tuple[str, ...] = ()  # places left alone, with why

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
    it, and a move none of whose names the text mentions is not looked for at all."""
    text, notes = source, list[str]()
    tree: cst.Module | None = None
    for move in moves:
        if not any(name in text for _, name in move.sources):
            continue
        if tree is None:
            tree = cst.parse_module(text)
        result = _rewrite_tree(tree, text, module, package, move, path)
        notes += result.notes
        if result.changed:
            text, tree = result.new, None
    return FileResult(source, text, tuple(notes))


def _rewrite_tree(
    tree: cst.Module, source: str, module: str, package: str, move: Move, path: str
) -> FileResult:
    # the tree is never changed in place (transforms build new nodes): no copy needed
    wrapper = MetadataWrapper(tree, unsafe_skip_copy=True)
    finder = _Finder(move, module, package, path, wrapper)
    tree.visit(finder)
    if not (finder.imports or finder.attributes):
        return FileResult(source, source, tuple(finder.notes))
    new = wrapper.module.visit(_Rewriter(finder, move))
    if finder.attributes:
        context = CodemodContext(filename=path, full_module_name=module)
        AddImportsVisitor.add_needed_import(context, move.canonical_module, move.canonical_name)
        for base_module, binding in finder.module_bindings:
            RemoveImportsVisitor.remove_unused_import(context, base_module, asname=binding)
        new = AddImportsVisitor(context).transform_module(new)
        new = RemoveImportsVisitor(context).transform_module(new)
    return FileResult(source, new.code, tuple(finder.notes))


class _Finder(cst.CSTVisitor):
    """First pass: which import aliases, names, calls and attributes to rewrite. Scopes, parents
    and positions are computed only when asked for (most files need scopes only; each costs about
    as much as the parse on a large module)."""

    def __init__(
        self, move: Move, module: str, package: str, path: str, wrapper: MetadataWrapper
    ) -> None:
        self.wrapper = wrapper
        self.move = move
        self.module = module
        self.package = package
        self.path = path
        self.imports: dict[cst.ImportFrom, list[cst.ImportAlias]] = {}
        self.rename: set[cst.CSTNode] = set()  # Name / SimpleString nodes -> the canonical's name
        self.calls: set[cst.Call] = set()  # getter calls -> the canonical
        self.attributes: set[cst.Attribute] = set()  # module.Member -> the canonical
        self.module_bindings: set[tuple[str, str | None]] = set()
        self.bindings: set[str] = set()  # local names the rewrite replaces
        self.notes: list[str] = []
        self._module_names: dict[str, str] = {}  # `import a.b as x`: x -> a.b; `import a.b`: a -> a

    def _meta(self, provider: Any, node: cst.CSTNode, default: Any = None) -> Any:
        return self.wrapper.resolve(provider).get(node, default)

    def _line(self, node: cst.CSTNode) -> int:
        return int(self._meta(PositionProvider, node).start.line)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            dotted = get_full_name_for_node(alias.name) or ""
            if alias.asname is not None:
                binding = get_full_name_for_node(alias.asname.name) or ""
                self._module_names[binding] = dotted
            else:
                top = dotted.partition(".")[0]
                self._module_names.setdefault(top, top)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        base = get_full_name_for_node(node.module) if node.module is not None else None
        source = resolve_relative(self.package, base, len(node.relative)) if node.relative else base
        if source is None:
            return
        moved = []
        for alias in node.names:
            name = get_full_name_for_node(alias.name) or ""
            if (source, name) not in self.move.sources:
                continue
            binding = get_full_name_for_node(alias.asname.name) if alias.asname else name
            if self._take(node, binding or name):
                moved.append(alias)
        if moved:
            self.imports[node] = moved

    def _take(self, node: cst.ImportFrom, binding: str) -> bool:
        """Record the renames for `binding`, bound by `node`; False (with a note) when it must stay."""
        scope = self._meta(ScopeProvider, node)
        if scope is None:
            return False
        assignments = [a for a in scope[binding] if isinstance(a, Assignment | ImportAssignment)]
        canonical = self.move.canonical_name
        clash = [
            a for a in scope[canonical]
            if not isinstance(a, Assignment | ImportAssignment)
            or not (isinstance(a, ImportAssignment) and self.move.is_canonical_import(a.node, self.package))
            and not self._in_import_fallback(a.node)
        ] if binding != canonical else []  # fmt: skip
        if clash:
            self.notes.append(
                f"{self.path}:{self._line(node)}: left {binding}: {canonical} already names something else here"
            )
            return False
        references: list[Access] = [r for a in assignments for r in a.references]
        if self.move.getter:
            calls = [self._call_of(r.node) for r in references]
            if not all(calls):
                self.notes.append(
                    f"{self.path}:{self._line(node)}: left {binding}: used other than as `{binding}()`"
                )
                return False
            self.calls.update(c for c in calls if c is not None)
        else:
            self.rename.update(r.node for r in references)
            # `except ImportError: Binding = None` and the like: the fallback binds the new name
            self.rename.update(a.node for a in assignments if isinstance(a.node, cst.Name))
        self.bindings.add(binding)
        return True

    def _in_import_fallback(self, start: cst.CSTNode) -> bool:
        """`except ImportError: Name = None`: the fallback of an import, not a second meaning."""
        node: cst.CSTNode | None = start
        while node is not None and not isinstance(node, cst.Module):
            if isinstance(node, cst.ExceptHandler):
                return True
            node = self._meta(ParentNodeProvider, node)
        return False

    def _call_of(self, node: cst.CSTNode) -> cst.Call | None:
        parent = self._meta(ParentNodeProvider, node)
        if isinstance(parent, cst.Call) and parent.func is node and not parent.args:
            return parent
        return None

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        dotted = get_full_name_for_node(node)
        if dotted is None or "." not in dotted:
            return True
        base, _, attr = dotted.rpartition(".")
        head, _, rest = base.partition(".")
        if head not in self._module_names:
            return True
        module = self._module_names[head] + (f".{rest}" if rest else "")
        if (module, attr) not in self.move.sources:
            return True
        if self.move.getter:
            call = self._call_of(node)
            if call is None:
                self.notes.append(
                    f"{self.path}:{self._line(node)}: left {dotted}: used other than as a call"
                )
                return False
            self.calls.add(call)
        else:
            self.attributes.add(node)
        binding_module = self._module_names[head]
        self.module_bindings.add((binding_module, head if binding_module != head else None))
        return False


def _imports(node: cst.CSTNode, module: str, name: str, package: str | None = None) -> bool:
    if not isinstance(node, cst.ImportFrom) or isinstance(node.names, cst.ImportStar):
        return False
    base = get_full_name_for_node(node.module) if node.module is not None else None
    if node.relative:
        if package is None:
            return False
        base = resolve_relative(package, base, len(node.relative))
    if base != module:
        return False
    return any(get_full_name_for_node(a.name) == name and a.asname is None for a in node.names)


class _Rewriter(cst.CSTTransformer):
    """Second pass: apply what the finder recorded; `__all__` entries follow the renamed bindings."""

    def __init__(self, finder: _Finder, move: Move) -> None:
        self.f = finder
        self.move = move
        self.depth = 0  # 0: module level
        self.have_top = False  # the canonical is already imported at module level

    def visit_Module(self, node: cst.Module) -> None:
        self.have_top = any(
            isinstance(line, cst.SimpleStatementLine)
            and any(self.move.is_canonical_import(s) for s in line.body)
            for line in node.body
        )

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.depth += 1

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        self.depth -= 1
        return updated_node

    def _canonical_import(self) -> cst.ImportFrom:
        return cst.ImportFrom(
            module=cst.parse_expression(self.move.canonical_module),  # type: ignore[arg-type]
            names=[cst.ImportAlias(name=cst.Name(self.move.canonical_name))],
        )

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine]:
        body: list[cst.BaseSmallStatement] = []
        extra = touched = False
        for original, updated in zip(original_node.body, updated_node.body, strict=True):
            moved = self.f.imports.get(original) if isinstance(original, cst.ImportFrom) else None
            if not moved:
                body.append(updated)
                continue
            assert isinstance(updated, cst.ImportFrom) and not isinstance(
                updated.names, cst.ImportStar
            )
            touched = True
            gone = {get_full_name_for_node(a.name) for a in moved}
            keep = [a for a in updated.names if get_full_name_for_node(a.name) not in gone]
            if keep:
                keep[-1] = keep[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                body.append(updated.with_changes(names=keep))
                extra = True
            else:
                body.append(self._canonical_import().with_changes(semicolon=updated.semicolon))
        if not touched:
            return updated_node
        line = updated_node.with_changes(body=body)
        if not extra:
            return self._dedupe(line)
        added = cst.SimpleStatementLine(body=[self._canonical_import()], leading_lines=[])
        if self.depth == 0 and self.have_top:
            return line
        self.have_top = self.have_top or self.depth == 0
        return cst.FlattenSentinel([line, added])

    def _dedupe(self, line: cst.SimpleStatementLine):  # noqa: ANN202
        """A module-level line that became a second `from canonical import Name` goes (unless a
        comment sits above it); the first one stays."""
        if self.depth != 0 or len(line.body) != 1:
            return line
        if not self.move.is_canonical_import(line.body[0]):
            return line
        if not self.have_top:
            self.have_top = True
            return line
        if any(e.comment is not None for e in line.leading_lines):
            return line
        return cst.RemovalSentinel.REMOVE

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        if original_node in self.f.rename:
            return updated_node.with_changes(value=self.move.canonical_name)
        return updated_node

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.SimpleString:
        if original_node in self.f.rename:
            quote = updated_node.quote
            return updated_node.with_changes(
                value=f"{updated_node.prefix}{quote}{self.move.canonical_name}{quote}"
            )
        return updated_node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if original_node in self.f.calls:
            return cst.Name(self.move.canonical_name)
        return updated_node

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        if original_node in self.f.attributes:
            return cst.Name(self.move.canonical_name)
        return updated_node

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        names = [t.target for t in updated_node.targets if isinstance(t.target, cst.Name)]
        if not any(n.value == "__all__" for n in names) or not isinstance(
            updated_node.value, cst.List | cst.Tuple
        ):
            return updated_node
        return updated_node.with_changes(
            value=_renamed_all(updated_node.value, self.f.bindings, self.move.canonical_name)
        )


def _renamed_all(
    value: cst.List | cst.Tuple, bindings: set[str], canonical: str
) -> cst.List | cst.Tuple:
    present = {
        e.value.evaluated_value for e in value.elements if isinstance(e.value, cst.SimpleString)
    }
    elements: list[cst.BaseElement] = []
    for element in value.elements:
        if (
            isinstance(element.value, cst.SimpleString)
            and element.value.evaluated_value in bindings
        ):
            if canonical in present:
                continue  # already exported under the canonical name
            quote = element.value.quote
            element = element.with_changes(
                value=element.value.with_changes(
                    value=f"{element.value.prefix}{quote}{canonical}{quote}"
                )
            )
            present.add(canonical)
        elements.append(element)
    if elements and len(elements) < len(value.elements):
        last = value.elements[-1]
        elements[-1] = elements[-1].with_changes(comma=last.comma)
    return value.with_changes(elements=elements)
