"""``nn`` models to and from PyTorch: the same network as a float64 ``torch.nn.Sequential``.

Layer l of an :class:`~nn.MLP` computes x^(l) = θ(W_l x^(l-1) + b_l) with W_l[j][i] = w_ij
(neuron j's ``w[i]``) and b_l[j] = w_0j (neuron j's bias ``b``): exactly ``torch.nn.Linear``
(``weight[j][i]``, ``bias[j]``) followed by the activation module. Activation names map to
modules as tanh -> ``Tanh``, sigmoid -> ``Sigmoid``, relu -> ``ReLU``, linear -> ``Identity``
between layers and nothing after the last one. PyTorch is the optional ``torch`` extra.
"""

from __future__ import annotations

from typing import Any

from autograd_core._extras import require
from autograd_core.shape import ACTIVATIONS

from .layers import MLP, Layer

__all__ = ["to_torch", "mlp_from_torch", "TORCH_ACTIVATIONS", "MAX_TORCH_PARAMETERS"]

TORCH_ACTIVATIONS = {name: a.torch for name, a in ACTIVATIONS.items()}  # the one activation table
"""Activation name -> ``torch.nn`` module class name."""


def _activation(owner: str, name: Any, where: str) -> str:
    if not isinstance(name, str) or name not in TORCH_ACTIVATIONS:
        raise ValueError(
            f"{owner}: {where} has activation {name!r}, which has no torch module; "
            f"only {', '.join(map(repr, TORCH_ACTIVATIONS))} can be exported"
        )
    return name


def to_torch(model: MLP | Layer) -> Any:
    """A float64 ``torch.nn.Sequential`` of ``Linear`` layers and activation modules, same weights.

    ``Linear.weight[j][i]`` = ``layer.neurons[j].w[i]`` (w_ij) and ``Linear.bias[j]`` =
    ``layer.neurons[j].b`` (the bias weight w_0j). A "linear" activation is ``Identity``
    between layers and is left out after the last layer. The copy is independent: training
    either model does not change the other.
    """
    torch = require("torch", "torch", "nn.to_torch")
    if isinstance(model, Layer):
        layers = [model]
    elif isinstance(model, MLP):
        layers = list(model.layers)
    else:
        raise TypeError(f"nn.to_torch: expected an nn.MLP or nn.Layer, got {type(model).__name__} {model!r:.60}")
    modules = []
    for k, layer in enumerate(layers):
        act = _activation("nn.to_torch", layer.activation, f"layer {k}")
        linear = torch.nn.Linear(layer.nin, layer.nout, bias=True, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64))
            linear.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64))
        modules.append(linear)
        if act != "linear" or k < len(layers) - 1:
            modules.append(getattr(torch.nn, TORCH_ACTIVATIONS[act])())
    return torch.nn.Sequential(*modules)


MAX_TORCH_PARAMETERS = 1_000_000
"""Most parameters :func:`mlp_from_torch` copies (each becomes a Value of about 100 bytes, and a
scalar engine trains such a network slowly); a bigger Sequential is refused before any copy."""


def _describe(index: int, module: Any) -> str:
    return f"layer {index} ({type(module).__name__}: {module!r:.80})"


def _check_linear(torch: Any, owner: str, index: int, linear: Any, total: int) -> int:
    """The parameter count so far with this ``Linear``, after checking its tensors can be copied:
    real floating point, on a device with data, finite, and the count within the cap."""
    total += linear.in_features * linear.out_features + linear.out_features
    if total > MAX_TORCH_PARAMETERS:
        raise ValueError(
            f"{owner}: {_describe(index, linear)} brings the network to {total} parameters, more than "
            f"MAX_TORCH_PARAMETERS = {MAX_TORCH_PARAMETERS}"
        )
    for name in ("weight", "bias"):
        tensor = getattr(linear, name)
        if tensor is None:
            continue
        if tensor.is_meta:
            raise ValueError(f"{owner}: {_describe(index, linear)}: {name} is on the meta device (no data to copy)")
        if tensor.is_complex() or not tensor.dtype.is_floating_point:
            raise ValueError(f"{owner}: {_describe(index, linear)}: {name} has dtype {tensor.dtype}, not a real float")
        finite = torch.isfinite(tensor.detach())
        if not bool(finite.all()):
            bad = int((~finite).sum())
            raise ValueError(f"{owner}: {_describe(index, linear)}: {name} has {bad} value(s) that are inf or nan")
    return total


def mlp_from_torch(module: Any, cls: type[MLP] = MLP) -> MLP:
    """An :class:`~nn.MLP` with the architecture and weights of a ``torch.nn.Sequential``.

    The Sequential holds ``Linear`` layers with one of ``Tanh``, ``Sigmoid``, ``ReLU`` or
    ``Identity`` after each of them (none: the identity). Hidden layers must share one
    activation (an MLP has one; with a single ``Linear`` it is the unused default "tanh");
    the module after the last ``Linear`` (or none) is the output activation. A ``Linear``
    without a bias gets bias weights 0. Anything else raises ``ValueError`` naming the first
    layer that does not fit, before anything is copied: complex, integer or meta-device
    tensors, inf or nan weights, more than :data:`MAX_TORCH_PARAMETERS` parameters in all.
    """
    owner = "MLP.from_torch"
    torch = require("torch", "torch", owner)
    if not isinstance(module, torch.nn.Sequential):
        raise TypeError(f"{owner}: expected a torch.nn.Sequential, got {type(module).__name__} {module!r:.60}")
    names = {getattr(torch.nn, cls_name): act for act, cls_name in TORCH_ACTIVATIONS.items()}
    linears: list[Any] = []
    acts: list[str] = []  # the activation after each Linear ("linear" if none)
    where: list[int] = []  # the index in the Sequential of that activation (of the Linear if none)
    after_linear = False
    total = 0
    for index, m in enumerate(module):
        kind = type(m)
        if kind is torch.nn.Linear:
            if linears and m.in_features != linears[-1].out_features:
                raise ValueError(
                    f"{owner}: {_describe(index, m)} takes {m.in_features} inputs but the layer "
                    f"before gives {linears[-1].out_features}"
                )
            total = _check_linear(torch, owner, index, m, total)
            linears.append(m)
            acts.append("linear")
            where.append(index)
            after_linear = True
        elif kind in names and after_linear:
            acts[-1] = names[kind]
            where[-1] = index
            after_linear = False
        else:
            why = (
                "only Linear, Tanh, Sigmoid, ReLU and Identity are supported"
                if kind not in names
                else "an activation must follow a Linear"
                if not linears
                else "two activations in a row"
            )
            raise ValueError(f"{owner}: unsupported {_describe(index, m)}: {why}")
    if not linears:
        raise ValueError(f"{owner}: the Sequential has no Linear layer")
    for k in range(1, len(acts) - 1):
        if acts[k] != acts[0]:
            index = where[k]
            raise ValueError(
                f"{owner}: unsupported {_describe(index, module[index])}: hidden activation "
                f"{acts[k]!r} after {acts[0]!r} before it; an MLP has one hidden activation"
            )
    model = cls(
        linears[0].in_features,
        [m.out_features for m in linears],
        activation=acts[0] if len(acts) > 1 else "tanh",
        output_activation=acts[-1],
        seed=0,
    )
    for layer, linear in zip(model.layers, linears):
        weight = linear.weight.detach().to(torch.float64).tolist()
        bias = linear.bias.detach().to(torch.float64).tolist() if linear.bias is not None else [0.0] * layer.nout
        for j, neuron in enumerate(layer.neurons):
            for i, w in enumerate(neuron.w):
                w.data = weight[j][i]
            neuron.b.data = bias[j]
    return model
