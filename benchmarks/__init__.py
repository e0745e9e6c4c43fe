"""Benchmarks against micrograd 0.1.0: ``python -m benchmarks [--quick]``.

W1 micrograd's demo training step (ops one by one, fused ``nn``, hand-written floats),
W2 a deep chain, W3 builtin ``sum()`` of products, W4 memory per node, W5 the W1 step by
``autograd_core.compile`` replays. Gradients are
checked against micrograd before anything is timed.

Also: ``python -m benchmarks.training_view`` (what ``TrainingView.update`` costs per step of
the moons training loop).
"""

from __future__ import annotations

from .gradcheck import GradientMismatch
from .peers import MicrogradMissing
from .report import format_markdown, format_text
from .run import WORKLOADS, run

__all__ = ["WORKLOADS", "GradientMismatch", "MicrogradMissing", "format_markdown", "format_text", "run"]
