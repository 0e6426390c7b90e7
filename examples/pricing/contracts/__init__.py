"""Supplier contracts: this project's own `contracts` package (nothing to do with ssot-harness)."""

SUPPLIER_TERMS = {"acme": 30, "globex": 45}  # payment terms in days


def payment_terms(supplier: str) -> int:
    return SUPPLIER_TERMS[supplier]
