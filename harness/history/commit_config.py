"""The `[tool.ssot-harness]` config as a commit had it, parsed from its pyproject.toml blob."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

from harness.config import parse_config
from harness.errors import ConfigError
from harness.model import Config

_TREE_KEYS = ("roots", "import-roots")  # checked against the working tree by parse_config


def config_at(data: bytes | None, *, where: str, root: Path) -> Config:
    """The validated config in the pyproject bytes `data` (None: no such file at that commit).

    Folders named by `roots` and `import-roots` are not checked against the working tree: at an
    old commit they may not exist yet, and then they simply hold no files. `where` names the
    commit and file in error messages.
    """
    if data is None:
        raise ConfigError(f"{where}: no such file at this commit")
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{where}: not valid TOML: {exc}") from None
    tool = doc.get("tool", {})
    section = tool.get("ssot-harness") if isinstance(tool, dict) else None
    if not isinstance(section, dict) or not section.get("families"):
        raise ConfigError(f"{where}: no families in [tool.ssot-harness.families] at this commit")
    rest = {k: v for k, v in section.items() if k not in _TREE_KEYS}
    config = parse_config(rest, root=root, source=where)
    tree = {}
    for key in _TREE_KEYS:
        if key in section:
            value = section[key]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where}: [tool.ssot-harness] {key}: expected a list of strings")
            tree[key] = tuple(value)
    return dataclasses.replace(
        config,
        roots=tree.get("roots") or (".",),
        import_roots=tuple(
            f.strip("/")
            for f in tree.get("import-roots", ("src",))
            if f.strip("/") not in ("", ".")
        ),
    )
