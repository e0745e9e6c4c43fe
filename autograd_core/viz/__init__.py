"""Seeing backprop: graphs of a computation with values and gradients, rendered to SVG
(system Graphviz or an in-process WebAssembly Graphviz), a step-through HTML page of the
backward pass, and a network-level view of ``nn`` models.

``graphviz`` is imported only when drawing; tracing (:func:`trace`) is pure Python.
``draw(loss)`` draws a graph: ``draw`` is :func:`draw_graph` under its short name (the module
that holds it is ``viz.dot``).
"""

from .dot import MAX_NODES, draw_graph, escape_label, escape_text, grad_color
from .example import lecture_example
from .lecture import LECTURE_MAX_LAYERS, LECTURE_MAX_WIDTH, lecture_html, lecture_steps
from .network import draw_network
from .render import (
    INSTALL_HINT,
    RendererNotFound,
    SVGGraph,
    available_renderer,
    render_svg,
    save_svg,
    show,
)
from .stepper import STEPPER_MAX_NODES, backprop_html, backprop_steps
from .trace import Edge, Trace, trace

draw = draw_graph

__all__ = [
    "trace",
    "Trace",
    "Edge",
    "draw",
    "draw_graph",
    "MAX_NODES",
    "escape_label",
    "escape_text",
    "grad_color",
    "draw_network",
    "render_svg",
    "save_svg",
    "show",
    "SVGGraph",
    "available_renderer",
    "RendererNotFound",
    "INSTALL_HINT",
    "backprop_html",
    "backprop_steps",
    "STEPPER_MAX_NODES",
    "lecture_example",
    "lecture_steps",
    "lecture_html",
    "LECTURE_MAX_WIDTH",
    "LECTURE_MAX_LAYERS",
    "TrainingView",
]


def __getattr__(name: str) -> object:
    """``TrainingView`` is imported on first use, so ``import autograd_core.viz`` never needs anywidget."""
    if name == "TrainingView":
        from .widget import training_view_class

        return training_view_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
