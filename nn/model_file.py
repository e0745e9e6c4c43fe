"""Reading model files: regular files only, bounded in size, strict JSON, structure checked.

A model file is the JSON object ``{"format": FORMAT, "version": 1, "architecture": {...},
"parameters": {name: number, ...}}``. Nothing a file *declares* is allocated before it is
checked against what the file *contains*: an architecture must need exactly as many
parameters as the file holds, so a small file cannot make a loader build a huge model.

Every problem with a file's contents is a ``ValueError`` that names the path and the field;
operating-system problems (missing file, no permission) stay ``OSError``.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Sequence
from typing import Any

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MAX_FILE_BYTES",
    "file_size_cap",
    "read_model_file",
    "same_json",
    "check_mlp_architecture",
]

FORMAT = "autograd-core.nn"
"""Value of the ``"format"`` key of a saved model."""
FORMAT_VERSION = 1
"""Value of the ``"version"`` key (an integer; ``true`` or ``1.0`` are refused)."""
MAX_FILE_BYTES = 256 * 2**20
"""Largest model file read when the architecture is not known yet (``MLP.from_file``)."""
_BYTES_PER_PARAMETER = 256
"""Generous bound on one ``"name": number,`` line (names are short; a float repr is <= 24 characters)."""
_KEYS = ("format", "version", "architecture", "parameters")


def file_size_cap(n_parameters: int) -> int:
    """The largest file that can hold ``n_parameters`` weights (with generous whitespace)."""
    return min(MAX_FILE_BYTES, 2**16 + _BYTES_PER_PARAMETER * n_parameters)


def _fspath(path: Any, owner: str) -> str:
    try:
        name = os.fspath(path)
    except TypeError:
        raise TypeError(f"{owner}: path must be a str or os.PathLike, got {type(path).__name__} {path!r:.60}") from None
    return os.fsdecode(name)


def _kind(mode: int) -> str:
    kinds = [
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def _read_regular_file(path: str, cap: int, owner: str) -> bytes:
    """At most ``cap`` bytes of a regular file: FIFOs, devices and directories are refused
    after an ``open`` that cannot block (``O_NONBLOCK``) and an ``fstat`` of what was opened
    (so a symlink to ``/dev/zero`` is refused too)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"{owner}: {path!r} is {_kind(info.st_mode)}, not a model file (a regular file)")
        if info.st_size > cap:
            raise ValueError(
                f"{owner}: {path!r} has {info.st_size} bytes, more than the {cap} a model file of this size can need"
            )
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(2**20, cap + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > cap:
                raise ValueError(f"{owner}: {path!r} grew past {cap} bytes while being read")
        return b"".join(chunks)
    finally:
        os.close(fd)


def _reject_constant(token: str) -> float:
    raise ValueError(f"{token} is not a JSON number (model files hold finite numbers only)")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r:.80}")
        out[key] = value
    return out


def _parse(data: bytes, path: str, owner: str) -> Any:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"{owner}: {path!r} is not UTF-8 text (byte {error.start}: {error.reason})") from None
    try:
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except RecursionError:
        raise ValueError(f"{owner}: {path!r} is nested too deeply to be a model file") from None
    except ValueError as error:  # json.JSONDecodeError, a constant, a duplicate key, a 5000-digit int
        raise ValueError(f"{owner}: {path!r} is not valid model JSON ({error})") from None


def read_model_file(path: Any, max_bytes: int = MAX_FILE_BYTES, owner: str = "load") -> dict[str, Any]:
    """The checked JSON document of a file written by ``Module.save``.

    Checks: a regular file of at most ``max_bytes`` bytes, UTF-8, JSON without NaN/Infinity or
    duplicate keys, exactly the keys ``format``, ``version`` (the integer 1), ``architecture``
    (an object) and ``parameters`` (an object). Parameter values are checked on loading.
    """
    name = _fspath(path, owner)
    document = _parse(_read_regular_file(name, max_bytes, owner), name, owner)
    where = f"{owner}: {name!r}"
    if not isinstance(document, dict):
        raise ValueError(f"{where} is not a saved nn model (top level is a {_json_type(document)}, not an object)")
    if document.get("format") != FORMAT or type(document.get("format")) is not str:
        raise ValueError(
            f'{where} is not a saved nn model (field "format" is {document.get("format")!r:.60}, expected {FORMAT!r})'
        )
    version = document.get("version")
    if type(version) is not int or version != FORMAT_VERSION:
        raise ValueError(f'{where}: field "version" must be the integer {FORMAT_VERSION}, got {version!r:.60}')
    unknown = [k for k in document if k not in _KEYS]
    missing = [k for k in _KEYS if k not in document]
    if unknown or missing:
        raise ValueError(f"{where}: fields must be exactly {list(_KEYS)}; missing {missing}, unknown {unknown!r:.120}")
    for key in ("architecture", "parameters"):
        if not isinstance(document[key], dict):
            raise ValueError(f'{where}: field "{key}" must be an object, got a {_json_type(document[key])}')
    return document


def _json_type(x: Any) -> str:
    names = {dict: "object", list: "list", str: "string", bool: "boolean", int: "integer", float: "number"}
    return "null" if x is None else names.get(type(x), type(x).__name__)


def same_json(a: Any, b: Any) -> bool:
    """Equal as JSON, types included: ``2.0`` is not ``2`` and ``true`` is not ``1``."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _positive_int(where: str, field: str, x: Any) -> int:
    if type(x) is not int or x <= 0:
        raise ValueError(f"{where}: field {field} must be a positive integer, got {_json_type(x)} {x!r:.60}")
    return x


def check_mlp_architecture(
    arch: dict[str, Any], n_parameters: int, activations: Sequence[str], where: str
) -> tuple[int, list[int], str, str]:
    """(nin, nouts, activation, output_activation) of an MLP architecture object, checked
    before anything is built: exact keys, positive integer sizes, activations by name, and
    a parameter count Σ_l (d^(l-1) + 1) d^(l) equal to ``n_parameters`` (what the file holds)."""
    keys = ("type", "nin", "nouts", "activation", "output_activation")
    if arch.get("type") != "MLP" or sorted(arch) != sorted(keys):
        raise ValueError(
            f'{where} does not describe an MLP (field "architecture" must have exactly the keys '
            f'{list(keys)} and "type": "MLP"): {arch!r:.200}'
        )
    nin = _positive_int(where, '"architecture.nin"', arch["nin"])
    nouts = arch["nouts"]
    if not isinstance(nouts, list) or not nouts:
        raise ValueError(f'{where}: field "architecture.nouts" must be a non-empty list, got {nouts!r:.60}')
    needed, fan_in = 0, nin
    for i, n in enumerate(nouts):
        _positive_int(where, f'"architecture.nouts[{i}]"', n)
        needed += (fan_in + 1) * n
        fan_in = n
        if needed > n_parameters:
            break
    if needed != n_parameters:
        raise ValueError(
            f'{where}: field "architecture" declares {"more than " if needed > n_parameters else ""}'
            f'{needed} parameters but field "parameters" holds {n_parameters}'
        )
    for key in ("activation", "output_activation"):
        if not isinstance(arch[key], str) or arch[key] not in activations:
            raise ValueError(
                f'{where}: field "architecture.{key}": cannot rebuild activation {arch[key]!r:.80} '
                f"(only {list(activations)})"
            )
    return nin, list(nouts), arch["activation"], arch["output_activation"]
