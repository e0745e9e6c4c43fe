"""``python -m autograd_core.viz --out DIR``: draw the lecture's worked example.

Writes DIR/example_graph.svg (the computation graph after backward, with local
derivatives on the edges) and DIR/example_backprop.html (the step-through page), and
prints their paths.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .._extras import MissingExtra, require
from ..files import atomic_write_text
from .example import lecture_example
from .render import RendererNotFound, render_svg
from .stepper import backprop_html

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m autograd_core.viz",
        description="Draw the lecture's worked example: a 2-2-1 tanh network, square loss, one data point.",
    )
    parser.add_argument("--out", default="out", help="output folder (default: ./out)")
    parser.add_argument(
        "--renderer",
        choices=("auto", "dot", "wasm"),
        default="auto",
        help="SVG renderer: system dot, in-process WebAssembly Graphviz, or auto",
    )
    args = parser.parse_args(argv)
    out = Path(args.out)
    try:  # check before writing anything: all or nothing
        require("graphviz", "viz", "python -m autograd_core.viz")
    except MissingExtra as error:
        print(f"error: {error}", file=sys.stderr)
        return 1

    loss, params = lecture_example()
    loss.backward()
    try:
        svg = render_svg(loss, renderer=args.renderer, show_local_grads=True, params=params)
    except RendererNotFound as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    svg_path = atomic_write_text(out / "example_graph.svg", svg)
    html_path = backprop_html(
        loss,
        out / "example_backprop.html",
        params=params,
        title="Backpropagation through the lecture's 2-2-1 tanh network",
    )
    print(svg_path)
    print(html_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
