"""One adapter per member of the execution-engine-factory family (module name = member, in snake case)."""
