"""The websocket-notifier family: its adapters, its contracts, its accepted divergences."""
