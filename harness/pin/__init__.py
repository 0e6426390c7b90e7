"""Stage 3, pin: audit of a family against its stage, ratchet baseline."""
