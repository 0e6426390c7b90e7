"""Python's scoping rules over an `ast` tree, for a few names: where each is bound, where it is
used, and which scope a use resolves to (functions skip class bodies; global and nonlocal).
Subtrees whose lines hold none of the names are not walked."""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_SCOPE_KINDS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


@dataclass(frozen=True)
class Binding:
    """Where a name is bound in a scope: `node` is the Name stored (or deleted), the import's
    alias, the def/class, the parameter, the except handler or the match pattern."""

    node: ast.AST
    statement: ast.stmt | None  # the import statement, for an import's alias
    in_except: bool  # inside an `except` handler (an import's fallback)


@dataclass(eq=False)
class Scope:
    kind: str  # module | function | class | lambda | comprehension
    parent: Scope | None
    node: ast.AST | None = None
    bound: dict[str, list[Binding]] = field(default_factory=dict)
    declared: dict[str, str] = field(default_factory=dict)  # name -> global | nonlocal

    def visible_parent(self) -> Scope | None:
        """The next scope a name not bound here is looked up in: class bodies are skipped."""
        parent = self.parent
        while parent is not None and parent.kind == "class":
            parent = parent.parent
        return parent

    def module(self) -> Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope


@dataclass(frozen=True)
class Use:
    """A name read (or deleted) in `scope`; in a string annotation, `string` is the string node and
    `node` the Name inside the string's own parse (its positions are within the string's text)."""

    node: ast.Name
    scope: Scope
    parent: ast.AST | None = None  # the node holding it (a Call, an Attribute...)
    string: ast.Constant | None = None


@dataclass(frozen=True)
class AttributeUse:
    """`a.b.Name` where Name is one of the attributes asked for, read in `scope`."""

    node: ast.Attribute
    scope: Scope
    parent: ast.AST | None


def resolve(name: str, scope: Scope) -> Scope | None:
    """The scope whose binding of `name` a use in `scope` reads (None: a builtin, or unbound)."""
    current: Scope | None = scope
    while current is not None:
        how = current.declared.get(name)
        if how == "global":
            return current.module()
        if how == "nonlocal":
            current = current.visible_parent()
            while current is not None and name not in current.bound:
                current = current.visible_parent()
            return current
        if name in current.bound:
            return current
        current = current.visible_parent()
    return None


def between(use: Scope, target: Scope) -> list[Scope]:
    """The scopes a lookup from `use` passes before reaching `target` (`use` itself included)."""
    out: list[Scope] = []
    current: Scope | None = use
    while current is not None and current is not target:
        out.append(current)
        current = current.visible_parent()
    return out


class ScopeWalk:
    """One pass over `tree` recording, for `names` only, every binding and use with its scope.
    Statements whose lines hold none of the names (a regex over `source`) are skipped."""

    def __init__(
        self, tree: ast.Module, source: str, names: Iterable[str], attributes: Iterable[str] = ()
    ) -> None:
        self.names = frozenset(names)
        self.attribute_names = frozenset(attributes)
        self.module = Scope("module", None, tree)
        self.uses: list[Use] = []
        self.attributes: list[AttributeUse] = []
        self.scope_of: dict[int, Scope] = {}  # id(statement) -> scope, for import statements
        self._except = 0
        self._annotation = 0
        pattern = re.compile(
            r"\b(?:" + "|".join(map(re.escape, sorted(self.names | self.attribute_names))) + r")\b"
        )
        starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", source)]
        self._lines = sorted(
            {bisect.bisect_right(starts, m.start()) for m in pattern.finditer(source)}
        )
        if self.names:
            self._body(tree.body, self.module)

    def _holds(self, node: ast.AST) -> bool:
        first = getattr(node, "lineno", None)
        if first is None:
            return True
        for decorator in getattr(node, "decorator_list", ()):
            first = min(first, decorator.lineno)
        i = bisect.bisect_left(self._lines, first)
        return i < len(self._lines) and self._lines[i] <= node.end_lineno  # type: ignore[attr-defined]

    def _bind(
        self, scope: Scope, name: str, node: ast.AST, statement: ast.stmt | None = None
    ) -> None:
        if name in self.names:
            scope.bound.setdefault(name, []).append(Binding(node, statement, self._except > 0))

    def _body(self, body: list[ast.stmt], scope: Scope) -> None:
        for stmt in body:
            if self._holds(stmt):
                self._visit(stmt, scope)

    def _all(
        self, nodes: Iterable[ast.AST | None], scope: Scope, parent: ast.AST | None = None
    ) -> None:
        for node in nodes:
            if node is not None:
                self._visit(node, scope, parent)

    def _visit(self, node: ast.AST, scope: Scope, parent: ast.AST | None = None) -> None:  # noqa: C901, PLR0912
        kind = type(node)
        if kind is ast.Name:
            assert isinstance(node, ast.Name)
            if node.id in self.names:
                if isinstance(node.ctx, ast.Store):
                    self._bind(scope, node.id, node)
                else:
                    self.uses.append(Use(node, scope, parent))
                    if isinstance(node.ctx, ast.Del):
                        self._bind(scope, node.id, node)
        elif kind is ast.Constant:
            if self._annotation and isinstance(node.value, str):  # type: ignore[attr-defined]
                self._string_annotation(node, scope)  # type: ignore[arg-type]
        elif kind in (ast.Import, ast.ImportFrom):
            self.scope_of[id(node)] = scope
            for alias in node.names:  # type: ignore[attr-defined]
                self._bind(scope, alias.asname or alias.name.partition(".")[0], alias, node)  # type: ignore[arg-type]
        elif kind in (ast.Global, ast.Nonlocal):
            for name in node.names:  # type: ignore[attr-defined]
                if name in self.names:
                    scope.declared[name] = "global" if kind is ast.Global else "nonlocal"
        elif isinstance(node, _SCOPE_KINDS):
            self._scope(node, scope)
        elif isinstance(node, _COMPREHENSIONS):
            self._comprehension(node, scope)
        elif kind is ast.NamedExpr:
            assert isinstance(node, ast.NamedExpr)
            self._visit(node.value, scope)
            target = scope
            while target.kind == "comprehension" and target.parent is not None:
                target = target.parent
            self._bind(target, node.target.id, node.target)
        elif kind is ast.ExceptHandler:
            assert isinstance(node, ast.ExceptHandler)
            self._all([node.type], scope)
            if node.name:
                self._bind(scope, node.name, node)
            self._except += 1
            self._body(node.body, scope)
            self._except -= 1
        elif kind is ast.AnnAssign:
            assert isinstance(node, ast.AnnAssign)
            self._annotated(node.annotation, scope)
            self._all([node.target, node.value], scope)
        elif kind in (ast.MatchAs, ast.MatchStar, ast.MatchMapping):
            name = getattr(node, "rest" if kind is ast.MatchMapping else "name")
            if name:
                self._bind(scope, name, node)
            self._all(ast.iter_child_nodes(node), scope, node)
        elif isinstance(node, ast.stmt):
            for child in ast.iter_child_nodes(node):
                if not isinstance(child, ast.stmt) or self._holds(child):
                    self._visit(child, scope, node)
        else:
            if kind is ast.Attribute and node.attr in self.attribute_names:  # type: ignore[attr-defined]
                self.attributes.append(AttributeUse(node, scope, parent))  # type: ignore[arg-type]
            self._all(ast.iter_child_nodes(node), scope, node)

    def _annotated(self, annotation: ast.expr | None, scope: Scope) -> None:
        if annotation is None:
            return
        self._annotation += 1
        self._visit(annotation, scope)
        self._annotation -= 1

    def _string_annotation(self, node: ast.Constant, scope: Scope) -> None:
        """Names in a string annotation are uses of the names they spell (libcst's rule too)."""
        value = node.value
        if not isinstance(value, str) or not any(n in value for n in self.names):
            return
        try:  # parenthesized, as the interpreter reads a string annotation: column 1 is the first
            inner = ast.parse(f"({value})", mode="eval")
        except SyntaxError:
            return
        for name in ast.walk(inner):
            if isinstance(name, ast.Name) and name.id in self.names:
                self.uses.append(Use(name, scope, None, node))

    def _scope(self, node: ast.AST, scope: Scope) -> None:
        if isinstance(node, ast.ClassDef):
            self._all([*node.decorator_list, *node.bases, *node.keywords], scope)
            self._bind(scope, node.name, node)
            inner = Scope("class", scope, node)
            self._body(node.body, inner)
            return
        assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        args = node.args
        self._all([*args.defaults, *args.kw_defaults], scope)
        params = [*args.posonlyargs, *args.args, args.vararg, *args.kwonlyargs, args.kwarg]
        if not isinstance(node, ast.Lambda):
            self._all(node.decorator_list, scope)
            for param in params:
                if param is not None:
                    self._annotated(param.annotation, scope)
            self._annotated(node.returns, scope)
            self._bind(scope, node.name, node)
        inner = Scope("lambda" if isinstance(node, ast.Lambda) else "function", scope, node)
        for param in params:
            if param is not None:
                self._bind(inner, param.arg, param)
        if isinstance(node, ast.Lambda):
            self._visit(node.body, inner)
        else:
            self._body(node.body, inner)

    def _comprehension(self, node: ast.AST, scope: Scope) -> None:
        generators: list[ast.comprehension] = node.generators  # type: ignore[attr-defined]
        self._visit(generators[0].iter, scope)  # the first iterable is evaluated outside
        inner = Scope("comprehension", scope, node)
        for i, gen in enumerate(generators):
            if i:
                self._visit(gen.iter, inner)
            self._visit(gen.target, inner)
            self._all(gen.ifs, inner)
        if isinstance(node, ast.DictComp):
            self._all([node.key, node.value], inner)
        else:
            self._visit(node.elt, inner)  # type: ignore[attr-defined]
