"""Stage 0, discover: rank likely SSOT families in a tree that has no config yet.

A family is a group of definitions playing one role: the same role word at the end of the name
(Factory, Registry, Supervisor, Notifier/Bridge/Emitter...), a shared subject (ExecutionEngine...),
similar public method sets; singleton getters (`get_*`) and classmethod constructors (`create_for_*`)
of that subject join it. Test doubles and one-off definitions rank as noise.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from harness.errors import UsageError
from harness.scan.parse import parse_module, read_source
from harness.scan.skip import Skipped
from harness.scan.walk import walk

ROLE_SYNONYMS = {
    "notifier": "notifier", "bridge": "notifier", "emitter": "notifier", "broadcaster": "notifier",
    "publisher": "notifier", "factory": "factory", "registry": "registry", "supervisor": "supervisor",
    "orchestrator": "supervisor", "manager": "manager", "service": "service", "client": "client",
    "handler": "handler", "store": "store", "repository": "store", "engine": "engine", "executor": "engine",
}  # fmt: skip
MODIFIERS = {
    "legacy", "old", "new", "unified", "global", "default", "base", "abstract", "request", "scoped", "user",
    "shared", "simple", "v1", "v2", "class", "compat", "core", "main", "async", "sync",
}  # fmt: skip
DOUBLE_PREFIXES = ("Fake", "Mock", "Stub", "Dummy", "Spy")


def words(name: str) -> list[str]:
    """CamelCase or snake_case name -> lowercase words ('WebSocket' stays one word)."""
    name = name.replace("WebSocket", "Websocket")
    parts = re.findall(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z0-9]+|[A-Z]+", name.replace("_", " "))
    return [p.lower() for p in parts]


@dataclass(frozen=True)
class Definition:
    name: str  # qualified within the module (Class.method)
    module: str
    path: str
    line: int
    kind: str  # class | getter | constructor | alias
    methods: frozenset[str] = frozenset()
    double: bool = False

    @property
    def member(self) -> str:
        return f"{self.module}:{self.name}"


@dataclass
class Group:
    role: str
    subject: frozenset[str]
    members: list[Definition] = field(default_factory=list)
    score: float = 0.0
    why: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """Role, prefixed by the subject words most class members share (else the commonest ones)."""
        subjects = [(_role_and_subject(m.name) or ("", frozenset()))[1] for m in self.members if m.kind == "class"]
        counts = Counter(w for s in subjects for w in s)
        shared = frozenset(w for w, n in counts.items() if n * 2 > len(subjects))
        if not shared and counts:
            shared = frozenset(w for w, n in counts.items() if n == max(counts.values()))
        ordered = [w for w in _subject_order(self) if w in shared]
        return "-".join([*ordered, self.role]) if ordered else self.role


def _subject_order(group: Group) -> list[str]:
    counts = Counter(w for d in group.members for w in words(d.name.split(".")[0]))
    firsts: dict[str, int] = {}
    for d in group.members:
        for i, w in enumerate(words(d.name.split(".")[0])):
            firsts.setdefault(w, i)
    return sorted(counts, key=lambda w: (firsts[w], w))


def _role_and_subject(name: str) -> tuple[str, frozenset[str]] | None:
    ws = words(name)
    for i in range(len(ws) - 1, -1, -1):
        role = ROLE_SYNONYMS.get(ws[i])
        if role and (i == len(ws) - 1 or role == "supervisor"):
            subject = frozenset(w for j, w in enumerate(ws) if j != i and w not in MODIFIERS)
            return role, subject
    return None


def _module_of(path: Path, root: Path) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts) or rel.stem


def collect(root: Path) -> tuple[list[Definition], Counter[str], list[Skipped]]:
    """Definitions that could be members, how often each name is imported, and skipped files."""
    result = walk([root])
    defs: list[Definition] = []
    imported: Counter[str] = Counter()
    skipped = list(result.skipped)
    base = root.resolve() if root.is_dir() else root.resolve().parent
    while (base / "__init__.py").is_file() and base.parent != base:
        base = base.parent  # module names start at the top package
    for path in result.files:
        path = path.resolve()
        source = read_source(path)
        tree = source if isinstance(source, Skipped) else parse_module(path, source)
        if isinstance(tree, Skipped):
            skipped.append(tree)
            continue
        rel = path.relative_to(base).as_posix()
        module = _module_of(path, base)
        in_tests = any(p in ("tests", "test") for p in Path(rel).parts[:-1]) or Path(rel).name.startswith("test_")
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                imported.update(a.name for a in node.names)
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and not any(
                (isinstance(b, ast.Name) and b.id == "Protocol") or (isinstance(b, ast.Attribute) and b.attr == "Protocol")
                for b in node.bases
            ):  # an interface is not an implementation
                methods = frozenset(
                    n.name for n in node.body
                    if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and not n.name.startswith("_")
                )  # fmt: skip
                double = in_tests or node.name.startswith(DOUBLE_PREFIXES)
                defs.append(Definition(node.name, module, rel, node.lineno, "class", methods, double))
                for item in node.body:
                    if (
                        isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                        and item.name.startswith(("create_for_", "for_user", "from_context"))
                        and any(isinstance(d, ast.Name) and d.id == "classmethod" for d in item.decorator_list)
                    ):
                        defs.append(Definition(f"{node.name}.{item.name}", module, rel, item.lineno, "constructor", double=double))
            elif isinstance(node, ast.FunctionDef) and node.name.startswith("get_"):
                defs.append(Definition(node.name, module, rel, node.lineno, "getter", double=in_tests))
            elif (
                isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and isinstance(node.value, ast.Name) and node.targets[0].id[:1].isupper()
            ):  # fmt: skip
                defs.append(Definition(node.targets[0].id, module, rel, node.lineno, "alias", double=in_tests))
    return defs, imported, skipped


def rank(defs: list[Definition], imported: Counter[str]) -> list[Group]:
    groups: list[Group] = []
    for d in sorted((d for d in defs if d.kind in ("class", "alias")), key=lambda d: (d.path, d.line)):
        found = _role_and_subject(d.name)
        if found is None:
            continue
        role, subject = found
        home = next((g for g in groups if g.role == role and (not subject or not g.subject or subject & g.subject)), None)
        if home is None:
            groups.append(Group(role, subject, [d]))
        else:
            home.members.append(d)
            home.subject = home.subject | subject if home.subject else subject
    for d in defs:
        if d.kind == "getter":
            ws = set(words(d.name[4:])[:-1]) - MODIFIERS
            for g in groups:
                if ROLE_SYNONYMS.get(words(d.name)[-1]) == g.role and ws and ws <= g.subject:
                    g.members.append(d)
                    break
        elif d.kind == "constructor":
            owner = set(words(d.name.split(".")[0]))
            for g in groups:
                if g.role == "factory" and g.subject and g.subject <= owner:
                    g.members.append(d)
                    break
    for g in groups:
        real = [m for m in g.members if not m.double]
        classes = [m for m in real if m.kind == "class"]
        if len(real) < 2:
            g.score, g.why = 0.0, ["a single definition: noise"] if real else ["test doubles only: noise"]
            continue
        pairs = [(a, b) for i, a in enumerate(classes) for b in classes[i + 1 :] if a.methods or b.methods]
        similarity = sum(len(a.methods & b.methods) / len(a.methods | b.methods) for a, b in pairs) / len(pairs) if pairs else 0.0
        extra = [m for m in real if m.kind != "class"]
        g.score = round(2.0 * (len(real) - 1) + similarity + 0.5 * len(extra), 2)
        g.why = [
            f"{len(real)} definitions with role '{g.role}'" + (f" and subject {'/'.join(sorted(g.subject))}" if g.subject else ""),
            f"public-method similarity {similarity:.2f}",
        ]
        if extra:
            g.why.append(f"{len(extra)} getter/constructor/alias way(s) in")
        if len(real) < len(g.members):
            g.why.append(f"{len(g.members) - len(real)} test double(s) not counted")
    groups.sort(key=lambda g: (-g.score, g.name))
    for g in groups:
        g.members.sort(key=lambda m: (m.double, -imported[m.name.split(".")[0]], m.path, m.line))
    return groups


def canonical_guess(group: Group, imported: Counter[str]) -> Definition:
    candidates = [m for m in group.members if m.kind == "class" and not m.double] or group.members
    role_word = {v: k for k, v in ROLE_SYNONYMS.items() if k == v}.get(group.role, group.role)
    return max(
        candidates,
        key=lambda m: (imported[m.name], words(m.name)[-1] == role_word, -len(m.name), m.member),
    )


def toml_block(group: Group, imported: Counter[str]) -> str:
    canonical = canonical_guess(group, imported)
    names = sorted({m.name.split(".")[-1] for m in group.members if not m.double})
    return "\n".join([
        f"[tool.ssot-harness.families.{group.name}]",
        f'canonical = "{canonical.member}"  # a guess: the most imported member; confirm it',
        'stage = "prove"',
        "names = [" + ", ".join(json.dumps(n) for n in names) + "]",
    ])  # fmt: skip


def _shown(path: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "discover",
        help="rank likely SSOT families in a tree with no config, with a ready-to-paste config for each",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("path", nargs="?", default=".", metavar="PATH", help="the tree to read (default: .)")
    parser.add_argument("--top", type=int, default=10, help="how many families to show (default: 10)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = Path(args.path)
    if not root.exists():
        raise UsageError(f"PATH {args.path!r} does not exist")
    defs, imported, skipped = collect(root)
    groups = rank(defs, imported)
    shown = [g for g in groups if g.score > 0][: args.top]
    if args.format == "json":
        print(json.dumps({
            "families": [
                {"rank": i, "name": g.name, "score": g.score, "why": g.why,
                 "members": [{"member": m.member, "kind": m.kind, "path": m.path, "line": m.line, "test_double": m.double} for m in g.members],
                 "config": toml_block(g, imported)}
                for i, g in enumerate(shown, 1)
            ],
            "skipped": [{"path": _shown(s.path), "reason": s.reason} for s in skipped],
        }, indent=2, sort_keys=True))  # fmt: skip
        return 0
    print(f"ssot-harness discover: {len(defs)} candidate definitions under {args.path}; likely families, best first")
    for i, g in enumerate(shown, 1):
        print(f"\n{i}. {g.name}  (score {g.score}: {'; '.join(g.why)})")
        for m in g.members:
            note = "  [test double]" if m.double else ""
            print(f"     {m.path}:{m.line}  {m.member}  ({m.kind}){note}")
        print("\n   " + toml_block(g, imported).replace("\n", "\n   "))
    if not shown:
        print("\nno group of two or more definitions shares a role: nothing to consolidate found")
    print(f"\nskipped ({len(skipped)} files):")
    for s in skipped:
        print(f"  {_shown(s.path)}: {s.reason}")
    return 0
