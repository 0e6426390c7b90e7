"""Two drivers, one transcript: live on loopback (the service and its LLM stub as real processes, a
real WebSocket client) gives the golden snapshot that the in-process golden path is checked against,
so the in-process driver stands for the live service (the harness's ready test)."""

from harness import test_live_and_in_process_transcripts_are_identical  # noqa: F401
