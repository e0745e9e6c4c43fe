"""Shared test set-up.

- Hypothesis profiles: ``HYPOTHESIS_PROFILE=ci`` (set by ``.ci/run``) is derandomized and
  bounded so the whole suite stays within a few minutes on two cores; ``dev`` is the default.
- ``require(condition, reason)``: skip a test on a machine that lacks an optional tool
  (PyTorch, Chromium, micrograd), but fail it in CI (``CI`` set), where everything must run.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("dev", max_examples=100, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

IN_CI = bool(os.environ.get("CI"))


def require(condition: bool, reason: str) -> None:
    """Skip the calling test unless ``condition``; in CI, fail instead of skipping."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(name="require")
def require_fixture():
    """The :func:`require` function, as a fixture: ``def test_x(require): require(ok, why)``."""
    return require
