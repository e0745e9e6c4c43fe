"""Shared test set-up.

- Hypothesis profiles: ``HYPOTHESIS_PROFILE=ci`` (set by ``.ci/run``) is derandomized and
  bounded so the whole suite stays within a few minutes on two cores; ``dev`` is the default.
- Tests skip with a reason on a machine that lacks an optional tool (PyTorch, Chromium,
  micrograd, scikit-learn); in CI (``CI`` set), where ``.ci/run`` installs them all, any
  skip is turned into a failure.
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


def _failed_in_ci(report: pytest.CollectReport | pytest.TestReport) -> None:
    """In CI every optional tool is installed, so a skip there is a failure."""
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where nothing may skip: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):  # noqa: ANN201 - pytest hook
    outcome = yield
    _failed_in_ci(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):  # noqa: ANN201 - pytest hook
    outcome = yield
    _failed_in_ci(outcome.get_result())
