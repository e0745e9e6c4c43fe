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
    assert "<svg" in svg and "w_01^(1)" in svg and "\u2202" in svg  # the example's own labels, verbatim
    page = (out / "example_backprop.html").read_text(encoding="utf-8")
    assert "backprop-data" in page and "lecture" in page


def test_cli_runs_as_a_module(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "autograd_core.viz", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and "--out" in done.stdout


def test_without_the_viz_extra_it_names_the_extra_and_writes_nothing(tmp_path):
    """graphviz made unimportable: exit 1, one line naming the extra, no traceback, no files."""
    code = (
        "import sys, runpy; sys.modules['graphviz'] = None; sys.argv = ['x', '--out', sys.argv[1]]; "
        "runpy.run_module('autograd_core.viz', run_name='__main__')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "out")], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert 'pip install "autograd-core[viz]"' in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()
