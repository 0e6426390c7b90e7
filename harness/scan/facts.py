"""Extracts one module's facts from its AST: definitions, aliases, imports (every form), `__all__`."""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

# Where an import sits: at module level, inside a function, under `if TYPE_CHECKING:`, or in a
# `try: ... except ImportError:` fallback (body or handler).
Scope = Literal["module", "function", "type_checking", "fallback"]


@dataclass(frozen=True)
class Definition:
    """A class, function or method; `qualname` is dotted inside the module (`Cls.method`)."""

    qualname: str
    kind: str  # class | function | method | classmethod | staticmethod
    line: int
    bases: tuple[str, ...] = ()  # dotted base names as written, for classes


@dataclass(frozen=True)
class NameImport:
    """`from module import name as asname`, with a relative module already made absolute."""

    module: str
    name: str
    asname: str
    line: int
    scope: Scope


@dataclass(frozen=True)
class ModuleImport:
    """`import module [as asname]`, or `importlib.import_module("module")` (dynamic=True).

    `binding` is the local name it binds ("a" for `import a.b.c`), or "" when nothing is bound.
    """

    module: str
    binding: str
    line: int
    scope: Scope
    dynamic: bool = False


@dataclass(frozen=True)
class Assignment:
    """`target = value` at module or class level where value is a dotted name (`X = Y`, `X = m.Y`)."""

    target: str  # `X` or `Cls.X`
    value: str
    line: int


@dataclass(frozen=True)
class Reference:
    """`base.attr` in the code (any attribute of a dotted name, except through self/cls)."""

    base: str
    attr: str
    line: int


@dataclass(frozen=True)
class DottedString:
    """A string literal that is a whole dotted path, `pkg.mod.Name` or `pkg.mod:Name`: how settings,
    `import_string`, entry points and `mock.patch` name an object without importing it."""

    path: str
    line: int


@dataclass(frozen=True)
class FileFacts:
    """Everything the audit needs from one file; plain data, cached by content."""

    path: str  # posix, relative to the project root
    module: str
    is_package: bool
    definitions: tuple[Definition, ...] = ()
    name_imports: tuple[NameImport, ...] = ()
    module_imports: tuple[ModuleImport, ...] = ()
    assignments: tuple[Assignment, ...] = ()
    references: tuple[Reference, ...] = ()
    all_names: tuple[str, ...] | None = None
    dotted_strings: tuple[DottedString, ...] = ()

    @property
    def package(self) -> str:
        return self.module if self.is_package else self.module.rpartition(".")[0]


def module_name(rel_path: str, import_roots: tuple[str, ...] = ("src",)) -> tuple[str, bool]:
    """(dotted module, is_package) for a posix path relative to the project root.

    An import root (a folder on sys.path, `src` by default) is a layout folder, not a package, so
    `src/pkg/mod.py` is `pkg.mod`; the longest matching import root wins. Folders without
    `__init__.py` (namespace packages) are still part of the name.
    """
    if not rel_path.startswith(".") and "/." not in rel_path and "//" not in rel_path:
        # the common case (a normalised relative path), without splitting it into parts
        for prefix in _root_prefixes(import_roots):
            if rel_path.startswith(prefix):
                rel_path = rel_path[len(prefix) :]
                break
        folder, _, stem = rel_path.rpartition("/")
        stem = stem.rsplit(".", 1)[0]
        if stem == "__init__":
            return folder.replace("/", "."), True
        return f"{folder.replace('/', '.')}.{stem}" if folder else stem, False
    parts = [p for p in rel_path.split("/") if p not in ("", ".")]
    for head in _root_parts(import_roots):
        if len(parts) > len(head) and parts[: len(head)] == head:
            parts = parts[len(head) :]
            break
    stem = parts[-1].rsplit(".", 1)[0]
    is_package = stem == "__init__"
    parts = parts[:-1] if is_package else [*parts[:-1], stem]
    return ".".join(parts), is_package


@functools.lru_cache(maxsize=64)
def _root_prefixes(import_roots: tuple[str, ...]) -> list[str]:
    """Each import root as a path prefix ('src/'), longest first."""
    return ["/".join(parts) + "/" for parts in _root_parts(import_roots)]


@functools.lru_cache(maxsize=64)
def _root_parts(import_roots: tuple[str, ...]) -> list[list[str]]:
    """Each import root as path parts, longest first."""
    split = [[p for p in r.split("/") if p not in ("", ".")] for r in import_roots]
    return sorted((s for s in split if s), key=lambda s: -len(s))


def resolve_relative(package: str, module: str | None, level: int) -> str:
    """The absolute module of `from <'.' * level><module> import ...` written in `package`."""
    if level == 0:
        return module or ""
    base = package.split(".") if package else []
    if level > 1:
        base = base[: len(base) - (level - 1)] if level - 1 <= len(base) else []
    return ".".join([*base, module] if module else base)


def extract(
    tree: ast.Module,
    rel_path: str,
    interesting: Callable[[str], bool] = lambda _name: True,
    import_roots: tuple[str, ...] = ("src",),
    *,
    definitions_only: bool = False,
) -> FileFacts:
    """The facts of one parsed module at `rel_path`; `interesting(attr)` filters recorded references.

    With `definitions_only`, neither expressions nor function bodies are walked: definitions,
    module- and class-level imports and assignments only, no references (a fraction of the cost,
    for discover, which reads no more).

    References through `self`/`cls` are never recorded: they cannot name a module-level member.
    """
    module, is_package = module_name(rel_path, import_roots)
    visitor = _Visitor(module if is_package else module.rpartition(".")[0], interesting)
    visitor.definitions_only = definitions_only
    visitor.visit_body(tree.body, scope="module", owner="")
    return FileFacts(
        path=rel_path,
        module=module,
        is_package=is_package,
        definitions=tuple(visitor.definitions),
        name_imports=tuple(visitor.name_imports),
        module_imports=tuple(visitor.module_imports),
        assignments=tuple(visitor.assignments),
        references=tuple(visitor.references),
        all_names=tuple(visitor.all_names) if visitor.all_names is not None else None,
        dotted_strings=tuple(visitor.dotted_strings),
    )


def dotted(node: ast.expr) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _generic(base: ast.expr) -> ast.expr:
    """`Base` for a parametrized base `Base[T]` (a generic class: `Coordinator[dict[str, Any]]`)."""
    return base.value if isinstance(base, ast.Subscript) else base


_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
_INSTANCE = {"self", "cls"}
_DYNAMIC = {"importlib.import_module", "import_module", "__import__"}


class _Visitor:
    """Walks statements keeping track of scope; expressions are walked for references and dynamic imports."""

    def __init__(self, package: str, interesting: Callable[[str], bool]) -> None:
        self.package = package
        self.interesting = interesting
        self.definitions: list[Definition] = []
        self.name_imports: list[NameImport] = []
        self.module_imports: list[ModuleImport] = []
        self.assignments: list[Assignment] = []
        self.references: list[Reference] = []
        self.dotted_strings: list[DottedString] = []
        self.all_names: list[str] | None = None
        self.definitions_only = False  # no expressions, no function bodies

    # statements -----------------------------------------------------------------------------
    def visit_body(
        self, body: list[ast.stmt], *, scope: Scope, owner: str, in_class: bool = False
    ) -> None:
        for stmt in body:
            self.visit_stmt(stmt, scope=scope, owner=owner, in_class=in_class)

    def visit_stmt(self, node: ast.stmt, *, scope: Scope, owner: str, in_class: bool) -> None:
        top = scope != "function"
        if isinstance(node, ast.ClassDef):
            qual = f"{owner}.{node.name}" if owner else node.name
            if top:
                bases = tuple(b for b in (dotted(_generic(x)) for x in node.bases) if b)
                self.definitions.append(Definition(qual, "class", node.lineno, bases))
            self._exprs(
                [*node.bases, *node.decorator_list, *(k.value for k in node.keywords)], scope
            )
            self.visit_body(node.body, scope=scope, owner=qual, in_class=top)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            qual = f"{owner}.{node.name}" if owner else node.name
            if top:
                self.definitions.append(
                    Definition(qual, _function_kind(node, in_class), node.lineno)
                )
            if not self.definitions_only:  # (_exprs would drop them: not even built)
                self._exprs([*node.decorator_list, *_defaults(node.args)], scope)
                if node.returns is not None:
                    self._exprs([node.returns], scope)
                self.visit_body(node.body, scope="function", owner=f"{qual}.<locals>")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                binding = alias.asname or alias.name.partition(".")[0]
                module = alias.name
                self.module_imports.append(ModuleImport(module, binding, node.lineno, scope))
        elif isinstance(node, ast.ImportFrom):
            base = resolve_relative(self.package, node.module, node.level)
            for alias in node.names:
                self.name_imports.append(
                    NameImport(base, alias.name, alias.asname or alias.name, node.lineno, scope)
                )
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            self.visit_body(
                node.body,
                scope="function" if scope == "function" else "type_checking",
                owner=owner,
                in_class=in_class,
            )
            self.visit_body(node.orelse, scope=scope, owner=owner, in_class=in_class)
        elif isinstance(node, ast.Try | ast.TryStar):
            inner: Scope = scope
            if scope != "function" and any(_catches_import_error(h) for h in node.handlers):
                inner = "fallback"
            self.visit_body(node.body, scope=inner, owner=owner, in_class=in_class)
            for handler in node.handlers:
                if handler.type is not None:
                    self._exprs([handler.type], scope)
                self.visit_body(handler.body, scope=inner, owner=owner, in_class=in_class)
            self.visit_body(node.orelse, scope=scope, owner=owner, in_class=in_class)
            self.visit_body(node.finalbody, scope=scope, owner=owner, in_class=in_class)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            self._assignment(node, scope=scope, owner=owner)
        else:
            # compound statements (if/for/while/with/match) keep their scope; expressions are walked
            bodies, fields = _STMT_FIELDS.get(type(node)) or _stmt_fields(node)
            for name in bodies:
                child = getattr(node, name)
                if child and isinstance(child[0], ast.stmt):
                    self.visit_body(child, scope=scope, owner=owner, in_class=in_class)
                else:
                    for item in child:
                        if isinstance(item, ast.match_case):
                            self.visit_body(item.body, scope=scope, owner=owner, in_class=in_class)
            roots: list[ast.AST] = []
            for name in fields:
                value = getattr(node, name)
                if type(value) is list:
                    roots += [v for v in value if isinstance(v, _EXPR_ROOTS)]
                elif isinstance(value, _EXPR_ROOTS):
                    roots.append(value)
            if roots:
                self._exprs(roots, scope)

    def _assignment(
        self, node: ast.Assign | ast.AnnAssign | ast.AugAssign, *, scope: Scope, owner: str
    ) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        value = node.value
        if value is None:
            return
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        if "__all__" in names and scope != "function" and not owner:
            listed = _string_list(value)
            if listed is not None:
                if isinstance(node, ast.AugAssign) and self.all_names is not None:
                    self.all_names.extend(listed)
                else:
                    self.all_names = list(listed)
        if isinstance(value, ast.Call) and len(names) == 1:
            dynamic = _dynamic_import(value)
            if dynamic is not None:
                self.module_imports.append(
                    ModuleImport(dynamic, names[0], node.lineno, scope, dynamic=True)
                )
                return
        source = dotted(value)
        if source is not None and scope != "function" and not isinstance(node, ast.AugAssign):
            for name in names:
                target = f"{owner}.{name}" if owner else name
                self.assignments.append(Assignment(target, source, node.lineno))
        self._exprs([value], scope)

    # expressions ----------------------------------------------------------------------------
    def _exprs(self, nodes: list[ast.AST], scope: Scope = "module") -> None:
        """References and dynamic imports in each of `nodes`, breadth first (the order of `ast.walk`,
        without its generic field iteration: the child fields of each node type are looked up once)."""
        if self.definitions_only:
            return
        attribute, call, constant = ast.Attribute, ast.Call, ast.Constant
        for root in nodes:
            queue: list[Any] = [root]
            i = 0
            while i < len(queue):
                node = queue[i]
                i += 1
                cls = type(node)
                if cls is attribute:
                    if self.interesting(node.attr):
                        base = dotted(node.value)
                        if base is not None and base.partition(".")[0] not in _INSTANCE:
                            self.references.append(Reference(base, node.attr, node.lineno))
                elif cls is call:
                    dynamic = _dynamic_import(node)
                    if dynamic is not None:
                        self.module_imports.append(
                            ModuleImport(dynamic, "", node.lineno, scope, dynamic=True)
                        )
                elif cls is constant:
                    text = node.value
                    if (
                        type(text) is str
                        and _DOTTED_PATH(text)
                        and self.interesting(text.rpartition(".")[2].rpartition(":")[2])
                    ):
                        self.dotted_strings.append(DottedString(text, node.lineno))
                singles, lists = _CHILDREN.get(cls) or _children(node)
                for name in singles:
                    child = getattr(node, name)
                    if child is not None:
                        queue.append(child)
                for name in lists:
                    queue += [child for child in getattr(node, name) if child is not None]


# `pkg.mod.Name`, `pkg.mod:Name`, `pkg.mod:Cls.attr`: at least two parts, nothing else in the string
_DOTTED_PATH = re.compile(
    r"[^\W\d]\w*(?:(?:\.[^\W\d]\w*)+(?::[^\W\d]\w*(?:\.[^\W\d]\w*)*)?|:[^\W\d]\w*(?:\.[^\W\d]\w*)*)"
).fullmatch
# Fields that never hold a node worth walking (names, operators, contexts, flags).
_SCALAR_FIELDS = frozenset(
    ("ctx", "op", "ops", "id", "attr", "arg", "kind", "conversion", "is_async", "type_comment")
)
# node type -> (fields holding one node or None, fields holding a list), filled on first sight
_CHILDREN: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}
_EXPR_ROOTS = (ast.expr, ast.withitem)
_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")
# statement type -> (fields holding statements or match cases, the other fields)
_STMT_FIELDS: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _children(node: ast.AST) -> tuple[tuple[str, ...], tuple[str, ...]]:
    cls = type(node)
    if not isinstance(node, ast.AST):
        found: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    else:
        names = [
            f
            for f in cls._fields
            if f not in _SCALAR_FIELDS and not (cls is ast.Constant and f == "value")
        ]
        lists = tuple(f for f in names if isinstance(getattr(node, f, None), list))
        found = (tuple(f for f in names if f not in lists), lists)
    _CHILDREN[cls] = found
    return found


def _stmt_fields(node: ast.stmt) -> tuple[tuple[str, ...], tuple[str, ...]]:
    fields = type(node)._fields
    found = (
        tuple(f for f in fields if f in _BODIES),
        tuple(f for f in fields if f not in _BODIES),
    )
    _STMT_FIELDS[type(node)] = found
    return found


def _function_kind(node: ast.FunctionDef | ast.AsyncFunctionDef, in_class: bool) -> str:
    if not in_class:
        return "function"
    for deco in node.decorator_list:
        name = dotted(deco)
        if name in ("classmethod", "staticmethod"):
            return name
    return "method"


def _defaults(args: ast.arguments) -> list[ast.expr]:
    found = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
    for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
        if arg is not None and arg.annotation is not None:
            found.append(arg.annotation)
    return found


def _is_type_checking(test: ast.expr) -> bool:
    name = dotted(test)
    return name is not None and name.rpartition(".")[2] == "TYPE_CHECKING"


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any((dotted(t) or "").rpartition(".")[2] in _IMPORT_ERRORS for t in types)


def _dynamic_import(call: ast.Call) -> str | None:
    func = call.func
    last = func.id if type(func) is ast.Name else getattr(func, "attr", None)
    if last not in ("import_module", "__import__") or not call.args:
        return None  # the common case, decided without building the dotted name
    if dotted(func) not in _DYNAMIC:
        return None
    first = call.args[0]
    if (
        isinstance(first, ast.Constant)
        and isinstance(first.value, str)
        and not first.value.startswith(".")
    ):
        return first.value
    return None


def _string_list(value: ast.expr) -> list[str] | None:
    if isinstance(value, ast.List | ast.Tuple):
        items = [
            e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
        ]
        return items if len(items) == len(value.elts) else None
    return None
