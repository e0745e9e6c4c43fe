"""Losses: values, gradients (p - y for softmax cross-entropy), stability and bad input."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd_core import Value

logit = st.floats(-30.0, 30.0, allow_nan=False)


def softmax_floats(f):
    m = max(f)
    e = [math.exp(v - m) for v in f]
    return [v / sum(e) for v in e]


@given(f=st.lists(logit, min_size=1, max_size=6), data=st.data())
def test_cross_entropy_gradient_wrt_logits_is_p_minus_y(f, data):
    t = data.draw(st.integers(0, len(f) - 1))
    logits = [Value(v) for v in f]
    loss = nn.cross_entropy(logits, t)
    loss.backward()
    p = softmax_floats(f)
    assert loss.data == pytest.approx(-math.log(p[t]) if p[t] > 0 else loss.data, rel=1e-9, abs=1e-12)
    for i, z in enumerate(logits):
        assert z.grad == pytest.approx(p[i] - (1.0 if i == t else 0.0), abs=1e-12)


@pytest.mark.parametrize("big", [1000.0, -1000.0])
def test_cross_entropy_is_finite_with_exact_gradients_at_plus_minus_1000(big):
    logits = [Value(big), Value(-big), Value(0.0)]
    for t in range(3):
        for z in logits:
            z.grad = 0.0
        loss = nn.cross_entropy(logits, t)
        loss.backward()
        assert math.isfinite(loss.data)
        p = [1.0, 0.0, 0.0] if big > 0 else [0.0, 1.0, 0.0]
        y = [1.0 if i == t else 0.0 for i in range(3)]
        assert loss.data == pytest.approx([0.0, 2000.0, 1000.0][t] if big > 0 else [2000.0, 0.0, 1000.0][t])
        assert [z.grad for z in logits] == pytest.approx([pi - yi for pi, yi in zip(p, y)], abs=1e-15)
    assert nn.cross_entropy([1000.0, 1000.0], 0) == pytest.approx(math.log(2.0))


def test_softmax_and_log_softmax_are_stable_and_consistent():
    f = [Value(1000.0), Value(999.0), Value(-1000.0)]
    p = nn.softmax(f)
    lp = nn.log_softmax(f)
    assert sum(v.data for v in p) == pytest.approx(1.0)
    assert [v.data for v in p] == pytest.approx(softmax_floats([1000.0, 999.0, -1000.0]))
    c = math.log1p(math.exp(-1))
    assert [v.data for v in lp] == pytest.approx([-c, -1 - c, -2000 - c])
    assert nn.logsumexp([1000.0, 1000.0]) == pytest.approx(1000.0 + math.log(2.0))


def test_cross_entropy_with_a_probability_vector_is_minus_sum_y_log_p():
    f = [Value(0.2), Value(-1.0), Value(2.0)]
    y = [0.2, 0.3, 0.5]
    loss = nn.cross_entropy(f, y)
    p = softmax_floats([0.2, -1.0, 2.0])
    assert loss.data == pytest.approx(-sum(yi * math.log(pi) for yi, pi in zip(y, p)))
    loss.backward()
    assert [z.grad for z in f] == pytest.approx([pi - yi for pi, yi in zip(p, y)])


@pytest.mark.parametrize("t", [-1, 3, 10])
def test_class_index_out_of_range_is_a_value_error(t):
    with pytest.raises(ValueError, match=f"target class {t} out of range for 3 logits"):
        nn.cross_entropy([Value(0.0), Value(1.0), Value(2.0)], t)


def test_cross_entropy_rejects_bad_targets():
    with pytest.raises(TypeError):
        nn.cross_entropy([0.0, 1.0], True)
    with pytest.raises(ValueError, match="2 logits but 3"):
        nn.cross_entropy([0.0, 1.0], [0.2, 0.3, 0.5])
    with pytest.raises(ValueError, match="sum to 1"):
        nn.cross_entropy([0.0, 1.0], [0.2, 0.3])
    with pytest.raises(ValueError, match="no logits"):
        nn.cross_entropy([], 0)


def test_square_and_mse_losses_and_their_gradients():
    h = Value(0.5)
    e = nn.square_loss(h, -1.0)
    e.backward()
    assert e.data == 2.25 and h.grad == 2 * (0.5 + 1.0)
    assert e.op == "square" and e.parents[0].parents == (h,)  # (h - y)² is one square node
    preds = [Value(1.0), Value(2.0), Value(-1.0)]
    loss = nn.mse_loss(preds, [0.0, 2.0, 1.0])
    loss.backward()
    assert loss.data == pytest.approx(5.0 / 3.0)
    assert [p.grad for p in preds] == pytest.approx([2 / 3, 0.0, -4 / 3])


def test_hinge_loss_value_and_gradient():
    scores = [Value(0.5), Value(-2.0), Value(3.0), Value(0.2)]
    ys = [1, -1, -1, -1]
    loss = nn.hinge_loss(scores, ys)
    loss.backward()
    assert loss.data == pytest.approx((0.5 + 0.0 + 4.0 + 1.2) / 4)
    assert [s.grad for s in scores] == pytest.approx([-0.25, 0.0, 0.25, 0.25])


def test_bce_with_logits_matches_the_definition_and_is_stable():
    z = [Value(0.0), Value(2.0), Value(-3.0), Value(800.0), Value(-800.0)]
    y = [1.0, 0.0, 1.0, 1.0, 0.0]
    loss = nn.bce_with_logits(z, y)
    loss.backward()
    sig = [1 / (1 + math.exp(-v)) for v in (0.0, 2.0, -3.0)]
    expected = (-math.log(sig[0]) - math.log(1 - sig[1]) - math.log(sig[2]) + 0.0 + 0.0) / 5
    assert loss.data == pytest.approx(expected)
    grads_expected = [(s - t) / 5 for s, t in zip(sig + [1.0, 0.0], y)]
    assert [v.grad for v in z] == pytest.approx(grads_expected, abs=1e-15)
    with pytest.raises(ValueError, match=r"targets must be numbers in \[0, 1\]"):
        nn.bce_with_logits([Value(0.0)], [2])


def test_l2_penalty_is_alpha_sum_of_squares_with_gradient_2_alpha_w():
    ps = [Value(1.0), Value(-2.0), Value(0.5)]
    r = nn.l2_penalty(ps, 0.1)
    r.backward()
    assert r.data == pytest.approx(0.1 * 5.25)
    assert [p.grad for p in ps] == pytest.approx([0.2, -0.4, 0.1])


@pytest.mark.parametrize(
    "loss, args",
    [
        (nn.mse_loss, ([Value(1.0)], [1.0, 2.0])),
        (nn.hinge_loss, ([Value(1.0), Value(2.0)], [1])),
        (nn.bce_with_logits, ([Value(1.0)], [])),
    ],
)
def test_mismatched_prediction_and_target_lengths_raise_value_error(loss, args):
    with pytest.raises(ValueError, match="predictions but"):
        loss(*args)


def test_hinge_loss_requires_signed_labels():
    with pytest.raises(ValueError, match="labels must be -1 or \\+1.*to_signs"):
        nn.hinge_loss([Value(1.0)], [0])


def test_empty_inputs_are_rejected():
    for f in (nn.mse_loss, nn.hinge_loss, nn.bce_with_logits):
        with pytest.raises(ValueError, match="empty"):
            f([], [])
    with pytest.raises(ValueError, match="empty"):
        nn.mean([])
