"""The backward pass as a self-contained HTML page that steps through it node by node.

:func:`backprop_steps` watches the engine's one backward loop through the observer hook
(``autograd_core.value.observing``): each step is a node the engine processes, with the
gradients the engine holds at that moment, so the last step's gradients are the engine's bit
for bit. The page only shows these numbers; its script does no arithmetic on gradients.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .. import _checks
from ..files import atomic_write_text
from ..graph import backward
from ..value import Value, observing
from .assets import html_page
from .dot import check_size
from .layout import layered_layout
from .trace import Trace, format_number, lecture_labels, op_label, path_counts, trace

__all__ = ["STEPPER_MAX_NODES", "backprop_steps", "backprop_html"]

STEPPER_MAX_NODES = 300
"""Default node limit of the step-through page (one step per function node)."""


def short_label(label: str, limit: int = 14) -> str:
    """A label that fits a node box: dotted parameter names shrink, ``layers.0.neurons.3.w.1`` -> ``l0.n3.w1``."""
    if len(label) <= limit:
        return label
    return re.sub(r"([A-Za-z])[A-Za-z_]*\.(\d+)", r"\1\2", label)


def _num(x: Any) -> str:
    return repr(float(x)) if isinstance(x, (int, float)) else "undefined"


def _short(x: Any) -> str:
    return f"{float(x):.4g}" if isinstance(x, (int, float)) else "undefined"


class _Recorder:
    """Observer of the engine's backward loop: at each ``propagating(node)`` it keeps the node and
    every gradient of the graph at that moment (the graphs drawn here have a few hundred nodes)."""

    def __init__(self, nodes: tuple[Value, ...]) -> None:
        self.nodes = nodes
        self.events: list[tuple[Value, list[float]]] = []

    def created(self, node: Value) -> None:
        pass

    def propagating(self, node: Value) -> None:
        self.events.append((node, [v.grad for v in self.nodes]))


def _replay(t: Trace, root: Value, seed: float) -> tuple[list[tuple[Value, list[float]]], list[float]]:
    """Run the engine's own backward pass once, from zero leaf gradients, watching it through the
    observer hook; every ``.grad`` of the graph is restored afterwards (also when backward raises)."""
    saved = [v.grad for v in t.nodes]
    recorder = _Recorder(t.nodes)
    try:
        for v in t.nodes:
            if v.is_leaf():
                v.grad = 0.0
        with observing(recorder):
            backward(root, seed)
        final = [v.grad for v in t.nodes]
    finally:
        for v, g in zip(t.nodes, saved):
            v.grad = g
    return recorder.events, final


def backprop_steps(root: Value, gradient: float = 1.0, params: Iterable[Value] | None = None) -> dict[str, Any]:
    """The graph of ``root`` and every step of its backward pass, as JSON-ready data.

    The steps are the engine's: :func:`autograd_core.backward` runs once, from zero leaf
    gradients (as after ``zero_grad()``), with an observer that sees each node just before its
    gradient is pushed to its parents; afterwards every ``.grad`` is as it was. Step 0 seeds
    ``root.grad = gradient``; step k is the k-th node the engine processes, with each input's
    gradient before and after (as the engine left it). Raises the engine's ``ValueError`` where
    backward does (a gradient pushed through an undefined derivative).
    """
    _checks.value("backprop_steps", "root", root)
    _checks.real("backprop_steps", "gradient", gradient)
    params = _checks.values("backprop_steps", "params", params, optional=True)
    t = trace(root)
    col, row = layered_layout(t)
    paths = path_counts(t)
    names = lecture_labels(t)
    param_set = set(params) if params is not None else set()
    nodes = [
        {
            "label": names[i],
            "short": short_label(names[i]),
            "op": op_label(v),
            "math": v.rule.math if v.rule is not None else "",
            "data": _num(v.data),
            "data_short": format_number(v.data),
            "leaf": v.is_leaf(),
            "param": v in param_set,
            "fan_out": t.fan_out[i],
            "paths": paths[i],
            "col": col[i],
            "row": row[i],
        }
        for i, v in enumerate(t.nodes)
    ]
    edges = [
        {"parent": e.parent, "child": e.child, "local": _num(e.local_grad), "local_short": _short(e.local_grad)}
        for e in t.edges
    ]
    incoming: list[list[int]] = [[] for _ in t.nodes]
    for k, e in enumerate(t.edges):
        incoming[e.child].append(k)
    index = {v: i for i, v in enumerate(t.nodes)}
    root_index = len(t.nodes) - 1
    events, final = _replay(t, root, float(gradient))
    seed = events[0][1][root_index] if events else final[root_index]
    steps: list[dict[str, Any]] = [
        {"kind": "seed", "node": root_index, "upstream": _num(seed), "upstream_short": _short(seed), "contribs": []}
    ]
    for k, (v, grads) in enumerate(events):
        i = index[v]
        after = events[k + 1][1] if k + 1 < len(events) else final  # as the engine left them
        g = grads[i]
        running: dict[int, float] = {}
        contribs = []
        for m, kk in enumerate(incoming[i]):
            e = t.edges[kk]
            c = e.local_grad * g
            before = running.get(e.parent, grads[e.parent])
            again = any(t.edges[k2].parent == e.parent for k2 in incoming[i][m + 1 :])  # x * x: twice
            running[e.parent] = before + c if again else after[e.parent]
            contribs.append(
                {
                    "edge": kk,
                    "parent": e.parent,
                    "contribution": _num(c),
                    "contribution_short": _short(c),
                    "before": _num(before),
                    "after": _num(running[e.parent]),
                }
            )
        steps.append(
            {"kind": "propagate", "node": i, "upstream": _num(g), "upstream_short": _short(g), "contribs": contribs}
        )
    return {"nodes": nodes, "edges": edges, "steps": steps, "final": [_num(g) for g in final]}


def backprop_html(
    root: Value,
    path: str | os.PathLike[str],
    title: str | None = None,
    gradient: float = 1.0,
    params: Iterable[Value] | None = None,
    max_nodes: int | None = STEPPER_MAX_NODES,
) -> Path:
    """Write one self-contained HTML page that replays ``root``'s backward pass step by step.

    Controls: Reset, Previous, Play/Pause, Next buttons and the arrow keys (Space plays,
    Home/End jump); fit, zoom (+ / - / 0), presentation mode (p, text >= 18 px) and SVG/PNG
    export of the step (s / i). Each step highlights the node being processed, keeps it on
    screen, and writes ``local derivative x upstream gradient = contribution`` on each of its
    input edges (arrows pointing backward); the last step shows exactly ``root.backward()``'s
    gradients from zero leaf gradients. Numbers show 4 significant digits; every node element
    carries the full ``data-grad`` (a Python ``repr``). No network access of any kind.
    """
    if not isinstance(root, Value):
        raise TypeError(f"backprop_html: expected a Value, got {type(root).__name__} {root!r:.60}")
    _checks.text("backprop_html", "title", title, optional=True)
    _checks.path("backprop_html", "path", path)
    _checks.real("backprop_html", "gradient", gradient)
    params = _checks.values("backprop_html", "params", params, optional=True)
    _checks.positive_int("backprop_html", "max_nodes", max_nodes, 1, optional=True)
    check_size(root, max_nodes, "backprop_html")
    data = backprop_steps(root, gradient, params)
    name = title or f"Backpropagation through {root.label or 'the graph'}"
    data["title"] = name
    body = (
        f'<header class="top"><h1>{html.escape(name)}</h1>\n'
        '<nav id="controls" class="toolbar">'
        '<button id="btn-reset" type="button" title="Reset (Home)">&#x21BA; Reset</button>'
        '<button id="btn-prev" type="button" title="Previous step (Left arrow)">&#x25C0; Prev</button>'
        '<button id="btn-play" type="button" title="Play / pause (Space)">&#x25B6; Play</button>'
        '<button id="btn-next" type="button" title="Next step (Right arrow)">Next &#x25B6;</button>'
        '<span id="step-counter"></span></nav>'
        '<span class="keys">&larr; &rarr; step &middot; space play &middot; Home / End &middot; + &minus; 0 zoom '
        "&middot; p presentation</span></header>\n"
        '<p class="sub">The engine\'s backward pass, one function node per step, in reverse '
        "topological order: every input receives <b>local derivative &times; upstream gradient</b> "
        "and adds it to its gradient.</p>\n"
        '<section id="explain" class="panel" aria-live="polite"></section>\n'
        '<div id="graph-wrap" class="stage"><svg id="graph" xmlns="http://www.w3.org/2000/svg" '
        'role="img"></svg></div>\n'
        '<footer id="legend"><span class="sw cur"></span>being processed '
        '<span class="sw upd"></span>receives a contribution '
        '<span class="sw leaf"></span>leaf <span class="sw param"></span>parameter '
        '<span class="sigma">&Sigma;</span> used several times: gradients from its paths add up here '
        '&nbsp; fill: <span class="sw pos"></span>grad &gt; 0 '
        '<span class="sw neg"></span>grad &lt; 0 &nbsp; <span title="hover a number or a dot for its full value">'
        "4 significant digits</span></footer>"
    )
    page = html_page(
        name,
        body,
        styles=("common.css", "stepper.css"),
        scripts=("network.js", "controls.js", "stepper.js"),
        data=data,
        data_id="backprop-data",
        body_class="page",
    )
    return atomic_write_text(path, page, "backprop_html")
