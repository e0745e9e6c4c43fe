"""lecture_steps against the lecture's δ recursion computed by hand; lecture_html's page and its limits."""

import math
import re

import pytest

import nn
from autograd_core import Value, no_grad
from autograd_core.viz import lecture_html, lecture_steps

X, Y = (0.5, -1.0, 2.0), 1.0


def theta(act, s):
    return {
        "tanh": math.tanh,
        "sigmoid": lambda v: 1.0 / (1.0 + math.exp(-v)),
        "relu": lambda v: max(0.0, v),
        "linear": lambda v: v,
    }[act](s)


def theta_prime(act, s, x):
    """θ' as the lecture writes it: 1 - x² (tanh), x(1 - x) (sigmoid), [s > 0] (relu)."""
    return {"tanh": 1.0 - x * x, "sigmoid": x * (1.0 - x), "relu": 1.0 if s > 0 else 0.0, "linear": 1.0}[act]


def by_hand(model, x, y, lr):
    """Forward propagation, δ^(L) = 2(h - y)θ'(s^(L)), δ_i^(l-1) = θ'(s_i^(l-1)) Σ_j w_ij^(l) δ_j^(l)."""
    W = [[[n.b.data, *(w.data for w in n.w)] for n in layer.neurons] for layer in model.layers]
    acts = [layer.activation for layer in model.layers]
    xs, ss = [list(x)], []
    for l, rows in enumerate(W):
        s = [row[0] + sum(w * v for w, v in zip(row[1:], xs[-1])) for row in rows]
        ss.append(s)
        xs.append([theta(acts[l], v) for v in s])
    L = len(W)
    h = xs[L][0]
    deltas = [None] * L
    deltas[L - 1] = [2.0 * (h - y) * theta_prime(acts[L - 1], ss[L - 1][0], h)]
    for l in range(L - 1, 0, -1):  # δ^(l+1) -> δ^(l), 1-based l
        deltas[l - 1] = [
            theta_prime(acts[l - 1], ss[l - 1][i], xs[l][i])
            * sum(W[l][j][i + 1] * deltas[l][j] for j in range(len(W[l])))
            for i in range(len(xs[l]))
        ]
    grads = [
        [[([1.0] + xs[l])[i] * deltas[l][j] for j in range(len(W[l]))] for i in range(len(W[l][0]))] for l in range(L)
    ]
    w_new = [
        [[W[l][j][i] - lr * grads[l][i][j] for j in range(len(W[l]))] for i in range(len(W[l][0]))] for l in range(L)
    ]
    return {"x": xs, "s": ss, "delta": deltas, "grad": grads, "w_new": w_new, "e": (h - y) ** 2}


def close(a, b):
    if isinstance(a, list):
        return len(a) == len(b) and all(close(p, q) for p, q in zip(a, b))
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)


@pytest.mark.parametrize(
    "act,sizes,seed",
    [
        ("tanh", [3, 3, 3, 1], 10),
        ("sigmoid", [4, 2, 1], 3),
        ("relu", [5, 4, 1], 7),
        ("relu", [2, 1], 1),
    ],
)
def test_lecture_steps_equal_the_delta_recursion_by_hand(act, sizes, seed):
    model = nn.MLP(3, sizes, activation=act, output_activation=act, seed=seed)
    got = lecture_steps(model, X, Y, lr=0.05)
    assert set(got) == {"x", "s", "delta", "grad", "w_new", "e"}
    want = by_hand(model, X, Y, 0.05)
    for key in got:
        assert close(got[key], want[key]), key
    L = len(sizes)
    assert len(got["x"]) == L + 1 and len(got["s"]) == len(got["delta"]) == L
    assert [len(g) for g in got["grad"]] == [3 + 1, *(n + 1 for n in sizes[:-1])]  # row 0: the bias input
    if act == "relu":
        assert any(s <= 0 for layer in got["s"] for s in layer)  # [s > 0] really is exercised


def test_linear_output_and_the_x0_row():
    model = nn.MLP(3, [2, 1], activation="tanh", seed=0)  # output_activation "linear"
    got = lecture_steps(model, X, Y)
    want = by_hand(model, X, Y, 0.1)
    assert all(close(got[key], want[key]) for key in got)
    assert got["grad"][1][0] == [got["delta"][1][0]]  # ∂e/∂w_01 = x_0 δ_1 = δ_1


def test_lecture_steps_does_not_change_the_model():
    model = nn.MLP(3, [3, 1], seed=2)
    model.parameters()[0].grad = 0.25
    before = [(p.data, p.grad, p.label) for p in model.parameters()]
    lecture_steps(model, [Value(0.1), 0.2, 0.3], Value(1.0))
    assert [(p.data, p.grad, p.label) for p in model.parameters()] == before


@pytest.mark.parametrize(
    "call,error,match",
    [
        (lambda m: lecture_steps(nn.MLP(3, [2, 2], seed=0), X, Y), ValueError, "one output"),
        (lambda m: lecture_steps("model", X, Y), TypeError, "nn.MLP"),
        (lambda m: lecture_steps(m, (1.0, 2.0), Y), ValueError, "3 inputs"),
        (lambda m: lecture_steps(m, X, "y"), TypeError, "y must be a real number"),
        (lambda m: lecture_steps(m, X, Y, lr=float("nan")), ValueError, "lr must be finite"),
        (
            lambda m: lecture_steps(nn.MLP(3, [1], activation=lambda s: s.tanh(), output_activation=lambda s: s), X, Y),
            ValueError,
            "activation",
        ),
    ],
)
def test_bad_inputs_raise_named_errors(call, error, match):
    with pytest.raises(error, match=match):
        call(nn.MLP(3, [2, 1], seed=0))


def test_inside_no_grad_is_a_clear_error():
    with no_grad(), pytest.raises(ValueError, match="no_grad"):
        lecture_steps(nn.MLP(3, [2, 1], seed=0), X, Y)


def test_too_big_a_network_says_what_to_draw_instead(tmp_path):
    with pytest.raises(ValueError, match="draw_network"):
        lecture_html(nn.MLP(3, [11, 1], seed=0), X, Y, tmp_path / "wide.html")
    with pytest.raises(ValueError, match="at most 10 per layer and 6 layers"):
        lecture_html(nn.MLP(3, [2] * 6 + [1], seed=0), X, Y, tmp_path / "deep.html")
    assert not list(tmp_path.iterdir())
    lecture_html(nn.MLP(10, [10] * 5 + [1], seed=0), [0.1] * 10, Y, tmp_path / "ok.html")  # 10 wide, 6 deep


def test_page_is_one_self_contained_file(tmp_path):
    path = lecture_html(
        nn.MLP(3, [3, 3, 3, 1], activation="tanh", output_activation="tanh", seed=10),
        X,
        Y,
        tmp_path / "lecture.html",
        title="</title><script>alert(1)</script>",
    )
    page = path.read_text(encoding="utf-8")
    assert "default-src 'none'" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "<script>alert(1)" not in page
    assert page.count("</script>") == 2


def softmax_by_hand(model, x, k, lr):
    """Scores f, p_k = e^{f_k} / Σ_j e^{f_j}, L = -log p_y, δ_k^(L) = p_k - y_k, then the recursion."""
    W = [[[n.b.data, *(w.data for w in n.w)] for n in layer.neurons] for layer in model.layers]
    acts = [layer.activation for layer in model.layers]
    xs, ss = [list(x)], []
    for l, rows in enumerate(W):
        s = [row[0] + sum(w * v for w, v in zip(row[1:], xs[-1])) for row in rows]
        ss.append(s)
        xs.append([theta(acts[l], v) for v in s])
    f = xs[-1]
    z = sum(math.exp(v) for v in f)
    p = [math.exp(v) / z for v in f]
    L = len(W)
    deltas = [None] * L
    deltas[L - 1] = [p[c] - (1.0 if c == k else 0.0) for c in range(len(f))]
    for l in range(L - 1, 0, -1):
        deltas[l - 1] = [
            theta_prime(acts[l - 1], ss[l - 1][i], xs[l][i])
            * sum(W[l][j][i + 1] * deltas[l][j] for j in range(len(W[l])))
            for i in range(len(xs[l]))
        ]
    grads = [
        [[([1.0] + xs[l])[i] * deltas[l][j] for j in range(len(W[l]))] for i in range(len(W[l][0]))] for l in range(L)
    ]
    w_new = [
        [[W[l][j][i] - lr * grads[l][i][j] for j in range(len(W[l]))] for i in range(len(W[l][0]))] for l in range(L)
    ]
    prediction = max(range(len(f)), key=lambda c: f[c])
    return {
        "x": xs,
        "s": ss,
        "delta": deltas,
        "grad": grads,
        "w_new": w_new,
        "e": -math.log(p[k]),
        "f": f,
        "p": p,
        "prediction": prediction,
    }


def near(a, b):
    if isinstance(a, list):
        return len(a) == len(b) and all(near(p, q) for p, q in zip(a, b))
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.parametrize(
    "act,nin,sizes,seed,k",
    [("tanh", 2, [4, 3], 1, 0), ("tanh", 2, [4, 3], 1, 2), ("sigmoid", 3, [3, 3, 4], 5, 1), ("relu", 3, [5, 2], 7, 1)],
)
def test_cross_entropy_steps_equal_p_minus_y_and_the_recursion_by_hand(act, nin, sizes, seed, k):
    model = nn.MLP(nin, sizes, activation=act, output_activation="linear", seed=seed)
    x = [0.5, -1.0, 2.0][:nin]
    got = lecture_steps(model, x, k, lr=0.2, loss="cross_entropy")
    assert set(got) == {"x", "s", "delta", "grad", "w_new", "e", "f", "p", "prediction"}
    want = softmax_by_hand(model, x, k, 0.2)
    for key in ("x", "s", "delta", "grad", "w_new", "e", "f", "p"):
        assert near(got[key], want[key]), key
    assert got["prediction"] == want["prediction"] and isinstance(got["prediction"], int)
    assert got["f"] == got["x"][-1] == got["s"][-1]  # linear output: the scores are s^(L) = x^(L)
    assert near(got["delta"][-1], [p - (c == k) for c, p in enumerate(got["p"])])
    assert math.isclose(sum(got["p"]), 1.0)


def test_cross_entropy_needs_a_class_index_and_k_linear_outputs():
    ce = nn.MLP(3, [3, 3], activation="tanh", seed=0)
    for y, error, match in [
        (3, ValueError, "out of range"),
        (-1, ValueError, "out of range"),
        (0.5, ValueError, "whole class index"),
        (True, TypeError, "class index"),
        ("a", TypeError, "class index"),
    ]:
        with pytest.raises(error, match=match):
            lecture_steps(ce, X, y, loss="cross_entropy")
    with pytest.raises(ValueError, match="K >= 2"):
        lecture_steps(nn.MLP(3, [2, 1], seed=0), X, 0, loss="cross_entropy")
    with pytest.raises(ValueError, match="linear output layer"):
        lecture_steps(nn.MLP(3, [2, 3], output_activation="tanh", seed=0), X, 0, loss="cross_entropy")
    with pytest.raises(ValueError, match="loss"):
        lecture_steps(ce, X, 0, loss="hinge")
    with pytest.raises(ValueError, match="cross_entropy"):  # the square loss points at the other one
        lecture_steps(ce, X, 1.0)
    assert lecture_steps(ce, X, 2.0, loss="cross_entropy")["e"] == lecture_steps(ce, X, 2, loss="cross_entropy")["e"]


def test_softmax_page_carries_the_engine_numbers(tmp_path):
    model = nn.MLP(2, [4, 3], activation="tanh", seed=1)
    path = lecture_html(model, [0.5, -1.0], 2, tmp_path / "softmax.html", loss="cross_entropy")
    page = path.read_text(encoding="utf-8")
    assert "softmax" in page and '"loss":"cross_entropy"' in page
    with pytest.raises(ValueError, match="one output"):
        lecture_html(model, [0.5, -1.0], 2, tmp_path / "square.html")
