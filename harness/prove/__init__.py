"""Stage 2, prove: implementations as parameters, differential runner, accepted divergences, matrix."""
