"""One adapter per member of the agent-registry family (module name = member, in snake case)."""
