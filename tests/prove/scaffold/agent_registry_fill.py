"""What a user fills in by hand in the scaffolded agent-registry suite: each fill is (file, what the
scaffold wrote, what the user writes instead); a function's TODO is replaced by its new body. The
comparison test applies them and counts the lines they write."""

from __future__ import annotations

import re
from pathlib import Path

FILLS = [
    # the canonical: production builds its registry with the default agents
    (
        "adapters/agent_registry.py",
        "from agent_platform.agents.registry import AgentRegistry",
        "from agent_platform.agents.registry import default_agent_registry",
    ),
    ("adapters/agent_registry.py", "return AgentRegistry()", "return default_agent_registry()"),
    # AgentClassRegistry: its classmethods under their own names
    ("adapters/agent_class_registry.py", '"register": register,', '"register": "register_class",'),
    ("adapters/agent_class_registry.py", '"create": create,', '"create": "get",'),
    ("adapters/agent_class_registry.py", '"names": names,', '"names": "all_names",'),
    # GlobalAgentRegistry: the singleton `list-agents` asks for, a catalogue of descriptions
    (
        "adapters/global_agent_registry.py",
        "return GlobalAgentRegistry()",
        "return GlobalAgentRegistry.instance()",
    ),
    (
        "adapters/global_agent_registry.py",
        "from harness import MemberAdapter, ScaffoldTODO, preserve",
        "from harness import MemberAdapter, preserve, unsupported",
    ),
    ("adapters/global_agent_registry.py", "def register", 'raise unsupported(MEMBER, "register")'),
    ("adapters/global_agent_registry.py", "def create", 'raise unsupported(MEMBER, "create")'),
    (
        "adapters/global_agent_registry.py",
        "def names",
        "return [name for name, _ in obj.describe()]",
    ),
]


def apply(folder: Path) -> int:
    """Applies FILLS to the scaffolded suite in `folder`; returns the number of lines written."""
    written = 0
    for rel, old, new in FILLS:
        path = folder / rel
        text = path.read_text(encoding="utf-8")
        if old.startswith("def "):  # the TODO of that function becomes `new`
            pattern = re.compile(
                rf"(^{old}\(.*\n)    raise ScaffoldTODO\(\n(?:        .*\n)+    \)\n", re.M
            )
            text, count = pattern.subn(lambda m, new=new: m.group(1) + f"    {new}\n", text)
        else:
            count = text.count(old)
            text = text.replace(old, new)
        assert count == 1, f"{rel}: {old!r} found {count} times"
        path.write_text(text, encoding="utf-8")
        written += len(new.splitlines())
    return written
