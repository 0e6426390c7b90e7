"""Members as shapes, read from source with `ast` (nothing is imported): how each is built, which
public methods it answers with (inherited ones too, generic bases' type variables bound), their
signatures, and the process-wide state it keeps (class attributes, module globals it rebinds)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from harness.errors import UsageError
from harness.scan.nodes import find_definition

_MUTABLE_CALLS = {
    "dict",
    "list",
    "set",
    "defaultdict",
    "OrderedDict",
    "Counter",
    "deque",
    "WeakValueDictionary",
}
_HOPS = 8


@dataclass(frozen=True)
class Param:
    name: str
    annotation: str | None  # source text, type variables substituted
    required: bool
    kind: str  # "positional" | "keyword" | "star" | "starstar"


@dataclass(frozen=True)
class Method:
    name: str
    is_async: bool
    params: tuple[Param, ...]  # without self / cls
    returns: str | None
    binding: str  # "instance" | "class" | "static"
    owner: str  # id of the class that defines it


@dataclass(frozen=True)
class Shape:
    """One member: `kind` class | function | alias (of `target`); `methods` are those of the object
    a use of it gets (a function's: those of the class its return annotation names)."""

    member: str  # module:qualname
    kind: str
    path: str  # project-relative source of the member
    line: int
    methods: tuple[Method, ...]
    build_params: tuple[Param, ...]  # what building takes (a class's __init__, a function's own)
    class_state: tuple[
        str, ...
    ] = ()  # class attributes holding state, defined by the member's class
    state_class: str | None = None  # the id of that class (an alias's or function's target)
    module_state: tuple[str, ...] = ()  # globals of the member's module its code rebinds
    target: str | None = None  # alias: the member it names; function: the class it returns
    imports: tuple[str, ...] = ()  # the import lines of the module defining the methods

    @property
    def module(self) -> str:
        return self.member.partition(":")[0]

    @property
    def qualname(self) -> str:
        return self.member.partition(":")[2]

    @property
    def required(self) -> tuple[Param, ...]:
        return tuple(p for p in self.build_params if p.required)

    def method(self, name: str) -> Method | None:
        return next((m for m in self.methods if m.name == name), None)


class Source:
    """The project's modules, parsed on demand: `module -> ast`, found under the root and its
    import roots the way the audit names them."""

    def __init__(self, root: Path, import_roots: tuple[str, ...]) -> None:
        self.root = root
        self.bases = [root / r for r in import_roots if (root / r).is_dir()] + [root]
        self._trees: dict[Path, ast.Module] = {}

    def path(self, module: str) -> Path | None:
        parts = module.split(".")
        for base in self.bases:
            for candidate in (
                base.joinpath(*parts).with_suffix(".py"),
                base.joinpath(*parts, "__init__.py"),
            ):
                if candidate.is_file():
                    return candidate
        return None

    def tree(self, module: str) -> ast.Module | None:
        path = self.path(module)
        if path is None:
            return None
        if path not in self._trees:
            try:
                self._trees[path] = ast.parse(path.read_bytes(), filename=str(path))
            except SyntaxError as exc:
                raise UsageError(f"{path}: does not parse ({exc.msg}, line {exc.lineno})") from None
        return self._trees[path]

    def rel(self, module: str) -> str:
        path = self.path(module)
        return path.relative_to(self.root).as_posix() if path else module

    def imports(self, module: str) -> tuple[str, ...]:
        tree = self.tree(module)
        return _import_lines(module, tree, self.path(module)) if tree is not None else ()

    def shape(self, member: str) -> Shape:
        module, _, qualname = member.partition(":")
        tree = self.tree(module)
        if tree is None:
            raise UsageError(f"{member}: no source file for module {module!r} under {self.root}")
        node = find_definition(tree, qualname, into_functions=False)
        if node is None:
            target = self._bound(module, tree, qualname)
            if target is None:
                raise UsageError(
                    f"{member}: {qualname!r} is neither defined nor bound in {self.rel(module)}"
                )
            shape = self.shape(target)
            return Shape(
                member, "alias", self.rel(module), _binding_line(tree, qualname), shape.methods,
                shape.build_params, shape.class_state, shape.state_class or target,
                shape.module_state, target, shape.imports,
            )  # fmt: skip
        if isinstance(node, ast.ClassDef):
            found = self.methods(module, node, {})
            init = next(
                (m for m in _own_and_inherited(self, module, node, {}) if m.name == "__init__"),
                None,
            )
            return Shape(
                member, "class", self.rel(module), node.lineno,
                tuple(m for m in found if _public(m.name)),
                init.params if init else (), _class_state(node), member,
                _globals_rebound(tree, node), None, _import_lines(module, tree, self.path(module)),
            )  # fmt: skip
        params = _params(node, skip_first=_binding(node) != "static" and "." in qualname, subst={})
        product = self._returned_class(module, tree, node)
        methods: tuple[Method, ...] = ()
        imports: tuple[str, ...] = _import_lines(module, tree, self.path(module))
        state: tuple[str, ...] = ()
        if product is not None:
            made = self.shape(product)
            methods, state, imports = made.methods, made.class_state, made.imports
        return Shape(
            member, "function", self.rel(module), node.lineno, methods, params, state,
            product, _globals_rebound(tree, node), product, imports,
        )  # fmt: skip

    def methods(self, module: str, cls: ast.ClassDef, subst: dict[str, str]) -> tuple[Method, ...]:
        """The class's methods, its own first, then inherited ones it does not override."""
        seen: dict[str, Method] = {}
        for method in _own_and_inherited(self, module, cls, subst):
            seen.setdefault(method.name, method)
        return tuple(seen.values())

    def resolve(self, module: str, tree: ast.Module, dotted: str, hops: int = 0) -> str | None:
        """The `module:qualname` a dotted name used in `module` refers to, when it is in the tree."""
        head, _, rest = dotted.partition(".")
        if find_definition(tree, dotted, into_functions=False) is not None:
            return f"{module}:{dotted}"
        target = self._bound(module, tree, head)
        if target is None:
            return None
        target_module, _, qualname = target.partition(":")
        if rest:
            if qualname == "":  # a module
                deeper = self.tree(target_module)
                if deeper is not None and hops < _HOPS:
                    return self.resolve(target_module, deeper, rest, hops + 1)
                return None
            return f"{target_module}:{qualname}.{rest}"
        return target if qualname else None

    def _bound(self, module: str, tree: ast.Module, name: str, hops: int = 0) -> str | None:
        """What a module-level name bound by import or assignment refers to (`module:` for a module)."""
        if hops > _HOPS:
            return None
        for stmt in tree.body:
            if isinstance(stmt, ast.ImportFrom):
                source = _absolute(module, stmt, self.path(module))
                for alias in stmt.names:
                    if (alias.asname or alias.name) != name:
                        continue
                    inner = self.tree(source)
                    if inner is None:
                        return (
                            f"{source}.{alias.name}:"
                            if self.tree(f"{source}.{alias.name}")
                            else None
                        )
                    if find_definition(inner, alias.name, into_functions=False) is not None:
                        return f"{source}:{alias.name}"
                    if self.tree(f"{source}.{alias.name}") is not None:
                        return f"{source}.{alias.name}:"
                    return self._bound(source, inner, alias.name, hops + 1)
            elif isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    if alias.asname == name:
                        return f"{alias.name}:"
            elif isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in stmt.targets
            ):
                value = _dotted(stmt.value)
                if value:
                    return self.resolve(module, tree, value, hops + 1)
        return None

    def _returned_class(
        self, module: str, tree: ast.Module, node: ast.FunctionDef | ast.AsyncFunctionDef
    ) -> str | None:
        if node.returns is None:
            return None
        text = _annotation_text(node.returns)
        if text in ("Self", "typing.Self"):
            owner = _enclosing_class(tree, node)
            return f"{module}:{owner}" if owner else None
        found = (
            self.resolve(module, tree, text)
            if text and text.replace(".", "").isidentifier()
            else None
        )
        if found is None:
            return None
        found_module, _, qualname = found.partition(":")
        inner = self.tree(found_module)
        return (
            found
            if inner is not None
            and isinstance(find_definition(inner, qualname, into_functions=False), ast.ClassDef)
            else None
        )


def _own_and_inherited(
    source: Source, module: str, cls: ast.ClassDef, subst: dict[str, str], depth: int = 0
):
    owner = f"{module}:{cls.name}"
    for stmt in cls.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and not _is_property(stmt):
            binding = _binding(stmt)
            yield Method(
                stmt.name, isinstance(stmt, ast.AsyncFunctionDef),
                _params(stmt, skip_first=binding != "static", subst=subst),
                _substituted(stmt.returns, subst), binding, owner,
            )  # fmt: skip
    if depth > _HOPS:
        return
    tree = source.tree(module)
    assert tree is not None
    for base in cls.bases:
        name_node, args = (
            (base.value, base.slice) if isinstance(base, ast.Subscript) else (base, None)
        )
        name = _dotted(name_node)
        if not name or name in (
            "object",
            "Generic",
            "Protocol",
            "typing.Generic",
            "typing.Protocol",
        ):
            continue
        found = source.resolve(module, tree, name)
        if found is None:
            continue
        base_module, _, qualname = found.partition(":")
        base_tree = source.tree(base_module)
        base_node = (
            find_definition(base_tree, qualname, into_functions=False)
            if base_tree is not None
            else None
        )
        if not isinstance(base_node, ast.ClassDef):
            continue
        bound = dict(subst)
        if args is not None:
            given = list(args.elts) if isinstance(args, ast.Tuple) else [args]
            for param, arg in zip(_type_params(base_node), given, strict=False):
                bound[param] = _substituted(arg, subst) or ast.unparse(arg)
        yield from _own_and_inherited(source, base_module, base_node, bound, depth + 1)


def _type_params(cls: ast.ClassDef) -> list[str]:
    """The type variables a generic class declares: PEP 695 `class A[T]`, or `Generic[T, U]`."""
    kind = getattr(ast, "TypeVar", ())  # PEP 695 nodes: Python 3.12 on
    declared = [p.name for p in getattr(cls, "type_params", []) if isinstance(p, kind)]
    if declared:
        return declared
    for base in cls.bases:
        if isinstance(base, ast.Subscript) and _dotted(base.value) in (
            "Generic",
            "typing.Generic",
            "Protocol",
            "typing.Protocol",
        ):
            elts = base.slice.elts if isinstance(base.slice, ast.Tuple) else [base.slice]
            return [e.id for e in elts if isinstance(e, ast.Name)]
    return []


class _Subst(ast.NodeTransformer):
    def __init__(self, subst: dict[str, str]) -> None:
        self.subst = subst

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in self.subst:
            return ast.parse(self.subst[node.id], mode="eval").body
        return node


def _substituted(node: ast.expr | None, subst: dict[str, str]) -> str | None:
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):  # a string annotation
        text = node.value
        try:
            node = ast.parse(text, mode="eval").body
        except SyntaxError:
            return text
    if subst:
        node = _Subst(subst).visit(ast.parse(ast.unparse(node), mode="eval").body)
    return ast.unparse(node)


def _annotation_text(node: ast.expr) -> str:
    return _substituted(node, {}) or ""


def _params(
    node: ast.FunctionDef | ast.AsyncFunctionDef, *, skip_first: bool, subst: dict[str, str]
) -> tuple[Param, ...]:
    a = node.args
    positional = [*a.posonlyargs, *a.args]
    defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    out = [
        Param(arg.arg, _substituted(arg.annotation, subst), default is None, "positional")
        for arg, default in zip(positional, defaults, strict=True)
    ]
    if skip_first and out:
        out = out[1:]
    if a.vararg:
        out.append(Param(a.vararg.arg, _substituted(a.vararg.annotation, subst), False, "star"))
    for arg, default in zip(a.kwonlyargs, a.kw_defaults, strict=True):
        out.append(Param(arg.arg, _substituted(arg.annotation, subst), default is None, "keyword"))
    if a.kwarg:
        out.append(Param(a.kwarg.arg, _substituted(a.kwarg.annotation, subst), False, "starstar"))
    return tuple(out)


def _binding(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    names = {_dotted(d) for d in node.decorator_list}
    if names & {"classmethod", "builtins.classmethod"}:
        return "class"
    if names & {"staticmethod", "builtins.staticmethod"}:
        return "static"
    return "instance"


def _is_property(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    names = {_dotted(d) or "" for d in node.decorator_list}
    return any(
        n in ("property", "cached_property", "functools.cached_property")
        or n.endswith((".setter", ".getter", ".deleter"))
        for n in names
    )


def _public(name: str) -> bool:
    return not name.startswith("_")


def _class_state(cls: ast.ClassDef) -> tuple[str, ...]:
    """Class attributes that hold state: a mutable value in the class body, or rebound through
    `cls.NAME = ...` / `ClassName.NAME = ...` in a method."""
    defined: dict[str, ast.expr | None] = {}
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    defined[target.id] = stmt.value
        elif (
            isinstance(stmt, ast.AnnAssign)
            and isinstance(stmt.target, ast.Name)
            and stmt.value is not None
        ):
            defined[stmt.target.id] = stmt.value
    rebound = {
        node.attr
        for node in ast.walk(cls)
        if isinstance(node, ast.Attribute)
        and isinstance(node.ctx, ast.Store)
        and isinstance(node.value, ast.Name)
        and node.value.id in ("cls", cls.name)
    }
    mutable = {name for name, value in defined.items() if _is_mutable(value)}
    return tuple(sorted(n for n in (mutable | (rebound & set(defined))) if not n.startswith("__")))


def _is_mutable(value: ast.expr | None) -> bool:
    if isinstance(value, ast.Dict | ast.List | ast.Set | ast.DictComp | ast.ListComp | ast.SetComp):
        return True
    return (
        isinstance(value, ast.Call)
        and (_dotted(value.func) or "").rpartition(".")[2] in _MUTABLE_CALLS
    )


def _globals_rebound(tree: ast.Module, node: ast.AST) -> tuple[str, ...]:
    """Module globals the code under `node` rebinds through `global NAME`, and module-level
    mutable values it mutates by subscript (`_CACHE[key] = ...`)."""
    rebound = {name for n in ast.walk(node) if isinstance(n, ast.Global) for name in n.names}
    mutable = {
        t.id
        for stmt in tree.body
        if isinstance(stmt, ast.Assign | ast.AnnAssign) and _is_mutable(stmt.value)
        for t in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target])
        if isinstance(t, ast.Name)
    }
    stored = {
        n.value.id
        for n in ast.walk(node)
        if isinstance(n, ast.Subscript)
        and isinstance(n.ctx, ast.Store | ast.Del)
        and isinstance(n.value, ast.Name)
    }
    return tuple(sorted(rebound | (mutable & stored)))


def _import_lines(module: str, tree: ast.Module, path: Path | None) -> tuple[str, ...]:
    """The module's top-level imports, relative ones made absolute, and an import of each name it
    defines at top level: what the annotations of its methods may name."""
    lines = []
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and stmt.module != "__future__":
            names = ", ".join(f"{a.name} as {a.asname}" if a.asname else a.name for a in stmt.names)
            lines.append(f"from {_absolute(module, stmt, path)} import {names}")
        elif isinstance(stmt, ast.Import):
            lines.append(ast.unparse(stmt))
    defined = sorted(
        s.name
        for s in tree.body
        if isinstance(s, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
    )
    if defined:
        lines.append(f"from {module} import {', '.join(defined)}")
    return tuple(lines)


def _enclosing_class(tree: ast.Module, node: ast.AST) -> str | None:
    for stmt in tree.body:
        if isinstance(stmt, ast.ClassDef) and node in stmt.body:
            return stmt.name
    return None


def _binding_line(tree: ast.Module, name: str) -> int:
    for stmt in tree.body:
        names = []
        if isinstance(stmt, ast.Assign):
            names = [t.id for t in stmt.targets if isinstance(t, ast.Name)]
        elif isinstance(stmt, ast.ImportFrom | ast.Import):
            names = [a.asname or a.name for a in stmt.names]
        if name in names:
            return stmt.lineno
    return 1


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else None
    return None


def _absolute(module: str, stmt: ast.ImportFrom, path: Path | None) -> str:
    if not stmt.level:
        return stmt.module or ""
    package = module.split(".")
    is_package = path is not None and path.name == "__init__.py"
    base = package if is_package else package[:-1]
    base = base[: len(base) - (stmt.level - 1)] if stmt.level > 1 else base
    return ".".join([*base, *([stmt.module] if stmt.module else [])])
