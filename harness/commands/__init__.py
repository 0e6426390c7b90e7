"""The `ssot-harness` subcommands: thin front doors over the wings and the shared audit (wired by harness.cli)."""
