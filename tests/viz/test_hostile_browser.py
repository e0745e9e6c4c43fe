"""Hostile text in every field that reaches a drawing or a page (labels, rule names and symbols,
the rule's ``math``, activation names, titles): rendered to SVG and HTML and opened in Chromium,
nothing runs, nothing links to ``javascript:``, no dialog opens, and control characters (NUL
included) do not break rendering."""

import re

import pytest

import nn
from autograd_core import Rule, Value, apply
from autograd_core.viz import backprop_html, draw_graph, draw_network, lecture_html, render_svg

from .browser import Page

HOSTILE = [
    "<d/dx = 2> URL=<javascript:alert(1)>",
    '"><script>alert(2)</script>',
    "</script><img src=x onerror=alert(3)>",
    "<svg onload=alert(4)>",
    "a\x00b\x01c\x1b[31m\x7f",
    "{x|<y>} \\N \\G \\L \\l",
    "javascript:alert(5)",
    "&lt;script&gt;alert(6)&lt;/script&gt; ]]> <!--",
]


def _graph():
    """A graph whose every text is hostile: leaf labels, a rule's name, symbol and math."""
    bad = Rule(
        name=HOSTILE[1],
        arity=1,
        forward=lambda x: 2.0 * x,
        partials=lambda x, out: (2.0,),
        math=HOSTILE[0],
        domain=(((-1e9, 1e9),),),
        symbol=HOSTILE[3],
    )
    leaves = [Value(0.5 + k, label=text) for k, text in enumerate(HOSTILE)]
    out = apply(bad, leaves[0])
    for v in leaves[1:]:
        out = out * v
    out.label = HOSTILE[2]
    return out, leaves


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    out, leaves = _graph()
    out.backward()
    paths = [backprop_html(out, root / "steps.html", title=HOSTILE[2] + HOSTILE[0], params=leaves[:2])]
    svg = render_svg(draw_graph(out, show_local_grads=True, params=leaves[:2], color_by_grad=True))
    (root / "graph.svg").write_text(svg, encoding="utf-8")
    paths.append(root / "graph.svg")

    def act(s):
        return s.tanh()

    act.__name__ = act.__qualname__ = HOSTILE[0]
    model = nn.MLP(2, [2, 1], seed=0)
    for layer in model.layers:
        for n in layer.neurons:
            n.activation = act  # a callable activation with a hostile name
    for k, p in enumerate(model.parameters()):
        p.label = HOSTILE[k % len(HOSTILE)]
    (root / "network.svg").write_text(render_svg(draw_network(model, edge_labels=True)), encoding="utf-8")
    paths.append(root / "network.svg")
    good = nn.MLP(2, [2, 1], activation="tanh", seed=0)
    paths.append(lecture_html(good, [0.5, -1.0], 1.0, root / "lecture.html", title=HOSTILE[2] + HOSTILE[4]))
    return paths


def test_dot_source_quotes_every_text():
    out, _ = _graph()
    src = draw_graph(out, show_local_grads=True).source
    outside_quotes = re.sub(r'"(?:[^"\\]|\\.)*"', '""', src)
    assert "URL" not in outside_quotes and "javascript" not in outside_quotes and "<" not in outside_quotes
    assert "\x00" not in src and "\x01" not in src and "\x1b" not in src
    assert "\u2400" in src  # NUL shown as its control picture


FOUND = """() => {
  const links = [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]
    .filter(a => /href$/i.test(a.name) || /^on/i.test(a.name)).map(a => a.name + '=' + a.value));
  return {scripts: document.querySelectorAll('script').length, links: links,
          images: document.querySelectorAll('img, iframe, object, embed').length};
}"""


def _visit(browser, path):
    """Open ``path``, step and click around; what it logged and what its document holds."""
    p = Page(browser, path)
    for _ in range(3):
        p.page.keyboard.press("ArrowRight")
    p.page.mouse.click(400, 400)
    seen = {"dialogs": p.dialogs, "errors": p.errors, "requests": p.requests}
    seen.update(p.page.evaluate(FOUND), content=p.page.content())
    p.close()
    return seen


def test_nothing_runs_and_nothing_links_to_javascript_in_chromium(browser, files):
    for path in files:
        seen = _visit(browser, path)
        assert seen["dialogs"] == [] and seen["errors"] == [], path.name
        assert seen["requests"] == [], path.name  # nothing but the page itself
        assert not [a for a in seen["links"] if "javascript:" in a.lower() or a.lower().startswith("on")]
        assert seen["images"] == 0
        assert seen["scripts"] == (2 if path.suffix == ".html" else 0), path.name
        if path.suffix == ".svg":
            assert "alert" in seen["content"]  # the text is there, shown as text
