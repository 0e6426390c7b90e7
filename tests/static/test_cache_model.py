"""The warm scan cache gives the cold answer after any sequence of changes a git work tree sees.

A hypothesis state machine drives a small real git repository (the shop fixture) through random
steps: files edited (members, aliases, import sites, re-exports, star imports, syntax errors, bytes
that are not UTF-8), edited in place with the same size and the mtime put back, touched, deleted,
created untracked, made symlinks; `git add`, `commit`, `checkout` of an earlier commit and back,
`stash`, `rm --cached`, `.gitignore` entries, `update-index --assume-unchanged`/`--skip-worktree`;
the config's families changed, the cache files corrupted, truncated or replaced by an older copy
(as a slower concurrent run would leave them), `--no-git` switched on and off, the audit narrowed
to a folder. After every step the warm audit (the cache kept from the steps before) must give the
same reports (text and JSON), the same exit code and the same `baseline --update` as a cold walk
(`--no-git`, a fresh cache) and a cold git scan (a fresh cache) of the same tree. Files git
ignores are left out of the walk's answer by an `exclude` (the one designed difference), and so
is a change git's own stat check cannot see (see `git_blind`: the step writes again then).

Everything runs in this process (`harness.cli.main`), real git underneath, about 20 steps a second
(five audits each). The number of examples is fixed and derandomized for `./ssot test`
(SSOT_CACHE_EXAMPLES, default EXAMPLES, of up to STEPS steps); a nightly run explores new
sequences: `SSOT_CACHE_EXAMPLES=500 ./ssot test tests/static/test_cache_model.py`. A failure prints
the shortest sequence of steps found, as code (SSOT_CACHE_NOSHRINK=1: the first one found, at once).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from harness.cli import main
from harness.scan import early, index
from tests.static.conftest import FIXTURES
from tests.static.test_git_scan import _ENV

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

EXAMPLES = int(os.environ.get("SSOT_CACHE_EXAMPLES", "25"))
STEPS = int(os.environ.get("SSOT_CACHE_STEPS", "15"))

# what a file is made of: lines of code the two families care about, and some they do not
SNIPPETS: tuple[bytes, ...] = (
    b"class AEngineFactory:\n    pass\n",
    b"class BEngineFactory:\n    def create(self):\n        return 1\n",
    b"from shop.engines.factory import EngineFactory\n",
    b"from shop.engines.factory import EngineFactory as Maker\n",
    b"from shop.engines.factory import EngineFactory\nMaker = EngineFactory\n",
    b"from shop.x import Maker\n",
    b"from shop.x import *\n",
    b"from shop.engines.factory import EngineFactory\n__all__ = ['EngineFactory']\n",
    b"def get_fast_engine_factory():\n    return None\n",
    b"from shop.notify import BaseNotifier\nclass Loud(BaseNotifier):\n    pass\n",
    b"from shop.x import Maker as Other\nclass Sub(Other):\n    pass\n",
    b"import shop.engines.factory\nF = shop.engines.factory.EngineFactory\n",
    b"def broken(:\n    Maker\n",
    b"s = '\xff\xfe Maker'\n",
    b"x = 1  # Maker EngineFactory, in a comment\n",
    b"try:\n    from shop.y import Maker\nexcept ImportError:\n    Maker = None\n",
    b"from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from shop.x import Maker\n",
    b"def f():\n    from shop.legacy.sender import send_events\n    return send_events\n",
    b"",
)
# the files the steps touch: two of the fixture's (tracked), some new (untracked until added)
PATHS = (
    "src/shop/app.py",
    "src/shop/compat.py",
    "src/shop/x.py",
    "src/shop/y.py",
    "tools/w.py",
    "src/shop/x.pyi",
)
_HEAD = """\
[tool.ssot-harness]
roots = ["src", "tools"]
exclude = [{exclude}]
{cache}
"""
# the families' tables, from which a step picks; the first is the fixture's
FAMILIES = (
    """
[tool.ssot-harness.families.engine-factory]
canonical = "shop.engines.factory:EngineFactory"
names = ["*EngineFactory", "get_*engine_factory", "build_for_user"]

[tool.ssot-harness.families.notifier]
canonical = "shop.notify:Notifier"
bases = ["BaseNotifier"]
members = ["shop.legacy.sender:send_events"]
ignore = ["shop.notify:BaseNotifier"]
stage = "pinned"
""",
    """
[tool.ssot-harness.families.engine-factory]
canonical = "shop.engines.factory:EngineFactory"
names = ["*EngineFactory", "Maker*"]
""",
    """
[tool.ssot-harness.families.engine-factory]
canonical = "shop.engines.factory:EngineFactory"
names = ["*Factory"]

[tool.ssot-harness.families.notifier]
canonical = "shop.notify:Notifier"
bases = ["BaseNotifier", "LoudNotifier"]
""",
    """
[tool.ssot-harness.families.notifier]
canonical = "shop.notify:Notifier"
names = ["*Notifier", "Loud"]
members = ["shop.legacy.sender:send_events"]
""",
    """
[tool.ssot-harness.families.engine-factory]
canonical = "shop.engines.factory:EngineFactory"
names = ["*EngineFactory"]
stage = "pinned"

[tool.ssot-harness.families.sender]
canonical = "shop.legacy.sender:send_events"
names = ["send_*"]
""",
    # the next two differ in `bases` only (the same needles: the same scan)
    """
[tool.ssot-harness.families.notifier]
canonical = "shop.notify:Notifier"
names = ["*Notifier"]
bases = ["BaseNotifier"]
""",
    """
[tool.ssot-harness.families.notifier]
canonical = "shop.notify:Notifier"
names = ["*Notifier"]
""",
)
_WARNING = "ssot-harness: warning: "


def run(*args: str | Path) -> tuple[int, str, str]:
    """`ssot-harness ARGS` in this process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([os.fspath(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def git(tree: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """git in `tree`, allowed to refuse (a checkout over local changes, a stash with none)."""
    return subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *args],
        cwd=tree,
        env={**os.environ, **_ENV},
        capture_output=True,
        check=False,
    )


def contents() -> st.SearchStrategy[bytes]:
    return st.lists(st.sampled_from(SNIPPETS), max_size=3).map(b"".join)


class CacheModel(RuleBasedStateMachine):
    """One work tree and its cache; the cold answers are the model."""

    def __init__(self) -> None:
        super().__init__()
        self.scratch = Path(tempfile.mkdtemp(prefix="ssot-cache-model-"))
        self.no_git = False
        self.scope = ""  # the audit narrowed to this folder ("": the whole project)
        self.damaged: dict[str, bytes | None] = {}  # cache file -> its damaged bytes (None: gone)
        self.saved: dict[str, bytes] = {}  # the cache files as an earlier step left them

    def teardown(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)

    @initialize()
    def start(self) -> None:
        self.tree = self.scratch / "shop"
        shutil.copytree(FIXTURES / "shop", self.tree)
        (self.tree / ".gitignore").write_text(".ssot-cache/\n.ssot-baseline.json\n")
        git(self.tree, "init", "-q")
        git(self.tree, "add", "-A")
        git(self.tree, "commit", "-q", "-m", "shop")
        run("baseline", self.tree, "--update", "--allow-increase", "--no-git", "--no-cache")

    # the work tree ------------------------------------------------------------------------------
    @rule(path=st.sampled_from(PATHS), data=contents())
    def write(self, path: str, data: bytes) -> None:
        target = self.tree / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    @rule(path=st.sampled_from(PATHS), data=st.sampled_from(SNIPPETS))
    def append(self, path: str, data: bytes) -> None:
        target = self.tree / path
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "ab") as fh:
            fh.write(data)

    @rule(path=st.sampled_from(PATHS), data=contents())
    def write_keeping_size_and_mtime(self, path: str, data: bytes) -> None:
        """In place (same inode), padded or cut to the old size, the mtime put back."""
        target = self.tree / path
        if not target.is_file() or target.is_symlink():
            return  # (through a link: its target's index entry is the one to watch)
        before = target.stat()
        data = data[: before.st_size].ljust(before.st_size, b"#")
        with open(target, "r+b") as fh:
            fh.write(data)
        os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
        if self.git_blind(path):  # see git_blind: the same write in the next second
            time.sleep(1 - time.time() % 1 + 0.01)
            with open(target, "r+b") as fh:
                fh.write(data)
            os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
            assert not self.git_blind(path)

    @rule(pick=st.integers(0, len(PATHS) - 1), data=contents())
    def rewrite_a_loose_file_keeping_size_and_mtime(self, pick: int, data: bytes) -> None:
        """The same, to a file whose stat the cache keeps (untracked, or changed since the index:
        git does not vouch for its bytes), when there is one."""
        loose = [p for p in PATHS if (self.tree / p).is_file() and self.loose(p)]
        if loose:
            self.write_keeping_size_and_mtime(loose[pick % len(loose)], data)

    @rule(path=st.sampled_from(PATHS))
    def touch(self, path: str) -> None:
        target = self.tree / path
        if target.is_file():
            os.utime(target)

    @rule(path=st.sampled_from(PATHS))
    def delete(self, path: str) -> None:
        (self.tree / path).unlink(missing_ok=True)

    @rule(path=st.sampled_from(PATHS), to=st.sampled_from(PATHS))
    def link(self, path: str, to: str) -> None:
        """`path` made a symlink to `to` (the scan then walks: git does not list links the way
        the walk reads them), unless that makes a chain or a loop of links."""
        link = self.tree / path
        if to == path or (self.tree / to).is_symlink() or any(
            (self.tree / p).is_symlink() and (self.tree / p).resolve() == link.absolute()
            for p in PATHS
        ):
            return
        if link.is_symlink() or link.is_file():
            link.unlink()
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(os.path.relpath(self.tree / to, link.parent))

    # git ------------------------------------------------------------------------------------------
    @rule(path=st.sampled_from((*PATHS, "-A")))
    def add(self, path: str) -> None:
        git(self.tree, "add", "--", path) if path != "-A" else git(self.tree, "add", "-A")

    @rule()
    def commit(self) -> None:
        git(self.tree, "commit", "-q", "--no-verify", "-m", "step")

    @rule(back=st.integers(1, 3))
    def checkout_earlier(self, back: int) -> None:
        git(self.tree, "checkout", "-q", f"HEAD~{back}")

    @rule(force=st.booleans())
    def checkout_main(self, force: bool) -> None:
        git(self.tree, "checkout", "-q", *(("-f",) if force else ()), "main")

    @rule(untracked=st.booleans())
    def stash(self, untracked: bool) -> None:
        git(self.tree, "stash", "-q", *(("-u",) if untracked else ()))

    @rule()
    def stash_pop(self) -> None:
        git(self.tree, "stash", "pop", "-q")

    @rule(path=st.sampled_from(PATHS))
    def rm_cached(self, path: str) -> None:
        git(self.tree, "rm", "-q", "--cached", "--", path)

    @rule(path=st.sampled_from(PATHS), flag=st.sampled_from(
        ["--assume-unchanged", "--no-assume-unchanged", "--skip-worktree", "--no-skip-worktree"]
    ))  # fmt: skip
    def update_index(self, path: str, flag: str) -> None:
        git(self.tree, "update-index", flag, "--", path)

    @rule(pattern=st.sampled_from(["/src/shop/y.py", "x.py", "/tools/", "*.pyi", "!x.py"]))
    def ignore(self, pattern: str) -> None:
        with open(self.tree / ".gitignore", "a") as fh:
            fh.write(pattern + "\n")

    # the config, the cache, the options -----------------------------------------------------------
    @rule(families=st.sampled_from(range(len(FAMILIES))))
    def configure(self, families: int) -> None:
        (self.tree / "pyproject.toml").write_text(self.config(families=FAMILIES[families]))

    @rule(
        name=st.sampled_from(["scan.jsonl", "findings.json"]),
        how=st.sampled_from(["truncate", "garbage", "flip", "delete", "racy", "line"]),
        where=st.floats(0, 1),
    )
    def damage_cache(self, name: str, how: str, where: float) -> None:
        target = self.tree / ".ssot-cache" / name
        if not target.is_file():
            return
        raw = target.read_bytes()
        at = int(len(raw) * where)
        if how == "truncate":
            target.write_bytes(raw[:at])
        elif how == "garbage":
            target.write_bytes(raw[:at] + b"\x00{]not json\n" + raw[at:])
        elif how == "flip" and raw:
            at = min(at, len(raw) - 1)
            target.write_bytes(raw[:at] + bytes([raw[at] ^ 0x01]) + raw[at + 1 :])
        elif how == "delete":
            target.unlink()
        elif how == "racy":  # as if written before every file's last change
            os.utime(target, ns=(0, 0))
        elif how == "line":
            lines = raw.split(b"\n")
            lines[int(where * (len(lines) - 1))] = b'{"files": []}'
            target.write_bytes(b"\n".join(lines))
        self.damaged[name] = target.read_bytes() if target.exists() else None

    @rule()
    def keep_cache(self) -> None:
        folder = self.tree / ".ssot-cache"
        self.saved = {p.name: p.read_bytes() for p in folder.glob("*") if p.is_file()}

    @rule()
    def restore_older_cache(self) -> None:
        """What a concurrent run that started before the last steps leaves when it ends last."""
        for name, raw in self.saved.items():
            (self.tree / ".ssot-cache" / name).write_bytes(raw)

    @rule(no_git=st.booleans())
    def switch_git(self, no_git: bool) -> None:
        self.no_git = no_git

    @rule(scope=st.sampled_from(["", "src/shop", "tools"]))
    def narrow(self, scope: str) -> None:
        self.scope = scope

    @rule()
    def baseline_update(self) -> None:
        """`baseline --update` warm, then cold on the same earlier baseline: the same output
        and the same file."""
        baseline = self.tree / ".ssot-baseline.json"
        before = baseline.read_bytes() if baseline.exists() else None
        warm = self.expect_quiet(
            run("baseline", self.target, "--update", "--allow-increase", *self.warm_flags),
            "baseline --update",
        )
        warm_file = baseline.read_bytes() if baseline.exists() else None
        if before is None:
            baseline.unlink(missing_ok=True)
        else:
            baseline.write_bytes(before)
        cold = run(
            "baseline", self.target, "--update", "--allow-increase", *self.walk_flags(self.no_git)
        )
        cold_file = baseline.read_bytes() if baseline.exists() else None
        assert warm == cold, "baseline --update: warm and cold walk differ"
        assert warm_file == cold_file, "baseline --update wrote another baseline"

    # the check after every step ---------------------------------------------------------------------
    @invariant()
    def same_answers(self) -> None:
        if not hasattr(self, "tree"):
            return
        for fmt in ("text", "json"):
            warm = self.expect_quiet(
                run("audit", self.target, "--format", fmt, *self.warm_flags), f"warm {fmt} audit"
            )
            walked = run("audit", self.target, "--format", fmt, *self.walk_flags(self.no_git))
            assert warm == walked, f"{fmt}: the warm audit differs from the cold walk"
        if self.no_git:
            walked = run("audit", self.target, "--format", "json", *self.walk_flags())
        via_git = run("audit", self.target, "--format", "json", *self.git_flags())
        assert via_git == walked, "json: a cold git scan differs from the cold walk"

    # helpers -------------------------------------------------------------------------------------
    @property
    def target(self) -> Path:
        return self.tree / self.scope if self.scope else self.tree

    @property
    def warm_flags(self) -> tuple[str, ...]:
        return ("--no-git",) if self.no_git else ()

    def expect_quiet(self, outcome: tuple[int, str, str], what: str) -> tuple[int, str, str]:
        """`outcome` without the cache's warnings, which are allowed only while a damaged cache
        file has not been rebuilt (a run that takes the last answer back may leave a damaged part
        unread, to say so later)."""
        code, out, err = outcome
        lines = err.splitlines(True)
        said = [line for line in lines if line.startswith(_WARNING)]
        assert not said or self.damaged, f"{what} warned with no damage: {said}"
        if said:
            self.damaged.clear()
        for name, raw in list(self.damaged.items()):
            target = self.tree / ".ssot-cache" / name
            if (target.read_bytes() if target.exists() else None) != raw:
                del self.damaged[name]  # written again: whole from now on
        return code, out, "".join(line for line in lines if line not in said)

    def loose(self, path: str) -> bool:
        """Whether git does not vouch for the bytes at `path` (untracked, or not its index's)."""
        entry = git(self.tree, "ls-files", "-s", "--", path).stdout.split()
        return (
            len(entry) < 2 or git(self.tree, "hash-object", "--", path).stdout.strip() != entry[1]
        )

    def git_blind(self, path: str) -> bool:
        """Whether the file at `path` differs from its index entry while git's own stat check (as
        the scanner runs it) says it does not: git compares whole seconds (unless built with
        USE_NSEC), so an in-place rewrite of the same size, its mtime put back, in the second
        git last looked at it, is not seen by git (nor `git status`), nor by the cache."""
        entry = git(self.tree, "ls-files", "-s", "-v", "--", path).stdout.split()
        if len(entry) < 3 or entry[0] != b"H":
            return False  # untracked, or git's stat check does not cover it: searched in Python
        same = git(self.tree, "hash-object", "--", path).stdout.strip() == entry[2]
        seen = subprocess.run(
            [*early.GIT, "diff-files", "--quiet", "--", path], cwd=self.tree, env=early.ENV
        ).returncode
        return not same and seen == 0

    def config(
        self, *, families: str | None = None, exclude: tuple[str, ...] = (), cache: str = ""
    ) -> str:
        """The tree's config with `families` (default: the tree's own), more `exclude` patterns
        and another cache folder."""
        if families is None:
            text = (self.tree / "pyproject.toml").read_text()
            families = text[text.index("\n[tool.ssot-harness.families") :]
        patterns = ", ".join(f'"{p}"' for p in ("tools/generated", *exclude))
        folder = f'cache-dir = "{cache}"' if cache else ""
        return _HEAD.format(exclude=patterns, cache=folder) + families

    def fresh(self, name: str, exclude: tuple[str, ...] = ()) -> Path:
        """A config outside the tree with the tree's families and a cache folder of its own,
        empty."""
        cache = self.scratch / f"{name}-cache"
        shutil.rmtree(cache, ignore_errors=True)
        path = self.scratch / f"{name}.toml"
        path.write_text(self.config(exclude=exclude, cache=os.fspath(cache)))
        return path

    def walk_flags(self, everything: bool = False) -> tuple[str, ...]:
        """A cold walk with a fresh cache; what git ignores left out by `exclude` (unless
        `everything`, to stand for a walk, or a symlink makes the git path walk too: see
        gitfiles)."""
        if everything:
            return ("--no-git", "--config", os.fspath(self.fresh("walk")))
        ignored = git(
            self.tree, "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--",
            "src", "tools",
        ).stdout.decode()  # fmt: skip
        excluded = tuple(p for p in ignored.split("\0") if p.endswith((".py", ".pyi")))
        if any((self.tree / p).is_symlink() and p not in excluded for p in PATHS):
            return ("--no-git", "--config", os.fspath(self.fresh("walk")))
        return ("--no-git", "--config", os.fspath(self.fresh("walk", excluded)))

    def git_flags(self) -> tuple[str, ...]:
        return ("--config", os.fspath(self.fresh("git")))


CacheModel.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    database=None,
    derandomize="SSOT_CACHE_EXAMPLES" not in os.environ,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    **({"phases": [Phase.generate]} if os.environ.get("SSOT_CACHE_NOSHRINK") else {}),
)


@pytest.fixture(autouse=True)
def always_grep(monkeypatch: pytest.MonkeyPatch) -> None:
    """These trees are small: without this the scanner would search their few bytes itself."""
    monkeypatch.setattr(index, "GREP_BYTES", 0)


test_the_warm_cache_answers_as_a_cold_scan = CacheModel.TestCase
