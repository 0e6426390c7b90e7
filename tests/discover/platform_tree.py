"""A tree that mimics a real agent platform for discover's ranking (written into a tmp folder).

Planted: an execution-engine factory family (five same-named classes in five modules, two
conditional fallbacks, three getters, one of them async), three registries of one exact name, a
supervisor pair, a WebSocket notifier/bridge/emitter group, a `*Calculator` family whose role word
is in no built-in list; as noise: 450 value classes (90 names, each defined in five modules), a
`create_for_user` classmethod on twelve unrelated classes, and test doubles of each family.
"""

from __future__ import annotations

from pathlib import Path

PKG = "aplatform"
FACTORY_HOMES = (
    "engine/factory",
    "legacy/engine_factory",
    "services/engine_factory",
    "agents/factory",
    "compat/factory",
)
METHODS = "    def create_for_context(self, ctx):\n        return ctx\n\n    def release(self, engine):\n        pass\n"


def _write(root: Path, rel: str, text: str) -> None:
    write_module(root, f"{PKG}/{rel}.py", text)


def write_module(root: Path, rel: str, text: str) -> None:
    """`text` at `root/rel`, each folder between them a package."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    for folder in [path.parent, *path.parent.parents]:
        if folder == root:
            break
        (folder / "__init__.py").touch()
    path.write_text(text, encoding="utf-8")


NOISE_ROLES = {
    "Validator": 120,
    "Strategy": 100,
    "Metrics": 130,
    "HealthChecker": 100,
    "Monitor": 110,
}
_NOISE_WORDS = ("Alpha", "Billing", "Cache", "Disk", "Email", "Feed", "Grid", "Host", "Index", "Job",
                "Kafka", "Ledger", "Mail", "Node", "Oauth", "Pager", "Quorum")  # fmt: skip


def _role_noise(root: Path) -> None:
    """Role groups of unrelated classes: each class its own two-word subject and its own methods."""
    for role, count in NOISE_ROLES.items():
        for start in range(0, count, 10):
            body = ""
            for i in range(start, min(start + 10, count)):
                a, b = divmod(i, len(_NOISE_WORDS))
                subject = _NOISE_WORDS[a % len(_NOISE_WORDS)] + _NOISE_WORDS[b]
                body += (
                    f"class {subject}{role}:\n    def {role.lower()}_{i}_run(self):\n        pass\n\n"
                    f"    def {role.lower()}_{i}_stop(self):\n        pass\n\n\n"
                )
            _write(root, f"noise/{role.lower()}/part{start // 10}", body)


def _module(rel: str) -> str:
    return f"{PKG}.{rel.replace('/', '.')}"


def build(root: Path) -> Path:
    for home in FACTORY_HOMES:
        _write(root, home, f"class ExecutionEngineFactory:\n{METHODS}")
    with open(root / PKG / "engine/factory.py", "a", encoding="utf-8") as fh:
        fh.write("\n\ndef get_execution_engine_factory():\n    return ExecutionEngineFactory()\n")
    _write(root, "runtime/loader", (
        f"try:\n    from {_module('engine/factory')} import ExecutionEngineFactory\n"
        f"except ImportError:\n    class ExecutionEngineFactory:\n{METHODS.replace(chr(10) + '    ', chr(10) + '        ').replace('    def', '        def', 1)}"
    ))  # fmt: skip
    _write(root, "runtime/compat311", (
        f"import sys\n\nif sys.version_info < (3, 12):\n    class ExecutionEngineFactory:\n"
        f"{METHODS.replace(chr(10) + '    ', chr(10) + '        ').replace('    def', '        def', 1)}"
    ))  # fmt: skip
    _write(root, "api/deps", (
        f"from {_module('engine/factory')} import ExecutionEngineFactory\n\n\n"
        "async def get_execution_engine_factory():\n    return ExecutionEngineFactory()\n"
    ))  # fmt: skip
    _write(root, "legacy/getters", (
        f"from {_module('legacy/engine_factory')} import ExecutionEngineFactory\n\n\n"
        "def get_legacy_execution_engine_factory():\n    return ExecutionEngineFactory()\n"
    ))  # fmt: skip
    registry = "class AgentRegistry:\n    def register(self, name, cls):\n        pass\n\n    def get(self, name):\n        pass\n"
    for home in ("agents/registry", "legacy/registry", "tools/registry"):
        _write(root, home, registry)
    _write(
        root,
        "supervisor",
        "class SupervisorAgent:\n    def run(self, ctx):\n        pass\n\n    def cancel(self):\n        pass\n",
    )
    _write(
        root,
        "legacy/supervisor",
        "class LegacySupervisor:\n    def run(self, ctx):\n        pass\n\n    def cancel(self):\n        pass\n",
    )
    sender = "    def send(self, event):\n        pass\n\n    def close(self):\n        pass\n"
    _write(root, "notify/ws", f"class WebSocketNotifier:\n{sender}")
    _write(root, "bridge", f"class AgentWebSocketBridge:\n{sender}")
    _write(root, "emit", f"class UserWebSocketEmitter:\n{sender}")
    calc = "    def compute(self, order):\n        return 0\n\n    def explain(self):\n        return ''\n"
    _write(
        root,
        "billing/calculators",
        "".join(f"class {n}Calculator:\n{calc}\n\n" for n in ("Tax", "Price", "Discount")),
    )
    # evidence: who imports what (the canonical members are the ones the tree leans on)
    users = [("engine/factory", "ExecutionEngineFactory", 15), ("agents/registry", "AgentRegistry", 6),
             ("supervisor", "SupervisorAgent", 4), ("notify/ws", "WebSocketNotifier", 5),
             ("legacy/engine_factory", "ExecutionEngineFactory", 1), ("legacy/registry", "AgentRegistry", 1),
             ("tools/registry", "AgentRegistry", 1), ("legacy/supervisor", "LegacySupervisor", 1),
             ("bridge", "AgentWebSocketBridge", 1), ("emit", "UserWebSocketEmitter", 1)]  # fmt: skip
    for home, name, count in users:
        for i in range(count):
            _write(
                root,
                f"handlers/use_{home.replace('/', '_')}_{i}",
                f"from {_module(home)} import {name}\n\n\ndef handle():\n    return {name}\n",
            )
    # noise: value classes with common names, defined over and over; create_for_user everywhere
    subjects = ("User", "Order", "Thread", "Run", "Message", "Tool", "Session", "Tenant", "Invoice", "Plan",
                "Agent", "Prompt", "Model", "Token", "Quota", "Usage", "Audit", "Span")  # fmt: skip
    values = ("Record", "Result", "Config", "State", "Payload")
    for copy in range(5):
        body = "from dataclasses import dataclass\n\n"
        for s in subjects:
            for v in values:
                body += f"\n@dataclass\nclass {s}{v}:\n    key: str = ''\n"
        _write(root, f"models/copy{copy}/values", body)
    for i in range(12):
        _write(
            root,
            f"misc/helper{i}",
            f"class Helper{i}:\n    @classmethod\n    def create_for_user(cls, user):\n        return cls()\n",
        )
    _role_noise(root)
    doubles = (
        "class FakeExecutionEngineFactory:\n" + METHODS + "\n\nclass MockAgentRegistry:\n    def register(self, n, c):\n        pass\n"
        "\n\nclass StubSupervisorAgent:\n    def run(self, ctx):\n        pass\n\n\nclass FakeWebSocketNotifier:\n" + sender
        + "\n\nclass ExecutionEngineFactory:\n" + METHODS
    )  # fmt: skip
    (root / "tests").mkdir(exist_ok=True)
    (root / "tests" / "test_doubles.py").write_text(doubles, encoding="utf-8")
    return root
