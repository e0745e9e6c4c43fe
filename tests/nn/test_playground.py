"""nn.playground in CPython: configurations (URL text or native values), the training script it
runs, compiled training equal to the engine's, δ equal to lecture_steps, and the views."""

import math
import struct

import pytest

import nn
from autograd_core.viz import lecture_steps
from nn.playground import DEFAULTS, Playground, check_config, query, script


def _weights(pg):
    return [w for layer in pg.weights() for row in layer for w in row]


def _flat(rows):
    return [v for row in rows for v in row]


def test_defaults_fill_what_a_config_leaves_out():
    c = check_config({"data": "xor"})
    assert c == {**DEFAULTS, "data": "xor"}


def test_url_text_and_native_values_give_the_same_config():
    text = {"layers": "4,3", "features": "x1,x2,sin_x1", "lr": "0.1", "batch": "5", "compile": "0", "seed": "3"}
    native = {"layers": [4, 3], "features": ["x1", "x2", "sin_x1"], "lr": 0.1, "batch": 5, "compile": False, "seed": 3}
    assert check_config(text) == check_config(native)


def test_query_round_trips_through_check_config():
    c = check_config({"layers": [5], "features": ["x2", "x1x2"], "loss": "softmax", "optimizer": "adam"})
    parsed = dict(part.split("=", 1) for part in query(c).split("&"))
    assert check_config(parsed) == c
    assert parsed["features"] == "x2,x1x2"


@pytest.mark.parametrize(
    ("key", "value", "error"),
    [
        ("data", "blobs", ValueError),
        ("layers", "8,0", ValueError),
        ("layers", [1, 2, 3, 4, 5, 6], ValueError),
        ("layers", 8, TypeError),
        ("lr", "fast", ValueError),
        ("lr", -1, ValueError),
        ("points", 3, ValueError),
        ("features", "x3", ValueError),
        ("compile", "maybe", TypeError),
        ("colour", "red", ValueError),
    ],
)
def test_bad_config_raises_naming_the_key(key, value, error):
    with pytest.raises(error, match=key):
        check_config({key: value})


def test_batch_larger_than_the_data_is_refused():
    with pytest.raises(ValueError, match="batch"):
        check_config({"points": 20, "batch": 50})


def test_the_script_runs_as_printed():
    pg = Playground({"layers": [3]})
    ns: dict = {}
    exec(script({"layers": [3]}), ns)
    assert [p.data for p in ns["model"].parameters()] == [p.data for p in pg.model.parameters()]
    assert "c.source" in pg.code() and pg.source in pg.code()


@pytest.mark.parametrize(
    "config",
    [
        {},
        {"data": "spiral", "loss": "softmax", "optimizer": "adam", "features": "x1,x2,x1x2,sin_x1"},
        {"data": "xor", "activation": "relu", "loss": "softmax", "layers": [4, 4, 4]},
        {"data": "circles", "activation": "sigmoid", "batch": 1, "features": "x1^2,x2^2"},
    ],
)
def test_compiled_training_equals_the_engine_step_by_step(config):
    fast, slow = Playground({**config, "compile": True}), Playground({**config, "compile": False})
    for _ in range(4):
        a, b = fast.train(5), slow.train(5)
        assert a["step"] == b["step"]
        assert a["loss"] == pytest.approx(b["loss"], rel=1e-12, abs=1e-12)
        assert a["testLoss"] == pytest.approx(b["testLoss"], rel=1e-12, abs=1e-12)
        assert _weights(fast) == pytest.approx(_weights(slow), rel=1e-12, abs=1e-12)


def test_advance_steps_like_train_without_the_losses():
    a, b = Playground(), Playground()
    assert a.advance(7) == 7 and a.advance(0) == 7
    assert a.state() == b.train(7)


def test_training_lowers_the_loss():
    pg = Playground({"lr": 0.1})
    before = pg.state()["loss"]
    assert pg.train(200)["loss"] < 0.7 * before


def test_weights_are_the_lectures_w_ij():
    pg = Playground({"layers": [3], "features": "x1,x2,x1x2"})
    w = pg.weights()
    n = pg.model.layers[0].neurons[2]
    assert w[0][0][2] == n.b.data and w[0][3][2] == n.w[2].data
    assert [len(layer) for layer in w] == [4, 4]


def test_neuron_steps_equal_lecture_steps_for_square_loss():
    pg = Playground({"layers": [4, 3], "activation": "tanh"})
    pg.train(7)
    steps = pg.neuron_steps(5)
    ref = lecture_steps(pg.model, pg.ns["X_train"][5], pg.ns["y_train"][5])
    for key in ("x", "s", "delta"):
        assert _flat(steps[key]) == pytest.approx(_flat(ref[key]), rel=1e-12, abs=1e-15), key
    assert steps["e"] == pytest.approx(ref["e"], rel=1e-12)


def test_softmax_output_delta_is_p_minus_y():
    pg = Playground({"loss": "softmax", "layers": [3]})
    pg.train(3)
    st = pg.neuron_steps(2)
    y = st["y"]
    assert st["e"] == pytest.approx(nn.cross_entropy(pg.model(pg.ns["X_train"][2]), int(y)).data, rel=1e-12)
    assert st["delta"][-1] == pytest.approx([st["p"][0] - (1 - y), st["p"][1] - y], rel=1e-12, abs=1e-15)
    hidden = [
        st["theta_prime"][0][j] * sum(st["w"][1][j + 1][k] * st["delta"][1][k] for k in range(2)) for j in range(3)
    ]
    assert st["delta"][0] == pytest.approx(hidden, rel=1e-12, abs=1e-15)


def test_neuron_steps_leave_the_model_unchanged():
    pg = Playground()
    before = [(p.data, p.grad) for p in pg.model.parameters()]
    pg.neuron_steps(0)
    assert [(p.data, p.grad) for p in pg.model.parameters()] == before


def test_grids_hold_inputs_every_neuron_and_the_output_map():
    pg = Playground({"layers": [3, 2], "features": "x1,x2,sin_x1"})
    raw = pg.grids(5)
    values = struct.unpack(f"{len(raw) // 8}d", raw)
    assert len(values) == 25 * (3 + 3 + 2 + 1 + 1)
    x0, x1, y0, y1 = pg.data()["extent"]
    assert values[0] == pytest.approx(x0 + (x1 - x0) * 0.1)  # x1 at the top-left cell
    assert values[25] == pytest.approx(y1 - (y1 - y0) * 0.1)  # x2 at the top-left cell
    assert values[50] == pytest.approx(math.sin(values[0]))
    h = pg.model([values[0], values[25], values[50]])[0].data
    assert values[-25] == pytest.approx(h, rel=1e-12) and values[-50] == pytest.approx(h, rel=1e-12)


def test_data_keeps_every_point_inside_the_extent():
    d = Playground({"data": "spiral", "noise": 0.3}).data()
    x0, x1, y0, y1 = d["extent"]
    assert x1 - x0 == pytest.approx(y1 - y0)
    assert all(x0 < p[0] < x1 and y0 < p[1] < y1 for p in d["train"] + d["test"])
    assert len(d["train"]) + len(d["test"]) == DEFAULTS["points"]


def test_lecture_page_is_for_the_current_model():
    pg = Playground({"layers": [2]})
    pg.train(3)
    html = pg.lecture_page(4)
    assert "lecture-data" in html and "2-2-1 network after 3 steps, example 4" in html
    with pytest.raises(ValueError, match="out of range"):
        pg.lecture_page(10_000)
    with pytest.raises(ValueError, match="square loss"):
        Playground({"loss": "softmax"}).lecture_page(0)


def test_labels_follow_the_loss():
    assert set(Playground().ns["y_train"]) == {-1, 1}
    assert set(Playground({"loss": "softmax"}).ns["y_train"]) == {0.0, 1.0}
    assert isinstance(Playground().model, nn.MLP)
