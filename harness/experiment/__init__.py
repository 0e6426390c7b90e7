"""Experiments in staging: the control answers, candidates run beside it on the same call, compared
the way the contracts compare, observed and published; the caller never sees a candidate.

A leaf for a service to import: the standard library, the normalizer and the divergence
declarations only (no pytest, hypothesis, syrupy or httpx)."""

from __future__ import annotations

from harness.experiment.observe import OUTCOMES, Observation
from harness.experiment.publish import (
    CallablePublisher,
    JsonLinesPublisher,
    LoggingPublisher,
    Publisher,
)
from harness.experiment.redact import SECRET_PATTERNS, redact
from harness.experiment.run import Experiment, ExperimentError
from harness.prove.divergences import Divergence, load_divergences

__all__ = [
    "OUTCOMES",
    "SECRET_PATTERNS",
    "CallablePublisher",
    "Divergence",
    "Experiment",
    "ExperimentError",
    "JsonLinesPublisher",
    "LoggingPublisher",
    "Observation",
    "Publisher",
    "load_divergences",
    "redact",
]
