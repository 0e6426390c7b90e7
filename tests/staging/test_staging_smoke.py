"""Staging smoke: the golden path against a deployed instance, checking shape, not wording (the
harness's ready tests; what they send is `[tool.ssot-harness.target.staging]`).

Run: pytest -m staging --ssot-staging-url URL (or SSOT_STAGING_URL), with SSOT_STAGING_USERNAME and
SSOT_STAGING_PASSWORD, and optionally SSOT_STAGING_USERNAME_2 / SSOT_STAGING_PASSWORD_2 for a
second user (two users chatting at once). Use dedicated users: every connection of a user
receives that user's events, so other sessions of the same user would show up in the runs."""

from harness import (  # noqa: F401
    test_golden_path_runs_have_the_expected_shape,
    test_two_users_at_once_get_distinct_runs,
)
