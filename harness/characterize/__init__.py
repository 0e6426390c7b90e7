"""Stage 1, characterize: recorder, transcript, normalizer, snapshot extension, staging client."""
