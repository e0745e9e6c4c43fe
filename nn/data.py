"""Toy data sets, splits and mini-batches in pure Python, reproducible from a seed.

Every generator returns ``(X, y)``: ``X`` a list of points (lists of floats), ``y`` a list of
class indices 0..K-1 (use :func:`to_signs` for the lecture's labels y in {-1, +1}). Samples
are shuffled; the same seed gives the same data. ``load_iris``/``load_digits`` read the
copies bundled with scikit-learn (the "demos" extra); nothing is downloaded.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from autograd_core._checks import flag, items, positive_int, real

from .init import Seed, make_rng

__all__ = [
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
]

T = TypeVar("T")
Dataset = tuple[list[list[float]], list[int]]

_EXTRA = 'pip install "autograd-core[demos]"'


def _check_n(owner: str, n: Any, minimum: int = 1) -> int:
    return positive_int(owner, "n", n, minimum)


def _check_noise(owner: str, noise: Any, what: str = "noise") -> float:
    checked = real(owner, what, noise)
    if checked < 0.0:
        raise ValueError(f"{owner}: {what} must be a finite number >= 0, got {checked!r}")
    return checked


def _shuffled(rng: random.Random, X: list[list[float]], y: list[int]) -> Dataset:
    order = list(range(len(X)))
    rng.shuffle(order)
    return [X[i] for i in order], [y[i] for i in order]


def _jitter(rng: random.Random, point: Sequence[float], noise: float) -> list[float]:
    return [c + rng.gauss(0.0, noise) for c in point] if noise else [float(c) for c in point]


def make_moons(n: int = 100, noise: float = 0.1, seed: Seed = 0) -> Dataset:
    """Two interleaving half circles: class 0 is (cos t, sin t), class 1 is (1 - cos t, 1/2 - sin t),
    t in [0, π], plus Gaussian noise of standard deviation ``noise``."""
    n = _check_n("make_moons", n, 2)
    noise = _check_noise("make_moons", noise)
    rng = make_rng(seed, "make_moons")
    n0 = n // 2
    n1 = n - n0
    X: list[list[float]] = []
    y: list[int] = []
    for k, count in ((0, n0), (1, n1)):
        for i in range(count):
            t = math.pi * i / (count - 1) if count > 1 else 0.0
            p = (math.cos(t), math.sin(t)) if k == 0 else (1.0 - math.cos(t), 0.5 - math.sin(t))
            X.append(_jitter(rng, p, noise))
            y.append(k)
    return _shuffled(rng, X, y)


def make_circles(n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: Seed = 0) -> Dataset:
    """Two concentric circles: class 0 of radius 1, class 1 of radius ``factor`` (0 < factor < 1)."""
    n = _check_n("make_circles", n, 2)
    noise = _check_noise("make_circles", noise)
    factor = real("make_circles", "factor", factor)
    if not 0.0 < factor < 1.0:
        raise ValueError(f"make_circles: factor must be in (0, 1), got {factor!r}")
    rng = make_rng(seed, "make_circles")
    n0 = n // 2
    X: list[list[float]] = []
    y: list[int] = []
    for k, count, r in ((0, n0, 1.0), (1, n - n0, factor)):
        for i in range(count):
            t = 2.0 * math.pi * i / count
            X.append(_jitter(rng, (r * math.cos(t), r * math.sin(t)), noise))
            y.append(k)
    return _shuffled(rng, X, y)


def make_spirals(n: int = 300, classes: int = 3, noise: float = 0.2, seed: Seed = 0) -> Dataset:
    """K interleaved spiral arms: arm k has radius r in [0, 1] and angle 4k + 4r (radians)
    plus Gaussian angle noise; ``n`` points split as evenly as possible."""
    n = _check_n("make_spirals", n)
    noise = _check_noise("make_spirals", noise)
    classes = positive_int("make_spirals", "classes", classes)
    rng = make_rng(seed, "make_spirals")
    X: list[list[float]] = []
    y: list[int] = []
    for k in range(classes):
        count = n // classes + (1 if k < n % classes else 0)
        for i in range(count):
            r = i / (count - 1) if count > 1 else 0.0
            t = 4.0 * k + 4.0 * r + (rng.gauss(0.0, noise) if noise else 0.0)
            X.append([r * math.sin(t), r * math.cos(t)])
            y.append(k)
    return _shuffled(rng, X, y)


def make_xor(n: int = 100, noise: float = 0.2, seed: Seed = 0) -> Dataset:
    """Four Gaussian clusters at (±1, ±1): class 1 where the signs differ (x_1 x_2 < 0), else 0."""
    n = _check_n("make_xor", n)
    noise = _check_noise("make_xor", noise)
    rng = make_rng(seed, "make_xor")
    corners = ((1.0, 1.0), (1.0, -1.0), (-1.0, -1.0), (-1.0, 1.0))  # classes 0, 1, 0, 1
    X = [_jitter(rng, corners[i % 4], noise) for i in range(n)]
    y = [i % 2 for i in range(n)]
    return _shuffled(rng, X, y)


def make_blobs(
    n: int = 100,
    centers: int | Sequence[Sequence[float]] = 3,
    std: float = 1.0,
    seed: Seed = 0,
) -> Dataset:
    """Gaussian blobs of standard deviation ``std``, class k around center k; ``centers`` is a
    list of points or a count (centers then drawn uniformly from [-10, 10]²)."""
    n = _check_n("make_blobs", n)
    std = _check_noise("make_blobs", std, "std")
    rng = make_rng(seed, "make_blobs")
    if isinstance(centers, int) and not isinstance(centers, bool):
        if centers < 1:
            raise ValueError(f"make_blobs: centers must be >= 1, got {centers}")
        points = [[rng.uniform(-10.0, 10.0), rng.uniform(-10.0, 10.0)] for _ in range(centers)]
    else:
        rows = enumerate(items("make_blobs", "centers", centers))
        points = [
            [real("make_blobs", f"centers[{i}][{j}]", c) for j, c in enumerate(items("make_blobs", f"centers[{i}]", p))]
            for i, p in rows
        ]
        if not points or len({len(p) for p in points}) != 1 or not points[0]:
            raise ValueError("make_blobs: centers must be a non-empty list of points of one dimension")
    k = len(points)
    X = [_jitter(rng, points[i % k], std) for i in range(n)]
    y = [i % k for i in range(n)]
    return _shuffled(rng, X, y)


def to_signs(y: Sequence[int]) -> list[int]:
    """Class indices {0, 1} to the lecture's labels {-1, +1}."""
    out = []
    for v in items("to_signs", "y", y):
        if v not in (0, 1) or isinstance(v, bool):
            raise ValueError(f"to_signs: expected labels 0 or 1, got {v!r}")
        out.append(2 * int(v) - 1)
    return out


def _check_xy(owner: str, X: Sequence[Any], y: Sequence[Any]) -> int:
    for what, v in (("X", X), ("y", y)):
        if isinstance(v, (str, bytes)) or not hasattr(v, "__len__") or not hasattr(v, "__getitem__"):
            raise TypeError(f"{owner}: {what} must be a list (or another sequence), got {type(v).__name__} {v!r:.60}")
    if len(X) != len(y):
        raise ValueError(f"{owner}: {len(X)} samples in X but {len(y)} labels in y")
    return len(X)


def train_test_split(
    X: Sequence[T], y: Sequence[Any], test_size: float | int = 0.25, seed: Seed = 0
) -> tuple[list[T], list[T], list[Any], list[Any]]:
    """Shuffle and split: ``X_train, X_test, y_train, y_test`` (scikit-learn's order).

    ``test_size`` is a fraction in (0, 1) (rounded up to whole samples) or a count.
    """
    n = _check_xy("train_test_split", X, y)
    if isinstance(test_size, bool) or not isinstance(test_size, (int, float)):
        raise TypeError(
            f"train_test_split: test_size must be a fraction or a count, got {type(test_size).__name__} "
            f"{test_size!r:.60}"
        )
    order = list(range(n))
    make_rng(seed, "train_test_split").shuffle(order)
    if isinstance(test_size, float) and 0.0 < test_size < 1.0:
        n_test = math.ceil(test_size * n)
    elif isinstance(test_size, int) and not isinstance(test_size, bool) and 0 < test_size < n:
        n_test = test_size
    else:
        raise ValueError(
            f"train_test_split: test_size must be a fraction in (0, 1) or a count in 1..{n - 1}, got {test_size!r}"
        )
    if not 0 < n_test < n:
        raise ValueError(f"train_test_split: {n} samples cannot be split with test_size={test_size!r}")
    test, train = order[:n_test], order[n_test:]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]


def batches(
    X: Sequence[T], y: Sequence[Any], batch_size: int, seed: Seed = 0, shuffle: bool = True
) -> Iterator[tuple[list[T], list[Any]]]:
    """One epoch of mini-batches ``(X_batch, y_batch)`` in a seeded random order (the last may
    be smaller). Pass one ``random.Random`` for a new order every epoch. Arguments are checked
    at the call, before the first batch is asked for."""
    n = _check_xy("batches", X, y)
    batch_size = positive_int("batches", "batch_size", batch_size)
    order = list(range(n))
    rng = make_rng(seed, "batches")
    if flag("batches", "shuffle", shuffle):
        rng.shuffle(order)
    return _batches(X, y, order, batch_size)


def _batches(
    X: Sequence[T], y: Sequence[Any], order: list[int], batch_size: int
) -> Iterator[tuple[list[T], list[Any]]]:
    n = len(order)
    for start in range(0, n, batch_size):
        idx = order[start : start + batch_size]
        yield [X[i] for i in idx], [y[i] for i in idx]


def _sklearn_datasets(name: str) -> Any:
    try:
        import sklearn.datasets as datasets
    except ImportError as error:
        raise ImportError(f"{name} needs scikit-learn (bundled data, no download): {_EXTRA}") from error
    return datasets


def load_iris() -> Dataset:
    """Fisher's iris: 150 flowers, 4 measurements in cm, 3 classes (scikit-learn's bundled copy)."""
    data = _sklearn_datasets("load_iris").load_iris()
    return [[float(v) for v in row] for row in data.data], [int(c) for c in data.target]


def _bundled_rows(file_name: str) -> list[list[float]] | None:
    """The rows of the gzipped CSV ``file_name`` that scikit-learn bundles in ``sklearn/datasets/data``,
    read directly (found without importing scikit-learn, which takes seconds), or None if absent."""
    import gzip
    import importlib.util
    from pathlib import Path

    try:
        spec = importlib.util.find_spec("sklearn")
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "datasets" / "data" / file_name
    if not path.is_file():
        return None
    with gzip.open(path, "rt", encoding="ascii") as text:
        return [[float(v) for v in line.split(",")] for line in text if line.strip()]


def load_digits() -> Dataset:
    """8×8 handwritten digits: 1797 images as 64 pixel values in 0..16, classes 0..9
    (scikit-learn's bundled copy; divide by 16 to scale to [0, 1])."""
    rows = _bundled_rows("digits.csv.gz")
    if rows and all(len(row) == 65 for row in rows):  # 64 pixels, then the class
        return [row[:64] for row in rows], [int(row[64]) for row in rows]
    data = _sklearn_datasets("load_digits").load_digits()
    return [[float(v) for v in row] for row in data.data], [int(c) for c in data.target]
