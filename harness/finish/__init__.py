"""Stage 4, finishing the migration: which tests protect each member (inventory), the ordered
remediation plan, the codemod for mechanical moves, and the check that a step is safe."""
