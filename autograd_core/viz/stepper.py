"""The backward pass as a self-contained HTML page that steps through it node by node.

:func:`backprop_steps` replays ``autograd_core.graph.backward`` in Python, with the very
same float operations in the same order (reverse topological order; interior gradients
reset to 0, the root seeded; ``parent.grad += local * upstream`` for each input in argument
order), so the last step's gradients are bit for bit the engine's. The page only shows
these numbers (as ``repr`` strings); its script does no arithmetic on gradients.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..files import atomic_write_text
from ..value import Value
from .draw import check_size
from .layout import layered_layout
from .stepper_page import PAGE_CSS, PAGE_JS
from .trace import format_number, op_label, trace

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


def backprop_steps(
    root: Value, gradient: float = 1.0, params: Iterable[Value] | None = None
) -> dict[str, Any]:
    """The graph of ``root`` and every step of its backward pass, as JSON-ready data.

    Starts from zero gradients everywhere (as after ``zero_grad()``): step 0 seeds
    ``root.grad = gradient``; step k processes the k-th function node in reverse topological
    order. Does not touch any ``.grad``. Raises the engine's ``ValueError`` where backward
    would (a gradient pushed through an undefined derivative).
    """
    t = trace(root)
    col, row = layered_layout(t)
    param_set = set(params) if params is not None else set()
    nodes = [
        {
            "label": v.label,
            "short": short_label(v.label),
            "op": op_label(v),
            "math": v._fn.math if v._fn is not None else "",
            "data": _num(v.data),
            "data_short": format_number(v.data),
            "leaf": v.is_leaf(),
            "param": v in param_set,
            "fan_out": t.fan_out[i],
            "col": col[i],
            "row": row[i],
        }
        for i, v in enumerate(t.nodes)
    ]
    edges = [
        {"parent": e.parent, "child": e.child, "local": _num(e.local_grad), "local_short": _short(e.local_grad)}
        for e in t.edges
    ]
    incoming = [[] for _ in t.nodes]
    for k, e in enumerate(t.edges):
        incoming[e.child].append(k)

    grads = [0.0] * len(t.nodes)
    root_index = len(t.nodes) - 1
    seed = float(gradient)
    # backward: a leaf root accumulates (here from zero); an interior root is set to the seed
    grads[root_index] = 0.0 + seed if root._p0 is None else seed
    steps: list[dict[str, Any]] = [
        {"kind": "seed", "node": root_index, "upstream": _num(grads[root_index]),
         "upstream_short": _short(grads[root_index]), "contribs": []}
    ]
    for i in range(len(t.nodes) - 1, -1, -1):
        v = t.nodes[i]
        if v._p0 is None:
            continue
        g = grads[i]
        contribs = []
        for k in incoming[i]:
            e = t.edges[k]
            c = e.local_grad * g
            before = grads[e.parent]
            grads[e.parent] = before + c
            contribs.append({
                "edge": k, "parent": e.parent, "contribution": _num(c), "contribution_short": _short(c),
                "before": _num(before), "after": _num(grads[e.parent]),
            })
        steps.append({"kind": "propagate", "node": i, "upstream": _num(g),
                      "upstream_short": _short(g), "contribs": contribs})
    return {"nodes": nodes, "edges": edges, "steps": steps, "final": [_num(g) for g in grads]}


def _script_json(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


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
    Home/End jump). Each step highlights the node being processed and writes
    ``local derivative x upstream gradient = contribution`` on each of its input edges; the
    last step shows exactly ``root.backward()``'s gradients from zero leaf gradients. Every
    node element carries ``data-grad`` (a Python ``repr``). No network access of any kind.
    """
    if not isinstance(root, Value):
        raise TypeError(f"backprop_html: expected a Value, got {type(root).__name__} {root!r:.60}")
    check_size(root, max_nodes, "backprop_html")
    data = backprop_steps(root, gradient, params)
    name = title or f"Backpropagation through {root.label or 'the graph'}"
    data["title"] = name
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
        "<link rel=\"icon\" href=\"data:,\">\n"
        f"<title>{html.escape(name)}</title>\n<style>{PAGE_CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{html.escape(name)}</h1>\n"
        "<p class=\"sub\">The engine's backward pass, one function node per step, in reverse "
        "topological order: every input receives <b>local derivative &times; upstream gradient</b> "
        "and adds it to its gradient.</p></header>\n"
        "<nav id=\"controls\">"
        "<button id=\"btn-reset\" title=\"Reset (Home)\">&#x21BA; Reset</button>"
        "<button id=\"btn-prev\" title=\"Previous step (Left arrow)\">&#x25C0; Prev</button>"
        "<button id=\"btn-play\" title=\"Play / pause (Space)\">&#x25B6; Play</button>"
        "<button id=\"btn-next\" title=\"Next step (Right arrow)\">Next &#x25B6;</button>"
        "<span id=\"step-counter\"></span>"
        "<span class=\"keys\">keys: &larr; &rarr; step, space play, Home / End</span></nav>\n"
        "<section id=\"explain\" aria-live=\"polite\"></section>\n"
        "<div id=\"graph-wrap\"><svg id=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\"></svg></div>\n"
        "<footer id=\"legend\"><span class=\"sw cur\"></span>being processed "
        "<span class=\"sw upd\"></span>receives a contribution "
        "<span class=\"sw leaf\"></span>leaf <span class=\"sw param\"></span>parameter "
        "<span class=\"sigma\">&Sigma;</span> gradients from several "
        "paths add up here &nbsp; fill: <span class=\"sw pos\"></span>grad &gt; 0 "
        "<span class=\"sw neg\"></span>grad &lt; 0</footer>\n"
        f"<script type=\"application/json\" id=\"backprop-data\">{_script_json(data)}</script>\n"
        f"<script>{PAGE_JS}</script>\n</body>\n</html>\n"
    )
    return atomic_write_text(path, page)
