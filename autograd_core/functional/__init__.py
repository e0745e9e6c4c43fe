"""Function transforms on plain floats, as ``torch.func``/JAX offer them.

- :func:`jvp`: value and directional derivative J t (forward mode: one sweep in topological
  order over the local derivatives recorded at forward time, no backward pass);
- :func:`vjp`: value and uᵀ J (reverse mode, one sweep);
- :func:`jacobian`: the m x n Jacobian, forward or reverse sweeps by shape;
- :func:`hessian`: the n x n Hessian (forward over reverse), exactly symmetric;
- :func:`hvp`: H v without forming H.

``f`` takes ``len(xs)`` Values as positional arguments; inputs and results are floats.
"""

from .sweeps import joint_order, pull_back, push_forward
from .transforms import hessian, hvp, jacobian, jvp, vjp

__all__ = ["jvp", "vjp", "jacobian", "hessian", "hvp", "joint_order", "push_forward", "pull_back"]
