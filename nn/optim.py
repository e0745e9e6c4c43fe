"""Optimizers: they hold a list of parameters and update ``.data`` from ``.grad``.

``SGD`` with lr η and no extras is exactly the lecture's update w_ij^(l) <- w_ij^(l) - η ∂e/∂w_ij^(l)
(= w - η x_i^(l-1) δ_j^(l)). Momentum, weight decay and Adam follow PyTorch's definitions.
``lr`` is a plain attribute: change it between steps, or let ``LinearDecay`` do it.
"""

from __future__ import annotations

import math
from typing import Iterable

from autograd_core import Value

__all__ = ["Optimizer", "SGD", "Adam", "LinearDecay"]


def _check_rate(owner: str, what: str, x: float, upper: float | None = None) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x) or x < 0.0:
        raise ValueError(f"{owner}: {what} must be a finite number >= 0, got {x!r}")
    if upper is not None and x >= upper:
        raise ValueError(f"{owner}: {what} must be < {upper}, got {x!r}")
    return float(x)


class Optimizer:
    """Base class: ``params`` (a list of Value leaves, fixed at construction) and ``lr``."""

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        owner = type(self).__name__
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{owner}: no parameters to optimize")
        for p in self.params:
            if p.__class__ is not Value:
                raise TypeError(f"{owner}: parameters must be Values, got {type(p).__name__} {p!r:.60}")
        if len({id(p) for p in self.params}) != len(self.params):
            raise ValueError(f"{owner}: a parameter appears more than once")
        self.lr = _check_rate(owner, "lr", lr)

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0 before the next ``backward()``."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """w <- w - η g, with g = ∂L/∂w + λ w (weight decay λ) and, if momentum μ > 0,
    g replaced by the velocity b <- μ b + g (b = g at the first step), as in PyTorch."""

    def __init__(self, params: Iterable[Value], lr: float, momentum: float = 0.0, weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        self.momentum = _check_rate("SGD", "momentum", momentum)
        self.weight_decay = _check_rate("SGD", "weight_decay", weight_decay)
        self._velocity: list[float] | None = None

    def step(self) -> None:
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        if mu == 0.0 and wd == 0.0:
            for p in self.params:
                p.data -= lr * p.grad  # the lecture's update, exactly
            return
        grads = [p.grad + wd * p.data if wd else p.grad for p in self.params]
        if mu:
            if self._velocity is None:
                self._velocity = grads
            else:
                self._velocity = [mu * b + g for b, g in zip(self._velocity, grads)]
            grads = self._velocity
        for p, g in zip(self.params, grads):
            p.data -= lr * g


class Adam(Optimizer):
    """Adam (Kingma & Ba), PyTorch semantics: g = ∂L/∂w + λ w; m <- β1 m + (1 - β1) g;
    v <- β2 v + (1 - β2) g²; w <- w - (η / (1 - β1^t)) m / (sqrt(v) / sqrt(1 - β2^t) + ε)."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"Adam: betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = (_check_rate("Adam", "beta1", betas[0], 1.0), _check_rate("Adam", "beta2", betas[1], 1.0))
        self.eps = _check_rate("Adam", "eps", eps)
        self.weight_decay = _check_rate("Adam", "weight_decay", weight_decay)
        self.t = 0
        n = len(self.params)
        self._m = [0.0] * n
        self._v = [0.0] * n

    def step(self) -> None:
        self.t += 1
        b1, b2 = self.betas
        wd, eps = self.weight_decay, self.eps
        step_size = self.lr / (1.0 - b1**self.t)
        root_c2 = math.sqrt(1.0 - b2**self.t)
        m, v = self._m, self._v
        for k, p in enumerate(self.params):
            g = p.grad + wd * p.data if wd else p.grad
            m[k] += (g - m[k]) * (1.0 - b1)
            v[k] = v[k] * b2 + (1.0 - b2) * g * g
            p.data -= step_size * (m[k] / (math.sqrt(v[k]) / root_c2 + eps))


class LinearDecay:
    """Learning rate falling linearly from ``start_lr`` to ``end_lr`` over ``steps`` calls of
    :meth:`step`, then held: lr_k = start + (end - start) min(k, steps) / steps.

    Sets ``optimizer.lr = start_lr`` at once; call ``step()`` after each ``optimizer.step()``.
    """

    def __init__(self, optimizer: Optimizer, start_lr: float, end_lr: float, steps: int) -> None:
        if isinstance(steps, bool) or not isinstance(steps, int) or steps <= 0:
            raise ValueError(f"LinearDecay: steps must be a positive int, got {steps!r}")
        self.optimizer = optimizer
        self.start_lr = _check_rate("LinearDecay", "start_lr", start_lr)
        self.end_lr = _check_rate("LinearDecay", "end_lr", end_lr)
        self.steps = steps
        self.k = 0
        optimizer.lr = self.start_lr

    def lr_at(self, k: int) -> float:
        """The learning rate after ``k`` calls of :meth:`step`."""
        return self.start_lr + (self.end_lr - self.start_lr) * min(k, self.steps) / self.steps

    def step(self) -> float:
        """Advance one step; set and return the optimizer's new ``lr``."""
        self.k += 1
        self.optimizer.lr = self.lr_at(self.k)
        return self.optimizer.lr
