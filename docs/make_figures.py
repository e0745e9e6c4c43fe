"""Draw the lecture page's figures with the library itself: ``python docs/make_figures.py``.

- ``lecture_network.svg``: the lecture's 3-3-3-3-1 tanh network after one backward pass, each
  neuron with x_j^(l) and δ_j^(l), each edge coloured by ∂e/∂w (``viz.draw_network``);
- ``lecture_softmax_graph.svg``: the computation graph of the cross-entropy of three scores
  after ``backward()``, each node with its value and gradient (``viz.draw``): the scores'
  gradients are p - y.

The backward-step screenshot ``lecture_backward_step.png`` is the lecture page of the gallery.
tests/docs/test_figures.py checks that the committed figures show what the engine computes.
"""

from __future__ import annotations

from pathlib import Path

import nn
from autograd_core import Value, viz

HERE = Path(__file__).resolve().parent
X, Y = [0.5, -1.0, 2.0], 1.0
SCORES, TARGET = (2.0, 1.0, -1.0), 0


def lecture_model() -> nn.MLP:
    return nn.MLP(3, [3, 3, 3, 1], activation="tanh", output_activation="tanh", seed=10)


def softmax_loss() -> tuple[list[Value], Value]:
    """The scores f (leaves) and L = cross_entropy(f, TARGET), after ``backward()``."""
    f = [Value(v, label=f"f_{i}") for i, v in enumerate(SCORES, start=1)]
    loss = nn.cross_entropy(f, TARGET)
    loss.label = "L"
    loss.backward()
    return f, loss


def main() -> None:
    network = viz.draw_network(lecture_model(), show="grads", x=X, y=Y)
    print("wrote", viz.save_svg(network, HERE / "lecture_network.svg"))
    _, loss = softmax_loss()
    graph = viz.draw(loss, rankdir="TB", color_by_grad=True)
    print("wrote", viz.save_svg(graph, HERE / "lecture_softmax_graph.svg"))


if __name__ == "__main__":
    main()
