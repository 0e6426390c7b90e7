"""Which listed files Python can import, and paths relative to the project root."""

from __future__ import annotations

import os


def importable(
    files: list[tuple[str, str]], named: dict[str, tuple[str, bool]]
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """`files` without the modules a package of the same name shadows, and those as (path, reason).

    Python's import system looks for a package (`pkg/mod/__init__.py`) before a module
    (`pkg/mod.py`) in the same folder, so the module file is never imported. `named` maps each
    project-relative path to its (module, is_package).
    """
    packages: dict[str, str] = {}
    for _path, rel in files:
        module, is_package = named[rel]
        if is_package:
            packages.setdefault(module, rel)
    kept, shadowed = [], []
    for path, rel in files:
        module, is_package = named[rel]
        winner = packages.get(module)
        if winner is not None and not is_package:
            shadowed.append(
                (
                    path,
                    f"shadowed: {winner} is the module {module} (a package beats a module of the "
                    "same name), so Python never imports this file",
                )
            )
        else:
            kept.append((path, rel))
    return kept, shadowed


def relative(path: str, base: str) -> str:
    if path == base:
        return "."
    if path.startswith(base + os.sep):
        path = path[len(base) + 1 :]
    return path.replace(os.sep, "/")
