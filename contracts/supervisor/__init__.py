"""The supervisor family: its adapters, its contracts, its accepted divergences."""
