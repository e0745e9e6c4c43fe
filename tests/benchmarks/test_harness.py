"""The benchmark harness still runs, and its gradient check guards the timings.

No timed assertions: the quick mode runs once in a subprocess (the README command) and the
tests check the structure of what it reports and that every contender matched micrograd.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks import GradientMismatch, MicrogradMissing, cli, gradcheck, peers
from benchmarks.data import initial_parameters, parameter_count, two_moons
from benchmarks.timing import interleave
from benchmarks.workloads import WARMUP_SECONDS, steady_step

ROOT = Path(__file__).resolve().parents[2]

HAVE_MICROGRAD = importlib.util.find_spec("micrograd") is not None
NO_MICROGRAD = 'micrograd (the measured peer) is not installed: pip install -e ".[bench]"'


def need_micrograd() -> None:
    """Skip without micrograd, except in CI (``CI`` set), where the bench extra must be there."""
    if not HAVE_MICROGRAD:
        if os.environ.get("CI"):
            pytest.fail(f"required in CI: {NO_MICROGRAD}")
        pytest.skip(NO_MICROGRAD)


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], dict]:
    need_micrograd()
    out = tmp_path_factory.mktemp("bench") / "results.json"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--repeats", "1", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc, json.loads(out.read_text())


def test_quick_mode_passes_the_gradient_check_for_every_contender(quick) -> None:
    _, results = quick
    check = results["gradient_check"]
    assert check["passed"] is True
    assert len(check["cases"]) == 3
    for case in check["cases"]:
        assert case["passed"] is True
        assert case["parameters"] == parameter_count()
        assert case["max_rel_diff"] <= gradcheck.RTOL


def test_quick_mode_reports_every_workload_with_medians_and_ratios(quick) -> None:
    proc, results = quick
    rows = results["rows"]
    assert {r["workload"] for r in rows} == {"W1", "W2", "W3", "W4"}
    w1 = [r for r in rows if r["workload"] == "W1"]
    assert [r["case"] for r in w1] == [
        "Value ops one by one",
        "fused (nn)",
        "hand-written floats",
        "Value ops one by one, gc disabled",
    ]
    for r in w1:
        for cell in (r["micrograd"], r["ours"]):
            assert cell["status"] == "ok"
            assert cell["min"] <= cell["median"] <= cell["max"]
        assert r["ratio"] == pytest.approx(r["micrograd"]["median"] / r["ours"]["median"])
    assert "Targets:" in proc.stdout and "issue" not in proc.stdout.lower() and "W1" in proc.stdout


def test_quick_mode_deep_graphs_complete_on_ours_and_micrograd_failures_are_reported(quick) -> None:
    _, results = quick
    for workload in ("W2", "W3"):
        rows = [r for r in results["rows"] if r["workload"] == workload]
        assert [r["size"] for r in rows][-1] == "10k"  # quick mode stops at 10k
        assert all(r["ours"]["status"] == "ok" and r["ours"]["grad_rel_err"] <= 1e-6 for r in rows)
        # micrograd's recursive topological sort cannot handle 10k nodes deep
        assert rows[-1]["micrograd"]["status"] == "RecursionError"
        assert rows[-1]["ratio"] is None


def test_quick_mode_memory_rows_and_targets(quick) -> None:
    _, results = quick
    mem = results["memory"]
    assert mem["ours"]["drop"]["freed"] is True  # no reference cycles: refcounting frees the graph
    assert mem["micrograd"]["drop"]["freed"] is False  # closures capture `out`: needs the collector
    assert mem["micrograd"]["bytes_per_node"]["forward"] > 0 and mem["ours"]["bytes_per_node"]["forward"] > 0
    names = [t["target"] for t in results["targets"]]
    assert len(names) == 5 and any("20x" in n for n in names) and any("50x" in n for n in names)
    by_name = {t["target"]: t["met"] for t in results["targets"]}
    assert by_name["W2 deep chain completes at 1M"] is None  # not run in quick mode


def test_compare_rejects_a_gradient_off_by_one_part_in_a_million() -> None:
    grads = [0.5, -0.25, 0.0, 3.0]
    assert gradcheck.compare("same", (1.0, grads), (1.0, list(grads)))["passed"] is True
    wrong = [0.5, -0.25 * (1 + 1e-6), 0.0, 3.0]
    with pytest.raises(GradientMismatch, match="gradient of parameter 1"):
        gradcheck.compare("off", (1.0, grads), (1.0, wrong))
    with pytest.raises(GradientMismatch, match="loss"):
        gradcheck.compare("nan", (1.0, grads), (float("nan"), grads))


def test_cli_aborts_loudly_when_a_contender_disagrees(monkeypatch, capsys) -> None:
    need_micrograd()
    from benchmarks import reference

    real = reference.ReferenceDemo.loss_and_grads

    def skewed(self):
        loss, grads = real(self)
        return loss, [g * 1.001 for g in grads]

    monkeypatch.setattr(reference.ReferenceDemo, "loss_and_grads", skewed)
    assert cli.main(["--quick", "--only", "W4"]) == 3
    assert "GRADIENT CHECK FAILED" in capsys.readouterr().err


def test_missing_micrograd_names_the_bench_extra(monkeypatch, capsys) -> None:
    for name in ("micrograd", "micrograd.engine", "micrograd.nn"):
        monkeypatch.setitem(sys.modules, name, None)  # makes the import fail
    with pytest.raises(MicrogradMissing, match=r"\.\[bench\]"):
        peers.import_micrograd()
    assert cli.main(["--quick"]) == 1
    assert "bench" in capsys.readouterr().err


def test_interleave_alternates_and_stops_calling_a_failed_runner() -> None:
    calls: list[str] = []

    def ok(name: str):
        return lambda: calls.append(name) or 1.0

    def fails():
        calls.append("f")
        return {"status": "RecursionError", "detail": "deep"}

    out = interleave({"a": ok("a"), "b": ok("b"), "f": fails}, repeats=3)
    assert calls == ["a", "b", "f", "a", "b", "a", "b"]
    assert out["a"]["median"] == 1.0 and out["f"]["status"] == "RecursionError"


class _Sleeper:
    """A training step that takes ``seconds`` and notes when each step starts."""

    def __init__(self, seconds: float) -> None:
        self.seconds, self.starts = seconds, []

    def step(self) -> None:
        self.starts.append(time.perf_counter())
        time.sleep(self.seconds)


def test_a_steady_step_is_timed_after_its_own_steps_ran_for_the_warm_up_time() -> None:
    fast = _Sleeper(WARMUP_SECONDS / 8)
    seconds = steady_step(fast)()
    # (the warm-up's clock starts a few microseconds before the first step: 0.9 of it, and one
    # step more than the first, however late a loaded machine wakes the sleeps)
    assert len(fast.starts) >= 3 and fast.starts[-1] - fast.starts[0] >= 0.9 * WARMUP_SECONDS
    assert seconds >= fast.seconds  # the last step alone
    slow = _Sleeper(WARMUP_SECONDS * 1.5)  # longer than the warm-up: one untimed step, then the timed one
    assert steady_step(slow)() >= slow.seconds and len(slow.starts) == 2


def test_inputs_are_seeded_and_identical_across_calls() -> None:
    X, y = two_moons()
    assert (X, y) == two_moons() and len(X) == 100 and sorted(set(y)) == [-1.0, 1.0]
    assert initial_parameters() == initial_parameters() and len(initial_parameters()) == parameter_count()


def test_json_is_written_atomically(tmp_path: Path) -> None:
    target = tmp_path / "out" / "r.json"
    cli.write_json(target, {"rows": [1, 2]})
    assert json.loads(target.read_text()) == {"rows": [1, 2]}
    assert [p.name for p in target.parent.iterdir()] == ["r.json"]


def test_a_crashing_worker_becomes_a_status_not_an_exception() -> None:
    from benchmarks.worker import Worker

    worker = Worker("ours")
    try:
        assert worker.run("no-such-case", 1)["status"] == "crashed"
        assert worker.run("chain", 50)["status"] == "ok"  # restarted on the next call
    finally:
        worker.close()


def test_profile_reports_the_functions_of_a_contender_and_rejects_unknown_names() -> None:
    from benchmarks.profiling import profile_w1

    text = profile_w1("reference", steps=1, top=5)
    assert "function calls" in text and "reference.py" in text
    with pytest.raises(ValueError, match="unknown contender 'nope'"):
        profile_w1("nope")


@pytest.mark.parametrize("argv", [["--only", "W9"], ["--repeats", "0"]])
def test_cli_rejects_bad_arguments_before_running_anything(argv, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 2
    assert "error" in capsys.readouterr().err
