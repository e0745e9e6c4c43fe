"""Demos of autograd_core and nn, each run as ``python -m demos.<name>`` from the repository root.

- ``lecture``: the lecture's 4-layer tanh network on one data point; the δ recursion beside the
  engine's gradients, one SGD step, the graph SVG and the backprop step-through HTML.
- ``moons``: two moons, the lecture's tanh + square loss and micrograd's relu + hinge loss.
- ``digits``: 8×8 handwritten digits, softmax cross-entropy, save / reload the model.
- ``spiral``: three spiral arms, Adam against SGD.
- ``newton``: second derivatives through ``grad(..., create_graph=True)``: Newton against
  gradient descent.

Every demo takes ``--quick`` (seconds) and ``--out DIR`` (default ``demos/output/<name>``),
and its ``main(argv)`` returns a dict of metrics (also written to ``metrics.json``).
Needs the "demos" extra: ``pip install "autograd-core[demos,viz]"``.
"""

__all__: list[str] = []
