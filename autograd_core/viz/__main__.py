"""``python -m autograd_core.viz --out DIR``: draw the lecture's worked example.

Writes DIR/example_graph.svg (the computation graph after backward, with local
derivatives on the edges) and DIR/example_backprop.html (the step-through page), and
prints their paths.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .example import lecture_example
from .render import RendererNotFound, save_svg
from .stepper import backprop_html

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m autograd_core.viz",
        description="Draw the lecture's worked example: a 2-2-1 tanh network, square loss, one data point.",
    )
    parser.add_argument("--out", default="out", help="output folder (default: ./out)")
    parser.add_argument("--renderer", choices=("auto", "dot", "wasm"), default="auto",
                        help="SVG renderer: system dot, in-process WebAssembly Graphviz, or auto")
    args = parser.parse_args(argv)
    out = Path(args.out)

    loss, params = lecture_example()
    html_path = backprop_html(loss, out / "example_backprop.html", params=params,
                              title="Backpropagation through the lecture's 2-2-1 tanh network")
    loss.backward()
    try:
        svg_path = save_svg(loss, out / "example_graph.svg", renderer=args.renderer,
                            show_local_grads=True, params=params)
    except RendererNotFound as error:
        print(html_path)
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(svg_path)
    print(html_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
