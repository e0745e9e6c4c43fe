"""benchmarks.versus: one checkout against another, in one run (here: this tree against itself)."""

from __future__ import annotations

from pathlib import Path

from benchmarks import versus

ROOT = Path(__file__).resolve().parents[2]


def test_a_tree_against_itself_uses_the_same_bytes_per_node(capsys):
    assert versus.main([str(ROOT), "--rounds", "1", "--only", "bytes/node"]) == 0
    line = next(row for row in capsys.readouterr().out.splitlines() if row.startswith("bytes/node"))
    before, after, delta = line.split()[1], line.split()[3], line.split()[5]
    assert before == after and int(before) > 0 and delta in ("+0", "-0")


def test_a_timed_workload_reports_both_times_and_a_ratio(capsys):
    assert versus.main([str(ROOT), "--rounds", "1", "--repeats", "1", "--only", "W1 nn"]) == 0
    line = next(row for row in capsys.readouterr().out.splitlines() if row.startswith("W1 nn"))
    assert line.count("ms") == 2 and line.rstrip().endswith("x")
