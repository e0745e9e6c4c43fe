"""``Module``: the parameters of a model, in a fixed order, with names, and their storage.

Parameters are ``Value`` leaves that live as long as the model: training changes their
``.data`` in place, never the objects, so ``parameters()`` can be handed to an optimizer
once. A state dict maps each dotted name to a float; ``save``/``load`` write it as JSON
together with the architecture, atomically, never with pickle.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import pickle
from collections.abc import Mapping
from typing import Any

from autograd_core import Value, _checks
from autograd_core.files import atomic_write_text

from .model_file import FORMAT, FORMAT_VERSION, file_size_cap, read_model_file, same_json

__all__ = ["Module", "FORMAT", "FORMAT_VERSION", "read_model_file"]


class Module:
    """Base class of ``Neuron``, ``Layer`` and ``MLP``.

    Subclasses define :meth:`named_parameters` and :meth:`architecture`; everything else
    (``parameters``, ``zero_grad``, state dicts, ``save``/``load``) is built on those two.
    """

    def named_parameters(self) -> list[tuple[str, Value]]:
        """(dotted name, parameter) pairs, in the order of :meth:`parameters`."""
        raise NotImplementedError

    def architecture(self) -> dict[str, Any]:
        """A JSON-able description of the structure (class, sizes, activations)."""
        raise NotImplementedError

    def __getstate__(self) -> dict[str, Any]:
        """Pickling support: the attributes, after checking that a custom activation pickles
        (a lambda or a local function does not; the error then points at :meth:`save`)."""
        state = dict(self.__dict__)
        for key in ("activation", "output_activation"):
            act = state.get(key)
            if act is None or isinstance(act, str):
                continue
            try:
                pickle.dumps(act)
            except Exception as error:  # noqa: BLE001 - PicklingError, AttributeError, TypeError
                raise pickle.PicklingError(
                    f"{type(self).__name__}: cannot pickle the {key} {act!r:.80} ({error}); a lambda or local "
                    f"function does not pickle: define it at module level, or use model.save(path) to keep "
                    f"the weights as JSON and rebuild the model with the same activation"
                ) from error
        return state

    def parameters(self) -> list[Value]:
        """All parameters: for each layer, for each neuron, its weights in input order, then its bias."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0 (leaves accumulate across ``backward`` calls)."""
        for p in self.parameters():
            p.grad = 0.0

    # --- state dicts ---------------------------------------------------------------------

    def state_dict(self) -> dict[str, float]:
        """{dotted name: weight} for every parameter, in parameter order."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set every parameter from ``state``, a mapping with exactly the names of
        :meth:`state_dict` and finite real numbers as values.

        Everything is checked before anything is assigned: on ``ValueError``/``TypeError``
        the model is left exactly as it was.
        """
        cls = type(self).__name__
        if not isinstance(state, Mapping):
            raise TypeError(f"load_state_dict: expected a mapping of names to numbers, got {type(state).__name__}")
        named = self.named_parameters()
        expected = [name for name, _ in named]
        missing = [n for n in expected if n not in state]
        known = set(expected)
        extra = [n for n in state if n not in known]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"missing {len(missing)} name(s) {_preview(missing)}")
            if extra:
                parts.append(f"unexpected {len(extra)} name(s) {_preview(extra)}")
            raise ValueError(f"load_state_dict: state does not match this {cls} ({'; '.join(parts)})")
        values = [_as_weight(name, state[name]) for name in expected]
        for (_, p), v in zip(named, values):
            p.data = v

    # --- files -----------------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write architecture and parameters as human-readable JSON to ``path``.

        Atomic: the JSON goes to a temporary file in the same directory, which then replaces
        ``path`` (``os.replace``), so ``path`` holds either the old or the new model, never
        half of one. A new file gets the user's umask, a replaced one keeps its permissions,
        and a symbolic link keeps pointing at its target, which gets the new contents. Floats
        are written with ``repr``, so a load gives back the exact weights.
        """
        _checks.path("save", "path", path)
        state = self.state_dict()
        bad = [name for name, v in state.items() if not math.isfinite(v)]
        if bad:
            raise ValueError(f"save: parameter(s) {_preview(bad)} are not finite; JSON cannot store them")
        document = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "architecture": self.architecture(),
            "parameters": state,
        }
        text = json.dumps(document, indent=1, allow_nan=False) + "\n"
        atomic_write_text(path, text, "save")

    def load(self, path: str | os.PathLike[str]) -> None:
        """Read parameters saved by :meth:`save` into this model (same architecture only).

        Only a regular file no larger than this architecture can need is read (a FIFO, a
        device or a directory is refused without blocking). A file that is not strict UTF-8
        JSON of the saved format (NaN, Infinity, duplicate keys, deep nesting, another
        version or architecture, ``2.0`` for ``2``, missing or extra names, numbers that are
        not finite floats) raises ``ValueError`` naming the path and the field, and the
        model is unchanged.
        """
        cap = file_size_cap(len(self.named_parameters()))
        document = read_model_file(path, max_bytes=cap, owner="load")
        self._load_document(document, os.fsdecode(os.fspath(path)), "load")

    def _load_document(self, document: dict[str, Any], path: str, owner: str) -> None:
        """Check a document from :func:`read_model_file` against this model, then assign."""
        mine, theirs = self.architecture(), document["architecture"]
        if not same_json(theirs, mine):
            raise ValueError(
                f'{owner}: {path!r}: field "architecture" is {theirs!r:.200}, but this model is {mine!r:.200}'
            )
        try:
            self.load_state_dict(document["parameters"])
        except (ValueError, TypeError) as error:
            raise ValueError(f'{owner}: {path!r}: field "parameters": {error}') from None


def _as_weight(name: str, v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise ValueError(f"load_state_dict: {name!r} must be a real number, got {type(v).__name__} {v!r:.60}")
    try:
        x = float(v)
    except OverflowError:
        size = f"an integer of {v.bit_length()} bits" if isinstance(v, int) else f"a {type(v).__name__}"
        raise ValueError(f"load_state_dict: {name!r} is {size}, too large for a float (max about 2**1024)") from None
    if not math.isfinite(x):
        raise ValueError(f"load_state_dict: {name!r} must be finite, got {x!r}")
    return x


def _preview(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    return f"[{shown}{', ...' if len(names) > limit else ''}]"
