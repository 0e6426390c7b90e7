"""Per-file facts as a pure function of bytes, and to/from plain JSON-ready data, for any cache key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.scan.facts import (
    Assignment,
    Definition,
    DottedString,
    FileFacts,
    ModuleImport,
    NameImport,
    Reference,
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


def facts_from_data(data: dict[str, Any]) -> FileFacts:
    """The FileFacts `facts_to_data` produced; a KeyError/TypeError/ValueError when it is not that."""
    all_names = data["all_names"]
    return FileFacts(
        path=str(data["path"]),
        module=str(data["module"]),
        is_package=bool(data["is_package"]),
        definitions=tuple(
            [Definition(q, k, int(n), tuple(b)) for q, k, n, b in data["definitions"]]
        ),
        name_imports=tuple(
            [NameImport(m, a, s, int(n), sc) for m, a, s, n, sc in data["name_imports"]]
        ),
        module_imports=tuple(
            [ModuleImport(m, b, int(n), sc, bool(d)) for m, b, n, sc, d in data["module_imports"]]
        ),
        assignments=tuple([Assignment(t, v, int(n)) for t, v, n in data["assignments"]]),
        references=tuple([Reference(b, a, int(n)) for b, a, n in data["references"]]),
        all_names=None if all_names is None else tuple(all_names),
        dotted_strings=tuple([DottedString(p, int(n)) for p, n in data["dotted_strings"]]),
    )
