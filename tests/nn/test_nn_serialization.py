"""State dicts and JSON files: exact round trips, atomic saves, and loads that fail cleanly."""

import json
import math
import os
import tempfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn


def model(seed=0):
    return nn.MLP(2, [3, 2], activation="relu", output_activation="linear", seed=seed)


@given(
    seed=st.integers(0, 2**32),
    weights=st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=17, max_size=17),
)
def test_state_dict_round_trip_is_exact(seed, weights):
    a, b = model(seed), model(seed + 1)
    for p, w in zip(a.parameters(), weights):
        p.data = w
    b.load_state_dict(a.state_dict())
    assert [p.data for p in b.parameters()] == weights
    assert list(b.state_dict()) == [name for name, _ in a.named_parameters()]


def test_save_load_round_trip_is_exact_and_human_readable(tmp_path):
    a, b = model(1), model(2)
    a.parameters()[0].data = 0.1 + 0.2  # a float whose repr has 17 digits
    path = tmp_path / "model.json"
    a.save(path)
    doc = json.loads(path.read_text())
    assert doc["architecture"] == {
        "type": "MLP",
        "nin": 2,
        "nouts": [3, 2],
        "activation": "relu",
        "output_activation": "linear",
    }
    assert doc["parameters"]["layers.0.neurons.0.w.0"] == 0.1 + 0.2
    assert "\n" in path.read_text()  # one entry per line
    b.load(str(path))
    assert b.state_dict() == a.state_dict()
    assert [x.data for x in b([0.3, -0.7])] == [x.data for x in a([0.3, -0.7])]


def test_save_replaces_atomically_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "m.json"
    path.write_text("old contents")
    model(3).save(path)
    assert json.loads(path.read_text())["format"] == "autograd-core.nn"
    assert os.listdir(tmp_path) == ["m.json"]


def test_failed_save_keeps_the_users_file(tmp_path):
    path = tmp_path / "m.json"
    model(3).save(path)
    before = path.read_bytes()
    m = model(4)
    m.parameters()[5].data = float("nan")
    with pytest.raises(ValueError, match="not finite"):
        m.save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.json"]


def corrupt(doc, how):
    if how == "missing":
        del doc["parameters"]["layers.1.neurons.1.b"]
    elif how == "extra":
        doc["parameters"]["layers.2.neurons.0.b"] = 1.0
    elif how == "string":
        doc["parameters"]["layers.0.neurons.2.w.1"] = "0.5"
    elif how == "bool":
        doc["parameters"]["layers.0.neurons.2.w.1"] = True
    elif how == "null":
        doc["parameters"]["layers.1.neurons.0.b"] = None
    elif how == "architecture":
        doc["architecture"]["nouts"] = [4, 2]
    elif how == "activation":
        doc["architecture"]["activation"] = "tanh"
    elif how == "format":
        doc["format"] = "pickle"
    elif how == "no-parameters":
        doc["parameters"] = [1, 2, 3]
    return json.dumps(doc)


BAD = ["missing", "extra", "string", "bool", "null", "architecture", "activation", "format", "no-parameters"]


@pytest.mark.parametrize("how", BAD + ["truncated", "nan", "not-json", "list"])
def test_bad_files_raise_value_error_and_leave_the_model_unchanged(tmp_path, how):
    path = tmp_path / "m.json"
    model(5).save(path)
    doc = json.loads(path.read_text())
    if how == "truncated":
        text = path.read_text()[: len(path.read_text()) // 2]
    elif how == "nan":
        text = path.read_text().replace(str(doc["parameters"]["layers.1.neurons.0.w.2"]), "NaN")
    elif how == "not-json":
        text = "weights: 1, 2, 3"
    elif how == "list":
        text = "[]"
    else:
        text = corrupt(doc, how)
    path.write_text(text)
    target = model(6)
    before = target.state_dict()
    with pytest.raises(ValueError, match="load"):
        target.load(path)
    assert target.state_dict() == before


def test_load_state_dict_validates_everything_before_assigning():
    m = model(7)
    before = m.state_dict()
    state = {name: 1.0 for name in before}
    state["layers.1.neurons.1.b"] = float("inf")  # the last name: all others were valid
    with pytest.raises(ValueError, match="must be finite"):
        m.load_state_dict(state)
    assert m.state_dict() == before
    with pytest.raises(ValueError, match="missing 1 name"):
        m.load_state_dict({k: v for k, v in list(before.items())[1:]})
    with pytest.raises(TypeError, match="mapping"):
        m.load_state_dict([1.0] * 17)
    assert m.state_dict() == before


def test_layer_and_neuron_are_modules_too(tmp_path):
    layer = nn.Layer(3, 2, activation="sigmoid", seed=1)
    layer.save(tmp_path / "layer.json")
    other = nn.Layer(3, 2, activation="sigmoid", seed=2)
    other.load(tmp_path / "layer.json")
    assert other.state_dict() == layer.state_dict()
    n = nn.Neuron(2, seed=1)
    assert list(n.state_dict()) == ["w.0", "w.1", "b"]
    with pytest.raises(ValueError, match="architecture"):
        nn.Layer(3, 2, activation="tanh").load(tmp_path / "layer.json")


def test_zero_grad_resets_every_parameter():
    m = model(8)
    nn.hinge_loss([m([0.5, 0.5])[0]], [1]).backward()
    assert any(p.grad != 0.0 for p in m.parameters())
    m.zero_grad()
    assert all(p.grad == 0.0 for p in m.parameters())


@given(weights=st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=17, max_size=17))
def test_file_round_trip_is_exact_for_any_finite_weights(weights):
    a, b = model(0), model(1)
    for p, w in zip(a.parameters(), weights):
        p.data = w
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "m.json")
        a.save(path)
        b.load(path)
    assert [p.data for p in b.parameters()] == weights
    assert [math.copysign(1.0, p.data) for p in b.parameters()] == [math.copysign(1.0, w) for w in weights]


def test_crash_before_rename_keeps_the_old_file_and_cleans_up(tmp_path, monkeypatch):
    path = tmp_path / "m.json"
    path.write_text("precious")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        model(0).save(path)
    assert path.read_text() == "precious"
    assert os.listdir(tmp_path) == ["m.json"]


def test_mlp_from_file_rebuilds_architecture_and_weights(tmp_path):
    a = nn.MLP(3, [4, 2], activation="sigmoid", output_activation="tanh", seed=9)
    a.save(tmp_path / "a.json")
    b = nn.MLP.from_file(str(tmp_path / "a.json"))
    assert repr(b) == repr(a) and b.state_dict() == a.state_dict()
    nn.Layer(2, 2).save(tmp_path / "layer.json")
    with pytest.raises(ValueError, match="does not describe an MLP"):
        nn.MLP.from_file(str(tmp_path / "layer.json"))
    nn.MLP(2, [1], activation=lambda s: s).save(tmp_path / "c.json")
    with pytest.raises(ValueError, match="cannot rebuild activation"):
        nn.MLP.from_file(str(tmp_path / "c.json"))
