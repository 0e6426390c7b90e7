"""Pure membership: which definitions, aliases, re-exports and import sites of a family the facts hold."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable

from harness.errors import ConfigError
from harness.model import Family, Finding, MemberRef
from harness.scan.facts import Definition, FileFacts

# A resolved symbol: ("member", ref) a family member; ("def", ref) any other definition;
# ("module", name) a module; None when the name leads outside the scanned facts.
Symbol = tuple[str, MemberRef] | tuple[str, str] | None

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
        found.update(ref.qualname.split("."))
        found.add(".".join(ref.module.split(".")[-2:]))
    return found


class Universe:
    """The facts of one scan, indexed for name resolution across modules."""

    def __init__(self, facts: Iterable[FileFacts], modules: Iterable[str] = ()) -> None:
        self.files = {
            f.module: f
            for f in sorted(facts, key=lambda f: (f.path.endswith(".pyi"), f.path))[::-1]
        }
        self.defs: dict[tuple[str, str], tuple[FileFacts, Definition]] = {
            (f.module, d.qualname): (f, d) for f in self.files.values() for d in f.definitions
        }
        self.modules = frozenset(modules) | frozenset(self.files)


class FamilyResolver:
    """Members of one family over a Universe, and every finding that touches them."""

    def __init__(self, family: Family, universe: Universe) -> None:
        self.family = family
        self.u = universe
        self.members = self._rule_members()
        self._memo: dict[tuple[str, str], Symbol] = {}
        self._busy: set[tuple[str, str]] = set()
        self.canonical = family.canonical
        # a canonical or member named at a re-export (`pkg:Thing` for `pkg._impl:Thing`) also
        # stands for the definition it resolves to
        origins = {ref: self._check_exists(ref, "members") for ref in family.members}
        origin = self._check_exists(family.canonical, "canonical")
        self.canonical_refs = {family.canonical, origin}
        grown = {o for o in (*origins.values(), origin) if o not in self.members}
        if grown:
            self.members |= grown
            self._memo.clear()
        for ref in family.ignore:
            if ref not in self.members and (ref.module, ref.qualname) not in self.u.defs:
                raise ConfigError(
                    f"[tool.ssot-harness.families.{family.name}] ignore: {ref} matches no definition in the "
                    "scanned tree; remove it"
                )
        self.members -= set(family.ignore)

    # membership rules -----------------------------------------------------------------------
    def _rule_members(self) -> set[MemberRef]:
        fam = self.family
        found: set[MemberRef] = {fam.canonical, *fam.members}
        bases = {b.rpartition(".")[2] for b in fam.bases}
        for module, qual in self.u.defs:
            own = qual.rpartition(".")[2]
            if any(fnmatch.fnmatchcase(own, p) for p in fam.names):
                found.add(MemberRef(module, qual))
        while bases:  # subclasses of members found through `bases`, transitively
            grown = {
                MemberRef(module, qual)
                for (module, qual), (_f, d) in self.u.defs.items()
                if d.kind == "class" and any(b.rpartition(".")[2] in bases for b in d.bases)
            }
            new = grown - found
            found |= grown
            bases = {m.qualname.rpartition(".")[2] for m in new}
        return found

    def _check_exists(self, ref: MemberRef, key: str) -> MemberRef:
        """The definition `ref` resolves to; a ConfigError naming the key when there is none."""
        where = f"[tool.ssot-harness.families.{self.family.name}] {key}"
        if ref.module not in self.u.files:
            raise ConfigError(
                f"{where}: {ref} does not exist in the tree: no module {ref.module!r} among the scanned files "
                "(check the module path and [tool.ssot-harness] roots)"
            )
        sym = self.resolve_dotted(ref.module, ref.qualname)
        if sym is None or sym[0] == "module":
            raise ConfigError(
                f"{where}: {ref} does not exist in the tree: {ref.module} defines no {ref.qualname!r}"
            )
        return sym[1]  # type: ignore[return-value]  # the definition it resolves to

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
        ref = MemberRef(module, name)
        if (module, name) in self.u.defs:
            return ("member", ref) if ref in self.members else ("def", ref)
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
            return ("member", inner) if inner in self.members else ("def", inner)
        return None

    # findings -------------------------------------------------------------------------------
    def findings(self) -> list[Finding]:
        out: list[Finding] = []
        for facts in self.u.files.values():
            out.extend(self._file_findings(facts))
        return sorted(set(out))

    def _finding(
        self,
        path: str,
        line: int,
        kind: str,
        member: MemberRef,
        detail: str,
        canonical: bool | None = None,
    ) -> Finding:
        if canonical is None:
            canonical = member in self.canonical_refs
        fix = "" if canonical else f"use {self.canonical} instead"
        return Finding(self.family.name, path, line, kind, member.id, canonical, detail, fix)

    def _file_findings(self, f: FileFacts) -> Iterable[Finding]:
        for d in f.definitions:
            ref = MemberRef(f.module, d.qualname)
            if ref in self.members:
                yield self._finding(f.path, d.line, "definition", ref, d.kind)
        for a in f.assignments:
            target = self.resolve_dotted(f.module, a.value)
            ref = MemberRef(f.module, a.target)
            if target and target[0] == "member" and ref not in self.family.ignore:
                if "." not in a.target:
                    self.lookup(f.module, a.target)  # registers the alias as a member
                detail = f"{a.target} = {a.value} (alias of {target[1]})"
                yield self._finding(f.path, a.line, "alias", ref, detail, canonical=False)
        modules: dict[str, str] = {}  # local name -> module, for `name.Member` references
        for imp in f.name_imports:
            sym = self.lookup(imp.module, imp.name)
            if sym is None and f"{imp.module}.{imp.name}" in self.u.modules:
                sym = ("module", f"{imp.module}.{imp.name}")
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
                yield self._finding(f.path, imp.line, "alias", ref, detail, canonical=False)
            elif imp.scope != "function" and (f.is_package or imp.name in (f.all_names or ())):
                how = "in __all__" if imp.name in (f.all_names or ()) else "in the package __init__"
                yield self._finding(f.path, imp.line, "reexport", member, f"{text} ({how})")
            else:
                yield self._finding(
                    f.path, imp.line, "import", member, f"{text} ({_SCOPE_DETAIL[imp.scope]})"
                )
        for mimp in f.module_imports:
            if mimp.binding:
                modules.setdefault(mimp.binding, _bound_module(mimp.module, mimp.binding))
        seen: set[tuple[int, MemberRef]] = set()
        for r in f.references:
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
            if sym and sym[0] == "member" and (line, sym[1]) not in seen:  # type: ignore[comparison-overlap]
                seen.add((line, sym[1]))  # type: ignore[arg-type]
                yield self._finding(f.path, line, kind, sym[1], detail)  # type: ignore[arg-type]

    def resolve_dotted_module(self, module: str, middle: list[str], attr: str) -> Symbol:
        sym: Symbol = ("module", module)
        for part in [*middle, attr]:
            sym = self._attr(sym, part)
        return sym


def _bound_module(module: str, binding: str) -> str:
    """What `binding` names after `import module [as binding]`: the top package or the module."""
    top = module.partition(".")[0]
    return top if binding == top else module
