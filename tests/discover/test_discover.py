"""`ssot-harness discover`: planted families rank first, noise below, a config ready to paste."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

from harness.cli import main
from harness.config import parse_config
from harness.discover.rank import Group, _unique_names
from tests.discover import platform_tree

ROOT = Path(__file__).resolve().parents[2]
SHOP = ROOT / "tests" / "fixtures" / "discover" / "shop"


def discover(capsys, *args: str) -> dict:
    assert main(["discover", *args, "--no-cache", "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_planted_families_rank_first_and_noise_is_left_out(capsys) -> None:
    found = discover(capsys, str(SHOP))
    names = [f["name"] for f in found["families"]]
    assert names == ["payment-gateway-factory", "order-notifier", "order-registry"]
    factory = found["families"][0]
    members = {m["member"] for m in factory["members"]}
    assert members == {
        "shop.payments.gateway:PaymentGatewayFactory",
        "shop.legacy.gateway:LegacyPaymentGatewayFactory",
        "shop.payments.gateway:get_payment_gateway_factory",
    }
    flat = json.dumps(found)
    for noise in ("WidgetFactory", "FakeCacheFactory", "StubCacheFactory", "ReportBuilder"):
        assert noise not in flat
    assert found["skipped"] == [
        {"path": found["skipped"][0]["path"], "reason": "syntax error at line 1: invalid syntax"}
    ] and found["skipped"][0]["path"].endswith("shop/broken.py")


def test_the_config_block_is_valid_config(capsys, tmp_path) -> None:
    found = discover(capsys, str(SHOP))
    for family in found["families"]:
        section = tomllib.loads(family["config"])
        config = parse_config(section["tool"]["ssot-harness"], root=tmp_path)
        assert config.families[0].canonical.id in {m["member"] for m in family["members"]}


def test_the_four_seeded_families_of_the_bundled_target_rank_at_the_top(
    capsys, monkeypatch
) -> None:
    monkeypatch.chdir(ROOT)
    found = discover(capsys, "agent_platform")
    top = {
        f["name"]: {m["member"].rpartition(":")[2] for m in f["members"]}
        for f in found["families"][:4]
    }
    assert top == {
        "execution-engine-factory": {
            "ExecutionEngineFactory", "get_execution_engine_factory", "EngineFactory", "RequestScopedExecutionFactory",
            "LegacyExecutionEngineFactory", "get_legacy_engine_factory", "ExecutionEngine.create_for_user",
            "UnifiedExecutionEngineFactory",  # `import ... as`, re-exported by `__all__` (compat.py)
        },
        "websocket-notifier": {"WebSocketNotifier", "AgentWebSocketBridge", "UserWebSocketEmitter"},
        "agent-registry": {"AgentRegistry", "AgentClassRegistry", "GlobalAgentRegistry"},
        "agent-supervisor": {"SupervisorAgent", "LegacySupervisor"},
    }  # fmt: skip


def test_output_is_deterministic(capsys) -> None:
    assert main(["discover", str(SHOP), "--no-cache"]) == 0
    first = capsys.readouterr().out
    assert main(["discover", str(SHOP), "--no-cache"]) == 0
    assert capsys.readouterr().out == first


def test_a_missing_path_is_a_usage_error(capsys) -> None:
    assert main(["discover", "no/such/tree"]) == 2
    assert "PATH 'no/such/tree' does not exist" in capsys.readouterr().err


def test_a_symlink_loop_is_reported_at_the_link(capsys, tmp_path, monkeypatch) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "mod.py").write_text("class X:\n    pass\n")
    os.symlink("..", tmp_path / "a" / "loop")
    monkeypatch.chdir(tmp_path)
    found = discover(capsys, ".")
    assert {"path": "a/loop", "reason": "symlink loop: points back to .."} in found["skipped"]


def test_discover_reads_the_project_config(capsys, tmp_path) -> None:
    for folder in ("app", "generated"):
        (tmp_path / folder).mkdir()
        for prefix in ("Legacy", "Global", "Default"):
            (tmp_path / folder / f"{prefix.lower()}.py").write_text(
                f"class {folder[:3].title()}{prefix}AgentRegistry:\n    def get(self):\n        pass\n"
            )
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ssot-harness]\nexclude = ["generated"]\n', encoding="utf-8"
    )
    flat = json.dumps(discover(capsys, str(tmp_path)))
    assert "AppLegacyAgentRegistry" in flat
    assert "GenLegacyAgentRegistry" not in flat


def test_a_real_platform_s_four_families_rank_in_the_top_5_above_hundred_member_role_noise(
    capsys, tmp_path
) -> None:
    found = discover(capsys, str(platform_tree.build(tmp_path)))
    families = {f["name"]: f for f in found["families"][:5]}
    canonicals = {
        name: tomllib.loads(f["config"])["tool"]["ssot-harness"]["families"][name]["canonical"]
        for name, f in families.items()
    }
    assert {
        "execution-engine-factory": "aplatform.engine.factory:ExecutionEngineFactory",
        "agent-registry": "aplatform.agents.registry:AgentRegistry",
        "agent-supervisor": "aplatform.supervisor:SupervisorAgent",
        "websocket-notifier": "aplatform.notify.ws:WebSocketNotifier",
    }.items() <= canonicals.items()
    factory = families["execution-engine-factory"]
    members = {(m["path"], m["kind"]) for m in factory["members"]}
    assert ("aplatform/runtime/loader.py", "class") in members  # in an `except ImportError:`
    assert ("aplatform/runtime/compat311.py", "class") in members  # under an `if`
    assert ("aplatform/api/deps.py", "getter") in members  # `async def get_...`
    assert sum(kind == "getter" for _, kind in members) == 3
    assert sum(kind == "class" for _, kind in members) == 7
    doubles = {m["member"] for m in factory["test_doubles"]}
    assert doubles == {
        "tests.test_doubles:FakeExecutionEngineFactory",
        "tests.test_doubles:ExecutionEngineFactory",
    }
    flat = json.dumps(found["families"])
    assert "create_for_user" not in flat  # a bare common method name is never a member or a pattern
    assert "Fake" not in json.dumps([f["config"] for f in found["families"]])
    assert "calculator" in found["learned_roles"]
    assert "calculator" in {f["name"] for f in found["families"]}
    names = [f["name"] for f in found["families"]]
    assert len(names) == len(set(names))
    noise = {f["name"]: f for f in found["families"] if len(f["members"]) >= 100}
    assert len(noise) == len(platform_tree.NOISE_ROLES)  # shown, but low confidence, below the five
    for f in noise.values():
        assert f["rank"] > 5 and f["why"][0].startswith("low confidence"), f["why"]
    assert all(not f["why"][0].startswith("low confidence") for f in found["families"][:5])


def test_family_names_are_unique_even_when_two_groups_share_one() -> None:
    """Two registry groups with unrelated subjects both name themselves 'registry': pasting both
    blocks would be invalid TOML, so the second becomes 'registry-2'."""
    groups = [Group("registry", frozenset({"a"})), Group("registry", frozenset({"b"}))]
    _unique_names(groups)
    assert [g.name for g in groups] == ["registry", "registry-2"]


def test_the_canonical_guess_weighs_constructions_when_imports_are_even(capsys, tmp_path) -> None:
    """Two OrderNotifier classes imported once each: the one the code constructs is the guess."""
    pkg = tmp_path / "app"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    for mod in ("a", "b"):
        (pkg / f"{mod}.py").write_text(
            "class OrderNotifier:\n    def send(self, msg):\n        return msg\n"
        )

    def canonical() -> str:
        family = discover(capsys, str(tmp_path))["families"][0]
        section = tomllib.loads(family["config"])["tool"]["ssot-harness"]["families"]
        return section[family["name"]]["canonical"]

    (pkg / "use_a.py").write_text("from app.a import OrderNotifier\n")
    (pkg / "use_b.py").write_text(
        "from app.b import OrderNotifier\n\n"
        + "".join(f"n{i} = OrderNotifier()\n" for i in range(3))
    )
    assert canonical() == "app.b:OrderNotifier"  # path order alone would pick app.a
    (pkg / "use_a.py").write_text(
        "from app.a import OrderNotifier\n\n"
        + "".join(f"n{i} = OrderNotifier()\n" for i in range(4))
    )
    assert canonical() == "app.a:OrderNotifier"  # `class OrderNotifier:` itself is no call


def test_discover_reads_each_file_once(tmp_path, reads: list[str]) -> None:
    from harness.discover.collect import collect

    tree = platform_tree.build(tmp_path)
    found = collect(tree, use_cache=False, jobs=1)
    assert found.parsed > 0 and len(reads) == len(set(reads)) == found.files


def test_discover_s_cache_learns_a_changed_file_from_bytes_it_was_handed(tmp_path) -> None:
    from harness.discover.collect import collect

    tree = platform_tree.build(tmp_path)
    cold = collect(tree, jobs=1)
    assert cold.parsed > 0 and collect(tree, jobs=1).parsed == 0
    target = next(p for p in sorted(tree.rglob("*.py")) if "Factory" in p.read_text())
    target.write_text(target.read_text() + "\n\ndef get_extra_factory():\n    return None\n")
    assert collect(tree, jobs=1).parsed == 1
    assert collect(tree, jobs=1).parsed == 0  # the cache took the new facts


def test_the_outline_pass_on_two_cores_collects_what_one_core_does(tmp_path, monkeypatch) -> None:
    from harness.discover import collect as module

    tree = platform_tree.build(tmp_path)
    one = module.collect(tree, use_cache=False, jobs=1)
    readers = tmp_path / "readers"
    real = module.read_file

    def noted(path: str, size: int) -> bytes:  # runs in whichever process reads (fork inherits it)
        with open(readers, "a") as out:
            out.write(f"{os.getpid()}\n")
        return real(path, size)

    monkeypatch.setattr(module, "read_file", noted)
    monkeypatch.setattr(module, "OUTLINE_BATCH_BYTES", 1)  # a batch per file: the helper takes many
    two = module.collect(tree, use_cache=False, jobs=2)
    assert len(set(readers.read_text().split())) == 2  # this process and the helper read files
    assert len(readers.read_text().split()) == two.files  # each file once, by one of them
    assert (two.defs, two.learned, two.skipped, two.files) == (
        one.defs,
        one.learned,
        one.skipped,
        one.files,
    )
    assert two.evidence == one.evidence and two.parsed == one.parsed > 0
