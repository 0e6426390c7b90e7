"""Loads and validates `[tool.ssot-harness]` from pyproject.toml; every error names the key."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from harness.errors import ConfigError
from harness.model import STAGES, Config, Family, MemberRef, Shim

DEFAULT_EXCLUDE: tuple[str, ...] = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "env",
    ".tox",
    ".nox",
    "node_modules",
    "build",
    "dist",
    "__pycache__",
    "*.egg-info",
    "site-packages",
    "vendor",
    "_vendor",
    "third_party",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".ssot-cache",
)


@dataclass(frozen=True)
class Key:
    """One documented key of `[tool.ssot-harness]` (or of a family table): the validator and the
    configuration reference (docs/configuration.md) are both made from these."""

    name: str
    type: str  # "string", "list of strings", "table"
    default: str  # as shown in the reference
    doc: str


TOP_KEYS: tuple[Key, ...] = (
    Key(
        "roots",
        "list of strings",
        '["."]',
        "folders scanned by the static audit, relative to the project root",
    ),
    Key(
        "import-roots",
        "list of strings",
        '["src"]',
        "folders on sys.path: module names start below them (`src/pkg/mod.py` is `pkg.mod`)",
    ),
    Key(
        "exclude",
        "list of strings",
        "[]",
        "extra folder/file name patterns the scanner skips (VCS, venvs, build output, caches are always skipped)",
    ),
    Key("baseline", "string", '".ssot-baseline.json"', "the ratchet baseline file (commit it)"),
    Key(
        "cache-dir", "string", '".ssot-cache"', "the scanner's content-keyed cache (git-ignore it)"
    ),
    Key(
        "target",
        "string or table",
        "none",
        "the service under characterization: `module:object`, or a `[tool.ssot-harness.target]` table (below); the `ssot_target` fixture (option `--ssot-target`)",
    ),
    Key(
        "scenarios",
        "string",
        '"scenarios"',
        "folder of golden-path scenario files; parametrizes `ssot_scenario` (option `--ssot-scenarios`)",
    ),
    Key(
        "snapshots",
        "string",
        '"snapshots"',
        "folder of characterization snapshots written by `ssot_transcript_snapshot`",
    ),
    Key(
        "reports",
        "string",
        '"reports"',
        "where `verify` writes the equivalence matrix; a plain pytest run writes it only with `--ssot-reports DIR`",
    ),
    Key(
        "hypothesis-profile",
        "string",
        '"ssot-dev" ("ssot-ci" when $CI is set)',
        "hypothesis profile of the contract and differential tests: ssot-dev, ssot-ci, ssot-nightly or one you register (option `--ssot-hypothesis-profile`)",
    ),
    Key(
        "verify-paths",
        "list of strings",
        "[] (pytest's `testpaths`)",
        "files and folders where `verify` collects its golden-path, contract and ssot tests; a large test suite is then not imported just to be deselected",
    ),
    Key("families", "table", "{}", "one `[tool.ssot-harness.families.NAME]` table per family"),
)
FAMILY_KEYS: tuple[Key, ...] = (
    Key("canonical", "string", "required", "the member that survives, `package.module:QualName`"),
    Key(
        "stage",
        "string",
        '"prove"',
        "`prove` (members may exist, counts may only go down) or `pinned` (only the canonical)",
    ),
    Key(
        "names",
        "list of strings",
        "[]",
        "name patterns (`*` `?` `[...]`) of definitions that are members",
    ),
    Key("bases", "list of strings", "[]", "base class names whose subclasses are members"),
    Key("members", "list of strings", "[]", "extra members, `module:QualName`"),
    Key(
        "ignore",
        "list of strings",
        "[]",
        "definitions matched by the rules that are not members, `module:QualName`",
    ),
    Key(
        "adapters",
        "string",
        "none",
        "dotted package holding one adapter per member and the contract tests",
    ),
    Key(
        "divergences",
        "string",
        "`divergences.toml` in the adapters package",
        "accepted divergences file, relative to the project root (option `--ssot-divergences`)",
    ),
    Key("description", "string", '""', "one line shown in reports"),
    Key(
        "shims",
        "array of tables",
        "[]",
        "members kept on purpose until a date: `[[...families.NAME.shims]]` with `member`, `reason`, `expires` (a date), optional `callers` (modules allowed to use it)",
    ),
    Key(
        "product",
        "string",
        "none",
        "`module:QualName` of what the members build (e.g. the engine); once the family is `pinned`, every one built in a golden-path or contract test must come through the canonical (the run-time pin)",
    ),
)
# `[tool.ssot-harness.target]`: the service's wire protocol (docs/describing-your-service.md).
# Pointers are JSON pointers (RFC 6901) into a JSON document; paths start with '/'.
TARGET_KEYS: tuple[Key, ...] = (
    Key(
        "object",
        "string",
        "none",
        "`module:object` giving the Python hooks (create_user, build_app, serve_argv, read_rows, settled, LLM stub) and overriding any piece below",
    ),
    Key("socket", "string", "required", "path of the WebSocket"),
    Key("health", "string", "required", "path answering 200 once the service is up"),
    Key(
        "password",
        "string",
        "none (recording needs it)",
        "password of each scenario user, a template with `{user}` (`users.USER.password` wins)",
    ),
    Key(
        "username",
        "string",
        '"{user}"',
        "login name of each scenario user, a template with `{user}`, e.g. `{user}@example.com` (`users.USER.username` wins)",
    ),
    Key(
        "users.USER",
        "table",
        "none",
        "one scenario user's login: `username` and/or `password` (e.g. a service's built-in users)",
    ),
    Key("login.path", "string", "required", "path of the login request (POST)"),
    Key("login.encoding", "string", '"json"', "`json` body or `form` post"),
    Key("login.username", "string", "required", "field name of the username in the login request"),
    Key("login.password", "string", "required", "field name of the password in the login request"),
    Key("login.token", "string", "required", "pointer of the token in the login answer"),
    Key(
        "token.via",
        "string",
        "required",
        "how the socket carries the token: `header`, `query`, `subprotocol` or `cookie`",
    ),
    Key(
        "token.name",
        "string",
        "required except for subprotocol",
        "header, query parameter or cookie name",
    ),
    Key(
        "token.format",
        "string or list of strings",
        '"{token}"',
        'the value sent, e.g. `Bearer {token}`; for a subprotocol, a list of templates offered in order, e.g. `["jwt-auth", "jwt.{token}"]`',
    ),
    Key("message.template", "table", "required", "fixed fields of a user-message frame"),
    Key("message.content", "string", "required", "pointer where the message text goes"),
    Key(
        "message.thread",
        "string",
        "none",
        "pointer where the thread id goes for a follow-up (`thread: previous`)",
    ),
    Key("events.type", "string", "required", "pointer of an event's type"),
    Key("events.terminal", "list of strings", "required", "event types that end a run"),
    Key("events.run", "string", "none", "pointer of the run id"),
    Key("events.thread", "string", "none", "pointer of the thread (conversation) id"),
    Key("events.agent", "string", "none", "pointer of the agent name"),
    Key("events.timestamp", "string", "none", "pointer of the timestamp"),
    Key("events.payload", "string", "none", "pointer of the payload shown in transcripts"),
    Key(
        "events.types",
        "list of strings",
        "none",
        "every known event type (staging smoke flags others)",
    ),
    Key("events.started", "list of strings", "none", "types a run's first event may have"),
    Key("events.completed", "list of strings", "none", "terminal types of a successful run"),
    Key(
        "events.response",
        "string",
        "none",
        "pointer of the (non-empty) answer in a completed event",
    ),
    Key("events.tool-started", "list of strings", "none", "types opening a tool call"),
    Key("events.tool-finished", "list of strings", "none", "types closing a tool call"),
    Key("events.tool-call", "string", "none", "pointer of the tool call id in tool events"),
    Key(
        "events.order",
        "string",
        "none",
        "pointer of a number that must increase strictly within a run (e.g. `/meta/seq`); a run out of order fails its scenario and staging smoke",
    ),
    Key(
        "events.ignore",
        "list of strings",
        "[]",
        "fields left out of transcripts: JSON pointers (`/meta/debug`) or shell patterns over pointers (`*/debug`, `*` spans levels); every other field is shown",
    ),
    Key(
        "volatile.KIND",
        "list of strings or table",
        "none",
        "fields (at any depth) whose values become `<KIND:n>`; a table takes `keys`, `identity` (false: every value is `<KIND>`), `required` (a scenario must show one)",
    ),
    Key(
        "llm.path",
        "string",
        "none (no LLM)",
        "path the service posts LLM requests to (stubbed in process at the httpx transport)",
    ),
    Key(
        "llm.requests",
        "string",
        "required with llm",
        "path where the live fake LLM lists the requests it received",
    ),
    Key(
        "staging.messages",
        "list of strings",
        '["hello"]',
        "what the ready staging smoke test sends, one run each",
    ),
    Key(
        "staging.tool-message",
        "string",
        "none",
        "a message whose staging run must open and close a tool call (needs `events.tool-started`/`tool-finished`)",
    ),
)
_TOP_KEYS = {k.name for k in TOP_KEYS}
_FAMILY_KEYS = {k.name for k in FAMILY_KEYS}
_SHIM_KEYS = {"member", "reason", "expires", "callers"}
_SECTION = "[tool.ssot-harness]"


def reference_markdown() -> str:
    """The configuration reference, made from the keys the validator accepts."""
    lines = ["| key | type | default | meaning |", "| --- | --- | --- | --- |"]
    lines += [f"| `{k.name}` | {k.type} | {k.default} | {k.doc} |" for k in TOP_KEYS]
    lines += ["", "Per family (`[tool.ssot-harness.families.NAME]`):", ""]
    lines += ["| key | type | default | meaning |", "| --- | --- | --- | --- |"]
    lines += [f"| `{k.name}` | {k.type} | {k.default} | {k.doc} |" for k in FAMILY_KEYS]
    lines += [
        "",
        "The service (`[tool.ssot-harness.target]`; see docs/describing-your-service.md):",
        "",
    ]
    return "\n".join(lines) + "\n" + target_reference_markdown()


def target_reference_markdown() -> str:
    """The `[tool.ssot-harness.target]` reference table, made from the keys the validator accepts."""
    lines = ["| key | type | default | meaning |", "| --- | --- | --- | --- |"]
    lines += [f"| `{k.name}` | {k.type} | {k.default} | {k.doc} |" for k in TARGET_KEYS]
    return "\n".join(lines) + "\n"


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above `start`."""
    start = start.resolve()
    for folder in (start, *start.parents) if start.is_dir() else start.parents:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def read_section(pyproject: Path) -> dict[str, Any] | None:
    """`[tool.ssot-harness]` of `pyproject` as plain data, or None when the file has no such section."""
    try:
        raw = pyproject.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{pyproject}: no such file") from None
    except IsADirectoryError:
        raise ConfigError(
            f"{pyproject}: is a directory; name the pyproject.toml file itself"
        ) from None
    except OSError as exc:
        raise ConfigError(f"{pyproject}: cannot read: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{pyproject}: not UTF-8 (byte {exc.start}); TOML files must be UTF-8"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{pyproject}: not valid TOML: {exc}") from None
    tool = data.get("tool", {})
    return tool.get("ssot-harness") if isinstance(tool, dict) else None


def load_config(pyproject: Path, *, root: Path | None = None) -> Config:
    """Read `[tool.ssot-harness]` of `pyproject`; a missing section gives an empty config.

    Paths in it are relative to `root`, the project (default: the folder of `pyproject`).
    """
    section = read_section(pyproject)
    return parse_config(
        section or {}, root=pyproject.parent if root is None else root, source=str(pyproject)
    )


def load_project_config(pyproject: Path) -> Config | None:
    """The project's config, or None when `pyproject` is absent or has no `[tool.ssot-harness]`:
    such a project did not ask for the harness, and the pytest plugin stays inert there."""
    if not pyproject.is_file():
        return None
    section = read_section(pyproject)
    if section is None:
        return None
    return parse_config(section, root=pyproject.parent, source=str(pyproject))


def parse_config(section: dict[str, Any], *, root: Path, source: str = "pyproject.toml") -> Config:
    where = f"{source}: {_SECTION}"
    if not isinstance(section, dict):
        raise ConfigError(f"{where} must be a table")
    _no_unknown(section, _TOP_KEYS, where)
    roots = []
    for given in _str_list(section, "roots", where) or (".",):
        r = _inside(given, root, f"{where} roots", "a folder or file of the project")
        if not (root / r).exists():
            raise ConfigError(f"{where} roots: {given!r} does not exist under {root.name or root}")
        roots.append(r)
    families_raw = section.get("families", {})
    if not isinstance(families_raw, dict):
        raise ConfigError(
            f"{where} families must be a table of tables, e.g. [tool.ssot-harness.families.my-family]"
        )
    families = tuple(
        _parse_family(name, body, f"{source}: [tool.ssot-harness.families.{name}]")
        for name, body in families_raw.items()
    )
    return Config(
        root=str(root),
        roots=tuple(dict.fromkeys(roots)),
        exclude=_str_list(section, "exclude", where),
        baseline=_str(section, "baseline", where, ".ssot-baseline.json"),
        cache_dir=_str(section, "cache-dir", where, ".ssot-cache"),
        import_roots=_import_roots(section, root, where),
        families=families,
        target=_target(section, where),
        target_declared=_target_declared(section, f"{source}: [tool.ssot-harness.target]"),
        scenarios=_str(section, "scenarios", where, "scenarios"),
        snapshots=_str(section, "snapshots", where, "snapshots"),
        reports=_str(section, "reports", where, "reports"),
        hypothesis_profile=_optional_str(section, "hypothesis-profile", where),
        verify_paths=_verify_paths(section, root, where),
        source=source,
    )


def _target(section: dict[str, Any], where: str) -> str | None:
    """The object spec: `target = "module:object"`, or the `object` key of the target table."""
    value = section.get("target")
    if isinstance(value, dict):
        section, where = value, f"{where}.target"
        target = _optional_str(section, "object", where)
    else:
        target = _optional_str(section, "target", where)
    if target is not None and not re.fullmatch(r"[A-Za-z_][\w.]*:[A-Za-z_][\w.]*", target):
        raise ConfigError(f"{where} target: {target!r} must be 'package.module:object'")
    return target


def _target_declared(section: dict[str, Any], where: str) -> dict[str, Any] | None:
    """The `[tool.ssot-harness.target]` table, its keys checked against TARGET_KEYS (the values'
    shapes are checked by the characterize wing when it builds the target description)."""
    table = section.get("target")
    if not isinstance(table, dict):
        return None
    allowed: dict[str, set[str]] = {"": set()}
    for key in TARGET_KEYS:
        head, _, tail = key.name.partition(".")
        if tail and tail not in ("KIND", "USER"):
            allowed.setdefault(head, set()).add(tail)
        allowed[""].add(head)
    _no_unknown(table, allowed[""], where)
    for head, keys in allowed.items():
        if head and head not in ("volatile", "users") and head in table:
            if not isinstance(table[head], dict):
                raise ConfigError(
                    f"{where} {head}: expected a table ([tool.ssot-harness.target.{head}])"
                )
            _no_unknown(table[head], keys, f"{where} {head}")
    return table


def _optional_str(table: dict[str, Any], key: str, where: str) -> str | None:
    if key not in table:
        return None
    return _str(table, key, where, "")


def _verify_paths(section: dict[str, Any], root: Path, where: str) -> tuple[str, ...]:
    paths = []
    for given in _str_list(section, "verify-paths", where):
        path = _inside(given, root, f"{where} verify-paths", "a test file or folder")
        if not (root / path).exists():
            raise ConfigError(
                f"{where} verify-paths: {given!r} does not exist under {root.name or root}"
            )
        paths.append(path)
    return tuple(dict.fromkeys(paths))


def _import_roots(section: dict[str, Any], root: Path, where: str) -> tuple[str, ...]:
    """`import-roots`: folders on sys.path, relative to the project root (default: `src`)."""
    if "import-roots" not in section:
        return ("src",)
    folders = _str_list(section, "import-roots", where)
    out = []
    for given in folders:
        folder = _inside(given, root, f"{where} import-roots", "a folder on sys.path")
        if not (root / folder).is_dir():
            raise ConfigError(
                f"{where} import-roots: {given!r} is not a folder under {root.name or root}"
            )
        if folder != ".":
            out.append(folder)
    return tuple(out)


def _inside(given: str, root: Path, where: str, what: str) -> str:
    """`given` (relative to `root`, or absolute) as a normalized posix path inside the project.

    Module names and report paths are derived from paths relative to the project root (the folder
    of the pyproject.toml), so a path outside it cannot be audited from this config.
    """
    base = os.path.abspath(root)
    full = os.path.normpath(os.path.join(base, given))
    rel = os.path.relpath(full, base)
    if rel == ".." or rel.startswith(".." + os.sep):
        raise ConfigError(
            f"{where}: {given!r} is outside the project ({base}); {what} must lie under the folder "
            "of the pyproject.toml that holds this config, because module names and report paths "
            "are derived from it. Put [tool.ssot-harness] in the pyproject.toml at the top of the "
            "audited tree (or pass --config with that file)"
        )
    return rel.replace(os.sep, "/")


def _parse_family(name: str, body: Any, where: str) -> Family:
    if not isinstance(body, dict):
        raise ConfigError(f"{where} must be a table")
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name):
        raise ConfigError(
            f"{where}: family name {name!r} must be lowercase letters, digits, '-' or '_'"
        )
    _no_unknown(body, _FAMILY_KEYS, where)
    if "canonical" not in body:
        raise ConfigError(
            f"{where}: missing key 'canonical' (the member that survives, 'package.module:QualName')"
        )
    stage = _str(body, "stage", where, "prove")
    if stage not in STAGES:
        raise ConfigError(f"{where} stage: {stage!r} is not one of {', '.join(STAGES)}")
    names = _str_list(body, "names", where)
    for pattern in names:
        _check_pattern(pattern, f"{where} names")
    adapters = body.get("adapters")
    if adapters is not None and (
        not isinstance(adapters, str) or not re.fullmatch(r"[\w.]+", adapters)
    ):
        raise ConfigError(
            f"{where} adapters: {adapters!r} must be a dotted package name, e.g. 'contracts.my_family'"
        )
    return Family(
        name=name,
        canonical=_member(body["canonical"], f"{where} canonical"),
        stage=stage,  # type: ignore[arg-type]
        names=names,
        bases=_str_list(body, "bases", where),
        members=tuple(_member(m, f"{where} members") for m in _str_list(body, "members", where)),
        ignore=tuple(_member(m, f"{where} ignore") for m in _str_list(body, "ignore", where)),
        adapters=adapters,
        description=_str(body, "description", where, ""),
        divergences=_optional_str(body, "divergences", where),
        shims=_shims(body.get("shims", []), where),
        product=_member(body["product"], f"{where} product")
        if body.get("product") is not None
        else None,
    )


def _shims(raw: Any, where: str) -> tuple[Shim, ...]:
    """`[[...families.NAME.shims]]`: member, reason, expires (a date), optional callers (modules)."""
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        raise ConfigError(
            f"{where} shims: expected an array of tables, e.g. [[tool.ssot-harness.families.NAME.shims]]"
        )
    out = []
    for number, table in enumerate(raw, 1):
        at = f"{where} shims #{number}"
        _no_unknown(table, _SHIM_KEYS, at)
        for key in ("member", "reason", "expires"):
            if key not in table:
                raise ConfigError(
                    f"{at}: missing key {key!r} (a shim needs member = 'pkg.mod:Name', a reason, "
                    "and expires = YYYY-MM-DD)"
                )
        member = _member(table["member"], f"{at} member")
        reason = _str(table, "reason", at, "").strip()
        if not reason:
            raise ConfigError(f"{at} reason: say why the shim is kept (e.g. 'plugins import it')")
        expires = table["expires"]
        if isinstance(expires, str):
            try:
                expires = date.fromisoformat(expires)
            except ValueError:
                expires = None
        if not isinstance(expires, date) or isinstance(expires, datetime):
            raise ConfigError(
                f"{at} expires: {table['expires']!r} is not a date; write expires = 2026-12-31"
            )
        callers = _str_list(table, "callers", at)
        for caller in callers:
            if not re.fullmatch(r"[\w.]+", caller):
                raise ConfigError(f"{at} callers: {caller!r} is not a dotted module name")
        out.append(Shim(member, reason, expires, tuple(sorted(set(callers)))))
    members = [s.member for s in out]
    for m in members:
        if members.count(m) > 1:
            raise ConfigError(f"{where} shims: {m} is declared twice; keep one declaration")
    return tuple(out)


# A name pattern: identifier characters and `*`, `?`, and closed, non-empty `[...]`/`[!...]` sets.
_PATTERN = re.compile(r"(?:[\w*?]|\[!?[\w-]+\])+")


def _check_pattern(pattern: str, where: str) -> None:
    if not _PATTERN.fullmatch(pattern):
        hint = ""
        if pattern.count("[") != pattern.count("]"):
            hint = " (an unclosed '[': fnmatch would read it as a literal and match no name)"
        elif "[]" in pattern or "[!]" in pattern:
            hint = " (an empty [...] set matches nothing)"
        raise ConfigError(
            f"{where}: {pattern!r} is not a name pattern{hint}; use letters, digits, _, and the "
            "wildcards * ? [abc] [!abc] [a-z], e.g. '*EngineFactory'"
        )


def _member(value: Any, where: str) -> MemberRef:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: {value!r} must be a string 'package.module:QualName'")
    try:
        return MemberRef.parse(value)
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _no_unknown(table: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        hint = ", ".join(sorted(allowed))
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} (allowed: {hint})")


def _str(table: dict[str, Any], key: str, where: str, default: str) -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        raise ConfigError(f"{where} {key}: expected a string, got {type(value).__name__} {value!r}")
    return value


def _str_list(table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} {key}: expected a list of strings")
    return tuple(value)
