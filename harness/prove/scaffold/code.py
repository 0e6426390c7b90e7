"""The scaffolded family's code, as text: the protocol (the canonical's public methods), one adapter
per member (how to build it, which of its methods plays each protocol method, the state to restore),
and the strategies hook (one strategy per parameter, from the canonical's annotations)."""

from __future__ import annotations

import ast
import difflib
import json
import re

from harness.prove.scaffold.shapes import Method, Param, Shape

HEADER = "Scaffolded by `ssot-harness scaffold {family}`; edit freely: a second run never overwrites it without --force."


def q(text: str) -> str:
    """`text` as a double-quoted Python string (ruff format's style)."""
    return json.dumps(text)


def camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", name) if part)


def snake(name: str) -> str:
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name.replace(".", "_"))
    return re.sub(r"[^0-9a-z_]+", "_", name.lower()).strip("_")


def protocol_class(family: str) -> str:
    return f"{camel(family)}Protocol"


def _signature(method: Method) -> str:
    first = {"instance": ["self"], "class": ["self"], "static": ["self"]}[method.binding]
    parts = [*first]
    star_done = False
    for p in method.params:
        text = p.name + (f": {p.annotation}" if p.annotation else "")
        default = "" if p.required or p.kind in ("star", "starstar") else " = ..."
        if p.kind == "star":
            parts.append(f"*{text}")
            star_done = True
        elif p.kind == "starstar":
            parts.append(f"**{text}")
        else:
            if p.kind == "keyword" and not star_done:
                parts.append("*")
                star_done = True
            parts.append(text + default)
    returns = f" -> {method.returns}" if method.returns else ""
    prefix = "async def" if method.is_async else "def"
    return f"{prefix} {method.name}({', '.join(parts)}){returns}: ..."


def _used_names(methods: tuple[Method, ...]) -> set[str]:
    found: set[str] = set()
    texts = [p.annotation for m in methods for p in m.params if p.annotation]
    texts += [m.returns for m in methods if m.returns]
    for text in texts:
        try:
            tree = ast.parse(text, mode="eval")
        except SyntaxError:
            continue
        found.update(n.id for n in ast.walk(tree) if isinstance(n, ast.Name))
    return found


def _needed_imports(lines: tuple[str, ...], used: set[str]) -> list[str]:
    """Of `lines` (import statements), those binding a name in `used`, narrowed to those names."""
    out: list[str] = []
    taken: set[str] = set()
    for line in lines:
        stmt = ast.parse(line).body[0]
        assert isinstance(stmt, ast.Import | ast.ImportFrom)
        names = [a for a in stmt.names if (a.asname or a.name).split(".")[0] in used - taken]
        if not names:
            continue
        taken.update((a.asname or a.name).split(".")[0] for a in names)
        stmt.names = names
        out.append(ast.unparse(stmt))
    return out


def protocol(
    family: str, canonical: Shape, methods: tuple[Method, ...], imports: tuple[str, ...]
) -> str:
    used = _used_names(methods)
    needed = _needed_imports(imports, used - {"Any"})
    guarded = "".join(f"    {line}\n" for line in needed)
    typing_names = ", ".join(
        n
        for n, want in (("TYPE_CHECKING", bool(needed)), ("Any", "Any" in used), ("Protocol", True))
        if want
    )
    body = "\n".join(f"    {_signature(m)}" for m in methods) or "    pass"
    return (
        f'"""The {family} protocol: the public methods of the canonical {canonical.member}, the\n'
        f'parts every member\'s adapter plays (adapters/). {HEADER.format(family=family)}"""\n\n'
        "from __future__ import annotations\n\n"
        f"from typing import {typing_names}\n"
        + (f"\nif TYPE_CHECKING:  # what the annotations name\n{guarded}" if needed else "")
        + f"\n\nclass {protocol_class(family)}(Protocol):\n{body}\n"
    )


def _import_of(member: str) -> tuple[str, str]:
    """(import line, expression naming the member) for `module:qualname`."""
    module, _, qualname = member.partition(":")
    head = qualname.split(".")[0]
    return f"from {module} import {head}", qualname


def _build(shape: Shape, expression: str, family: str) -> list[str]:
    doc = '    """The object one use of the member gets, built the way its callers build it."""'
    if shape.required:
        needs = ", ".join(
            p.name + (f": {p.annotation}" if p.annotation else "") for p in shape.required
        )
        what = "constructor" if shape.kind in ("class", "alias") else "call"
        template = ", ".join(
            f"{p.name}=..." for p in shape.required if p.kind in ("positional", "keyword")
        )
        return [
            "def build() -> Any:",
            doc,
            "    raise ScaffoldTODO(",
            f'        "build {shape.qualname}: its {what} needs {needs} (no default); "',
            '        "return one built the way its callers build it"',
            "    )",
            f"    return {expression}({template})  # with the arguments its callers give",
        ]
    return ["def build() -> Any:", doc, f"    return {expression}()"]


def _stub(shape: Shape, method: Method) -> list[str]:
    names = [m.name for m in shape.methods]
    close = difflib.get_close_matches(method.name, names, n=2, cutoff=0.4)
    params = ", ".join(
        ["obj", *(p.name for p in method.params if p.kind in ("positional", "keyword"))]
    )
    prefix = "async def" if method.is_async else "def"
    hint = f"closest: {', '.join(close)}; " if close else ""
    listed = ", ".join(names) or "none found in source"
    return [
        f"{prefix} {method.name}({params}) -> Any:",
        "    raise ScaffoldTODO(",
        f'        "{shape.qualname} has no method {method.name!r}: call the one that plays its part "',
        f'        "({hint}its public methods: {listed}), or, if it has no way to, "',
        f'        "raise unsupported(MEMBER, {q(method.name)[1:-1]!r}) (from harness import unsupported)"',
        "    )",
    ]


def _note(canonical: Method, own: Method) -> str:
    mine = [p.name for p in own.params if p.kind in ("positional", "keyword")]
    theirs = [p.name for p in canonical.params if p.kind in ("positional", "keyword")]
    notes = []
    if mine != theirs and not any(p.kind == "starstar" for p in own.params):
        notes.append(
            f"parameters differ: canonical ({', '.join(theirs)}), member ({', '.join(mine)})"
        )
    if canonical.is_async != own.is_async:
        notes.append("the canonical's is async" if canonical.is_async else "the member's is async")
    return f"  # {'; '.join(notes)}" if notes else ""


def adapter(family: str, shape: Shape, methods: tuple[Method, ...], module_hint: str) -> str:
    """The adapter module of one member."""
    line, expression = _import_of(shape.member)
    if shape.kind == "function" and "." in shape.qualname:
        expression = shape.qualname
    imports = {line}
    state: list[str] = []
    if shape.class_state and shape.state_class:
        state_line, state_expr = _import_of(shape.state_class)
        imports.add(state_line)
        names = ", ".join(q(n) for n in shape.class_state)
        state.append(f"preserve({state_expr}, {names})")
    if shape.module_state:
        imports.add(f"import {shape.module} as {snake(shape.module)}")
        names = ", ".join(q(n) for n in shape.module_state)
        state.append(f"preserve({snake(shape.module)}, {names})")
    assumed = shape.kind == "function" and not shape.methods
    stubs: list[list[str]] = []
    mapping: list[str] = []
    for method in methods:
        own = shape.method(method.name)
        if own is not None:
            mapping.append(f"        {q(method.name)}: {q(method.name)},{_note(method, own)}")
        elif assumed:
            mapping.append(
                f"        {q(method.name)}: {q(method.name)},  # assumed: its return annotation names no class in the tree"
            )
        else:
            stubs.append(_stub(shape, method))
            mapping.append(f"        {q(method.name)}: {method.name},")
    harness_names = ["MemberAdapter"]
    if stubs or shape.required:
        harness_names.append("ScaffoldTODO")
    if state:
        harness_names.append("preserve")
    what = {"class": "a class", "alias": f"an alias of {shape.target}", "function": "a function"}[
        shape.kind
    ]
    parts = [
        f'"""Adapter of {shape.member} ({what}, {shape.path}:{shape.line}) onto the {family} protocol.\n\n'
        f'{HEADER.format(family=family)}"""',
        "from __future__ import annotations",
        "from typing import Any",
        f"from harness import {', '.join(sorted(harness_names))}",
        "\n".join(sorted(imports)),
        f'MEMBER = "{shape.member}"',
        "\n".join(_build(shape, expression, family)),
        *("\n".join(s) for s in stubs),
        "ADAPTER = MemberAdapter(\n"
        "    member=MEMBER,\n"
        "    build=build,\n"
        "    methods={\n"
        + "\n".join(mapping)
        + ("\n" if mapping else "")
        + "    },\n"
        + (
            f"    state=({', '.join(state)},),  # process-wide state, put back after each use\n"
            if state
            else ""
        )
        + ")",
    ]
    return _join(parts)


def _join(parts: list[str]) -> str:
    """Top-level blocks: imports one blank line apart, definitions two."""
    out = parts[0] + "\n"
    for previous, part in zip(parts, parts[1:], strict=False):
        def_like = part.startswith(
            ("def ", "async def ", "class ", "ADAPTER", "MEMBER")
        ) or previous.startswith(("def ", "async def "))
        out += ("\n\n" if def_like else "\n") + part + "\n"
    return out


def _argument(owner: str, method: Method, param: Param) -> str:
    if param.annotation is None:
        return f'todo("{method.name}({param.name}) is not annotated: draw it here, e.g. st.sampled_from([...]) or st.builds(...)")'
    return f"hinted({owner}, {q(method.name)}, {q(param.name)}),  # {param.annotation}"


def strategies(family: str, canonical_class: str, methods: tuple[Method, ...]) -> str:
    line, expression = _import_of(canonical_class)
    owner = "CANONICAL"
    entries = []
    uses_todo = False
    for method in methods:
        drawn = [p for p in method.params if p.required and p.kind in ("positional", "keyword")]
        skipped = [p.name for p in method.params if p not in drawn]
        note = f"  # not drawn (default or variadic): {', '.join(skipped)}" if skipped else ""
        if not drawn:
            entries.append(f"    {q(method.name)}: {{}},{note}")
            continue
        rows = []
        for p in drawn:
            text = _argument(owner, method, p)
            uses_todo = uses_todo or text.startswith("todo(")
            key = f"*{p.name}" if p.kind == "keyword" else p.name  # keyword-only: passed by name
            rows.append(f"        {q(key)}: {text}" + ("," if text.startswith("todo(") else ""))
        entries.append(f"    {q(method.name)}: {{{note}\n" + "\n".join(rows) + "\n    },")
    names = "hinted, todo" if uses_todo else "hinted"
    module, _, qualname = canonical_class.partition(":")
    alias = "" if "." in qualname else f" as {owner}"
    owner_line = f"{line}{alias}" if alias else line
    owner_assign = "" if alias else f"\n{owner} = {expression}\n"
    return (
        f'"""Arguments of the {family} protocol\'s methods: one strategy per parameter, drawn from the\n'
        "annotations of the canonical's methods over small domains (harness.hinted). The family's hook:\n"
        "replace any strategy with your own, and register strategies for the family's own types with\n"
        "st.register_type_strategy(TheType, st.builds(TheType, ...)) below.\n\n"
        f'{HEADER.format(family=family)}"""\n\n'
        "from __future__ import annotations\n\n"
        "from hypothesis import strategies as st  # noqa: F401 (for your own strategies)\n\n"
        f"from harness import {names}\n"
        f"{owner_line}\n{owner_assign}\n"
        "# st.register_type_strategy(TheType, st.builds(TheType, ...))\n\n"
        "ARGUMENTS = {\n" + "\n".join(entries) + "\n}\n"
        "OBJECTS = 2  # objects each differential case builds and calls: state shared between them shows\n"
        "MAX_CALLS = 6  # calls per differential case\n"
    )
