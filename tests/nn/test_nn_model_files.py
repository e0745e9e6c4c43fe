"""Model files under attack: bounded loading, every malformed file a named ValueError with the
model unchanged, and saves that respect the umask and symbolic links."""

import json
import os
import pickle
import stat
import tempfile
import threading
import tracemalloc

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs, /dev/zero and umask are POSIX features")


def model(seed=0):
    return nn.MLP(2, [3, 2], activation="relu", output_activation="linear", seed=seed)


def saved_text(seed=0):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "m.json")
        model(seed).save(path)
        with open(path, "rb") as f:
            return f.read()


BASE = saved_text(0)
BASE_DOC = json.loads(BASE)
PLACEHOLDER = "\u0000SPLICE"


def splice(doc, path, raw):
    """The JSON text of ``doc`` with the value at ``path`` replaced by the raw text ``raw``."""
    doc = json.loads(json.dumps(doc))
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = PLACEHOLDER
    return json.dumps(doc, indent=1).replace(json.dumps(PLACEHOLDER), raw).encode()


def expect_rejected(path, call, field=None, error=ValueError):
    """``call`` raises ``error`` naming the file (and the field) and leaves the target unchanged."""
    target = model(9)
    before, objects = target.state_dict(), target.parameters()
    with pytest.raises(error) as info:
        call(target, path)
    message = str(info.value)
    assert os.path.basename(path) in message, message
    if field:
        assert field in message, message
    assert target.state_dict() == before and all(a is b for a, b in zip(target.parameters(), objects))
    return message


LOADERS = [
    pytest.param(lambda m, p: m.load(p), id="load"),
    pytest.param(lambda m, p: nn.MLP.from_file(p), id="from_file"),
]


@pytest.mark.parametrize("nouts", [[10**9, 1], [1] * 10**5, [2**64]])
def test_a_declared_architecture_bigger_than_the_file_is_refused_before_anything_is_built(tmp_path, nouts):
    path = tmp_path / "bomb.json"
    path.write_bytes(splice(BASE_DOC, ("architecture", "nouts"), json.dumps(nouts)))
    tracemalloc.start()
    try:
        with pytest.raises(
            ValueError,
            match=r"bomb\.json.*\"architecture\" declares .* parameters but field "
            r"\"parameters\" holds 17",
        ):
            nn.MLP.from_file(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20  # a few MB: the file's own size, not what it declares
    expect_rejected(str(path), lambda m, p: m.load(p), "architecture")


def test_a_huge_nin_is_refused_by_the_parameter_count(tmp_path):
    path = tmp_path / "nin.json"
    path.write_bytes(splice(BASE_DOC, ("architecture", "nin"), str(10**9)))
    with pytest.raises(ValueError, match="declares more than 3000000003 parameters"):
        nn.MLP.from_file(path)


def call_with_guard(fn, *args, timeout=60.0):
    """Run fn in a thread: a loader that blocks (on a FIFO) fails the test instead of hanging it."""
    outcome = {}

    def run():
        try:
            fn(*args)
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), f"{fn} blocked"
    return outcome.get("error")


@posix_only
@pytest.mark.parametrize("loader", ["load", "from_file"])
def test_fifos_devices_and_directories_are_refused_without_reading(tmp_path, loader):
    fifo, zero = tmp_path / "fifo.json", tmp_path / "zero.json"
    os.mkfifo(fifo)
    zero.symlink_to("/dev/zero")
    call = model(1).load if loader == "load" else nn.MLP.from_file
    for path, kind in [(fifo, "FIFO"), (zero, "character device"), (tmp_path, "directory")]:
        error = call_with_guard(call, str(path))
        assert isinstance(error, ValueError) and kind in str(error) and str(path) in str(error), error


def test_a_file_larger_than_the_architecture_can_need_is_refused(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(BASE[:-2] + b" " * 200_000 + b"}\n")
    expect_rejected(str(path), lambda m, p: m.load(p), "bytes, more than")


MALFORMED = {
    "deep nesting": (lambda: splice(BASE_DOC, ("architecture",), "[" * 20_000 + "]" * 20_000), "nested too deeply"),
    "non-UTF-8": (lambda: BASE.replace(b'"relu"', b'"r\xffelu"'), "not UTF-8"),
    "int too large for a float": (
        lambda: splice(BASE_DOC, ("parameters", "layers.1.neurons.0.b"), "1" + "0" * 400),
        "layers.1.neurons.0.b",
    ),
    "5000-digit int": (
        lambda: splice(BASE_DOC, ("parameters", "layers.0.neurons.0.b"), "7" * 5000),
        "valid model JSON",
    ),
    "float overflow": (
        lambda: splice(BASE_DOC, ("parameters", "layers.0.neurons.0.w.1"), "-1e400"),
        "layers.0.neurons.0.w.1",
    ),
    "NaN": (lambda: splice(BASE_DOC, ("parameters", "layers.0.neurons.2.w.0"), "NaN"), "NaN"),
    "Infinity": (lambda: splice(BASE_DOC, ("parameters", "layers.0.neurons.2.w.0"), "-Infinity"), "Infinity"),
    "duplicate parameter": (
        lambda: BASE.replace(b'"parameters": {', b'"parameters": {"layers.0.neurons.0.b": 1.0,'),
        "duplicate key 'layers.0.neurons.0.b'",
    ),
    "duplicate version": (lambda: BASE.replace(b"{", b'{"version": 1,', 1), "duplicate key 'version'"),
    "version true": (lambda: splice(BASE_DOC, ("version",), "true"), '"version"'),
    "version 1.0": (lambda: splice(BASE_DOC, ("version",), "1.0"), '"version"'),
    "nin 2.0": (lambda: splice(BASE_DOC, ("architecture", "nin"), "2.0"), '"architecture'),
    "nouts with a float": (lambda: splice(BASE_DOC, ("architecture", "nouts"), "[3, 2.0]"), '"architecture'),
    "weight true": (lambda: splice(BASE_DOC, ("parameters", "layers.0.neurons.0.b"), "true"), "layers.0.neurons.0.b"),
    "unknown field": (lambda: BASE.replace(b"{", b'{"extra": 0,', 1), "unknown ['extra']"),
    "parameters a list": (lambda: splice(BASE_DOC, ("parameters",), "[1, 2]"), '"parameters"'),
    "empty file": (lambda: b"", "valid model JSON"),
    "top-level list": (lambda: b"[1]", "top level"),
}


@pytest.mark.parametrize("loader", LOADERS)
@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_files_are_value_errors_naming_path_and_field(tmp_path, case, loader):
    make, field = MALFORMED[case]
    path = tmp_path / "model.json"
    path.write_bytes(make())
    expect_rejected(str(path), loader, field)


def test_load_state_dict_refuses_ints_too_large_for_a_float():
    m = model(2)
    state = m.state_dict()
    before = dict(state)
    state["layers.1.neurons.1.w.0"] = 10**400
    with pytest.raises(ValueError, match=r"'layers\.1\.neurons\.1\.w\.0' is an integer of 1329 bits, too large"):
        m.load_state_dict(state)
    assert m.state_dict() == before


def test_missing_files_are_os_errors_and_bad_path_types_type_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        model().load(tmp_path / "missing.json")
    for call in (model().load, nn.MLP.from_file, model().save):
        with pytest.raises(TypeError, match="path must be a str or os.PathLike"):
            call(3.5)


# --- mutations: every outcome is the file's model loaded exactly, or a named error -------------

KEY_PATHS = (
    [(k,) for k in BASE_DOC]
    + [("architecture", k) for k in BASE_DOC["architecture"]]
    + [("parameters", k) for k in list(BASE_DOC["parameters"])[::4]]
    + [("architecture", "nouts", 0)]
)
ODD_VALUES = [
    "true",
    "false",
    "null",
    '"1"',
    "[]",
    "{}",
    "2.0",
    "0",
    "-1",
    "1.5",
    "1e308",
    "-0.0",
    "3",
    '"relu"',
    '"MLP"',
    "[3, 2]",
    "17",
    str(2**53 + 1),
]
HUGE = ["1e400", "-1e400", "1" + "0" * 400, "9" * 4400, "1e-400", "123456789012345678901234567890"]


@st.composite
def mutated_files(draw):
    kind = draw(
        st.sampled_from(["truncate", "flip", "insert", "rename", "delete", "retype", "huge", "nest", "duplicate"])
    )
    if kind == "truncate":
        return kind, BASE[: draw(st.integers(0, len(BASE) - 1))]
    if kind == "flip":
        i = draw(st.integers(0, len(BASE) - 1))
        return kind, BASE[:i] + bytes([draw(st.integers(0, 255))]) + BASE[i + 1 :]
    if kind == "insert":
        i = draw(st.integers(0, len(BASE)))
        chunk = draw(
            st.sampled_from([b"[", b"{", b"]", b",", b'"', b"\xff", b"\xc3", b"NaN", b"1e999", b"-", b"0"])
            | st.binary(min_size=1, max_size=6)
        )
        return kind, BASE[:i] + chunk + BASE[i:]
    path = draw(st.sampled_from(KEY_PATHS))
    doc = json.loads(BASE)
    node = doc
    for key in path[:-1]:
        node = node[key]
    if kind == "rename":
        if isinstance(node, list):
            return kind, splice(doc, path, '"3"')
        names = st.sampled_from(["", "Format", "versions", "nin ", "w.0", "layers.0.neurons.0.w.9"])
        new = draw(names | st.text(max_size=4))
        node[new] = node.pop(path[-1])
        return kind, json.dumps(doc, indent=1).encode()
    if kind == "delete":
        del node[path[-1]]
        return kind, json.dumps(doc, indent=1).encode()
    if kind == "retype":
        return kind, splice(doc, path, draw(st.sampled_from(ODD_VALUES)))
    if kind == "huge":
        return kind, splice(doc, path, draw(st.sampled_from(HUGE)))
    if kind == "nest":
        depth = draw(st.sampled_from([1, 2, 50, 900, 5000, 50_000]))
        opener, closer = draw(st.sampled_from([("[", "]"), ('{"a": ', "}")]))
        return kind, splice(doc, path, opener * depth + json.dumps(node[path[-1]]) + closer * depth)
    key = path[-1] if not isinstance(path[-1], int) else "nin"
    value = json.dumps(node[key] if isinstance(node, dict) else 3)
    container = doc if len(path) == 1 else doc[path[0]]
    container_text = b"{" if len(path) == 1 else f'"{path[0]}": {{'.encode()
    del container  # the duplicate is spliced as text: a dict cannot hold it
    return kind, BASE.replace(container_text, container_text + f'"{key}": {value},'.encode(), 1)


TRIED = {"mutations": 0, "loaded": 0, "rejected": 0}


def reference(text):
    """What a successful load must give: the file's parameters as floats and its architecture."""
    doc = json.loads(text)
    return doc["architecture"], {k: float(v) for k, v in doc["parameters"].items()}


@given(mutation=mutated_files())
def test_mutated_files_load_exactly_or_fail_with_a_named_error_leaving_the_model_unchanged(mutation):
    kind, data = mutation
    TRIED["mutations"] += 1
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "mutant.json")
        with open(path, "wb") as f:
            f.write(data)
        target = model(7)
        before, objects = target.state_dict(), target.parameters()
        try:
            target.load(path)
        except (ValueError, OSError) as error:
            assert "mutant.json" in str(error), (kind, error)
            assert target.state_dict() == before and all(a is b for a, b in zip(target.parameters(), objects))
            TRIED["rejected"] += 1
        else:
            arch, params = reference(data)
            assert arch == target.architecture() and target.state_dict() == params, kind
            TRIED["loaded"] += 1
        try:
            rebuilt = nn.MLP.from_file(path)
        except (ValueError, OSError) as error:
            assert "mutant.json" in str(error), (kind, error)
        else:
            arch, params = reference(data)
            assert rebuilt.architecture() == arch and rebuilt.state_dict() == params, kind


def test_unmutated_base_file_loads_exactly():
    arch, params = reference(BASE)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "m.json")
        with open(path, "wb") as f:
            f.write(BASE)
        assert nn.MLP.from_file(path).state_dict() == params == model(0).state_dict()


# --- saving ----------------------------------------------------------------------------------


@posix_only
@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_new_files_get_the_users_umask_and_replaced_files_keep_their_mode(tmp_path, umask):
    old = os.umask(umask)
    try:
        model().save(tmp_path / "new.json")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new.json").st_mode) == 0o666 & ~umask
    existing = tmp_path / "existing.json"
    existing.write_text("{}")
    existing.chmod(0o640)
    model().save(existing)
    assert stat.S_IMODE(os.stat(existing).st_mode) == 0o640


@posix_only
def test_saving_to_a_symlink_writes_through_to_its_target_atomically(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "model.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    model(3).save(link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert json.loads(target.read_text())["parameters"] == model(3).state_dict()
    assert sorted(os.listdir(tmp_path / "real")) == ["model.json"]  # no temporary file left
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "real" / "new.json")
    model(4).save(dangling)
    assert dangling.is_symlink() and nn.MLP.from_file(dangling).state_dict() == model(4).state_dict()


def test_model_files_are_never_pickles():
    assert not BASE.startswith(b"\x80") and pickle.PROTO not in BASE[:2]


@posix_only
def test_save_onto_a_fifo_socket_or_directory_is_refused_and_replaces_nothing(tmp_path):
    import socket

    short = tempfile.mkdtemp(prefix="ac")  # a socket's path must be short
    sock_path = os.path.join(short, "s")
    server = socket.socket(socket.AF_UNIX)
    server.bind(sock_path)
    fifo, folder = tmp_path / "fifo.json", tmp_path / "folder"
    os.mkfifo(fifo)
    folder.mkdir()
    targets = {fifo: "FIFO", sock_path: "socket", folder: "directory"}
    for i, (target, kind) in enumerate(list(targets.items())):
        link = tmp_path / f"link{i}.json"
        link.symlink_to(target)
        targets[link] = kind
    try:
        for path, kind in targets.items():
            before = os.lstat(path)
            error = call_with_guard(model().save, str(path))
            assert isinstance(error, ValueError) and kind in str(error) and str(path) in str(error), error
            assert "save" in str(error)
            after = os.lstat(path)
            assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)  # not replaced
    finally:
        server.close()
        os.unlink(sock_path)
        os.rmdir(short)


def test_save_errors_name_the_users_path_not_the_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "model.json"

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied", src)

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError) as caught:
        model().save(target)
    assert str(target) in str(caught.value) and ".tmp" not in str(caught.value) and "save" in str(caught.value)
    assert os.listdir(tmp_path) == []  # the temporary file is gone
    monkeypatch.undo()
    (tmp_path / "file").write_text("")
    with pytest.raises(OSError) as caught:
        model().save(tmp_path / "file" / "model.json")  # its folder would be a file
    assert str(tmp_path / "file" / "model.json") in str(caught.value) and "save" in str(caught.value)
