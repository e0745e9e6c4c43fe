"""nn.testing: random MLP cases for property-based tests, checked against finite differences."""

from hypothesis import given, settings

from autograd_core.testing import gradcheck, gradgradcheck
from nn.testing import MLPCase, mlps


@given(mlps())
def test_random_mlps_have_gradients_that_match_finite_differences(case):
    xs = case.inputs()
    assert gradcheck(lambda *_: case.loss(xs), case.parameters() + xs, atol=1e-6)


@settings(max_examples=20)
@given(mlps(max_layers=2, max_width=3, activations=("tanh", "sigmoid", "linear")))
def test_random_mlps_have_second_derivatives_that_match(case):
    xs = case.inputs()
    params = case.parameters()[:4] + xs
    assert gradgradcheck(lambda *_: case.loss(xs), params)


@given(mlps())
def test_an_mlp_case_repr_rebuilds_the_same_model(case):
    again = eval(repr(case), {"MLPCase": MLPCase})
    assert again == case
    assert [o.data for o in again.outputs()] == [o.data for o in case.outputs()]
    assert len(case.outputs()) == case.nouts[-1]


def test_an_mlp_case_builds_its_model_once():
    case = MLPCase(nin=2, nouts=(3, 1), activation="relu", output_activation="linear", seed=4, x=(0.5, -1.0))
    assert case.model is case.model
    assert len(case.parameters()) == 3 * 3 + 4
    assert case.outputs()[0].data == case.model(list(case.x))[0].data
