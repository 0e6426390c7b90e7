"""What a pytest run of the project's contracts is given so that it leaves the user's tree clean:
hypothesis's storage (its example database and `patches/`), Python's bytecode and pytest's own
cache all go to the project's cache folder (`cache-dir`). `verify` and `step` both use it."""

from __future__ import annotations

from pathlib import Path

from harness.model import Config


def cache_folder(config: Config) -> Path:
    """The project's cache folder, absolute."""
    return (Path(config.root) / config.cache_dir).resolve()


def clean_env(config: Config) -> dict[str, str]:
    """Environment variables that send hypothesis's storage and the bytecode to the cache folder."""
    cache = cache_folder(config)
    return {
        "HYPOTHESIS_STORAGE_DIRECTORY": str(cache / "hypothesis"),
        "PYTHONPYCACHEPREFIX": str(cache / "pycache"),
    }


def clean_options(config: Config) -> list[str]:
    """pytest options that send its own cache (`.pytest_cache`) to the cache folder."""
    return ["-o", f"cache_dir={cache_folder(config) / 'pytest'}"]
