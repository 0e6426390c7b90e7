"""Agents and the production agent registry."""
