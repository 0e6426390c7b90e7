"""Wiring only: which target the harness runs against, and its fixtures."""
