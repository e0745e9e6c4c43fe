"""nn.to_torch / MLP.from_torch: the same network in PyTorch, outputs, losses and gradients to 1e-12."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from nn.testing import mlps
from tests.optional import import_torch

pytestmark = pytest.mark.torch
torch = import_torch()
F64 = torch.float64
TOL = 1e-12


def assert_close(ours, theirs, what):
    for k, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        b = float(b)
        assert abs(a - b) <= TOL * max(1.0, abs(a), abs(b)), f"{what}[{k}]: ours {a!r}, torch {b!r}"


def torch_grads(module):
    """Gradients of the Linear layers in the order of MLP.parameters(): per neuron j, w_1j..w_dj then b_j."""
    out = []
    for m in module:
        if isinstance(m, torch.nn.Linear):
            for j in range(m.out_features):
                out.extend(m.weight.grad[j].tolist())
                out.append(m.bias.grad[j].item())
    return out


def same_loss(outputs, target):
    """Cross-entropy for several outputs, the square loss for one (both sides use their own library's loss)."""
    if len(outputs) > 1:
        return nn.cross_entropy(outputs, target % len(outputs))
    return nn.square_loss(outputs[0], 0.5)


def torch_loss(outputs, target):
    if outputs.shape[-1] > 1:
        return torch.nn.functional.cross_entropy(outputs.unsqueeze(0), torch.tensor([target % outputs.shape[-1]]))
    return (outputs[0] - 0.5) ** 2


@settings(max_examples=40)
@given(mlps(max_inputs=3, max_layers=3, max_width=4), st.integers(0, 100))
def test_exported_mlp_has_the_same_outputs_loss_and_every_gradient(case, target):
    model = case.model
    module = nn.to_torch(model)
    assert all(p.dtype == F64 for p in module.parameters())
    xs = case.inputs()
    outputs = model(xs)
    loss = same_loss(outputs, target)
    model.zero_grad()
    loss.backward()

    tx = torch.tensor(case.x, dtype=F64, requires_grad=True)
    t_outputs = module(tx)
    t_loss = torch_loss(t_outputs, target)
    t_loss.backward()
    assert_close([o.data for o in outputs], t_outputs.tolist(), "outputs")
    assert_close([loss.data], [t_loss.item()], "loss")
    assert_close([p.grad for p in model.parameters()], torch_grads(module), "parameter gradients")
    assert_close([x.grad for x in xs], tx.grad.tolist(), "input gradients")


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "linear"])
@pytest.mark.parametrize("output_activation", ["linear", "sigmoid"])
def test_round_trip_keeps_architecture_and_every_weight_exactly(activation, output_activation):
    model = nn.MLP(3, [4, 5, 2], activation=activation, output_activation=output_activation, seed=7)
    module = nn.to_torch(model)
    kinds = [type(m).__name__ for m in module]
    hidden = {"tanh": "Tanh", "sigmoid": "Sigmoid", "relu": "ReLU", "linear": "Identity"}[activation]
    last = ["Sigmoid"] if output_activation == "sigmoid" else []
    assert kinds == ["Linear", hidden, "Linear", hidden, "Linear", *last]
    back = nn.MLP.from_torch(module)
    assert back.architecture() == model.architecture()
    assert back.state_dict() == model.state_dict()


def test_a_layer_exports_and_the_copy_is_independent():
    layer = nn.Layer(2, 3, activation="relu", seed=1)
    module = nn.to_torch(layer)
    assert [type(m).__name__ for m in module] == ["Linear", "ReLU"]
    with torch.no_grad():
        module[0].weight.zero_()
    assert any(n.w[0].data != 0.0 for n in layer.neurons)


def test_from_torch_reads_a_float32_module_built_by_torch_exactly():
    torch.manual_seed(0)
    module = torch.nn.Sequential(
        torch.nn.Linear(3, 5),
        torch.nn.Tanh(),
        torch.nn.Linear(5, 5),
        torch.nn.Tanh(),
        torch.nn.Linear(5, 2, bias=False),
    )
    model = nn.MLP.from_torch(module)
    assert repr(model) == "MLP(3, [5, 5, 2], activation='tanh', output_activation='linear')"
    assert [n.b.data for n in model.layers[-1].neurons] == [0.0, 0.0], "no bias: bias weights 0"
    x = [0.3, -1.1, 0.8]
    expected = module.double()(torch.tensor(x, dtype=F64)).tolist()  # float32 weights are exact in float64
    assert_close([o.data for o in model(x)], expected, "outputs")


@pytest.mark.parametrize(
    "layers, words",
    [
        (lambda t: [t.Linear(2, 3), t.Conv1d(1, 1, 1)], r"layer 1 \(Conv1d"),
        (lambda t: [t.Linear(2, 3), t.Tanh(), t.Tanh()], r"layer 2 \(Tanh.*two activations"),
        (lambda t: [t.Tanh(), t.Linear(2, 3)], r"layer 0 \(Tanh.*follow a Linear"),
        (lambda t: [t.Linear(2, 3), t.Tanh(), t.Linear(3, 3), t.ReLU(), t.Linear(3, 1)], r"layer 3 \(ReLU.*one hidden"),
        (lambda t: [t.Linear(2, 3), t.Softmax(dim=0)], r"layer 1 \(Softmax"),
        (lambda t: [t.Linear(2, 3), t.Linear(4, 1)], r"layer 1 \(Linear.*takes 4 inputs"),
        (lambda t: [t.Linear(2, 3), t.Sequential(t.Linear(3, 1))], r"layer 1 \(Sequential"),
        (lambda t: [], "no Linear"),
    ],
)
def test_from_torch_names_the_first_unsupported_layer(layers, words):
    with pytest.raises(ValueError, match=words):
        nn.MLP.from_torch(torch.nn.Sequential(*layers(torch.nn)))


def test_wrong_kinds_raise_type_error_and_custom_activations_do_not_export():
    with pytest.raises(TypeError, match="Sequential"):
        nn.MLP.from_torch(torch.nn.Linear(2, 3))
    with pytest.raises(TypeError, match="MLP or nn.Layer"):
        nn.to_torch(nn.Neuron(2, seed=0))
    with pytest.raises(ValueError, match="layer 0.*no torch module"):
        nn.to_torch(nn.MLP(2, [3, 1], activation=lambda s: s * 2, seed=0))


def test_training_continues_in_torch_on_the_same_trajectory():
    """k SGD steps here, export, k more in torch = 2k steps here (same loss, same updates)."""
    data = [([0.5, -1.0], 1.0), ([-0.3, 0.8], -1.0), ([1.2, 0.1], 1.0)]

    def loss_here(model):
        return nn.mse_loss([model(x)[0] for x, _ in data], [y for _, y in data])

    def train_here(model, steps):
        opt = nn.SGD(model.parameters(), lr=0.1)
        for _ in range(steps):
            opt.zero_grad()
            loss_here(model).backward()
            opt.step()

    reference = nn.MLP(2, [4, 1], seed=3)
    train_here(reference, 10)
    model = nn.MLP(2, [4, 1], seed=3)
    train_here(model, 5)
    module = nn.to_torch(model)
    X = torch.tensor([x for x, _ in data], dtype=F64)
    Y = torch.tensor([y for _, y in data], dtype=F64)
    assert_close([loss_here(model).data], [torch.nn.functional.mse_loss(module(X)[:, 0], Y).item()], "hand-over loss")
    for _ in range(5):  # torch.optim.SGD(lr=0.1) without momentum (whose first use costs seconds of imports)
        module.zero_grad()
        torch.nn.functional.mse_loss(module(X)[:, 0], Y).backward()
        with torch.no_grad():
            for p in module.parameters():
                p -= 0.1 * p.grad
    continued = nn.MLP.from_torch(module)
    assert_close(list(continued.state_dict().values()), list(reference.state_dict().values()), "weights after 10 steps")


def _with_nan(layer):
    with torch.no_grad():
        layer.weight[0, 1] = float("nan")
    return layer


@pytest.mark.parametrize(
    "make, index, words",
    [
        (lambda: [torch.nn.Linear(2048, 2048)], 0, "more than MAX_TORCH_PARAMETERS"),
        (
            lambda: [torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1, dtype=torch.complex64)],
            2,
            "complex64",
        ),
        (lambda: [torch.nn.Linear(2, 3, device="meta")], 0, "meta device"),
        (lambda: [torch.nn.Linear(2, 3), torch.nn.ReLU(), _with_nan(torch.nn.Linear(3, 1))], 2, "inf or nan"),
    ],
    ids=["too big", "complex", "meta", "nan"],
)
def test_from_torch_checks_sizes_dtypes_devices_and_values_before_copying(make, index, words):
    with pytest.raises(ValueError, match=rf"MLP.from_torch: layer {index} \(Linear.*{words}"):
        nn.MLP.from_torch(torch.nn.Sequential(*make()))
