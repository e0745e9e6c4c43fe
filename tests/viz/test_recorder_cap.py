"""A long training run keeps a bounded number of snapshots (older ones thinned), and its
history is a view computed when read."""

from __future__ import annotations

import nn
from autograd_core.viz.replay import replay_data
from autograd_core.viz.snapshots import MAX_SNAPSHOTS, Recorder


def test_ten_thousand_steps_keep_at_most_max_snapshots_with_the_first_and_newest():
    model = nn.MLP(2, [3, 1], seed=0)
    X, y = [[0.5, -0.5], [-1.0, 1.0], [1.0, 0.2]], [1, -1, 1]
    rec = Recorder(model, X, y)
    params = model.parameters()
    steps = 10 * MAX_SNAPSHOTS
    for step in range(steps):
        params[0].data += 0.001  # a stand-in for an optimizer step
        params[0].grad = float(step)
        rec.record(1.0 / (step + 1))
    stored = [k for k, w in enumerate(rec.weights) if w is not None]
    assert stored == rec.kept and len(stored) <= MAX_SNAPSHOTS
    assert stored[0] == 0 and stored[-1] == steps - 1
    assert len(rec.losses) == steps  # the loss of every step stays
    history = rec.history
    assert len(history) == len(stored)
    newest = history[-1]
    assert newest["step"] == steps and "accuracy" in newest and steps - 1.0 in rec.stored(steps - 1)[1]
    recent = stored[-10:]
    assert recent == list(range(steps - 10, steps))  # recent steps are dense
    data = replay_data(rec)
    assert data["frames"][-1]["step"] == steps and len(data["curve"]["loss"]) == steps
