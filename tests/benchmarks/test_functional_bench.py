"""benchmarks.functional runs and reports its comparisons (timings are not asserted)."""

from benchmarks import functional


def test_functional_benchmark_reports_jacobian_modes_and_hvp_against_the_hessian(tmp_path, capsys):
    rows = functional.main(["--repeats", "1", "--json", str(tmp_path / "rows.json")])
    assert [r["what"] for r in rows] == ["jacobian n=40 m=2", "jacobian n=2 m=40", "H v, n=10", "H v, n=40"]
    assert [r.get("auto_picks") for r in rows[:2]] == ["reverse", "forward"]
    assert all(r["a_s"] > 0 and r["b_s"] > 0 for r in rows)
    assert "hessian then H v" in capsys.readouterr().out and (tmp_path / "rows.json").exists()
