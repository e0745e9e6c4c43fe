"""The Playground page's Python: a configuration, the training script it stands for, and views.

The docs site's Playground (``site/playground/index.html``) runs this module inside Pyodide;
its JavaScript only draws what :class:`Playground` returns. The same configuration gives the
same numbers in CPython, so a page can be checked against a local run::

    pg = Playground({"data": "moons", "layers": [8, 8], "lr": 0.03})
    pg.train(20)["loss"]        # mean training loss after 20 mini-batch steps

A configuration is a dict with the keys of :data:`DEFAULTS` (the page's URL query uses the same
keys; every value may also be given as its URL text, e.g. ``"layers": "8,8"``).
:func:`script` writes it out as a plain training script over ``nn`` and ``autograd_core``;
:class:`Playground` runs exactly that script (``pg.source``) and reads its names, so the code
panel of the page is what trains. Square loss follows the lecture: a tanh output h(x) = x_1^(L),
labels y in {-1, +1}, e = (h(x) - y)²; "softmax" uses two linear outputs and cross-entropy.
"""

from .config import DATASETS, DEFAULTS, FEATURES, LOSSES, OPTIMIZERS, check_config, query
from .script import script
from .session import Playground

__all__ = ["DEFAULTS", "DATASETS", "FEATURES", "LOSSES", "OPTIMIZERS", "check_config", "query", "script", "Playground"]
