"""Renderers: text, markdown, JSON, SARIF."""
