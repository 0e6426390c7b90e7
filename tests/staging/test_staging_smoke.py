"""Staging smoke: the golden path against a deployed instance, checking shape, not wording.

Run: pytest -m staging --ssot-staging-url URL (or SSOT_STAGING_URL), with SSOT_STAGING_USERNAME and
SSOT_STAGING_PASSWORD, and optionally SSOT_STAGING_USERNAME_2 / SSOT_STAGING_PASSWORD_2 for a
second user (two users chatting at once). Use dedicated users: every connection of a user
receives that user's events, so other sessions of the same user would show up in the runs."""

from __future__ import annotations

import asyncio
import os

import pytest

from harness.characterize.staging import StagingClient, ids_of_runs, shape_problems
from harness.errors import StagingError

pytestmark = [pytest.mark.staging, pytest.mark.asyncio]
MESSAGES = ["What is on my bill this month?", "Please optimize my cloud costs"]


def credentials(suffix: str = "") -> tuple[str, str] | None:
    user = os.environ.get(f"SSOT_STAGING_USERNAME{suffix}")
    password = os.environ.get(f"SSOT_STAGING_PASSWORD{suffix}")
    return (user, password) if user and password else None


@pytest.fixture
def staging(ssot_staging_url: str, ssot_target) -> StagingClient:
    client = StagingClient(ssot_staging_url, ssot_target)
    try:
        client.check_reachable()
    except StagingError as exc:
        pytest.fail(str(exc), pytrace=False)
    if credentials() is None:
        pytest.fail("set SSOT_STAGING_USERNAME and SSOT_STAGING_PASSWORD for the staging user", pytrace=False)
    return client


async def test_golden_path_runs_have_the_expected_shape(staging: StagingClient) -> None:
    token = await staging.login(*credentials())
    runs = await staging.chat(token, MESSAGES)
    shape = staging.target.events
    for message, events in zip(MESSAGES, runs, strict=True):
        assert shape_problems(events, shape) == [], message
    assert shape.type_of(runs[1][-1]) in shape.completed
    kinds = {shape.type_of(e) for e in runs[1]}
    assert kinds & shape.tool_started and kinds & shape.tool_finished
    assert ids_of_runs(runs, shape)[0] != ids_of_runs(runs, shape)[1]


async def test_two_users_at_once_get_distinct_runs(staging: StagingClient) -> None:
    second = credentials("_2")
    if second is None:
        pytest.skip("set SSOT_STAGING_USERNAME_2 / SSOT_STAGING_PASSWORD_2 for the two-user smoke test")
    tokens = [await staging.login(*credentials()), await staging.login(*second)]
    (first_runs, second_runs) = await asyncio.gather(*(staging.chat(t, MESSAGES[1:]) for t in tokens))
    shape = staging.target.events
    for events in (first_runs[0], second_runs[0]):
        assert shape_problems(events, shape) == []
    for piece in ("run", "thread"):
        assert shape.get(first_runs[0][0], piece) != shape.get(second_runs[0][0], piece)
