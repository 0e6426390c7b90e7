"""The bundled target's families, pinned at their current stage (`prove`): no count above the baseline."""

from __future__ import annotations

import pytest

FAMILIES = {
    "execution-engine-factory": {
        "agent_platform.engine.factory:ExecutionEngineFactory",
        "agent_platform.engine.factory:get_execution_engine_factory",
        "agent_platform.engine:EngineFactory",
        "agent_platform.compat:UnifiedExecutionEngineFactory",
        "agent_platform.engine.request_scoped:RequestScopedExecutionFactory",
        "agent_platform.legacy.engine_factory:LegacyExecutionEngineFactory",
        "agent_platform.legacy.engine_factory:get_legacy_engine_factory",
        "agent_platform.engine.engine:ExecutionEngine.create_for_user",
    },
    "agent-registry": {
        "agent_platform.agents.registry:AgentRegistry",
        "agent_platform.legacy.agent_registry:AgentClassRegistry",
        "agent_platform.agents.catalog:GlobalAgentRegistry",
    },
    "supervisor": {
        "agent_platform.supervisor:SupervisorAgent",
        "agent_platform.legacy.supervisor:LegacySupervisor",
    },
    "websocket-notifier": {
        "agent_platform.notifications:WebSocketNotifier",
        "agent_platform.legacy.bridge:AgentWebSocketBridge",
        "agent_platform.legacy.emitter:UserWebSocketEmitter",
    },
}


@pytest.mark.ssot
@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_family_stays_within_its_baseline(ssot_audit, family: str) -> None:
    assert ssot_audit.family(family).family.stage == "prove"
    ssot_audit.assert_within_baseline(family)


@pytest.mark.ssot
@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_the_audit_sees_every_seeded_member(ssot_audit, family: str) -> None:
    assert set(ssot_audit.family(family).members) == FAMILIES[family]
