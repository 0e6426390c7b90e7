"""Per-file facts as a pure function of bytes, and to/from plain JSON-ready data, for any cache key."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar, get_args

from harness.scan.checked import all_strings
from harness.scan.facts import (
    Assignment,
    Definition,
    DottedString,
    FileFacts,
    ModuleImport,
    NameImport,
    Reference,
    Scope,
    extract,
)
from harness.scan.parse import decode_source, parse_module
from harness.scan.skip import Skipped

__all__ = ["FACTS_FORMAT", "facts_from_bytes", "facts_from_data", "facts_to_data"]

# Bump when `extract` or the layout below changes: data of another format must not be read.
# 3: a parametrized base `Base[T]` is recorded as `Base`; 4: strings holding a dotted path
FACTS_FORMAT = 4


def facts_from_bytes(
    data: bytes,
    rel_path: str,
    import_roots: tuple[str, ...] = ("src",),
    *,
    definitions_only: bool = False,
) -> FileFacts | Skipped:
    """The facts of one Python file's bytes at `rel_path` (posix, relative to the project root).

    Depends on nothing else (not on any family), so the result may be cached by content digest
    alone, together with `rel_path` and `import_roots`, which give the module name (and
    `definitions_only`, see `extract`; its facts are read from the text with the function bodies
    cut out, see bodies.py).
    """
    source = decode_source(Path(rel_path), data)
    if isinstance(source, Skipped):
        return source
    tree = parse_module(Path(rel_path), source, bodies=not definitions_only)
    if isinstance(tree, Skipped):
        return tree
    return extract(tree, rel_path, import_roots=import_roots, definitions_only=definitions_only)


def facts_to_data(facts: FileFacts) -> dict[str, Any]:
    """Plain lists and strings (JSON, msgpack or sqlite friendly); `facts_from_data` reverses it."""
    return {
        "path": facts.path,
        "module": facts.module,
        "is_package": facts.is_package,
        "definitions": [[d.qualname, d.kind, d.line, list(d.bases)] for d in facts.definitions],
        "name_imports": [[i.module, i.name, i.asname, i.line, i.scope] for i in facts.name_imports],
        "module_imports": [
            [m.module, m.binding, m.line, m.scope, m.dynamic] for m in facts.module_imports
        ],
        "assignments": [[a.target, a.value, a.line] for a in facts.assignments],
        "references": [[r.base, r.attr, r.line] for r in facts.references],
        "all_names": None if facts.all_names is None else list(facts.all_names),
        "dotted_strings": [[d.path, d.line] for d in facts.dotted_strings],
    }


def facts_from_data(data: Any) -> FileFacts:
    """The FileFacts `facts_to_data` produced; a TypeError (or a KeyError, a ValueError) when
    `data` is not of the shapes and types it writes: a cache line written by another version, or
    edited by hand, is damage, never facts."""
    if type(data) is not dict or data.keys() != _KEYS:
        raise TypeError(f"facts are not a table of {', '.join(sorted(_KEYS))}")
    path, module, is_package = data["path"], data["module"], data["is_package"]
    if type(path) is not str or type(module) is not str or type(is_package) is not bool:
        raise TypeError("facts: path and module are not strings, or is_package not a boolean")
    all_names = data["all_names"]
    if all_names is not None and not all_strings(all_names):
        raise TypeError("facts all_names is neither null nor a list of strings")
    return FileFacts(
        path=path,
        module=module,
        is_package=is_package,
        definitions=_definitions(_list(data, "definitions")),
        name_imports=_name_imports(_list(data, "name_imports")),
        module_imports=_module_imports(_list(data, "module_imports")),
        assignments=_two_names(
            _list(data, "assignments"), Assignment, "assignments", "(target, value, line)"
        ),
        references=_two_names(
            _list(data, "references"), Reference, "references", "(base, attr, line)"
        ),
        all_names=None if all_names is None else tuple(all_names),
        dotted_strings=_dotted_strings(_list(data, "dotted_strings")),
    )


# One reader per fact kind, the reverse of its row in `facts_to_data`, checking each column's type
# as it builds (a row of another length does not unpack; one of the wrong types is `_damage`).
_KEYS = frozenset(
    ("path", "module", "is_package", "all_names", "definitions", "name_imports")
    + ("module_imports", "assignments", "references", "dotted_strings")
)
_SCOPES = frozenset(get_args(Scope))
_TwoNames = TypeVar("_TwoNames", Assignment, Reference)


def _definitions(rows: list[Any]) -> tuple[Definition, ...]:
    return tuple(
        [
            Definition(q, k, n, tuple(b))
            if type(q) is str and type(k) is str and type(n) is int and (b == [] or all_strings(b))
            else _damage("definitions", "(qualname, kind, line, [base, ...])")
            for q, k, n, b in rows
        ]
    )


def _name_imports(rows: list[Any]) -> tuple[NameImport, ...]:
    return tuple(
        [
            NameImport(m, a, s, n, sc)
            if type(m) is str and type(a) is str and type(s) is str and type(n) is int
            and sc in _SCOPES
            else _damage("name_imports", "(module, name, asname, line, scope)")
            for m, a, s, n, sc in rows
        ]
    )  # fmt: skip


def _module_imports(rows: list[Any]) -> tuple[ModuleImport, ...]:
    return tuple(
        [
            ModuleImport(m, b, n, sc, d)
            if type(m) is str and type(b) is str and type(n) is int
            and sc in _SCOPES and type(d) is bool
            else _damage("module_imports", "(module, binding, line, scope, dynamic)")
            for m, b, n, sc, d in rows
        ]
    )  # fmt: skip


def _two_names(
    rows: list[Any], fact: type[_TwoNames], kind: str, shape: str
) -> tuple[_TwoNames, ...]:
    """Assignments (target, value, line) and references (base, attr, line)."""
    return tuple(
        [
            fact(x, y, n)
            if type(x) is str and type(y) is str and type(n) is int
            else _damage(kind, shape)
            for x, y, n in rows
        ]
    )


def _dotted_strings(rows: list[Any]) -> tuple[DottedString, ...]:
    return tuple(
        [
            DottedString(p, n)
            if type(p) is str and type(n) is int
            else _damage("dotted_strings", "(path, line)")
            for p, n in rows
        ]
    )


def _list(data: dict[str, Any], kind: str) -> list[Any]:
    rows = data[kind]
    if type(rows) is not list:
        raise TypeError(f"facts {kind} is not a list")
    return rows


def _damage(kind: str, shape: str) -> Any:
    raise TypeError(f"facts {kind}: a row is not {shape}")
