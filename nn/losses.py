"""Loss functions as plain functions of Values (or floats) and targets.

Each returns one Value to call ``backward()`` on. Sums over many terms are single
``sum``/``dot`` nodes. softmax, log_softmax and cross_entropy subtract m = max_i f_i (a
constant: it cancels, so gradients are unchanged) before exponentiating, so logits of
±1000 give finite values and the exact gradient p - y. Labels may be Values (a compiled
function's argument): they are read through comparisons, which ``compile`` records as guards.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import autograd_core as ac
from autograd_core import RULES, Value, apply
from autograd_core._checks import describe, items, real, scalar, scalars
from autograd_core.functions import max_data
from autograd_core.value import data_of

__all__ = [
    "square_loss",
    "mse_loss",
    "hinge_loss",
    "bce_with_logits",
    "softplus",
    "softmax",
    "log_softmax",
    "logsumexp",
    "cross_entropy",
    "l2_penalty",
    "mean",
]

Scalar = Value | float | int

_RELU = RULES["relu"]


def _is(label: object, c: float) -> bool:
    """Whether ``label`` equals ``c``; a Value label through ``<=`` and ``>=`` (a Value's ``==``
    is identity), comparisons ``compile`` records as guards, so each label replays exactly."""
    if isinstance(label, Value):
        return label <= c and label >= c
    return label == c


def _check_pair(name: str, preds: Sequence[object], targets: Sequence[object]) -> int:
    """len(preds) after checking both are lists of one length (not empty)."""
    if len(preds) != len(targets):
        raise ValueError(f"{name}: {len(preds)} predictions but {len(targets)} targets")
    if not preds:
        raise ValueError(f"{name}: no predictions (empty list)")
    return len(preds)


def mean(xs: Sequence[Scalar]) -> Value | float:
    """(1/n) Σ_i x_i, as one sum node and one product."""
    xs = scalars("mean", "xs", xs)
    if not xs:
        raise ValueError("mean: empty list")
    return ac.sum(xs) * (1.0 / len(xs))


def square_loss(pred: Scalar, y: float) -> Value | float:
    """The lecture's e = (h(x) - y)², one ``square`` node with ∂e/∂h = 2(h - y)."""
    return ac.square(scalar("square_loss", "pred", pred) - scalar("square_loss", "y", y))


def mse_loss(preds: Sequence[Scalar], ys: Sequence[float]) -> Value | float:
    """(1/n) Σ_i (h_i - y_i)², as one dot node: d·d / n with d_i = h_i - y_i."""
    preds, ys = scalars("mse_loss", "preds", preds), scalars("mse_loss", "ys", ys)
    n = _check_pair("mse_loss", preds, ys)
    d = [p - y for p, y in zip(preds, ys)]
    return ac.dot(d, d) * (1.0 / n)


def hinge_loss(scores: Sequence[Scalar], ys: Sequence[int]) -> Value | float:
    """SVM hinge loss (1/n) Σ_i max(0, 1 - y_i s_i) for labels y_i in {-1, +1}."""
    scores, ys = scalars("hinge_loss", "scores", scores), items("hinge_loss", "ys", ys)
    n = _check_pair("hinge_loss", scores, ys)
    terms = []
    for s, y in zip(scores, ys):
        if y.__class__ is bool or not isinstance(y, (numbers.Real, Value)):
            y = None  # only the numbers -1 and +1 (or Values holding them) are labels
        if _is(y, 1):
            m = 1.0 - s
        elif _is(y, -1):
            m = 1.0 + s
        else:
            raise ValueError(f"hinge_loss: labels must be -1 or +1, got {y!r} (use nn.to_signs for 0/1 labels)")
        terms.append(apply(_RELU, m))
    return ac.sum(terms) * (1.0 / n)


def softplus(z: Scalar) -> Value | float:
    """ln(1 + e^z), one node of the rule table (:func:`autograd_core.softplus`): e^(±z) never
    overflows, and the local derivative is σ(z) = e^(z - softplus z)."""
    return ac.softplus(scalar("softplus", "z", z))


def bce_with_logits(logits: Sequence[Scalar], ys: Sequence[float]) -> Value | float:
    """Binary cross-entropy on logits z_i, y_i in [0, 1]:
    (1/n) Σ_i -[y_i log σ(z_i) + (1 - y_i) log(1 - σ(z_i))] = (1/n) Σ_i softplus(z_i) - y_i z_i."""
    logits, ys = scalars("bce_with_logits", "logits", logits), items("bce_with_logits", "ys", ys)
    n = _check_pair("bce_with_logits", logits, ys)
    terms = []
    for z, y in zip(logits, ys):
        if isinstance(y, bool) or not isinstance(y, (int, float, Value)) or not 0.0 <= y <= 1.0:
            raise ValueError(f"bce_with_logits: targets must be numbers in [0, 1], got {y!r}")
        t = softplus(z)
        terms.append(t if _is(y, 0.0) else (t - z if _is(y, 1.0) else t - y * z))
    return ac.sum(terms) * (1.0 / n)


def _shifted(name: str, logits: Sequence[Scalar]) -> tuple[list[Value | float], float]:
    """(f_i - m)_i with m = max_i f_i, a constant: the log-sum-exp trick."""
    logits = scalars(name, "logits", logits)
    if not logits:
        raise ValueError(f"{name}: no logits (empty list)")
    m = max_data(logits)  # a number; compile replays recompute it from each call's f_j
    if not math.isfinite(m):
        raise ValueError(f"{name}: logits must be finite, max is {m!r}")
    return [f - m for f in logits], m


def logsumexp(logits: Sequence[Scalar]) -> Value | float:
    """log Σ_j e^{f_j} = m + log Σ_j e^{f_j - m}, m = max_j f_j (no overflow; the sum is >= 1)."""
    shifted, m = _shifted("logsumexp", logits)
    return ac.log(ac.sum([ac.exp(g) for g in shifted])) + m


def softmax(logits: Sequence[Scalar]) -> list[Value | float]:
    """p_i = e^{f_i} / Σ_j e^{f_j}, computed as e^{f_i - m} / Σ_j e^{f_j - m}."""
    shifted, _ = _shifted("softmax", logits)
    e = [ac.exp(g) for g in shifted]
    z = ac.sum(e)
    return [ei / z for ei in e]


def log_softmax(logits: Sequence[Scalar]) -> list[Value | float]:
    """log p_i = f_i - log Σ_j e^{f_j} (log-sum-exp with the max subtracted)."""
    shifted, _ = _shifted("log_softmax", logits)
    lse = ac.log(ac.sum([ac.exp(g) for g in shifted]))
    return [g - lse for g in shifted]


def cross_entropy(logits: Sequence[Scalar], target: int | Value | Sequence[Scalar]) -> Value | float:
    """L = -Σ_i y_i log p_i with p = softmax(f): for a class index t, L = log Σ_j e^{f_j} - f_t.

    ``target`` is a class index 0 <= t < K (one-hot y), or a list of K probabilities y_i.
    Either may be Values, as ``compile`` passes its arguments: a class index Value is compared
    with 0..K-1 (comparisons ``compile`` records as guards, so each class replays exactly), and
    Value probabilities enter L = (log Σ_j e^{f_j}) Σ_i y_i - Σ_i y_i f_i as nodes. ∂L/∂f_i = p_i - y_i.
    """
    logits = scalars("cross_entropy", "logits", logits)
    k = len(logits)
    if k == 0:
        raise ValueError("cross_entropy: no logits (empty list)")
    if isinstance(target, Value):  # a class index as a Value: which class it is, seen through comparisons
        matches = [i for i in range(k) if _is(target, i)]
        if not matches:
            raise ValueError(
                f"cross_entropy: target class {data_of(target)!r} is not an integer in 0..{k - 1} ({k} logits)"
            )
        target = matches[0]
    if isinstance(target, bool) or not isinstance(target, (numbers.Integral, Sequence)) or isinstance(target, str):
        raise TypeError(
            f"cross_entropy: target must be a class index or a list of probabilities, got {describe(target)}"
        )
    shifted, _ = _shifted("cross_entropy", logits)
    lse = ac.log(ac.sum([ac.exp(g) for g in shifted]))
    if isinstance(target, numbers.Integral):
        target = int(target)
        if not 0 <= target < k:
            raise ValueError(f"cross_entropy: target class {target} out of range for {k} logits (expected 0..{k - 1})")
        return lse - shifted[target]
    ys = scalars("cross_entropy", "target", target)
    if len(ys) != k:
        raise ValueError(f"cross_entropy: {k} logits but {len(ys)} target probabilities")
    probabilities = [data_of(y) for y in ys]  # checked on the values (a compiled replay does not re-check)
    if any(not 0.0 <= y <= 1.0 for y in probabilities) or abs(math.fsum(probabilities) - 1.0) > 1e-9:
        raise ValueError(
            f"cross_entropy: target probabilities must be in [0, 1] and sum to 1, got {probabilities!r:.80}"
        )
    if all(y.__class__ is float for y in ys):
        return lse * math.fsum(ys) - ac.dot(list(ys), shifted)
    return lse * ac.sum(ys) - ac.dot(list(ys), shifted)


def l2_penalty(params: Sequence[Value], alpha: float) -> Value | float:
    """alpha Σ_k w_k² (weight decay in the loss; gradient 2 alpha w_k), one dot node."""
    params = scalars("l2_penalty", "params", params)
    return real("l2_penalty", "alpha", alpha) * ac.dot(params, params)
