"""Reads a tree into facts: walking and exclusion, text prefilter, parsing, content-keyed cache."""
