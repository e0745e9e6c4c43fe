"""nn: neurons, layers, MLPs, losses, optimizers and data, built on autograd_core."""

__all__: list[str] = []
