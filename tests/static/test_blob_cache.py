"""The scan cache keyed by git blob id: inside a git work tree a warm run reads no file git's stat
check finds unchanged, and takes the last run's whole answer back when nothing changed; every
change git or the stat keys can see (unstaged, staged then changed again, a rewrite of the same
size and mtime, a checkout, an untracked file) gives the answer the walk gives."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.config import load_config
from harness.pin.audit import audit, scan_for
from harness.scan import index
from harness.scan.cache import CACHE_FILE
from harness.scan.digests import seal, unseal
from tests.static.conftest import Outcome
from tests.static.test_cache import lines
from tests.static.test_git_scan import git, repo

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

MEMBER = "class {name}EngineFactory:\n    pass\n"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the scanner reads, by path relative to the tree (through `index.read_file`)."""
    seen: list[str] = []
    real = index.read_file

    def counted(path: str, size: int) -> bytes:
        seen.append(Path(path).name)
        return real(path, size)

    monkeypatch.setattr(index, "read_file", counted)
    return seen


def scanned(tree: Path, reads: list[str]) -> tuple[set[str], list[str], object]:
    """(every member and import place the audit finds, the files this scan read, the result)."""
    reads.clear()
    config = load_config(tree / "pyproject.toml")
    result = scan_for(config)
    report = audit(config, result, None)
    places = {f"{f.kind} {f.member} {f.location}" for fa in report.families for f in fa.findings}
    return places, list(reads), result


def walked(tree: Path) -> set[str]:
    config = load_config(tree / "pyproject.toml")
    report = audit(config, scan_for(config, use_cache=False, git=False), None)
    return {f"{f.kind} {f.member} {f.location}" for fa in report.families for f in fa.findings}


def test_a_warm_run_reads_nothing_and_takes_the_answer_back(tmp_path: Path, reads) -> None:
    tree = repo(tmp_path)
    cold, cold_reads, first = scanned(tree, reads)
    assert cold_reads and cold == walked(tree)
    warm, warm_reads, again = scanned(tree, reads)
    assert warm_reads == [] and warm == cold
    assert again.digest == first.digest != ""  # type: ignore[attr-defined]
    assert again.facts == first.facts and again.skipped == first.skipped  # type: ignore[attr-defined]


def test_an_unchanged_blob_is_not_read_when_another_file_changes(tmp_path: Path, reads) -> None:
    tree = repo(tmp_path)
    scanned(tree, reads)
    app = tree / "src/shop/app.py"
    app.write_text(app.read_text() + "\n" + MEMBER.format(name="Late"))  # modified, unstaged
    found, read, _ = scanned(tree, reads)
    assert read == ["app.py"]  # the one file git's stat check names; the others by blob id
    assert "definition shop.app:LateEngineFactory src/shop/app.py:" in " ".join(sorted(found))
    assert found == walked(tree)
    assert scanned(tree, reads)[1] == []  # its stat is now recorded with its content key


def test_staged_then_changed_again_is_seen_as_it_is_on_disk(tmp_path: Path, reads) -> None:
    tree = repo(tmp_path)
    scanned(tree, reads)
    app = tree / "src/shop/app.py"
    text = app.read_text()
    app.write_text(text + "\n" + MEMBER.format(name="Staged"))
    git(tree, "add", "src/shop/app.py")
    assert "StagedEngineFactory" in " ".join(scanned(tree, reads)[0])
    app.write_text(text + "\n" + MEMBER.format(name="OnDisk"))  # the index still has Staged
    found = " ".join(sorted(scanned(tree, reads)[0]))
    assert "OnDiskEngineFactory" in found and "StagedEngineFactory" not in found
    assert scanned(tree, reads)[0] == walked(tree)


@pytest.mark.parametrize("tracked", [True, False], ids=["tracked", "untracked"])
def test_a_rewrite_of_the_same_size_and_mtime_is_still_seen(
    tmp_path: Path, reads, tracked: bool
) -> None:
    """In place (same inode), same size, the mtime put back: git's stat check (tracked) and the
    cache's own stat key (untracked) both hold the ctime, which no one can put back."""
    tree = repo(tmp_path)
    target = tree / "src/shop/quiet.py"
    target.write_text("X = 1  # " + "-" * 40 + "\n")
    if tracked:
        git(tree, "add", "-A")
        git(tree, "commit", "-q", "-m", "quiet")
    before = target.stat()
    scanned(tree, reads)
    assert scanned(tree, reads)[1] == []
    line = MEMBER.format(name="Same").replace("\n    pass\n", " pass\n")
    with open(target, "r+b") as f:  # same inode
        f.write(line.encode().ljust(before.st_size - 1, b"#") + b"\n")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = target.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )
    found, read, _ = scanned(tree, reads)
    assert read == ["quiet.py"]
    assert "definition shop.quiet:SameEngineFactory src/shop/quiet.py:1" in found
    assert found == walked(tree)


def test_a_checkout_of_another_commit_and_back(tmp_path: Path, reads) -> None:
    tree = repo(tmp_path)
    git(tree, "tag", "one")
    app = tree / "src/shop/app.py"
    app.write_text(app.read_text() + "\n" + MEMBER.format(name="Two"))
    git(tree, "commit", "-q", "-am", "two")
    two, _, _ = scanned(tree, reads)
    git(tree, "checkout", "-q", "one")
    one, read, _ = scanned(tree, reads)
    assert read == ["app.py"] and one == walked(tree) and one != two
    git(tree, "checkout", "-q", "main")
    back, read, result = scanned(tree, reads)
    assert back == two and read == []  # the blob's conclusion was kept when it left the path
    assert result.files_parsed == 0  # type: ignore[attr-defined]


def test_an_untracked_file_is_hashed_once(tmp_path: Path, reads) -> None:
    tree = repo(tmp_path)
    scanned(tree, reads)
    extra = tree / "src/shop/extra.py"
    extra.write_text(MEMBER.format(name="Extra"))
    found, read, _ = scanned(tree, reads)
    assert read == ["extra.py"] and found == walked(tree)
    assert "definition shop.extra:ExtraEngineFactory src/shop/extra.py:1" in found
    assert scanned(tree, reads)[1] == []
    extra.unlink()
    found, read, _ = scanned(tree, reads)
    assert read == [] and found == walked(tree)


def test_a_stat_recorded_as_the_cache_was_written_is_not_trusted(tmp_path: Path, reads) -> None:
    """Racy: a file changed in the clock tick the cache was written in could change again in that
    tick without changing its stat. Here the cache's mtime is set back before the file's."""
    tree = repo(tmp_path)
    (tree / "src/shop/extra.py").write_text(MEMBER.format(name="Extra"))
    scanned(tree, reads)
    cache = tree / ".ssot-cache" / CACHE_FILE
    os.utime(cache, ns=(0, 0))
    found, read, _ = scanned(tree, reads)
    assert read == ["extra.py"] and found == walked(tree)


@pytest.mark.parametrize("line", [1, 2, 3, 4], ids=["memo", "modules", "table", "facts"])
def test_a_corrupt_line_is_rebuilt_with_a_warning(
    tmp_path: Path, reads, capsys: pytest.CaptureFixture[str], line: int
) -> None:
    tree = repo(tmp_path)
    cold, _, _ = scanned(tree, reads)
    cache = tree / ".ssot-cache" / CACHE_FILE
    raw = cache.read_bytes().split(b"\n")
    raw[line] = b'{"not": "this"}' if line != 2 else b"{"
    cache.write_bytes(b"\n".join(raw))
    if line == 3:  # the table is read when something changed
        (tree / "src/shop/extra.py").write_text("x = 1\n")
    capsys.readouterr()
    again, _, _ = scanned(tree, reads)
    assert again == cold
    assert f"warning: scan cache {cache} is corrupt" in capsys.readouterr().err
    assert scanned(tree, reads)[0] == cold
    assert "warning" not in capsys.readouterr().err  # rebuilt


def test_a_cache_of_the_previous_format_is_replaced_quietly(
    tmp_path: Path, reads, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = repo(tmp_path)
    old = tree / ".ssot-cache" / "scan.json"
    old.parent.mkdir()
    old.write_text(
        json.dumps(
            {"format": "ssot-harness scan cache", "version": 3004, "context": "", "files": {}}
        )
    )
    capsys.readouterr()
    found, read, _ = scanned(tree, reads)
    assert read and found == walked(tree)
    assert not old.exists() and "warning" not in capsys.readouterr().err
    assert lines(tree / ".ssot-cache" / CACHE_FILE)[0]["format"] == "ssot-harness scan cache"


def test_another_config_does_not_take_the_answer_back(tmp_path: Path, reads) -> None:
    """The answer depends on the families' needles: other needles, another digest."""
    tree = repo(tmp_path)
    _, _, first = scanned(tree, reads)
    pyproject = tree / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"build_for_user"', '"make_*_thing"'))
    found, _, result = scanned(tree, reads)
    assert result.digest != first.digest  # type: ignore[attr-defined]
    assert found == walked(tree) and "_thing" in result.needles  # type: ignore[attr-defined]


def test_the_answers_equal_the_walks_after_each_change(
    tmp_path: Path, cli: Callable[..., Outcome]
) -> None:
    """Byte-identical reports and exit codes, warm from the previous step's cache, after each
    change, to the walk's without a cache."""
    tree = repo(tmp_path)
    app = tree / "src/shop/app.py"
    steps: list[Callable[[], object]] = [
        lambda: app.write_text(app.read_text() + "\n" + MEMBER.format(name="A")),
        lambda: git(tree, "add", "-A"),
        lambda: (tree / "src/shop/new.py").write_text(MEMBER.format(name="B")),
        lambda: git(tree, "commit", "-q", "-am", "c"),
        lambda: (tree / "src/shop/new.py").unlink(),
        lambda: git(tree, "checkout", "-q", "HEAD~1", "--", "src/shop/app.py"),
    ]
    cli("baseline", tree, "--update", "--allow-increase", "--no-git", "--no-cache")
    cli("audit", tree)
    for step in steps:
        step()
        for fmt in ("text", "json"):
            warm = cli("audit", tree, "--format", fmt)
            assert warm == cli("audit", tree, "--format", fmt, "--no-git", "--no-cache")


def test_the_findings_are_taken_back_while_the_scan_and_the_rules_are_the_same(
    tmp_path: Path, cli: Callable[..., Outcome], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No family is resolved again on a warm run; a change to the tree or to the rules resolves
    again, with the walk's answers."""
    from harness.pin import audit as audit_module

    resolved: list[str] = []
    real = audit_module.FamilyResolver

    class Counted(real):  # type: ignore[misc,valid-type]
        def findings(self):  # type: ignore[no-untyped-def]
            resolved.append(self.family.name)
            return super().findings()

    monkeypatch.setattr(audit_module, "FamilyResolver", Counted)
    tree = repo(tmp_path)
    cli("baseline", tree, "--update", "--allow-increase", "--no-git", "--no-cache")
    cold = cli("audit", tree)
    assert set(resolved) == {"engine-factory", "notifier"}  # (also to learn aliases, on a read)
    resolved.clear()
    assert cli("audit", tree) == cold and resolved == []
    app = tree / "src/shop/app.py"
    app.write_text(app.read_text() + "\n" + MEMBER.format(name="Late"))
    changed = cli("audit", tree)
    assert set(resolved) == {"engine-factory", "notifier"} and "LateEngineFactory" in changed.out
    assert changed == cli("audit", tree, "--no-git", "--no-cache")
    resolved.clear()
    pyproject = tree / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"build_for_user"', '"build_for_*"'))
    assert cli("audit", tree) == cli("audit", tree, "--no-git", "--no-cache")
    assert resolved[0] == "engine-factory"  # the needles changed: the scan answer's digest too


def test_a_corrupt_findings_memo_is_rebuilt_with_a_warning(
    tmp_path: Path, cli: Callable[..., Outcome]
) -> None:
    tree = repo(tmp_path)
    cli("baseline", tree, "--update", "--allow-increase", "--no-git", "--no-cache")
    cold = cli("audit", tree)
    memo = tree / ".ssot-cache" / "findings.json"
    data = json.loads(unseal(memo.read_bytes()))

    def damaged(row: Callable[[list], list]) -> bytes:  # every family's first finding, damaged
        families = {k: [row(list(rows[0])), *rows[1:]] for k, rows in data["families"].items()}
        return json.dumps({**data, "families": families}).encode()

    bad_rows = json.dumps({**data, "families": {k: [[1]] for k in data["families"]}}).encode()
    for bad in (
        b"{",
        bad_rows,
        seal(bad_rows),
        seal(damaged(lambda r: r[:2] + r[3:])),  # a field lost: the others shift
        seal(damaged(lambda r: [*r[:2], str(r[2]), *r[3:]])),  # the line as text
    ):
        memo.write_bytes(bad)
        again = cli("audit", tree)
        assert again.out == cold.out and again.code == cold.code
        assert f"warning: findings cache {memo} is corrupt" in again.err
        assert cli("audit", tree) == cold  # rebuilt


def test_a_cold_audit_takes_the_findings_the_search_for_aliases_resolved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scan resolves every family to learn alias names; over the same final facts the audit
    takes those findings instead of resolving again, and they are the ones it would find."""
    from harness.pin.audit import Resolved, run_audit

    tree = repo(tmp_path)
    (tree / "src/shop/nick.py").write_text(
        "from shop.engines.factory import EngineFactory as Maker\n"
    )
    (tree / "src/shop/user.py").write_text("from shop.nick import Maker\n")
    config = load_config(tree / "pyproject.toml")
    taken: list[bool] = []
    real = Resolved.get

    def noted(self, family, result):  # type: ignore[no-untyped-def]
        found = real(self, family, result)
        taken.append(found is not None)
        return found

    monkeypatch.setattr(Resolved, "get", noted)
    report = run_audit(config, use_cache=False, require_baseline=False)
    assert taken == [True, True]  # both families, after a second pass for the alias Maker
    fresh = audit(config, scan_for(config, use_cache=False), None)
    assert [fa.findings for fa in report.families] == [fa.findings for fa in fresh.families]
    assert any(f.member == "shop.nick:Maker" for f in report.families[0].findings)


def test_a_stale_stat_in_the_index_costs_a_read_not_a_parse(tmp_path: Path, reads) -> None:
    """A tracked file touched (its content unchanged): git's index holds a stale stat, which the
    scanner never refreshes (GIT_OPTIONAL_LOCKS=0). git names it as possibly changed; its bytes
    hash to the blob id already known, so nothing is parsed, and the next run reads it no more."""
    tree = repo(tmp_path)
    cold, _, _ = scanned(tree, reads)
    app = tree / "src/shop/app.py"
    st = app.stat()
    os.utime(app, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    found, read, result = scanned(tree, reads)
    assert read == ["app.py"] and result.files_parsed == 0 and found == cold  # type: ignore[attr-defined]
    assert scanned(tree, reads)[1] == []


BROKEN = "def broken(:\n    Maker\n"  # a syntax error that mentions the name Maker only


def json_report(cli: Callable[..., Outcome], tree: Path, *flags: str) -> Outcome:
    return cli("audit", tree, "--format", "json", *flags)


def test_a_candidate_by_a_name_no_longer_looked_for_is_not_in_the_answer(
    tmp_path: Path, cli: Callable[..., Outcome]
) -> None:
    """A file's facts or parse error belong to the answer only while its bytes mention one of the
    needles: after a config change that drops `Maker*`, a file mentioning only Maker is out."""
    tree = repo(tmp_path)
    pyproject = tree / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"build_for_user"', '"Maker*"'))
    (tree / "src/shop/broken.py").write_text(BROKEN)
    cli("baseline", tree, "--update", "--allow-increase", "--no-git", "--no-cache")
    assert "src/shop/broken.py" in json_report(cli, tree).out  # found by Maker: unparseable
    pyproject.write_text(pyproject.read_text().replace('"Maker*"', '"build_for_user"'))
    cold = json_report(cli, tree, "--no-git", "--no-cache")
    assert "src/shop/broken.py" not in cold.out
    assert json_report(cli, tree) == cold
    assert json_report(cli, tree, "--no-git") == cold


@pytest.mark.parametrize("git_path", [True, False], ids=["git", "walk"])
def test_a_name_learned_from_an_alias_since_removed_is_forgotten(
    tmp_path: Path, cli: Callable[..., Outcome], git_path: bool
) -> None:
    """The alias Maker is learned as a needle (its importers are then read); once the alias is
    gone a warm run must not keep looking for it, nor report what only it found."""
    tree = repo(tmp_path)
    flags = () if git_path else ("--no-git",)
    nick = tree / "src/shop/nick.py"
    nick.write_text("from shop.engines.factory import EngineFactory as Maker\n")
    (tree / "src/shop/broken.py").write_text(BROKEN)
    cli("baseline", tree, "--update", "--allow-increase", "--no-git", "--no-cache")
    assert "src/shop/broken.py" in json_report(cli, tree, *flags).out
    nick.write_text("x = 1\n")
    cold = json_report(cli, tree, "--no-git", "--no-cache")
    assert "src/shop/broken.py" not in cold.out
    assert json_report(cli, tree, *flags) == cold
    assert "Maker" not in lines(tree / ".ssot-cache" / CACHE_FILE)[1]["learned"]


def _line_changed(raw: bytes) -> bytes:
    """A digit changed: still JSON, another line number for one import in app.py."""
    for old in (b'"src/shop/app.py",4,', b'"FastEngineFactory","FastEngineFactory",4,'):
        if old in raw:
            return raw.replace(old, old.replace(b"4,", b"9,"), 1)
    raise AssertionError("no line number to change")


def _lines_swapped(raw: bytes) -> bytes:
    """Two facts lines swapped: each still whole, each now at another file's place."""
    lines_ = raw.split(b"\n")
    lines_[4], lines_[5] = lines_[5], lines_[4]
    return b"\n".join(lines_)


@pytest.mark.parametrize(
    ("name", "damage"),
    [
        ("findings.json", _line_changed),
        (CACHE_FILE, _line_changed),
        (CACHE_FILE, _lines_swapped),
    ],
    ids=["findings-digit", "facts-digit", "facts-swapped"],
)
def test_a_cache_changed_into_other_valid_json_is_not_believed(
    tmp_path: Path, cli: Callable[..., Outcome], name: str, damage: Callable[[bytes], bytes]
) -> None:
    """A byte changed on disk, or lines moved, still parse: each line is sealed with its digest
    (and a facts line names its file), so the change is seen, said and repaired."""
    tree = repo(tmp_path)
    cli("baseline", tree, "--update", "--allow-increase", "--no-git", "--no-cache")
    cold = cli("audit", tree, "--no-git", "--no-cache")
    assert cli("audit", tree) == cold
    target = tree / ".ssot-cache" / name
    target.write_bytes(damage(target.read_bytes()))
    if name == CACHE_FILE:  # the facts are decoded only when the findings are resolved again
        (tree / ".ssot-cache" / "findings.json").unlink()
    damaged = cli("audit", tree)
    assert (damaged.code, damaged.out) == (cold.code, cold.out)
    assert f"warning: {'findings' if name != CACHE_FILE else 'scan'} cache" in damaged.err
    assert "is corrupt" in damaged.err
    assert cli("audit", tree) == cold  # repaired


def test_a_change_is_seen_warm_when_a_symlink_makes_the_git_path_walk(
    tmp_path: Path, cli: Callable[..., Outcome]
) -> None:
    """With a symlink under the roots the scan walks (git cannot say what the walk reads through
    it); the answer then has no digest of the tree, so no family's findings are taken back."""
    tree = repo(tmp_path)
    os.symlink("engines", tree / "src/shop/engines_link")
    cli("baseline", tree, "--update", "--allow-increase", "--no-git", "--no-cache")
    for _ in range(2):  # (the second run starts with the names the first learned)
        assert cli("audit", tree) == cli("audit", tree, "--no-git", "--no-cache")
    app = tree / "src/shop/app.py"
    app.write_text(app.read_text() + "\n" + MEMBER.format(name="Linked"))
    cold = cli("audit", tree, "--no-git", "--no-cache")
    assert "LinkedEngineFactory" in cold.out
    assert cli("audit", tree) == cold


@pytest.mark.parametrize("back", [False, True], ids=["next-run-as-saved", "next-run-as-read"])
@pytest.mark.parametrize("then_walk", [False, True], ids=["listed", "walked"])
@pytest.mark.parametrize("change", ["emptied", "grown"])
def test_a_file_changed_between_its_read_and_the_listing_is_not_kept_under_its_new_stat(
    tmp_path: Path, reads, monkeypatch: pytest.MonkeyPatch, change: str, then_walk: bool, back: bool
) -> None:
    """A modified file is stat'ed and read (for its content key) before the listing is made; when
    it changes in between (an editor saving it, truncated then written), the bytes read are older
    than a stat taken later and must never be kept under that stat (the next run would take the
    old bytes' places for the new ones until the file changes again), nor may the answer keyed by
    the bytes read hold the places of others (the next run finding those bytes back would take
    them). Also when the scan then walks instead, stat'ing every file anew."""
    tree = repo(tmp_path)
    scanned(tree, reads)
    app = tree / "src/shop/app.py"
    first = app.read_text() + "\n" + MEMBER.format(name="First")
    app.write_text(first)
    then = "" if change == "emptied" else first + "\n" + MEMBER.format(name="Second")
    real = index.GitListing.tree

    def saved_meanwhile(self: index.GitListing, stats: dict) -> object:
        app.write_text(then)
        if then_walk:
            self.close()
            return None
        return real(self, stats)

    monkeypatch.setattr(index.GitListing, "tree", saved_meanwhile)
    scanned(tree, reads)  # an answer for the file as it was read (or as it is): either is true
    monkeypatch.undo()
    assert app.read_text() == then
    if back:
        app.write_text(first)
    assert scanned(tree, reads)[0] == walked(tree)
