"""One adapter per member of the websocket-notifier family (module name = member, in snake case)."""
