"""ssot-harness: characterize, prove equivalence, then pin a single source of truth."""

__version__ = "0.1.0"
