"""backprop_steps()/backprop_html(): the replay matches the engine bit for bit; the page is
self-contained (the browser tests in test_stepper_browser.py drive it)."""

import json
import re

import pytest
from hypothesis import given

import autograd_core as ac
from autograd_core import Value
from autograd_core.testing.strategies import expressions
from autograd_core.viz import (
    STEPPER_MAX_NODES,
    backprop_html,
    backprop_steps,
    lecture_example,
)


def _engine_grads(root):
    order = ac.topological_order(root)
    for v in order:
        v.grad = 0.0
    root.backward()
    return [v.grad for v in order]


@given(expressions(max_nodes=12))
def test_last_step_equals_engine_grads_exactly(expr):
    root = expr(*expr.leaves())
    data = backprop_steps(root)
    expected = _engine_grads(root)
    assert [float(s) for s in data["final"]] == expected
    assert data["final"] == [repr(g) for g in expected]
    # replaying the steps' "after" values reproduces the same final state
    grads = ["0.0"] * len(data["nodes"])
    for step in data["steps"]:
        if step["kind"] == "seed":
            grads[step["node"]] = step["upstream"]
        for c in step["contribs"]:
            assert c["before"] == grads[c["parent"]]
            assert float(c["after"]) == float(c["before"]) + float(c["contribution"])  # a running sum
            grads[c["parent"]] = c["after"]
    assert grads == data["final"]


@pytest.mark.parametrize(
    ("build", "sums", "final"),
    [
        (lambda x: x * x, [(0.0, 3.0), (3.0, 6.0)], 6.0),  # d(x²)/dx = x + x at x = 3: 0 -> 3 -> 6
        (lambda x: x * x * x, [(0.0, 9.0), (9.0, 18.0), (18.0, 27.0)], 27.0),  # (x*x)*x: 9 directly, then 9 + 9
    ],
)
def test_a_node_used_twice_shows_its_running_sum(build, sums, final):
    x = Value(3.0, "x")
    data = backprop_steps(build(x))
    xi = next(i for i, n in enumerate(data["nodes"]) if n["label"] == "x")
    shown = [
        (float(c["before"]), float(c["after"])) for step in data["steps"] for c in step["contribs"] if c["parent"] == xi
    ]
    assert shown == sums
    assert float(data["final"][xi]) == final


def test_steps_follow_the_engines_reverse_topological_order():
    loss, _ = lecture_example()
    data = backprop_steps(loss)
    order = ac.topological_order(loss)
    interior = [i for i in range(len(order) - 1, -1, -1) if not order[i].is_leaf()]
    assert data["steps"][0]["kind"] == "seed" and data["steps"][0]["node"] == len(order) - 1
    assert data["steps"][0]["upstream"] == "1.0"
    assert [s["node"] for s in data["steps"][1:]] == interior
    step = data["steps"][1]  # e = (x - y) ** 2: one input
    (c,) = step["contribs"]
    edge = data["edges"][c["edge"]]
    assert float(c["contribution"]) == float(edge["local"]) * float(step["upstream"])


def test_steps_do_not_touch_grads_and_start_from_zero():
    a = Value(1.5, "a")
    a.grad = 7.0  # stale leaf gradient: the replay starts from zero_grad()
    y = a * a
    before = (a.grad, y.grad)
    data = backprop_steps(y)
    assert (a.grad, y.grad) == before
    assert data["final"] == ["3.0", "1.0"]


def test_seed_gradient_is_used_as_the_engine_does():
    a = Value(2.0, "a")
    data = backprop_steps(a.exp(), gradient=0.5)
    assert data["steps"][0]["upstream"] == "0.5"
    y = a * 3.0
    y.backward(-0.0)  # an interior root is set to the seed, signed zero included
    assert backprop_steps(y, gradient=-0.0)["final"][-1] == repr(y.grad) == "-0.0"
    leaf = Value(1.0)
    leaf.backward(-0.0)  # a leaf root accumulates: 0.0 + -0.0
    assert backprop_steps(leaf, gradient=-0.0)["final"] == [repr(leaf.grad)] == ["0.0"]


def test_undefined_local_derivative_raises_like_the_engine():
    x = Value(0.0, "x")
    y = x.sqrt()
    with pytest.raises(ValueError, match="sqrt"):
        y.backward()
    with pytest.raises(ValueError, match="sqrt"):
        backprop_steps(y)


def test_html_is_one_self_contained_file(tmp_path):
    loss, params = lecture_example()
    path = backprop_html(loss, tmp_path / "page.html", params=params)
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    # the only URL is the SVG namespace, which is a name, not a resource
    assert set(re.findall(r"https?://[^\s\"'<>)]+", page)) == {"http://www.w3.org/2000/svg"}
    assert not re.search(r"\b(src|href)\s*=\s*\"(?!data:)", page)
    assert "@import" not in page and "url(http" not in page and "fetch(" not in page
    assert "default-src 'none'" in page
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_embedded_json_cannot_close_the_script(tmp_path):
    x = Value(1.0, "</script><script>alert(1)</script> & <!--")
    page = backprop_html(x * 2.0, tmp_path / "p.html", title="t <b>").read_text(encoding="utf-8")
    assert page.count("</script>") == 2
    assert "<title>t &lt;b&gt;</title>" in page
    blob = re.search(r'<script type="application/json" id="backprop-data">(.*?)</script>', page, re.S).group(1)
    assert json.loads(blob)["nodes"][0]["label"] == "</script><script>alert(1)</script> & <!--"


def test_html_refuses_graphs_above_the_limit(tmp_path):
    y = Value(1.0)
    for _ in range(STEPPER_MAX_NODES):
        y = y + 1.0
    with pytest.raises(ValueError, match="backprop_html: the graph has more than 300 nodes.*draw_network"):
        backprop_html(y, tmp_path / "big.html")
    assert not (tmp_path / "big.html").exists()


def test_html_rejects_non_values(tmp_path):
    with pytest.raises(TypeError, match="backprop_html: expected a Value"):
        backprop_html(3.0, tmp_path / "x.html")


def test_same_graph_gives_the_same_page(tmp_path):
    pages = []
    for name in ("a.html", "b.html"):
        loss, params = lecture_example()
        pages.append(backprop_html(loss, tmp_path / name, params=params).read_bytes())
    assert pages[0] == pages[1]


def test_steps_come_from_one_run_of_the_engines_backward(monkeypatch):
    """No copy of the backward loop: backward runs once, watched through the observer hook,
    and the observer in place before (here a user's) is back afterwards."""
    import autograd_core.viz.stepper as stepper
    from autograd_core.value import get_observer, observing

    calls = []
    real = stepper.backward
    monkeypatch.setattr(stepper, "backward", lambda root, seed: (calls.append(root), real(root, seed)))
    loss, params = lecture_example()

    class Mine:
        def created(self, node):
            pass

        def propagating(self, node):
            pass

    mine = Mine()
    with observing(mine):
        data = backprop_steps(loss, params=params)
        assert get_observer() is mine
    assert calls == [loss]
    assert len(data["steps"]) == 1 + sum(1 for v in ac.topological_order(loss) if not v.is_leaf())
    assert all(p.grad == 0.0 for p in params)
