"""python -m autograd_core.viz --out DIR writes the worked example's SVG and page."""

import subprocess
import sys

from autograd_core.viz.__main__ import main


def test_cli_writes_svg_and_html_and_prints_paths(tmp_path, capsys, monkeypatch):
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no system dot: the in-process renderer is used
    out = tmp_path / "out"
    assert main(["--out", str(out)]) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(out / "example_graph.svg"), str(out / "example_backprop.html")]
    svg = (out / "example_graph.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "w_01^(1)" in svg and "\u2202" in svg
    page = (out / "example_backprop.html").read_text(encoding="utf-8")
    assert "backprop-data" in page and "lecture" in page


def test_cli_runs_as_a_module(tmp_path):
    done = subprocess.run([sys.executable, "-m", "autograd_core.viz", "--help"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and "--out" in done.stdout
