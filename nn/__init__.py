"""nn: neurons, layers, MLPs, losses, optimizers and data, built on autograd_core.

Follows lecture 10: x_j^(l) = θ(Σ_{i=0}^{d} w_ij^(l) x_i^(l-1)) with x_0 = 1, h(x) = x^(L),
square loss e = (h(x) - y)², SGD w <- w - η x_i^(l-1) δ_j^(l), softmax p_i = e^{f_i} / Σ_j e^{f_j}
and cross-entropy L = -Σ_i y_i log p_i for K classes.
"""

from autograd_core import __version__ as __version__

from . import micrograd  # micrograd's Neuron/Layer/MLP: `from nn import micrograd as nn`
from .data import (
    batches,
    load_digits,
    load_iris,
    make_blobs,
    make_circles,
    make_moons,
    make_spirals,
    make_xor,
    to_signs,
    train_test_split,
)
from .init import INITS, he_uniform, uniform, xavier_uniform
from .layers import ACTIVATIONS, MLP, Layer, Neuron
from .losses import (
    bce_with_logits,
    cross_entropy,
    hinge_loss,
    l2_penalty,
    log_softmax,
    logsumexp,
    mean,
    mse_loss,
    softmax,
    softplus,
    square_loss,
)
from .metrics import accuracy, predict_class, predict_sign
from .module import Module
from .optim import SGD, Adam, LinearDecay, Optimizer
from .torch_bridge import to_torch

__all__ = [
    # models
    "Module",
    "Neuron",
    "Layer",
    "MLP",
    "ACTIVATIONS",
    # initialisation
    "INITS",
    "xavier_uniform",
    "he_uniform",
    "uniform",
    # losses
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
    # optimizers
    "Optimizer",
    "SGD",
    "Adam",
    "LinearDecay",
    # data
    "make_moons",
    "make_circles",
    "make_spirals",
    "make_xor",
    "make_blobs",
    "to_signs",
    "train_test_split",
    "batches",
    "load_iris",
    "load_digits",
    # metrics
    "accuracy",
    "predict_sign",
    "predict_class",
    # PyTorch (the torch extra)
    "to_torch",
    # micrograd's nn, same signatures
    "micrograd",
]
