"""Training end to end: micrograd's demo problem, solved by the lecture's SGD."""

import nn


def test_mlp_reaches_full_training_accuracy_on_two_moons_within_100_steps():
    X, y = nn.make_moons(100, noise=0.1, seed=0)
    ys = nn.to_signs(y)
    model = nn.MLP(2, [16, 16, 1], activation="relu", output_activation="linear", seed=1)
    params = model.parameters()
    opt = nn.SGD(params, lr=1.0)
    schedule = nn.LinearDecay(opt, 1.0, 0.1, 100)
    losses, accuracies = [], []
    for _ in range(100):
        scores = [model(x)[0] for x in X]
        accuracies.append(nn.accuracy([nn.predict_sign(s) for s in scores], ys))
        if accuracies[-1] == 1.0:
            break
        loss = nn.hinge_loss(scores, ys) + nn.l2_penalty(params, 1e-4)
        losses.append(loss.data)
        opt.zero_grad()
        loss.backward()
        opt.step()
        schedule.step()
    assert accuracies[-1] == 1.0
    assert accuracies[0] < 0.9 and losses[-1] < losses[0]
