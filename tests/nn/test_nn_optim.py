"""Optimizers: plain SGD is the lecture's update; momentum, weight decay and Adam match PyTorch."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd_core import Value
from tests.optional import import_torch

floats = st.floats(-3.0, 3.0, allow_nan=False)


def quadratic_grads(params, k):
    """Put a deterministic, step-dependent gradient into every parameter."""
    for i, p in enumerate(params):
        p.grad = (i + 1) * 0.3 * p.data - 0.1 * k + 0.05 * i


@given(ws=st.lists(floats, min_size=1, max_size=5), gs=st.lists(floats, min_size=5, max_size=5), lr=st.floats(0.0, 2.0))
def test_plain_sgd_is_exactly_w_minus_lr_grad(ws, gs, lr):
    params = [Value(w) for w in ws]
    for p, g in zip(params, gs):
        p.grad = g
    nn.SGD(params, lr=lr).step()
    assert [p.data for p in params] == [w - lr * g for w, g in zip(ws, gs)]


def test_zero_grad_and_lr_change_between_steps():
    p = Value(1.0)
    opt = nn.SGD([p], lr=0.5)
    p.grad = 2.0
    opt.step()
    assert p.data == 0.0
    opt.zero_grad()
    assert p.grad == 0.0
    opt.lr = 0.25
    p.grad = -4.0
    opt.step()
    assert p.data == 1.0


def run_torch(make_torch_opt, make_ours, steps=6):
    torch = import_torch()
    init = [0.5, -1.25, 2.0, 0.0]
    ours = [Value(v) for v in init]
    theirs = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in init]
    opt, topt = make_ours(ours), make_torch_opt(theirs)
    for k in range(steps):
        quadratic_grads(ours, k)
        for t, p in zip(theirs, ours):
            t.grad = torch.tensor(p.grad, dtype=torch.float64)
        if k == 3:  # a learning-rate change between steps
            opt.lr = 0.05
            for group in topt.param_groups:
                group["lr"] = 0.05
        opt.step()
        topt.step()
        assert [p.data for p in ours] == pytest.approx([t.item() for t in theirs], rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("momentum, wd", [(0.0, 0.0), (0.9, 0.0), (0.0, 0.01), (0.5, 0.1)])
@pytest.mark.torch
def test_sgd_with_momentum_and_weight_decay_matches_torch(momentum, wd):
    torch = import_torch()
    run_torch(
        lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=momentum, weight_decay=wd),
        lambda ps: nn.SGD(ps, lr=0.1, momentum=momentum, weight_decay=wd),
    )


@pytest.mark.parametrize("betas, wd", [((0.9, 0.999), 0.0), ((0.5, 0.9), 0.1)])
@pytest.mark.torch
def test_adam_matches_torch_including_bias_correction(betas, wd):
    torch = import_torch()
    run_torch(
        lambda ps: torch.optim.Adam(ps, lr=0.1, betas=betas, eps=1e-8, weight_decay=wd),
        lambda ps: nn.Adam(ps, lr=0.1, betas=betas, eps=1e-8, weight_decay=wd),
    )


def test_adam_first_step_moves_each_weight_by_lr_times_sign_of_grad():
    ps = [Value(1.0), Value(1.0)]
    ps[0].grad, ps[1].grad = 3.0, -0.001
    nn.Adam(ps, lr=0.01).step()
    assert ps[0].data == pytest.approx(0.99) and ps[1].data == pytest.approx(1.01, rel=1e-6)


def test_linear_decay_from_start_to_end_then_held():
    p = Value(0.0)
    opt = nn.SGD([p], lr=123.0)
    sched = nn.LinearDecay(opt, 1.0, 0.1, 100)
    assert opt.lr == 1.0
    seen = [sched.step() for _ in range(120)]
    assert seen[0] == pytest.approx(1.0 - 0.9 * 1 / 100)  # micrograd's demo: 1 - 0.9 k / 100
    assert seen[49] == pytest.approx(0.55)
    assert seen[99] == pytest.approx(0.1) and seen[-1] == pytest.approx(0.1)
    assert opt.lr == seen[-1]


def test_bad_optimizer_arguments_are_rejected():
    p = Value(1.0)
    with pytest.raises(ValueError, match="lr must be"):
        nn.SGD([p], lr=-0.1)
    with pytest.raises(ValueError, match="no parameters"):
        nn.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="must be Values"):
        nn.SGD([1.0], lr=0.1)
    with pytest.raises(ValueError, match="more than once"):
        nn.Adam([p, p])
    with pytest.raises(ValueError, match="beta1 must be < 1"):
        nn.Adam([p], betas=(1.0, 0.9))
    with pytest.raises(ValueError, match="steps must be a positive int"):
        nn.LinearDecay(nn.SGD([p], lr=0.1), 1.0, 0.1, 0)


BAD_RATES = [
    (1 + 2j, TypeError),
    ("0.1", TypeError),
    (None, TypeError),
    (True, TypeError),
    ([0.1], TypeError),
    (float("nan"), ValueError),
    (float("inf"), ValueError),
    (-0.5, ValueError),
    (10**400, ValueError),
]


@pytest.mark.parametrize("bad, error", BAD_RATES)
def test_hyperparameters_are_checked_at_construction_and_at_assignment(bad, error):
    p = Value(1.0)
    p.grad = 1.0
    sgd, adam = nn.SGD([p], lr=0.1), nn.Adam([p])
    decay = nn.LinearDecay(sgd, 0.1, 0.01, 10)
    for make in (
        lambda: nn.SGD([p], lr=bad),
        lambda: nn.SGD([p], momentum=bad),
        lambda: nn.Adam([p], eps=bad),
        lambda: nn.Adam([p], betas=(bad, 0.9)),
        lambda: nn.LinearDecay(sgd, bad, 0.0, 5),
    ):
        with pytest.raises(error, match=r"(SGD|Adam|LinearDecay): \w+ must be"):
            make()
    for obj, name in [
        (sgd, "lr"),
        (sgd, "momentum"),
        (sgd, "weight_decay"),
        (adam, "lr"),
        (adam, "eps"),
        (adam, "weight_decay"),
        (decay, "start_lr"),
        (decay, "end_lr"),
    ]:
        before = getattr(obj, name)
        with pytest.raises(error, match=f"{type(obj).__name__}: {name} must be"):
            setattr(obj, name, bad)
        assert getattr(obj, name) == before
    sgd.step()
    assert type(p.data) is float and p.data == 1.0 - 0.1  # the weight never turned complex


def test_adam_betas_are_checked_when_assigned_too():
    adam = nn.Adam([Value(1.0)])
    with pytest.raises(ValueError, match="Adam: beta2 must be < 1"):
        adam.betas = (0.9, 1.5)
    with pytest.raises(TypeError, match="Adam: betas must be a pair"):
        adam.betas = 0.9
    assert adam.betas == (0.9, 0.999)


def test_sgd_has_a_documented_default_learning_rate():
    p = Value(2.0)
    p.grad = 1.0
    opt = nn.SGD([p])
    assert opt.lr == 0.01 and "0.01" in nn.SGD.__doc__
    opt.step()
    assert p.data == 2.0 - 0.01


def test_optimizers_and_schedules_have_readable_reprs():
    params = nn.MLP(2, [3, 1], seed=0).parameters()
    sgd = nn.SGD(params, lr=0.1, momentum=0.9)
    assert repr(sgd) == "SGD(13 parameters, lr=0.1, momentum=0.9, weight_decay=0.0)"
    expected = "Adam(13 parameters, lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0, t=0)"
    assert repr(nn.Adam(params)) == expected
    decay = nn.LinearDecay(sgd, 0.2, 0.0, 4)
    decay.step()
    assert repr(decay) == (
        "LinearDecay(SGD(13 parameters, lr=0.15000000000000002, momentum=0.9, weight_decay=0.0), "
        "start_lr=0.2, end_lr=0.0, steps=4, k=1)"
    )


def test_schedules_and_optimizers_reject_objects_of_the_wrong_kind():
    with pytest.raises(TypeError, match="LinearDecay: optimizer must be"):
        nn.LinearDecay(object(), 0.1, 0.0, 3)
    with pytest.raises(TypeError, match="LinearDecay: steps must be"):
        nn.LinearDecay(nn.SGD([Value(1.0)]), 0.1, 0.0, 3.0)
    for bad in (None, 0.5, "params", Value(1.0)):
        with pytest.raises(TypeError, match="SGD: params must be an iterable of Values"):
            nn.SGD(bad)


def test_nn_version_is_the_library_version():
    import autograd_core

    assert nn.__version__ == autograd_core.__version__


big_floats = st.floats(-1e200, 1e200, allow_nan=False) | st.sampled_from(
    [0.0, -0.0, 1e-300, float("inf"), float("nan")]
)


@given(
    data=st.lists(st.floats(-3.0, 3.0, allow_nan=False), min_size=70, max_size=70),
    grads=st.lists(st.lists(big_floats, min_size=70, max_size=70), min_size=1, max_size=4),
    wd=st.sampled_from([0.0, 0.01]),
    betas=st.sampled_from([(0.9, 0.999), (0.0, 0.5)]),
)
def test_adam_on_arrays_gives_the_same_floats_as_the_loop(data, grads, wd, betas):
    np = pytest.importorskip("numpy", reason="the array path needs numpy")
    assert np is not None and len(data) >= nn.optim.ARRAY_MIN  # this size takes the array path
    runs = []
    for array_min in (nn.optim.ARRAY_MIN, 10**9):  # arrays, then the loop
        ps = [Value(x) for x in data]
        opt = nn.Adam(ps, lr=0.05, betas=betas, weight_decay=wd)
        old, nn.optim.ARRAY_MIN = nn.optim.ARRAY_MIN, array_min
        try:
            for k, gs in enumerate(grads):
                for p, g in zip(ps, gs):
                    p.grad = g
                opt.lr = 0.05 / (k + 1)
                opt.step()
        finally:
            nn.optim.ARRAY_MIN = old
        runs.append([p.data for p in ps])
    arrays, loop = runs
    assert [repr(a) for a in arrays] == [repr(b) for b in loop]  # bit for bit, nan and -0.0 included


def test_adam_continues_with_the_loop_after_array_steps(monkeypatch):
    pytest.importorskip("numpy", reason="the array path needs numpy")
    ps, qs = [Value(0.1 * i) for i in range(80)], [Value(0.1 * i) for i in range(80)]
    a, b = nn.Adam(ps, lr=0.1), nn.Adam(qs, lr=0.1)
    for step in range(4):
        if step == 2:  # a's later steps take the loop, on the moments its array steps left
            monkeypatch.setattr(nn.optim, "ARRAY_MIN", 10**9)
        for i, (p, q) in enumerate(zip(ps, qs)):
            p.grad = q.grad = (i - 40) * 0.01 * (step + 1)
        a.step()
        if step < 2:
            monkeypatch.setattr(nn.optim, "ARRAY_MIN", 10**9)
            b.step()
            monkeypatch.undo()
        else:
            b.step()
    assert [p.data for p in ps] == [q.data for q in qs]


@pytest.mark.parametrize("n", [3, 300, 1100])  # 1100 > _bulk.UNROLL: a loop
def test_sgd_step_and_zero_grad_on_many_parameters_touch_each_one_exactly(n):
    params = [Value(0.001 * k - 0.2) for k in range(n)]
    grads = [0.5 - 0.003 * k for k in range(n)]
    for p, g in zip(params, grads):
        p.grad = g
    opt = nn.SGD(params, lr=0.3)
    opt.step()
    assert [p.data for p in params] == [(0.001 * k - 0.2) - 0.3 * g for k, g in enumerate(grads)]
    opt.zero_grad()
    assert all(p.grad == 0.0 for p in params)
