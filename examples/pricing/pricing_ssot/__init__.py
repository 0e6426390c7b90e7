"""This project's ssot-harness adapters and contracts, one package per family."""
