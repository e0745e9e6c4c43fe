"""Data: seeded generators, splits, mini-batches, accuracy and the bundled real data sets."""

import math
import random
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn

GENERATORS = [
    (nn.make_moons, {}, 2),
    (nn.make_circles, {}, 2),
    (lambda n, seed: nn.make_spirals(n, classes=4, seed=seed), None, 4),
    (nn.make_xor, {}, 2),
    (lambda n, seed: nn.make_blobs(n, centers=3, std=0.5, seed=seed), None, 3),
]


@pytest.mark.parametrize("make, kwargs, k", GENERATORS)
@given(n=st.integers(8, 60), seed=st.integers(0, 2**32))
def test_generators_are_seeded_balanced_and_shaped(make, kwargs, k, n, seed):
    X, y = make(n=n, seed=seed)
    X2, y2 = make(n=n, seed=seed)
    assert (X, y) == (X2, y2)
    assert len(X) == len(y) == n
    assert all(len(x) == 2 and all(isinstance(c, float) and math.isfinite(c) for c in x) for x in X)
    counts = [y.count(c) for c in range(k)]
    assert set(y) <= set(range(k)) and max(counts) - min(counts) <= 1
    assert make(n=n, seed=seed + 1)[0] != X


def test_moons_without_noise_lie_on_the_two_half_circles():
    X, y = nn.make_moons(50, noise=0.0, seed=1)
    for (a, b), c in zip(X, y):
        if c == 0:
            assert a * a + b * b == pytest.approx(1.0) and b >= -1e-12
        else:
            assert (a - 1) ** 2 + (b - 0.5) ** 2 == pytest.approx(1.0) and b <= 0.5 + 1e-12


def test_xor_labels_follow_the_quadrant_signs_without_noise():
    X, y = nn.make_xor(40, noise=0.0, seed=2)
    assert all((a * b < 0) == (c == 1) for (a, b), c in zip(X, y))


def test_generators_accept_a_random_generator():
    assert nn.make_moons(20, seed=random.Random(5)) == nn.make_moons(20, seed=random.Random(5))


def test_to_signs_maps_0_1_to_minus_plus_one():
    assert nn.to_signs([0, 1, 1, 0]) == [-1, 1, 1, -1]
    with pytest.raises(ValueError, match="expected labels 0 or 1, got 2"):
        nn.to_signs([0, 2])


@given(n=st.integers(2, 80), frac=st.floats(0.05, 0.95), seed=st.integers(0, 1000))
def test_train_test_split_is_a_seeded_partition(n, frac, seed):
    X = [[float(i)] for i in range(n)]
    y = list(range(n))
    n_test = math.ceil(frac * n)
    if n_test >= n:
        with pytest.raises(ValueError, match="cannot be split"):
            nn.train_test_split(X, y, test_size=frac, seed=seed)
        return
    Xtr, Xte, ytr, yte = nn.train_test_split(X, y, test_size=frac, seed=seed)
    assert len(Xte) == n_test
    assert sorted(ytr + yte) == y
    assert [x[0] for x in Xtr] == ytr and [x[0] for x in Xte] == yte
    assert nn.train_test_split(X, y, test_size=frac, seed=seed) == (Xtr, Xte, ytr, yte)


def test_train_test_split_rejects_bad_input():
    with pytest.raises(ValueError, match="3 samples in X but 2 labels"):
        nn.train_test_split([[0.0]] * 3, [0, 1])
    with pytest.raises(ValueError, match="test_size"):
        nn.train_test_split([[0.0]] * 3, [0, 1, 0], test_size=1.5)


def test_batches_cover_the_data_once_in_seeded_order():
    X = [[float(i)] for i in range(10)]
    y = list(range(10))
    got = list(nn.batches(X, y, 3, seed=4))
    assert [len(b[1]) for b in got] == [3, 3, 3, 1]
    assert sorted(i for _, yb in got for i in yb) == y
    assert all([x[0] for x in xb] == yb for xb, yb in got)
    assert got == list(nn.batches(X, y, 3, seed=4))
    assert [yb for _, yb in nn.batches(X, y, 4, shuffle=False)] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    rng = random.Random(0)
    assert list(nn.batches(X, y, 10, seed=rng)) != list(nn.batches(X, y, 10, seed=rng))  # new order per epoch
    with pytest.raises(ValueError, match="batch_size"):
        list(nn.batches(X, y, 0))


def test_accuracy_and_predictions():
    assert nn.accuracy([1, -1, 1, 1], [1, 1, 1, -1]) == 0.5
    assert nn.predict_sign(0.3) == 1 and nn.predict_sign(-0.1) == -1 and nn.predict_sign(0.0) == -1
    assert nn.predict_sign(nn.MLP(2, [1], seed=0)([0.0, 0.0])) in (-1, 1)
    assert nn.predict_class([0.1, 2.0, -1.0, 2.0]) == 1
    with pytest.raises(ValueError, match="2 predictions but 3 targets"):
        nn.accuracy([1, 1], [1, 1, 1])
    with pytest.raises(ValueError, match="empty"):
        nn.predict_class([])


def test_bad_generator_arguments_are_rejected():
    with pytest.raises(ValueError, match="noise"):
        nn.make_moons(10, noise=-1.0)
    with pytest.raises(ValueError, match="n must be"):
        nn.make_circles(0)
    with pytest.raises(ValueError, match="classes"):
        nn.make_spirals(10, classes=0)
    with pytest.raises(ValueError, match="factor"):
        nn.make_circles(10, factor=1.5)


def test_iris_and_digits_come_from_scikit_learn():
    pytest.importorskip("sklearn")
    X, y = nn.load_iris()
    assert len(X) == 150 and len(X[0]) == 4 and sorted(set(y)) == [0, 1, 2]
    X, y = nn.load_digits()
    assert len(X) == 1797 and len(X[0]) == 64 and sorted(set(y)) == list(range(10))
    assert max(max(x) for x in X) == 16.0


@pytest.mark.parametrize("loader", [nn.load_iris, nn.load_digits])
def test_missing_scikit_learn_names_the_extra(loader, monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r'pip install "autograd-core\[demos\]"'):
        loader()


def test_digits_read_from_the_bundled_file_equal_scikit_learns_loader():
    datasets = pytest.importorskip("sklearn.datasets")
    X, y = nn.load_digits()
    data = datasets.load_digits()
    assert X == data.data.tolist() and y == data.target.tolist()
    assert all(type(v) is float for v in X[0]) and all(type(c) is int for c in y)
