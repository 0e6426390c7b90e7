"""What the commands share: finding the project, its config and the part of it to look at from PATH."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from harness.config import find_pyproject, load_config
from harness.errors import ConfigError, UsageError
from harness.model import Config


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path",
        nargs="?",
        default=None,
        metavar="PATH",
        help="the project (its pyproject.toml is found at or above PATH), or a folder/file inside it "
        "to audit only that part (default: .)",
    )
    add_config(parser)
    parser.add_argument(
        "--no-cache", action="store_true", help="neither read nor write the scan cache"
    )
    parser.add_argument(
        "--no-git",
        action="store_true",
        help="walk the roots and search every file here even inside a git work tree (by default "
        "git lists the files, honouring its ignore rules, and `git grep` finds the candidates)",
    )


def load(args: argparse.Namespace) -> tuple[Config, tuple[str, ...] | None]:
    """The validated config, and the project-relative part to report when PATH narrows (else None)."""
    return _load(args.path, args.config)


def head_start(config: Config, args: argparse.Namespace) -> None:
    """Start git's listing of the config's roots (and `git grep`, for a scan with no cache yet)
    now, before the scan's imports, so git works on the other core meanwhile (see scan.early)."""
    if args.no_git:
        return
    from harness.scan import early

    top = os.fspath(Path(config.root).resolve())
    roots = [os.path.normpath(os.path.join(top, r)) for r in config.roots]
    cache = None if args.no_cache else Path(top) / config.cache_dir / "scan.jsonl"
    grep: tuple[str, ...] = ()
    if cache is None or not cache.is_file():
        from harness.pin.membership import audit_needles

        grep = early.minimal(audit_needles(config.families))
    early.head_start(top, roots, keyed=cache is not None, grep=grep)


def load_project(args: argparse.Namespace) -> Config:
    """The validated config of the project at or above `.` (or `--config`), for commands without PATH."""
    return _load(None, args.config, tree_wins=False)[0]


def add_paths(parser: argparse.ArgumentParser, what: str) -> None:
    """PATH... and `--config` for the commands that move callers (plan, rewrite)."""
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="the project (its pyproject.toml is found at or above PATH, as for `audit`), or files "
        f"and folders inside it to {what} only there; one outside the config's roots (a tests "
        "folder) is scanned for callers too (default: the config's roots)",
    )
    add_config(parser)


def add_config(parser: argparse.ArgumentParser) -> None:
    """`--config`, with the meaning `audit` gives it (for commands that add their own PATH)."""
    parser.add_argument("--config", metavar="PYPROJECT", help=_CONFIG_HELP)


_CONFIG_HELP = (
    "a pyproject.toml holding [tool.ssot-harness] to use instead of the project's own; the "
    "project (what roots, baseline and PATH are relative to) stays the folder of the nearest "
    "pyproject.toml (else git work tree) at or above PATH (default .) when PYPROJECT lies "
    "outside it; a PYPROJECT inside it without PATH is a subproject: its own folder"
)


def load_paths(
    paths: list[str], config_arg: str | None
) -> tuple[Config, tuple[str, ...] | None, tuple[str, ...]]:
    """Like `load`, for commands that move callers (plan, rewrite): several PATHs, all in one
    project, each found as `audit` finds its PATH. Returns the config, the project-relative PATHs
    (None: the whole project) and those of them outside the config's roots (the tests of a project
    whose roots hold only its package), where callers are looked for too."""
    if not paths:  # as for the commands without PATH: a --config's own folder is the project
        config, _ = _project(None, config_arg, tree_wins=False)
        return config, None, ()
    config, first = _project(paths[0], config_arg)
    rels: list[str] = []
    for p in paths:
        other, rel = (config, first) if p is paths[0] else _project(p, config_arg)
        if Path(other.root).resolve() != Path(config.root).resolve():
            raise UsageError(
                f"PATH {p!r} is in another project ({other.root}) than {paths[0]!r} ({config.root}): "
                "run once per project"
            )
        if rel is None:
            return config, None, ()
        rels.append(rel)
    extra = [r for r in rels if not any(_covers(root, r) for root in config.roots)]
    extra = [r for r in extra if not any(_covers(o, r) for o in extra if o != r)]
    return config, tuple(rels), tuple(sorted(set(extra)))


def _load(
    path_arg: str | None, config_arg: str | None, *, tree_wins: bool = True
) -> tuple[Config, tuple[str, ...] | None]:
    config, rel = _project(path_arg, config_arg, tree_wins=tree_wins)
    if rel is None:
        return config, None
    if not any(_covers(r, rel) or _covers(rel, r) for r in config.roots):
        raise UsageError(
            f"PATH {path_arg!r} is not under any of the roots ({', '.join(config.roots)}) of "
            f"[tool.ssot-harness] in {config.source}: nothing there is scanned; add it to roots or "
            "pass a PATH under them"
        )
    return config, (rel,)


def _project(
    path_arg: str | None, config_arg: str | None, *, tree_wins: bool = True
) -> tuple[Config, str | None]:
    """The validated config, and PATH relative to the project (None: no PATH, or the root)."""
    path = Path(path_arg or ".")
    if not path.exists():
        raise UsageError(f"PATH {path_arg!r} does not exist")
    own = find_pyproject(path)
    if config_arg:
        pyproject = Path(config_arg)
        tree = own.parent if own is not None else _work_tree(path)
        outside = tree is not None and not pyproject.resolve().is_relative_to(tree.resolve())
        if tree is not None and outside and (tree_wins or path_arg is not None):
            project: Path | None = tree  # a config kept outside the tree is about the tree
        else:
            # with a PATH, the project is the one PATH lies in (so PATH is never "outside" it);
            # without one, the project is the config's own folder (a subproject's config)
            project = own.parent if own is not None and path_arg is not None else None
        config = load_config(pyproject, root=project)
    elif own is None:
        raise ConfigError(
            f"no pyproject.toml in {path.resolve()} or above it: run inside your project "
            "(where pyproject.toml holds [tool.ssot-harness]) or pass --config PYPROJECT"
        )
    else:
        pyproject = own
        config = load_config(pyproject)
    if not config.families:
        raise ConfigError(
            f"{pyproject}: no families in [tool.ssot-harness.families]; declare one "
            "(`ssot-harness discover` suggests some)"
        )
    if path_arg is None:
        return config, None
    root = Path(config.root).resolve()
    try:
        rel = path.resolve().relative_to(root).as_posix()
    except ValueError:
        raise UsageError(
            f"PATH {path_arg!r} is outside the project {root} (the folder of {own or pyproject})"
        ) from None
    return config, (None if rel == "." else rel)


def _work_tree(path: Path) -> Path | None:
    """The git work tree holding `path` (a tree with no pyproject.toml), or None."""
    start = path.resolve()
    for folder in (start, *start.parents) if start.is_dir() else start.parents:
        if (folder / ".git").exists():
            return folder
    return None


def _covers(folder: str, path: str) -> bool:
    """Whether the project-relative `path` lies at or under `folder`."""
    return folder == "." or path == folder or path.startswith(folder.rstrip("/") + "/")
