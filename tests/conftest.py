"""Shared test set-up.

- Hypothesis profiles: ``HYPOTHESIS_PROFILE=ci`` (set by ``.ci/run``) is derandomized and
  bounded so the whole suite stays within a few minutes on two cores; ``dev`` is the default.
- Tests skip with a reason on a machine that lacks an optional tool (PyTorch, Chromium,
  micrograd, scikit-learn); in CI (``CI`` set), where ``.ci/run`` installs them all, any
  skip is turned into a failure.
- From an sdist (which ships the tests but not ``docs/``, ``demos/`` or ``benchmarks/``), the
  tests of those folders are not collected; the report header says so.
"""

from __future__ import annotations

import os
from pathlib import Path

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
ROOT = Path(__file__).resolve().parents[1]
REPOSITORY_ONLY = ("docs", "demos", "benchmarks")
"""Folders whose tests (tests/<folder>) need the folder itself, which an sdist does not ship."""
ABSENT = [folder for folder in REPOSITORY_ONLY if not (ROOT / folder).is_dir()]
collect_ignore = list(ABSENT)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "torch: compares with PyTorch or uses the bridge (the torch extra)")


def pytest_report_header() -> str | None:
    if ABSENT and not IN_CI:
        return f"not a repository checkout: the tests of {', '.join(ABSENT)} are not collected (no such folder here)"
    if ABSENT:
        raise pytest.UsageError(f"CI runs from a repository checkout, but tests/{ABSENT} lack their folders")
    return None


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
