"""Pure membership: which definitions, aliases, re-exports and import sites of a family the facts hold."""

from __future__ import annotations

import fnmatch
import operator
import re
from collections.abc import Callable, Iterable

from harness.errors import ConfigError
from harness.model import Family, Finding, MemberRef
from harness.scan.facts import Definition, FileFacts
from harness.scan.skip import Skipped

# A resolved symbol: ("member", ref) a family member; ("def", ref) any other definition;
# ("module", name) a module; None when the name leads outside the scanned facts.
Symbol = tuple[str, MemberRef] | tuple[str, str] | None

# A finding as a plain tuple of Finding's fields, in order.
Row = tuple[str, str, int, str, str, bool, str, str, str]

# The order of Finding (a dataclass with order=True compares its fields in turn), as one key
# compared in C: sorting 200,000 findings through the generated __lt__ costs seconds.
_FIRST = operator.itemgetter(0)
FINDING_ORDER = operator.attrgetter(
    "family", "path", "line", "kind", "member", "canonical", "detail", "fix", "site"
)

_SCOPE_DETAIL = {
    "module": "import",
    "function": "function-local import",
    "type_checking": "import under TYPE_CHECKING",
    "fallback": "import in an ImportError fallback",
}


def needles_for(family: Family) -> set[str]:
    """The identifiers whose presence in a file's bytes makes it a candidate for this family."""
    found: set[str] = set()
    for pattern in family.names:
        literals = [chunk for chunk in re.split(r"[*?]|\[[^\]]*\]", pattern) if chunk]
        found.add(max(literals, key=len) if literals else "")
    found.update(b.rpartition(".")[2] for b in family.bases)
    for ref in (family.canonical, *family.members, *family.ignore):
        # a file using a member names it (the module path alone is no use: `cache.backends.db`
        # would drag in every file of another `backends.db`); the module's own file defines it
        found.update(ref.qualname.split("."))
    return found


def audit_needles(families: Iterable[Family]) -> set[str]:
    """Every family's needles; none at all when a pattern has no literal (`names = ["*"]`: every
    file is a candidate)."""
    needles: set[str] = set()
    for fam in families:
        needles |= needles_for(fam)
    return set() if "" in needles else needles


class Universe:
    """The facts of one scan, indexed for name resolution across modules.

    `patterns` are every family's name patterns: the distinct names defined or bound in the tree are
    matched against all of them at once (one compiled alternation), so a family's own patterns only
    ever run over the few names that matched something. `skipped` maps a module to why its file
    was not read, so a config naming it can say so.
    """

    def __init__(
        self,
        facts: Iterable[FileFacts],
        modules: Iterable[str] = (),
        *,
        skipped: dict[str, Skipped] | None = None,
        patterns: Iterable[str] = (),
        needles: Iterable[str] | None = None,
        learned: Iterable[str] = (),
    ) -> None:
        self.files = {
            f.module: f
            for f in sorted(facts, key=lambda f: (f.path.endswith(".pyi"), f.path))[::-1]
        }
        self.defs: dict[tuple[str, str], tuple[FileFacts, Definition]] = {
            (f.module, d.qualname): (f, d) for f in self.files.values() for d in f.definitions
        }
        # module-level names bound by `from m import X as Name` or `Name = value`
        self.bindings: set[tuple[str, str]] = set()
        for f in self.files.values():
            self.bindings.update(
                (f.module, i.asname)
                for i in f.name_imports
                if i.asname != i.name and i.scope != "function"
            )
            self.bindings.update((f.module, a.target) for a in f.assignments if "." not in a.target)
        self.bindings -= set(self.defs)
        self.modules = frozenset(modules) | frozenset(self.files)
        self.skipped = skipped or {}
        # `base.attr` references can only reach a member when attr mentions a needle (a member's
        # name, or an alias name learned by the scan): the others are not resolved at all
        self.needles = frozenset(needles or ())
        self.learned = frozenset(learned)  # names the scan learned (aliases, members' own names)
        self._texts: dict[str, str] = {}
        self._renamed: dict[str, dict[str, str]] | None = None
        unique = sorted(self.needles)
        rx = re.compile("|".join(map(re.escape, unique))) if unique else None
        self.may_reach: Callable[[str], bool] = (lambda _attr: True) if rx is None else _memo(rx)
        by_name: dict[str, list[tuple[str, str]]] = {}
        for key in (*self.defs, *sorted(self.bindings)):
            by_name.setdefault(key[1].rpartition(".")[2], []).append(key)
        everything = compile_patterns(patterns)  # run once per distinct name
        self._by_name = (
            by_name
            if everything is None
            else {name: keys for name, keys in by_name.items() if everything.match(name)}
        )

    def renamed(self) -> dict[str, dict[str, str]]:
        """Per module, its `from m import Name as Base` bindings (Base -> Name): a base bound so
        is Name (Django's filebased email backend subclasses the console one as
        `ConsoleEmailBackend`). The same for every family: computed once."""
        if self._renamed is None:
            self._renamed = {
                f.module: {i.asname: i.name for i in f.name_imports if i.asname != i.name}
                for f in self.files.values()
                if any(i.asname != i.name for i in f.name_imports)
            }
        return self._renamed

    def text(self, facts: FileFacts) -> str:
        """Every identifier the file's facts hold, one string (what a family's needles are searched in)."""
        found = self._texts.get(facts.path)
        if found is None:
            parts = [facts.module]
            parts += [d.qualname for d in facts.definitions]
            parts += [d for d_ in facts.definitions for d in d_.bases]
            parts += [f"{i.module}.{i.name} {i.asname}" for i in facts.name_imports]
            parts += [m.module for m in facts.module_imports]
            parts += [f"{a.target} {a.value}" for a in facts.assignments]
            parts += [f"{r.base}.{r.attr}" for r in facts.references]
            parts += [d.path for d in facts.dotted_strings]
            found = self._texts[facts.path] = "\n".join(parts)
        return found

    def relevance(self, family_needles: Iterable[str]) -> re.Pattern[str] | None:
        """A regex finding a family's needles, or the names the scan learned, in `text` (None: every
        file is relevant, e.g. a pattern without a literal, or no scan needles known)."""
        own = {n for n in family_needles if n}
        if not self.needles or len(own) < len(set(family_needles)) or not own:
            return None
        return re.compile("|".join(map(re.escape, sorted(own | self.learned))))

    def matching(self, patterns: Iterable[str]) -> list[tuple[str, str]]:
        """(module, qualname) of every definition or binding whose own name matches a pattern."""
        rx = compile_patterns(patterns)
        if rx is None:
            return []
        return [key for name, keys in self._by_name.items() if rx.match(name) for key in keys]


def _base_name(base: str, renamed: dict[str, str] | None) -> str:
    """The last name of a class's base as written, or the name it is imported as (`renamed`: the
    file's `from m import Name as Base` bindings, Base -> Name)."""
    head, dot, tail = base.rpartition(".")
    if dot:
        return tail
    return renamed.get(base, base) if renamed else base


def _memo(rx: re.Pattern[str]) -> Callable[[str], bool]:
    """`rx.search(text) is not None`, remembered per text (attribute names repeat a lot)."""
    seen: dict[str, bool] = {}

    def search(text: str) -> bool:
        found = seen.get(text)
        if found is None:
            found = seen[text] = rx.search(text) is not None
        return found

    return search


def compile_patterns(patterns: Iterable[str]) -> re.Pattern[str] | None:
    """One regex matching a whole name against any of the fnmatch `patterns` (None: no pattern)."""
    unique = sorted(set(patterns))
    if not unique:
        return None
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in unique))


class FamilyResolver:
    """Members of one family over a Universe, and every finding that touches them."""

    def __init__(self, family: Family, universe: Universe) -> None:
        self.family = family
        self.u = universe
        # members as (module, qualname) keys: hashed in C, and no MemberRef is built for each
        # of the 700,000 definitions a `names = ["*"]` family holds
        self.members = self._rule_members()
        self._memo: dict[tuple[str, str], Symbol] = {}
        self._busy: set[tuple[str, str]] = set()
        self.canonical = family.canonical
        self._fix = f"use {family.canonical} instead"
        # a canonical or member named at a re-export (`pkg:Thing` for `pkg._impl:Thing`) also
        # stands for the definition it resolves to
        origins = {ref: self._check_exists(ref, "members") for ref in family.members}
        origin = self._check_exists(family.canonical, "canonical")
        self.canonical_refs = {family.canonical, origin}
        grown = {_key(o) for o in (*origins.values(), origin)} - self.members
        if grown:
            self.members |= grown
            self._memo.clear()
        for ref in family.ignore:
            if _key(ref) not in self.members and _key(ref) not in self.u.defs:
                raise ConfigError(
                    f"[tool.ssot-harness.families.{family.name}] ignore: {ref} matches no definition in the "
                    "scanned tree; remove it"
                )
        self.members -= {_key(ref) for ref in family.ignore}
        self._canonical_keys = {_key(ref) for ref in self.canonical_refs}

    # membership rules -----------------------------------------------------------------------
    def _rule_members(self) -> set[tuple[str, str]]:
        fam = self.family
        found = {_key(fam.canonical), *map(_key, fam.members)}
        bases = {b.rpartition(".")[2] for b in fam.bases}
        found.update(self.u.matching(fam.names))
        if not bases:
            return found
        renamed = self.u.renamed()
        while bases:  # subclasses of members found through `bases`, transitively
            grown = {
                key
                for key, (f, d) in self.u.defs.items()
                if d.kind == "class"
                and any(_base_name(b, renamed.get(f.module)) in bases for b in d.bases)
            }
            new = grown - found
            found |= grown
            bases = {qual.rpartition(".")[2] for _module, qual in new}
        return found

    def _check_exists(self, ref: MemberRef, key: str) -> MemberRef:
        """The definition `ref` resolves to; a ConfigError naming the key when there is none."""
        where = f"[tool.ssot-harness.families.{self.family.name}] {key}"
        if ref.module not in self.u.files:
            skip = self.u.skipped.get(ref.module)
            if skip is not None:
                raise ConfigError(
                    f"{where}: {ref} cannot be checked: its file {skip.path.as_posix()} was not "
                    f"read ({skip.reason}); fix the file (or the config) and run again"
                )
            if ref.module in self.u.modules:  # walked, and its bytes do not even mention the name
                raise ConfigError(
                    f"{where}: {ref} does not exist in the tree: {ref.module} defines no "
                    f"{ref.qualname!r}"
                )
            raise ConfigError(
                f"{where}: {ref} does not exist in the tree: {self._no_module(ref.module)}"
            )
        sym = self.resolve_dotted(ref.module, ref.qualname)
        if sym is None or sym[0] == "module":
            raise ConfigError(
                f"{where}: {ref} does not exist in the tree: {ref.module} defines no {ref.qualname!r}"
            )
        return sym[1]  # type: ignore[return-value]  # the definition it resolves to

    def _no_module(self, module: str) -> str:
        text = (
            f"no module {module!r} among the scanned files. Module names are the file paths "
            "below [tool.ssot-harness] roots, minus the folders listed in import-roots (those on "
            "sys.path; default ['src']): check the module path, roots and import-roots"
        )
        longer = sorted(m for m in self.u.modules if m.endswith("." + module))
        if longer:
            head = longer[0][: -len(module) - 1].replace(".", "/")
            text += (
                f". The tree has {longer[0]!r}: if {head!r} is a folder on sys.path, add it to "
                "import-roots"
            )
        return text

    # name resolution ------------------------------------------------------------------------
    def lookup(self, module: str, name: str) -> Symbol:
        key = (module, name)
        if key in self._memo:
            return self._memo[key]
        if key in self._busy:
            return None  # an import cycle between aliases: nothing to find along it
        self._busy.add(key)
        try:
            sym = self._lookup(module, name)
        finally:
            self._busy.discard(key)
        self._memo[key] = sym
        return sym

    def _lookup(self, module: str, name: str) -> Symbol:
        sym = self._resolve(module, name)
        if (sym is None or sym[0] != "member") and (module, name) in self.u.bindings:
            ref = MemberRef(module, name)
            if (module, name) in self.members:
                return ("member", ref)  # the family's name bound to something else: a member too
        return sym

    def _resolve(self, module: str, name: str) -> Symbol:
        ref = MemberRef(module, name)
        if (module, name) in self.u.defs:
            return ("member", ref) if (module, name) in self.members else ("def", ref)
        facts = self.u.files.get(module)
        if facts is not None:
            for a in reversed(facts.assignments):
                if a.target == name:
                    target = self.resolve_dotted(module, a.value)
                    if target and target[0] == "member" and ref not in self.family.ignore:
                        return ("member", ref)
                    return target
            for imp in reversed(facts.name_imports):
                if imp.asname == name and imp.scope != "function":
                    target = self.lookup(imp.module, imp.name)
                    if target is None and f"{imp.module}.{imp.name}" in self.u.modules:
                        target = ("module", f"{imp.module}.{imp.name}")
                    if (
                        target
                        and target[0] == "member"
                        and imp.asname != imp.name
                        and ref not in self.family.ignore
                    ):
                        return ("member", ref)
                    return target
            for mimp in facts.module_imports:
                if mimp.binding == name and mimp.scope != "function":
                    return ("module", _bound_module(mimp.module, mimp.binding))
        if f"{module}.{name}" in self.u.modules:
            return ("module", f"{module}.{name}")
        return None

    def resolve_dotted(self, module: str, dotted: str) -> Symbol:
        first, *rest = dotted.split(".")
        sym = self.lookup(module, first)
        for attr in rest:
            sym = self._attr(sym, attr)
        return sym

    def _attr(self, sym: Symbol, attr: str) -> Symbol:
        if sym is None:
            return None
        if sym[0] == "module":
            return self.lookup(sym[1], attr)  # type: ignore[arg-type]
        ref: MemberRef = sym[1]  # type: ignore[assignment]
        inner = MemberRef(ref.module, f"{ref.qualname}.{attr}")
        if (inner.module, inner.qualname) in self.u.defs:
            return ("member", inner) if _key(inner) in self.members else ("def", inner)
        return None

    # findings -------------------------------------------------------------------------------
    def findings(self) -> list[Finding]:
        """Every place of the family, from the files that mention one of its needles (or a name
        learned by the scan): the others cannot hold one, so they are not walked at all."""
        rx = self.u.relevance(needles_for(self.family))
        by_file: list[tuple[str, list[Row]]] = []
        for facts in self.u.files.values():  # in this order: alias lookups memoize along it
            if rx is None or rx.search(self.u.text(facts)):
                rows = set(self._file_findings(facts))
                if rows:
                    by_file.append((facts.path, sorted(rows)))
        # Rows are plain tuples in the order of Finding's fields (FINDING_ORDER), hashed and
        # sorted in C; a file's rows all hold its path (and the family), so sorting each file's
        # few rows and the files by their (distinct) paths is the sort of them all. Each Finding
        # is built once, for the places that remain.
        by_file.sort(key=_FIRST)
        return [Finding(*row) for _path, rows in by_file for row in rows]

    def _finding(
        self,
        f: FileFacts,
        line: int,
        kind: str,
        member: MemberRef,
        detail: str,
        canonical: bool | None = None,
    ) -> Row:
        if canonical is None:
            canonical = member in self.canonical_refs
        fix = "" if canonical else self._fix
        return (self.family.name, f.path, line, kind, member.id, canonical, detail, fix, f.module)

    def _file_findings(self, f: FileFacts) -> Iterable[Row]:
        family, path, module = self.family.name, f.path, f.module
        keys, canonical = self.members, self._canonical_keys
        for d in f.definitions:  # _finding, inline: every definition is a member of `["*"]`
            key = (module, d.qualname)
            if key in keys:
                own = key in canonical
                fix = "" if own else self._fix
                yield (
                    family,
                    path,
                    d.line,
                    "definition",
                    f"{module}:{d.qualname}",
                    own,
                    d.kind,
                    fix,
                    module,
                )
        for a in f.assignments:
            target = self.resolve_dotted(f.module, a.value)
            ref = MemberRef(f.module, a.target)
            if target and target[0] == "member" and ref not in self.family.ignore:
                if "." not in a.target:
                    self.lookup(f.module, a.target)  # registers the alias as a member
                detail = f"{a.target} = {a.value} (alias of {target[1]})"
                yield self._finding(f, a.line, "alias", ref, detail, canonical=False)
            elif (f.module, a.target) in self.members and (f.module, a.target) not in self.u.defs:
                detail = f"{a.target} = {a.value} ({_bound_detail(target)})"
                yield self._finding(f, a.line, "alias", ref, detail, canonical=False)
        modules: dict[str, str] = {}  # local name -> module, for `name.Member` references
        for imp in f.name_imports:
            sym = self.lookup(imp.module, imp.name)
            if sym is None and f"{imp.module}.{imp.name}" in self.u.modules:
                sym = ("module", f"{imp.module}.{imp.name}")
            bound_ref = MemberRef(f.module, imp.asname)
            if (
                imp.asname != imp.name
                and imp.scope != "function"
                and (f.module, imp.asname) in self.members
                and (sym is None or sym[0] != "member")
            ):
                detail = (
                    f"from {imp.module} import {imp.name} as {imp.asname} ({_bound_detail(sym)})"
                )
                yield self._finding(f, imp.line, "alias", bound_ref, detail, canonical=False)
                continue
            if sym is not None and sym[0] == "module":
                modules[imp.asname] = sym[1]  # type: ignore[assignment]
                continue
            if sym is None or sym[0] != "member":
                continue
            member: MemberRef = sym[1]  # type: ignore[assignment]
            text = f"from {imp.module} import {imp.name}"
            if imp.asname != imp.name:
                ref = MemberRef(f.module, imp.asname)
                if ref in self.family.ignore:
                    continue
                if imp.scope != "function":
                    self.lookup(
                        f.module, imp.asname
                    )  # registers the module-level alias as a member
                detail = f"{text} as {imp.asname} (alias of {member}; {_SCOPE_DETAIL[imp.scope]})"
                yield self._finding(f, imp.line, "alias", ref, detail, canonical=False)
            elif imp.scope != "function" and (f.is_package or imp.name in (f.all_names or ())):
                how = "in __all__" if imp.name in (f.all_names or ()) else "in the package __init__"
                yield self._finding(f, imp.line, "reexport", member, f"{text} ({how})")
            else:
                yield self._finding(
                    f, imp.line, "import", member, f"{text} ({_SCOPE_DETAIL[imp.scope]})"
                )
        for mimp in f.module_imports:
            if mimp.binding:
                modules.setdefault(mimp.binding, _bound_module(mimp.module, mimp.binding))
        # one place per line, member and spelling: `old.X(), o2.X()` on one line are two places,
        # the uses of one `import pkg.old` (all reported at its line) are one
        seen: set[tuple[int, MemberRef, str]] = set()
        for r in f.references:
            if not self.u.may_reach(r.attr):
                continue
            head = r.base.split(".")[0]
            sym = None
            line, kind, detail = r.line, "reference", f"{r.base}.{r.attr}"
            if head in modules:
                sym = self.resolve_dotted_module(modules[head], r.base.split(".")[1:], r.attr)
                bound = next((m for m in f.module_imports if m.binding == head), None)
                if sym and sym[0] == "member" and bound is not None:
                    line, kind = bound.line, "import"
                    how = (
                        f"importlib.import_module({bound.module!r})"
                        if bound.dynamic
                        else f"import {bound.module}"
                    )
                    detail = f"{how}, then {r.base}.{r.attr} ({_SCOPE_DETAIL[bound.scope]})"
            else:
                sym = self._attr(self.resolve_dotted(f.module, r.base), r.attr)
            if sym and sym[0] == "member" and (line, sym[1], detail) not in seen:  # type: ignore[comparison-overlap]
                seen.add((line, sym[1], detail))  # type: ignore[arg-type]
                yield self._finding(f, line, kind, sym[1], detail)  # type: ignore[arg-type]
        for s in f.dotted_strings:  # "pkg.mod.Name" in settings, import_string, mock.patch...
            sym = self.resolve_path_string(s.path)
            detail = f"{s.path!r} (the dotted path of a member in a string)"
            if sym and sym[0] == "member" and (s.line, sym[1], detail) not in seen:  # type: ignore[comparison-overlap]
                seen.add((s.line, sym[1], detail))  # type: ignore[arg-type]
                yield self._finding(f, s.line, "reference", sym[1], detail)  # type: ignore[arg-type]

    def resolve_path_string(self, text: str) -> Symbol:
        """What `pkg.mod.Name` or `pkg.mod:Name` names: the longest prefix that is a scanned module
        (or the part before the colon), then attributes; None when it names nothing scanned."""
        module, colon, qual = text.partition(":")
        if colon:
            if module not in self.u.modules:
                return None
            *middle, attr = qual.split(".")
            return self.resolve_dotted_module(module, middle, attr)
        parts = text.split(".")
        for i in range(len(parts) - 1, 0, -1):
            head = ".".join(parts[:i])
            if head in self.u.modules:
                return self.resolve_dotted_module(head, parts[i:-1], parts[-1])
        return None

    def resolve_dotted_module(self, module: str, middle: list[str], attr: str) -> Symbol:
        sym: Symbol = ("module", module)
        for part in [*middle, attr]:
            sym = self._attr(sym, part)
        return sym


def _key(ref: MemberRef) -> tuple[str, str]:
    return (ref.module, ref.qualname)


def _bound_detail(target: Symbol) -> str:
    what = "a name outside the scanned tree" if target is None else f"{target[0]} {target[1]}"
    return f"binds the family's name to {what}, which is not a member"


def _bound_module(module: str, binding: str) -> str:
    """What `binding` names after `import module [as binding]`: the top package or the module."""
    top = module.partition(".")[0]
    return top if binding == top else module
