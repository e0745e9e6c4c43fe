"""Gradient-checking toolkit: finite-difference checks, rule checks, anomaly detection, strategies.

- :func:`gradcheck` / :func:`gradgradcheck`: a scalar function of Values vs central differences.
- :func:`central_difference`: d f / d x_i of a float function, the number all checks compare with.
- :func:`check_rule`: one basic function of the rule table (or your own :class:`Rule`) over its domain.
- :func:`detect_anomaly`: stop at the first nan/inf, forward or backward, naming where it was made.
- :mod:`autograd_core.testing.strategies` (needs ``hypothesis``): in-domain floats and rule
  inputs, random expression graphs. Imported on its own so this package needs no hypothesis.
- :mod:`autograd_core.testing.cases`: what the expression strategy draws (``Expression``);
  its ``repr`` rebuilds it, so a failing example can be pasted back and re-run.
- Random ``nn`` models (``MLPCase``, ``mlps``) live in :mod:`nn.testing`: the engine
  package never imports ``nn``.
"""

from ._numeric import GradcheckError, central_difference
from .anomaly import AnomalyError, detect_anomaly
from .gradcheck import first_bad_node, gradcheck, gradgradcheck
from .rules_check import check_point, check_rule, domain_points

__all__ = [
    "GradcheckError",
    "central_difference",
    "gradcheck",
    "gradgradcheck",
    "first_bad_node",
    "check_rule",
    "check_point",
    "domain_points",
    "AnomalyError",
    "detect_anomaly",
]
