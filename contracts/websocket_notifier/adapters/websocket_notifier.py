from agent_platform.notifications import WebSocketNotifier
from contracts.websocket_notifier.adapters._base import AttachingNotifier

ADAPTER = AttachingNotifier(
    member="agent_platform.notifications:WebSocketNotifier", make=WebSocketNotifier
)
