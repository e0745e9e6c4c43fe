"""The README's "Checking your own basic function and your own model" examples, kept working."""

import math

import pytest

import autograd_core as ac
import nn
from autograd_core import RULES, Rule, Value, apply
from autograd_core.testing import (
    AnomalyError,
    check_rule,
    detect_anomaly,
    gradcheck,
    gradgradcheck,
)


def _softplus(x: float) -> float:
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


SOFTPLUS = Rule("softplus", 1, _softplus, lambda x, out: (ac.sigmoid(x),),
                "log(1 + e^x); d/dx = sigmoid(x)", (((-3.0, 3.0),),))


def test_your_own_basic_function(monkeypatch):
    assert check_rule(SOFTPLUS)
    monkeypatch.setitem(RULES, "softplus", SOFTPLUS)

    def f(x, y):
        return apply(SOFTPLUS, x * y) / y

    assert gradcheck(f, [0.5, 1.5]) and gradgradcheck(f, [0.5, 1.5])


def test_your_own_model():
    model = nn.MLP(2, [4, 3], activation="tanh", seed=0)
    x, target = [0.5, -1.0], 2

    def loss(*params):
        return nn.cross_entropy(model(x), target)

    assert gradcheck(loss, model.parameters())
    assert gradgradcheck(loss, model.parameters()[:6])


def test_finding_where_an_inf_comes_from():
    x = Value(1e-300, label="x")
    with detect_anomaly():
        loss = x.log() * 1e10
        with pytest.raises(AnomalyError) as info:
            loss.backward()
    message = str(info.value)
    assert message.startswith("backward: 'log' (created at ") and __file__ in message
