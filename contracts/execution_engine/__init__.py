"""The execution-engine-factory family: its adapters, its contracts, its accepted divergences."""
