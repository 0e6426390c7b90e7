"""One adapter per member of the supervisor family (module name = member, in snake case)."""
