"""Optimizers: they hold a list of parameters and update ``.data`` from ``.grad``.

``SGD`` with lr η and no extras is exactly the lecture's update w_ij^(l) <- w_ij^(l) - η ∂e/∂w_ij^(l)
(= w - η x_i^(l-1) δ_j^(l)). Momentum, weight decay and Adam follow PyTorch's definitions.
``lr`` is a plain attribute: change it between steps, or let ``LinearDecay`` do it.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any, overload

from autograd_core import Value
from autograd_core._bulk import adder, each, read
from autograd_core._checks import real

__all__ = ["Optimizer", "SGD", "Adam", "LinearDecay"]

ARRAY_MIN = 64
"""From this many parameters, Adam updates its moments on numpy arrays when numpy is installed:
the same operations in the same order on each element, so the same floats as the loop."""


def _numpy() -> Any:
    """numpy, or None when it is not installed (the loops then do everything)."""
    try:
        import numpy
    except ImportError:
        return None
    return numpy


class _Rate:
    """A hyperparameter attribute checked by :func:`autograd_core._checks.real` at construction and at every
    assignment (``opt.lr = 1 + 2j`` raises instead of turning the weights complex)."""

    def __init__(self, upper: float | None = None) -> None:
        self.upper = upper

    def __set_name__(self, owner: type, name: str) -> None:
        self.name, self.slot = name, f"_{name}"

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> _Rate: ...
    @overload
    def __get__(self, obj: object, objtype: type | None = None) -> float: ...
    def __get__(self, obj: object, objtype: type | None = None) -> _Rate | float:
        if obj is None:
            return self
        value: float = obj.__dict__[self.slot]
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.slot] = real(type(obj).__name__, self.name, value, nonnegative=True, below=self.upper)


class Optimizer:
    """Base class: ``params`` (a list of Value leaves, fixed at construction) and ``lr``.

    Hyperparameters (``lr`` and the others of each subclass) are checked when set, at
    construction and later: a real number, finite, >= 0 (TypeError/ValueError otherwise).

    :param params: the Value leaves to update, e.g. ``model.parameters()``.
    :param lr: the learning rate η.
    """

    lr = _Rate()
    _shown: tuple[str, ...] = ("lr",)

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        owner = type(self).__name__
        if isinstance(params, (str, bytes, Value)) or not isinstance(params, Iterable):
            raise TypeError(
                f"{owner}: params must be an iterable of Values (e.g. model.parameters()), "
                f"got {type(params).__name__} {params!r:.60}"
            )
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{owner}: no parameters to optimize")
        for p in self.params:
            if not isinstance(p, Value):
                raise TypeError(f"{owner}: parameters must be Values, got {type(p).__name__} {p!r:.60}")
        if len({id(p) for p in self.params}) != len(self.params):
            raise ValueError(f"{owner}: a parameter appears more than once")
        self.lr = lr

    def __repr__(self) -> str:
        settings = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._shown)
        return f"{type(self).__name__}({len(self.params)} parameters, {settings})"

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0 before the next ``backward()``."""
        params = self.params
        each(len(params), "p.grad = 0.0")(params)

    def step(self) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """w <- w - η g, with g = ∂L/∂w + λ w (weight decay λ) and, if momentum μ > 0,
    g replaced by the velocity b <- μ b + g (b = g at the first step), as in PyTorch.

    ``lr`` (η) defaults to 0.01, a safe start for the lecture's small networks; PyTorch has
    no default. With ``momentum=0`` and ``weight_decay=0`` a step is exactly the lecture's.

    :param params: the Value leaves to update, e.g. ``model.parameters()``.
    :param lr: the learning rate η.
    :param momentum: μ; 0 is plain SGD.
    :param weight_decay: λ, added to the gradient as λ w.
    """

    momentum = _Rate()
    weight_decay = _Rate()
    _shown = ("lr", "momentum", "weight_decay")

    def __init__(
        self, params: Iterable[Value], lr: float = 0.01, momentum: float = 0.0, weight_decay: float = 0.0
    ) -> None:
        super().__init__(params, lr)
        self.momentum = momentum
        self.weight_decay = weight_decay
        self._velocity: list[float] | None = None

    def step(self) -> None:
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        if mu == 0.0 and wd == 0.0:  # the lecture's update, exactly (written out, one line per parameter)
            params = self.params
            each(len(params), "p.data -= lr * p.grad", "lr")(params, lr)
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
    v <- β2 v + (1 - β2) g²; w <- w - (η / (1 - β1^t)) m / (sqrt(v) / sqrt(1 - β2^t) + ε).

    0 <= β1, β2 < 1; ``betas``, ``eps`` and ``weight_decay`` are checked when set.

    :param params: the Value leaves to update, e.g. ``model.parameters()``.
    :param lr: the learning rate η (PyTorch's default 1e-3).
    :param betas: (β1, β2), the decay rates of the moment estimates.
    :param eps: ε, added to the denominator.
    :param weight_decay: λ, added to the gradient as λ w (L2, not AdamW's decoupled decay).
    """

    eps = _Rate()
    weight_decay = _Rate()
    _shown = ("lr", "betas", "eps", "weight_decay", "t")

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.betas = betas
        self.eps = eps
        self.weight_decay = weight_decay
        self.t = 0
        n = len(self.params)
        self._m: Any = [0.0] * n  # the moments: lists, or numpy arrays once steps run on arrays
        self._v: Any = [0.0] * n

    @property
    def betas(self) -> tuple[float, float]:
        """(β1, β2), the decay rates of the moment estimates."""
        return self._betas

    @betas.setter
    def betas(self, betas: Any) -> None:
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"Adam: betas must be a pair (beta1, beta2), got {type(betas).__name__} {betas!r:.60}")
        self._betas = (
            real("Adam", "beta1", betas[0], nonnegative=True, below=1.0),
            real("Adam", "beta2", betas[1], nonnegative=True, below=1.0),
        )

    def step(self) -> None:
        self.t += 1
        b1, b2 = self.betas
        wd, eps = self.weight_decay, self.eps
        step_size = self.lr / (1.0 - b1**self.t)
        root_c2 = math.sqrt(1.0 - b2**self.t)
        m, v = self._m, self._v
        np = _numpy() if len(self.params) >= ARRAY_MIN and eps > 0.0 else None  # eps > 0: no division by 0
        if np is not None:
            self._step_arrays(np, step_size, root_c2)
            return
        if not isinstance(m, list):  # moments kept as arrays by an earlier step
            m, v = self._m, self._v = m.tolist(), v.tolist()
        for k, p in enumerate(self.params):
            g = p.grad + wd * p.data if wd else p.grad
            m[k] += (g - m[k]) * (1.0 - b1)
            v[k] = v[k] * b2 + (1.0 - b2) * g * g
            p.data -= step_size * (m[k] / (math.sqrt(v[k]) / root_c2 + eps))

    def _step_arrays(self, np: Any, step_size: float, root_c2: float) -> None:
        """The loop of :meth:`step` on arrays: element k sees the loop's operations in its order
        (IEEE arithmetic and sqrt are correctly rounded in both), so the floats are the same."""
        b1, b2 = self.betas
        wd, eps, params = self.weight_decay, self.eps, self.params
        n = len(params)
        m, v = np.asarray(self._m, dtype=float), np.asarray(self._v, dtype=float)
        if wd:  # g = grad + wd data, both read in one pass
            both = read(params, "data+grad")
            g = both[n:] + wd * both[:n]
        else:
            g = read(params, "grad")
        with np.errstate(all="ignore"):  # inf and nan propagate as in the loop, without warnings
            m += (g - m) * (1.0 - b1)
            v = v * b2 + (1.0 - b2) * g * g
            delta = step_size * (m / (np.sqrt(v) / root_c2 + eps))
        self._m, self._v = m, v
        adder(n, "data", "-=")(params, delta)


class LinearDecay:
    """Learning rate falling linearly from ``start_lr`` to ``end_lr`` over ``steps`` calls of
    :meth:`step`, then held: lr_k = start + (end - start) min(k, steps) / steps.

    Sets ``optimizer.lr = start_lr`` at once; call ``step()`` after each ``optimizer.step()``.

    :param optimizer: the optimizer whose ``lr`` is set.
    :param start_lr: the learning rate at step 0.
    :param end_lr: the learning rate from step ``steps`` on.
    :param steps: the number of ``step()`` calls over which the rate falls.
    """

    start_lr = _Rate()
    end_lr = _Rate()

    def __init__(self, optimizer: Optimizer, start_lr: float, end_lr: float, steps: int) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"LinearDecay: optimizer must be an nn Optimizer (SGD, Adam), "
                f"got {type(optimizer).__name__} {optimizer!r:.60}"
            )
        if isinstance(steps, bool) or not isinstance(steps, numbers.Integral):
            raise TypeError(f"LinearDecay: steps must be a positive int, got {type(steps).__name__} {steps!r:.60}")
        if steps <= 0:
            raise ValueError(f"LinearDecay: steps must be a positive int, got {steps!r}")
        self.optimizer: Optimizer = optimizer
        self.start_lr = start_lr
        self.end_lr = end_lr
        self.steps: int = int(steps)
        self.k: int = 0
        optimizer.lr = self.start_lr

    def __repr__(self) -> str:
        return (
            f"LinearDecay({self.optimizer!r}, start_lr={self.start_lr!r}, end_lr={self.end_lr!r}, "
            f"steps={self.steps}, k={self.k})"
        )

    def lr_at(self, k: int) -> float:
        """The learning rate after ``k`` calls of :meth:`step`."""
        return self.start_lr + (self.end_lr - self.start_lr) * min(k, self.steps) / self.steps

    def step(self) -> float:
        """Advance one step; set and return the optimizer's new ``lr``."""
        self.k += 1
        lr = self.lr_at(self.k)
        self.optimizer.lr = lr
        return lr
