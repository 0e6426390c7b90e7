"""The agent-registry family: its adapters, its contracts, its accepted divergences."""
