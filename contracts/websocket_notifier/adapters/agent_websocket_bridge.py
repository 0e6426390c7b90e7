from agent_platform.legacy.bridge import AgentWebSocketBridge
from contracts.websocket_notifier.adapters._base import AttachingNotifier


def _bound(connections, context) -> AgentWebSocketBridge:
    bridge = AgentWebSocketBridge(connections)
    bridge.bind(context)  # as RequestScopedExecutionFactory does
    return bridge


ADAPTER = AttachingNotifier(member="agent_platform.legacy.bridge:AgentWebSocketBridge", make=_bound)
