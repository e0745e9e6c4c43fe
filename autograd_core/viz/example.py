"""The worked example of the command line: the lecture's network on one data point.

A 2-2-1 tanh network, x_j^(l) = tanh(s_j^(l)), s_j^(l) = sum_{i=0}^{2} w_ij^(l) x_i^(l-1) with
the bias input x_0 = 1 (one ``affine`` node per neuron), and the square loss
e = (h - y)^2, h = x_1^(2), as one ``square`` node on one example (x, y). Labels follow the lecture's notation.
"""

from __future__ import annotations

from ..functions import affine, square
from ..value import Value

__all__ = ["lecture_example"]

_X = (0.5, -1.0)
_Y = 0.8
_W = {  # layer -> rows (w_0j, w_1j, w_2j) for each neuron j
    1: ((0.1, 0.4, -0.6), (-0.2, 0.7, 0.3)),
    2: ((0.05, -0.9, 0.8),),
}


def lecture_example() -> tuple[Value, list[Value]]:
    """The loss e of the 2-2-1 tanh network and its weights (w_0j is the bias), before backward."""
    x = [Value(v, label=f"x_{i}^(0)") for i, v in enumerate(_X, start=1)]
    params: list[Value] = []
    for layer, rows in _W.items():
        outputs = []
        for j, row in enumerate(rows, start=1):
            w = [Value(v, label=f"w_{i}{j}^({layer})") for i, v in enumerate(row)]
            params.extend(w)
            s = affine(w[0], w[1:], x)  # w_0j x_0 + ... with the bias input x_0 = 1 as a constant
            assert isinstance(s, Value)
            s.label = f"s_{j}^({layer})"
            out = s.tanh()
            out.label = f"x_{j}^({layer})"
            outputs.append(out)
        x = outputs
    diff = x[0] - _Y
    diff.label = "h - y"
    e = square(diff)
    assert isinstance(e, Value)
    e.label = "e"
    return e, params
