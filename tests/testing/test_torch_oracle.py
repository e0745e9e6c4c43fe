"""PyTorch as an oracle: random graphs and MLPs vs torch.autograd in float64, first and second derivatives.

Every rule of the table maps to a torch function below; a rule without one fails
``test_every_rule_has_a_torch_function`` (add the mapping when you add the rule).
"""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_core import RULES, grad
from autograd_core.testing.strategies import expressions
from nn.testing import mlps
from tests.optional import import_torch

pytestmark = pytest.mark.torch
torch = import_torch()
F = torch.nn.functional
F64 = torch.float64

RTOL = 1e-9
FLOOR = 1e-12  # absolute floor, relative to the largest entry compared (cancellation to ~0)


def _t(x):
    return x if isinstance(x, torch.Tensor) else torch.tensor(float(x), dtype=F64)


def _stack(xs):
    return torch.stack([_t(x) for x in xs])


def _dot(*xs):
    n = len(xs) // 2
    return torch.dot(_stack(xs[:n]), _stack(xs[n:]))


def _affine(*bwx):
    n = (len(bwx) - 1) // 2
    if n == 0:
        return _t(bwx[0]) * 1.0
    return _t(bwx[0]) + torch.dot(_stack(bwx[1 : n + 1]), _stack(bwx[n + 1 :]))


TORCH = {
    "add": lambda x, y: _t(x) + _t(y),
    "sub": lambda x, y: _t(x) - _t(y),
    "mul": lambda x, y: _t(x) * _t(y),
    "div": lambda x, y: _t(x) / _t(y),
    "neg": lambda x: -x,
    "pow": lambda x, y: torch.pow(_t(x), y) if not isinstance(y, torch.Tensor) else torch.exp(y * torch.log(_t(x))),
    "square": torch.square,
    "exp": torch.exp,
    "log": torch.log,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "softplus": lambda x: torch.logaddexp(x, torch.zeros_like(x)),  # F.softplus returns x above 20
    "relu": torch.relu,
    "abs": torch.abs,
    "sqrt": torch.sqrt,
    "sin": torch.sin,
    "cos": torch.cos,
    "sum": lambda *xs: _stack(xs).sum(),
    "dot": _dot,
    "affine": _affine,
}

# pow: torch.pow's double backward drops d/dy (d/dx x^y) at y == 0 exactly (it masks the first
# derivative there); x^y = e^(y ln x) is exact for the base x > 0 the domain guarantees.

ACT = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu, "linear": lambda s: s}


def torch_op(name, *args):
    if name not in TORCH:
        raise AssertionError(f"rule {name!r} has no torch function: add it to TORCH in {__file__}")
    return TORCH[name](*args)


def _num(x):
    return x.item() if isinstance(x, torch.Tensor) else float(x)


def assert_close(ours, theirs, what):
    ours, theirs = [_num(a) for a in ours], [_num(b) for b in theirs]
    floor = FLOOR * max([1.0] + [abs(b) for b in theirs])
    for k, (a, b) in enumerate(zip(ours, theirs)):
        assert abs(a - b) <= RTOL * max(abs(a), abs(b)) + floor, f"{what}[{k}]: ours {a!r}, torch {b!r}"


def torch_derivatives(out, leaves):
    """Value, gradient and Hessian rows of a torch scalar (zeros where torch reports unused)."""
    zero = torch.zeros((), dtype=F64)
    first = torch.autograd.grad(out, leaves, create_graph=True, allow_unused=True)
    rows = []
    for g in first:
        if g is None or not g.requires_grad:
            rows.append([0.0] * len(leaves))
            continue
        row = torch.autograd.grad(g, leaves, retain_graph=True, allow_unused=True)
        rows.append([zero if r is None else r for r in row])
    return out.item(), [0.0 if g is None else g for g in first], rows


def engine_derivatives(out, leaves):
    first = grad(out, leaves, create_graph=True)
    return out.data, [g.data for g in first], [grad(g, leaves) for g in first]


def test_every_rule_has_a_torch_function():
    missing = sorted(set(RULES) - set(TORCH))
    assert not missing, f"rules without a torch function in test_torch_oracle.TORCH: {missing}"


@settings(max_examples=200)
@given(expressions(max_depth=30))
def test_random_graphs_match_torch_first_and_second_derivatives(expr):
    leaves = expr.leaves()
    ours = engine_derivatives(expr(*leaves), leaves)
    tleaves = [torch.tensor(v, dtype=F64, requires_grad=True) for v in expr.inputs]
    theirs = torch_derivatives(expr.build(tleaves, torch_op), tleaves)
    assert_close([ours[0]], [theirs[0]], "value")
    assert_close(ours[1], theirs[1], "gradient")
    for i, (a, b) in enumerate(zip(ours[2], theirs[2])):
        assert_close(a, b, f"hessian row {i}")


def torch_mlp(case, params, x):
    """The same MLP written with torch: s_j = b_j + sum_i w_ji x_i, then the activation."""
    it = iter(params)
    layers = case.model.layers
    for depth, layer in enumerate(layers):
        act = ACT[case.output_activation if depth == len(layers) - 1 else case.activation]
        out = []
        for neuron in layer.neurons:
            w = torch.stack([next(it) for _ in neuron.w])
            b = next(it)
            out.append(act(b + torch.dot(w, torch.stack(x))))
        x = out
    return x


def cross_entropy(logits, target):
    """-log softmax(logits)[target] = logsumexp(logits) - logits[target], shifted by m = max."""
    m = max(v.data for v in logits)
    total = logits[0] * 0.0 + sum((v - m).exp() for v in logits)
    return total.log() + m - logits[target]


@settings(max_examples=60)
@given(mlps(max_inputs=3, max_layers=3, max_width=4), st.integers(0, 2**16))
def test_random_mlps_with_softmax_cross_entropy_match_torch(case, seed):
    model = case.model
    params = model.parameters()
    xs = case.inputs()
    logits = case.outputs(xs)
    target = seed % len(logits)
    loss = cross_entropy(logits, target) if len(logits) > 1 else (logits[0] - 0.5) ** 2
    wrt = params + xs
    g_ours = grad(loss, wrt, create_graph=True)
    v = [random.Random(seed).uniform(-1.0, 1.0) for _ in wrt]  # Hessian-vector product direction
    hv_ours = grad(sum(g * c for g, c in zip(g_ours, v)), wrt)

    tp = [torch.tensor(p.data, dtype=F64, requires_grad=True) for p in params]
    tx = [torch.tensor(x.data, dtype=F64, requires_grad=True) for x in xs]
    tlogits = torch.stack(torch_mlp(case, tp, tx))
    assert_close([o.data for o in logits], tlogits.tolist(), "outputs")
    if len(logits) > 1:
        tloss = F.cross_entropy(tlogits.unsqueeze(0), torch.tensor([target]))
    else:
        tloss = (tlogits[0] - 0.5) ** 2
    assert_close([loss.data], [tloss.item()], "loss")
    g_theirs = torch.autograd.grad(tloss, tp + tx, create_graph=True)
    assert_close([g.data for g in g_ours], [float(g.detach()) for g in g_theirs], "gradient")
    dot = sum(g * c for g, c in zip(g_theirs, v))
    hv_theirs = torch.autograd.grad(dot, tp + tx, allow_unused=True) if dot.requires_grad else [0.0] * len(wrt)
    assert_close(hv_ours, [0.0 if h is None else float(h) for h in hv_theirs], "hessian-vector product")
