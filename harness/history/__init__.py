"""Stage-spanning wing: the audit replayed over git history, its rises and falls, the burndown chart."""
