from agent_platform.legacy.emitter import UserWebSocketEmitter
from contracts.websocket_notifier.adapters._base import AttachingNotifier


def _with_context(connections, context) -> UserWebSocketEmitter:
    emitter = UserWebSocketEmitter(connections)
    emitter.set_context(context)  # as LegacyExecutionEngineFactory does (on its one shared emitter)
    return emitter


ADAPTER = AttachingNotifier(
    member="agent_platform.legacy.emitter:UserWebSocketEmitter", make=_with_context
)
