"""rustorch.save / rustorch.load: safetensors checkpoints. Round trips of every dtype, layout and
nesting; the file as other safetensors readers see it; wgpu tensors and map_location; atomic
writes; and truncated, corrupted, hostile and pickle files, which must raise a clear error without
running anything from the file."""
import doctest
import io
import json
import os
import pickle
import struct
import subprocess
import textwrap
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

from _backend import IS_REFERENCE, torch
from _util import DTYPE_NAMES, STORAGE_NP, to_np, to_tensor
from _wgpu import require

if IS_REFERENCE:
    pytest.skip("rustorch's safetensors checkpoint format", allow_module_level=True)

import safetensors  # noqa: E402
import safetensors.numpy  # noqa: E402

NOT_VALID = "not a valid rustorch/safetensors checkpoint"
TORCH_PY = "/work/torchenv/bin/python"
SHAPES = [(), (0,), (2, 0, 3), (5,), (2, 3, 4)]


def _values(name, shape, seed=0):
    rng = np.random.default_rng(seed)
    if name == "bool":
        vals = rng.random(shape) < 0.5
    elif name in ("float32", "float64", "float16", "bfloat16"):
        vals = rng.integers(-512, 512, shape) / 8.0
        if vals.size > 2:
            vals.reshape(-1)[:3] = [np.nan, np.inf, -np.inf]
    else:
        info = np.iinfo(STORAGE_NP[name])
        vals = rng.integers(info.min, info.max, shape, endpoint=True)
    return np.asarray(vals, dtype=STORAGE_NP[name])


def _roundtrip(obj, **load_kwargs):
    buf = io.BytesIO()
    torch.save(obj, buf)
    buf.seek(0)
    return torch.load(buf, **load_kwargs)


def _assert_same(a, b):
    """Same types, keys, order and values all the way down; tensors equal bit for bit (NaN == NaN)."""
    assert type(a) is type(b), (type(a), type(b))
    if isinstance(a, torch.Tensor):
        assert a.dtype == b.dtype and a.shape == b.shape and b.device.type == "cpu"
        np.testing.assert_array_equal(to_np(a.detach().cpu()), to_np(b.detach()))
    elif isinstance(a, dict):
        assert list(a) == list(b) and [type(k) for k in a] == [type(k) for k in b]
        for k in a:
            _assert_same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _assert_same(x, y)
    elif isinstance(a, float) and np.isnan(a):
        assert np.isnan(b)
    else:
        assert a == b


def _file(header, data=b""):
    """A hand-made safetensors file: 8-byte little-endian header length, JSON header, data."""
    h = header if isinstance(header, bytes) else json.dumps(header).encode()
    return struct.pack("<Q", len(h)) + h + data


def _load_bytes(data):
    return torch.load(io.BytesIO(data))


def _rejects(data, *words):
    with pytest.raises(RuntimeError, match=NOT_VALID) as e:
        _load_bytes(data)
    for w in words:
        assert w in str(e.value), str(e.value)
    return str(e.value)


def _optimizer_state():
    return {
        "state": {0: {"step": torch.tensor(3.0), "exp_avg": torch.ones(2, 3), "exp_avg_sq": torch.zeros(3)},
                  1: {"step": torch.tensor(3.0), "momentum_buffer": None}},
        "param_groups": [{"lr": 0.1, "params": [0, 1], "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0,
                          "amsgrad": False, "foreach": None, "maximize": False, "differentiable": False}],
    }


# ---- round trips ---------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", DTYPE_NAMES)
def test_every_dtype_and_shape_round_trips(tmp_path, name, shape):
    t = to_tensor(_values(name, shape), name)
    path = tmp_path / "t.safetensors"
    torch.save({"t": t, "root": [t.clone()]}, path)
    out = torch.load(path)
    _assert_same({"t": t, "root": [t]}, out)
    # A tensor alone is a valid object too.
    _assert_same(t, _roundtrip(t))


@pytest.mark.parametrize("name", DTYPE_NAMES)
def test_dtypes_are_stored_natively(tmp_path, name):
    t = to_tensor(_values(name, (4,)), name)
    path = tmp_path / "t.safetensors"
    torch.save({"w": t}, path)
    with safetensors.safe_open(path, framework="numpy") as f:
        assert f.keys() == ["w"]
    (entry,) = safetensors.deserialize(path.read_bytes())
    code = {"float32": "F32", "float64": "F64", "float16": "F16", "bfloat16": "BF16", "int64": "I64",
            "int32": "I32", "int16": "I16", "int8": "I8", "uint8": "U8", "bool": "BOOL"}[name]
    assert entry[0] == "w" and entry[1]["dtype"] == code and entry[1]["shape"] == [4]
    if name == "bfloat16":  # the upper half of each float32: stored as 2 bytes, not widened
        f32 = to_np(t).astype(np.float32)
        assert bytes(entry[1]["data"]) == (f32.view(np.uint32) >> 16).astype("<u2").tobytes()
    else:
        assert bytes(entry[1]["data"]) == t.numpy().astype(np.dtype(t.numpy().dtype).newbyteorder("<")).tobytes()


@pytest.mark.parametrize("layout", ["transposed", "strided", "offset", "expanded", "permuted"])
@pytest.mark.parametrize("name", ["float32", "bfloat16", "int16", "bool"])
def test_non_contiguous_tensors_are_saved_contiguous(name, layout):
    base = to_tensor(_values(name, (4, 6)), name)
    view = {"transposed": lambda b: b.t(), "strided": lambda b: b[::2, 1::3], "offset": lambda b: b[1:, 2:],
            "expanded": lambda b: b[:1].expand(3, 6), "permuted": lambda b: b.reshape(2, 3, 4).permute(2, 0, 1)}[layout](base)
    out = _roundtrip({"v": view})["v"]
    assert out.is_contiguous() and out.shape == view.shape and out.dtype == view.dtype
    np.testing.assert_array_equal(to_np(out), to_np(view.contiguous()))


def test_nested_optimizer_state_round_trips_with_key_types_and_tuples():
    state = _optimizer_state()
    out = _roundtrip(state)
    _assert_same(state, out)
    assert list(out["state"]) == [0, 1] and isinstance(out["param_groups"][0]["betas"], tuple)
    assert out["param_groups"][0]["eps"] == 1e-8 and out["param_groups"][0]["weight_decay"] == 0


def test_plain_values_round_trip():
    obj = OrderedDict([
        ("ints", [0, -1, 2**62, 2**80]), ("floats", [0.1, -0.0, 1e300, float("inf"), float("-inf"), float("nan")]),
        ("flags", (True, False, None)), ("text", "ünïcode ✓"), ("empty", [[], (), {}, OrderedDict()]),
        ("dtypes", [torch.float32, torch.bfloat16, torch.bool]), ("size", torch.Size([2, 0, 3])),
        ("device", torch.device("cpu")), ("wgpu", torch.device("wgpu:0")),
        ("keys", {1: "int", "1": "str", 2.5: "float", None: "none", (1, "a"): "tuple"}), ("bool_keys", {True: 1, False: 0}),
    ])
    out = _roundtrip(obj)
    _assert_same(obj, out)
    assert type(out) is OrderedDict and type(out["size"]) is torch.Size
    assert out["dtypes"][1] is torch.bfloat16 and out["wgpu"] == torch.device("wgpu", 0)
    assert np.copysign(1.0, out["floats"][1]) == -1.0
    for root in (7, "s", None, 2.5, True, (1, 2), [torch.ones(1)]):
        _assert_same(root, _roundtrip(root))


def test_numpy_scalars_become_python_numbers():
    out = _roundtrip({"a": np.float32(0.5), "b": np.int64(3), "c": np.bool_(True)})
    assert out == {"a": 0.5, "b": 3, "c": True}
    assert [type(v) for v in out.values()] == [float, int, bool]


def test_parameters_and_requires_grad_round_trip():
    p = torch.nn.Parameter(torch.randn(2, 3))
    frozen = torch.nn.Parameter(torch.randn(2), requires_grad=False)
    leaf = torch.ones(3).requires_grad_()
    out = _roundtrip({"p": p, "frozen": frozen, "leaf": leaf, "plain": p.detach()})
    assert type(out["p"]) is torch.nn.Parameter and out["p"].requires_grad
    assert type(out["frozen"]) is torch.nn.Parameter and not out["frozen"].requires_grad
    assert out["leaf"].requires_grad and out["leaf"].is_leaf and not isinstance(out["leaf"], torch.nn.Parameter)
    assert not out["plain"].requires_grad
    np.testing.assert_array_equal(out["p"].detach().numpy(), p.detach().numpy())


def test_the_same_tensor_object_is_stored_once_and_loads_as_one_object():
    w = torch.randn(3, 3)
    other_view = w.t()
    buf = io.BytesIO()
    torch.save({"a": w, "b": w, "nested": [w], "view": other_view}, buf)
    names = [n for n, _ in safetensors.deserialize(buf.getvalue())]
    assert sorted(names) == ["a", "view"]  # views of one memory are separate copies
    buf.seek(0)
    out = torch.load(buf)
    assert out["a"] is out["b"] is out["nested"][0]
    out["a"].add_(1)
    np.testing.assert_array_equal(out["view"].numpy(), w.t().numpy())


def test_loaded_tensors_own_writable_memory(tmp_path):
    buf = io.BytesIO()
    torch.save({"w": torch.arange(6.0).reshape(2, 3), "h": torch.ones(4).bfloat16()}, buf)
    buf.seek(0)
    out = torch.load(buf)
    buf.seek(0)
    buf.write(b"\xff" * len(buf.getvalue()))  # the source bytes are not the tensors' memory
    del buf
    a = out["w"].numpy()
    assert a.flags.writeable
    out["w"].mul_(2)
    out["h"].add_(1)
    np.testing.assert_array_equal(a, np.arange(6.0).reshape(2, 3) * 2)
    np.testing.assert_array_equal(to_np(out["h"]), np.full(4, 2.0, np.float32))


# ---- the file as other readers see it -------------------------------------------------------------
def test_state_dict_keys_are_the_tensor_names(tmp_path):
    sd = OrderedDict([("fc1.weight", torch.randn(4, 3)), ("fc1.bias", torch.randn(4)),
                      ("bn.num_batches_tracked", torch.tensor(7)), ("emb.weight", torch.randn(5, 2).half())])
    path = tmp_path / "model.safetensors"
    torch.save(sd, path)
    plain = safetensors.numpy.load_file(path)
    assert sorted(plain) == sorted(sd)
    for k, v in sd.items():
        np.testing.assert_array_equal(plain[k], v.numpy())
        assert plain[k].dtype == v.numpy().dtype
    with safetensors.safe_open(path, framework="numpy") as f:
        meta = f.metadata()
    assert meta["format"] == "pt" and set(meta) == {"format", "rustorch"}
    structure = json.loads(meta["rustorch"])
    assert structure["version"] == 1
    assert structure["root"] == {"odict": [[k, {"tensor": k}] for k in sd]}
    _assert_same(sd, torch.load(path))


def test_nested_tensors_are_named_by_their_path():
    buf = io.BytesIO()
    w = torch.ones(1)
    torch.save({"model": {"fc.weight": w}, "state": {0: {"exp_avg": torch.ones(1)}}, "list": [torch.ones(1)],
                0: torch.zeros(1), "0": torch.zeros(1), "__metadata__": torch.zeros(1)}, buf)
    names = [n for n, _ in safetensors.deserialize(buf.getvalue())]
    assert sorted(names) == sorted(["model.fc.weight", "state.0.exp_avg", "list.0", "0", "0#1", "__metadata__#1"])
    buf = io.BytesIO()
    torch.save(torch.ones(2), buf)
    assert [n for n, _ in safetensors.deserialize(buf.getvalue())] == ["tensor"]


# ---- devices ------------------------------------------------------------------------------------
def test_map_location_forms_on_cpu():
    seen = []

    def keep_cpu(t, location):
        seen.append(location)
        return None

    for ml in (None, "cpu", torch.device("cpu"), {"wgpu:0": "cpu"}, keep_cpu):
        out = _roundtrip({"w": torch.ones(2)}, map_location=ml)
        assert out["w"].device.type == "cpu"
    assert seen == ["cpu"]
    doubled = _roundtrip({"w": torch.ones(2)}, map_location=lambda t, loc: t * 2)
    np.testing.assert_array_equal(doubled["w"].numpy(), [2.0, 2.0])
    with pytest.raises(TypeError, match="map_location"):
        _roundtrip({"w": torch.ones(2)}, map_location=3.5)
    with pytest.raises(TypeError, match="expected a Tensor"):
        _roundtrip({"w": torch.ones(2)}, map_location=lambda t, loc: "cpu")


@pytest.mark.parametrize("name", ["float32", "float16", "int32", "bool"])
def test_wgpu_tensors_save_from_their_cpu_copy_and_load_where_asked(tmp_path, name):
    require()
    cpu = to_tensor(_values(name, (3, 4)), name)
    gpu = cpu.to("wgpu")
    path = tmp_path / "gpu.safetensors"
    torch.save({"w": gpu, "t": gpu.t(), "c": cpu}, path)
    plain = safetensors.numpy.load_file(path)
    np.testing.assert_array_equal(plain["w"], cpu.numpy())
    out = torch.load(path)
    assert all(v.device.type == "cpu" for v in out.values())
    np.testing.assert_array_equal(out["t"].numpy(), cpu.t().numpy())
    on_gpu = torch.load(path, map_location="wgpu")
    assert all(v.device.type == "wgpu" for v in on_gpu.values())
    np.testing.assert_array_equal(on_gpu["w"].cpu().numpy(), cpu.numpy())
    by_table = torch.load(path, map_location={"wgpu:0": "wgpu"})  # only what was on wgpu goes back
    assert by_table["w"].device.type == "wgpu" and by_table["c"].device.type == "cpu"
    locations = []
    torch.load(path, map_location=lambda t, loc: locations.append(loc))
    assert sorted(locations) == ["cpu", "wgpu:0", "wgpu:0"]
    back = torch.load(path, map_location=torch.device("wgpu"))
    assert back["t"].device.type == "wgpu"
    np.testing.assert_array_equal(back["t"].cpu().numpy(), cpu.t().numpy())


# ---- atomic writes ------------------------------------------------------------------------------
def _dir_listing(path):
    return sorted(os.listdir(path.parent))


def test_save_replaces_the_file_and_keeps_its_mode(tmp_path):
    path = tmp_path / "ckpt.safetensors"
    torch.save({"v": torch.ones(2)}, path)
    os.chmod(path, 0o640)
    torch.save({"v": torch.zeros(3)}, str(path))
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert _dir_listing(path) == ["ckpt.safetensors"]
    np.testing.assert_array_equal(torch.load(path)["v"].numpy(), np.zeros(3))
    link = tmp_path / "latest"
    os.symlink(path, link)
    torch.save({"v": torch.full((1,), 5.0)}, link)
    assert os.path.islink(link) and torch.load(path)["v"].item() == 5.0


@pytest.mark.parametrize("crash", ["replace", "writer", "fsync", "interrupt"])
def test_a_crash_mid_save_leaves_the_previous_checkpoint(tmp_path, monkeypatch, crash):
    path = tmp_path / "ckpt.safetensors"
    torch.save({"v": torch.ones(4)}, path)
    before = path.read_bytes()

    def boom(*args, **kwargs):
        raise OSError("disk on fire")

    if crash == "replace":
        monkeypatch.setattr(os, "replace", boom)
    elif crash == "fsync":
        monkeypatch.setattr(os, "fsync", boom)
    else:
        real = safetensors.serialize_file

        def half_written(specs, filename, metadata=None):
            real(specs, filename, metadata=metadata)
            with open(filename, "r+b") as h:
                h.truncate(20)
            if crash == "interrupt":
                raise KeyboardInterrupt
            boom()

        monkeypatch.setattr(safetensors, "serialize_file", half_written)
    with pytest.raises(KeyboardInterrupt if crash == "interrupt" else OSError):
        torch.save({"v": torch.zeros(1000)}, path)
    assert path.read_bytes() == before
    assert _dir_listing(path) == ["ckpt.safetensors"]
    np.testing.assert_array_equal(torch.load(path)["v"].numpy(), np.ones(4))


def test_unsupported_objects_fail_before_touching_the_file(tmp_path):
    path = tmp_path / "ckpt.safetensors"
    torch.save({"v": torch.ones(1)}, path)
    before = path.read_bytes()
    with pytest.raises(TypeError, match="cannot store an object of type object"):
        torch.save({"v": torch.ones(1), "x": object()}, path)

    class Model:
        def state_dict(self):
            return {}

    with pytest.raises(TypeError, match="save its state_dict"):
        torch.save(Model(), path)
    with pytest.raises(TypeError, match="dict keys"):
        torch.save({torch.ones(1): 1}, path)
    cycle = []
    cycle.append(cycle)
    with pytest.raises(ValueError, match="cycle"):
        torch.save(cycle, path)
    assert path.read_bytes() == before and _dir_listing(path) == ["ckpt.safetensors"]
    # A list met twice without a cycle is fine (and loads as two lists).
    shared = [1, 2]
    assert _roundtrip([shared, shared]) == [[1, 2], [1, 2]]


# ---- bad files ----------------------------------------------------------------------------------
def _good_bytes():
    buf = io.BytesIO()
    torch.save({"w": torch.arange(12.0).reshape(3, 4), "step": 4, "b": torch.ones(2).bfloat16()}, buf)
    return buf.getvalue()


def test_truncated_files_raise_a_clear_error():
    data = _good_bytes()
    n = struct.unpack("<Q", data[:8])[0]
    for cut in (0, 1, 7, 8, 9, 8 + n // 2, 8 + n - 1, 8 + n, 8 + n + 5, len(data) - 1):
        _rejects(data[:cut])
    _rejects(data[:4], "too short")
    _rejects(data[:8 + n // 2], "runs past the end")
    _rejects(data[:len(data) - 1], "truncated")


def test_bad_header_length_and_json():
    data = _good_bytes()
    n = struct.unpack("<Q", data[:8])[0]
    _rejects(struct.pack("<Q", len(data)) + data[8:], "runs past the end")
    _rejects(struct.pack("<Q", 2**63) + data[8:], "runs past the end")
    _rejects(_file(b'{"w": {"dtype": "F32", '), "not valid JSON")
    _rejects(_file(b"[1, 2, 3]"), "not an object")
    _rejects(_file(b'"text"'), "not an object")
    _rejects(_file(b"\xff\xfe{}"), "not valid JSON")
    _rejects(_file(b'{"a": NaN}'), "not valid JSON")
    _rejects(_file({"__metadata__": {"format": 3}}), "__metadata__")
    _rejects(b"{" + data[1:], "runs past the end")
    header = bytearray(data[:8 + n])
    header[8] = ord("[")
    _rejects(bytes(header) + data[8 + n:], "not valid JSON")


def test_offsets_dtypes_and_shapes_are_checked():
    f32 = np.arange(4, dtype=np.float32).tobytes()
    _rejects(_file({"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 1000]}}, f32))
    _rejects(_file({"w": {"dtype": "F32", "shape": [4], "data_offsets": [8, 4]}}, f32))
    _rejects(_file({"w": {"dtype": "F32", "shape": [5], "data_offsets": [0, 16]}}, f32))
    _rejects(_file({"w": {"dtype": "F32", "shape": [-4], "data_offsets": [0, 16]}}, f32))
    _rejects(_file({"w": {"dtype": "X99", "shape": [4], "data_offsets": [0, 16]}}, f32))
    _rejects(_file({"w": {"dtype": "U16", "shape": [8], "data_offsets": [0, 16]}}, f32), "U16", "does not support")
    _rejects(_file({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                    "v": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}, f32[:12]))
    _rejects(_file({"w": {"dtype": "BOOL", "shape": [2], "data_offsets": [0, 2]}}, b"\x01\x02"), "0 and 1")
    ok = _load_bytes(_file({"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}}, f32))
    np.testing.assert_array_equal(ok["w"].numpy(), np.arange(4, dtype=np.float32).reshape(2, 2))


def _with_structure(structure, tensors=None):
    tensors = {"w": np.ones(2, np.float32)} if tensors is None else tensors
    meta = {"rustorch": structure if isinstance(structure, str) else json.dumps(structure)}
    return safetensors.numpy.save(tensors, metadata=meta)


@pytest.mark.parametrize("structure, words", [
    ("{not json", ["not valid JSON"]),
    ([1, 2], ["'version' and 'root'"]),
    ({"root": 1}, ["'version' and 'root'"]),
    ({"version": 99, "root": 1}, ["newer rustorch"]),
    ({"version": 1, "root": {"tensor": "missing"}}, ["'missing'", "not in the tensor table"]),
    ({"version": 1, "root": {"tensor": "w", "evil": 1}}, ["bad tensor node"]),
    ({"version": 1, "root": {"tensor": 3}}, ["bad tensor node"]),
    ({"version": 1, "root": {"tensor": "w", "requires_grad": "yes"}}, ["not booleans"]),
    ({"version": 1, "root": {"eval": "__import__('os')"}}, ["unknown structure node 'eval'"]),
    ({"version": 1, "root": {"tuple": [1], "dict": []}}, ["not one of the known forms"]),
    ({"version": 1, "root": {"dict": [[1, 2, 3]]}}, ["[key, value] pair"]),
    ({"version": 1, "root": {"dict": [[[1], 2]]}}, ["not hashable"]),
    ({"version": 1, "root": {"dict": [[{"tensor": "w"}, 2]]}}, ["key is a tensor"]),
    ({"version": 1, "root": {"float": "1e5"}}, ["unknown structure node 'float'"]),
    ({"version": 1, "root": {"dtype": "complex64"}}, ["unknown structure node 'dtype'"]),
    ({"version": 1, "root": {"size": [-1]}}, ["unknown structure node 'size'"]),
    ({"version": 1, "root": {"device": "cuda:0"}}, ["bad device"]),
    ('{"version": 1, "root": ' + "[" * 100000 + "]" * 100000 + "}", ["JSON"]),
    ('{"version": 1, "root": ' + '{"tuple": [' * 300 + "1" + "]}" * 300 + "}", ["nested more than 200 levels"]),
    ('{"version": 1, "root": ' + '{"tuple": [' * 5000 + "1" + "]}" * 5000 + "}", ["JSON"]),
    ('{"version": 1, "root": Infinity}', ["not valid JSON"]),
])
def test_hostile_structure_metadata_is_rejected(structure, words):
    _rejects(_with_structure(structure), *words)


def test_single_bit_flips_in_the_header_never_escape_as_other_errors():
    data = _good_bytes()
    n = struct.unpack("<Q", data[:8])[0]
    raised = 0
    for pos in range(8 + n):
        for bit in (0, 5):
            bad = bytearray(data)
            bad[pos] ^= 1 << bit
            try:
                _load_bytes(bytes(bad))
            except RuntimeError as e:
                assert NOT_VALID in str(e)
                raised += 1
    assert raised > (8 + n)  # most flips break the file; the rest load as some other valid object


def _pickle_that_would_run_code(marker):
    # protocol 0: calls builtins.open(marker, 'w') when unpickled, which would create the marker file
    return f"cbuiltins\nopen\n(V{marker}\nVw\ntR.".encode()


def test_torch_pickle_checkpoints_are_refused_without_unpickling(tmp_path):
    marker = tmp_path / "pwned"
    payload = _pickle_that_would_run_code(marker)
    zpath = tmp_path / "model.pt"
    with zipfile.ZipFile(zpath, "w") as z:  # the layout of torch.save's zip format
        z.writestr("archive/data.pkl", payload)
        z.writestr("archive/byteorder", "little")
        z.writestr("archive/version", "3\n")
    with pytest.raises(RuntimeError, match=NOT_VALID) as e:
        torch.load(zpath)
    msg = str(e.value)
    assert "zip archive" in msg and "pickle checkpoints are not loaded" in msg
    assert "safetensors.torch.save_file" in msg
    legacy = tmp_path / "legacy.pt"
    legacy.write_bytes(pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2) + b"\x80\x02" + payload)
    with pytest.raises(RuntimeError, match="pickle file"):
        torch.load(legacy, weights_only=False)
    _rejects(b"\x80\x04" + payload, "pickle")
    assert not marker.exists()


# ---- files from PyTorch -------------------------------------------------------------------------
_TORCH_WRITER = textwrap.dedent("""
    import json, sys
    sys.path.append(sys.argv[2])  # safetensors from the test environment, if this one lacks it
    import torch
    from safetensors.torch import save_file
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3), torch.nn.Linear(3, 2))
    sd = model.state_dict()
    sd["extra.half"] = torch.arange(6, dtype=torch.float16).reshape(2, 3)
    sd["extra.bf16"] = torch.tensor([1.5, -2.25, 3e38], dtype=torch.bfloat16)
    sd["extra.flags"] = torch.tensor([True, False])
    save_file(sd, sys.argv[1])
    print(json.dumps({k: [str(v.dtype).split(".")[1], list(v.shape), v.float().reshape(-1).tolist()]
                      for k, v in sd.items()}))
""")


def _safetensors_site():
    return os.path.dirname(os.path.dirname(safetensors.__file__))


def _torch_available():
    return os.path.exists(TORCH_PY)


def test_a_state_dict_saved_by_safetensors_torch_loads_as_a_flat_dict(tmp_path):
    """With PyTorch at /work/torchenv: written by safetensors.torch.save_file; without it, the same
    layout (tensor names, no rustorch metadata) written by safetensors.numpy.save_file."""
    path = tmp_path / "torch_model.safetensors"
    if _torch_available():
        run = subprocess.run([TORCH_PY, "-c", _TORCH_WRITER, str(path), _safetensors_site()],
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        expected = json.loads(run.stdout)
    else:
        rng = np.random.default_rng(0)
        arrays = {"0.weight": rng.standard_normal((3, 4), dtype=np.float32), "0.bias": np.zeros(3, np.float32),
                  "1.num_batches_tracked": np.array(0, np.int64), "extra.half": np.arange(6, dtype=np.float16).reshape(2, 3),
                  "extra.flags": np.array([True, False])}
        safetensors.numpy.save_file(arrays, path)
        expected = {k: [str(v.dtype), list(v.shape), v.astype(np.float32).reshape(-1).tolist()] for k, v in arrays.items()}
    out = torch.load(path)
    assert type(out) is dict and sorted(out) == sorted(expected)
    for k, (dname, shape, values) in expected.items():
        t = out[k]
        assert t.dtype == getattr(torch, dname) and list(t.shape) == shape, k
        np.testing.assert_array_equal(to_np(t.float()).reshape(-1), np.array(values, np.float32))


_TORCH_MODEL = textwrap.dedent("""
    import json, sys
    sys.path.append(sys.argv[2])
    import torch
    from safetensors.torch import save_file
    torch.manual_seed(1)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Linear(3, 2))
    save_file(model.state_dict(), sys.argv[1])
    x = torch.arange(8.0).reshape(2, 4) / 8
    print(json.dumps(model(x).tolist()))
""")


def test_a_pytorch_state_dict_loads_into_the_matching_module(tmp_path):
    """With PyTorch at /work/torchenv, its model's safetensors.torch.save_file output; without it,
    the same names and shapes written by safetensors.numpy.save_file, the output computed by numpy."""
    if not hasattr(torch.nn, "Linear"):
        pytest.skip("rustorch.nn.Linear is not available")
    path = tmp_path / "model.safetensors"
    x = np.arange(8.0, dtype=np.float32).reshape(2, 4) / 8
    if _torch_available():
        run = subprocess.run([TORCH_PY, "-c", _TORCH_MODEL, str(path), _safetensors_site()],
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        expected = np.array(json.loads(run.stdout), np.float32)
    else:
        rng = np.random.default_rng(1)
        sd = {"0.weight": rng.standard_normal((3, 4), dtype=np.float32), "0.bias": rng.standard_normal(3, dtype=np.float32),
              "1.weight": rng.standard_normal((2, 3), dtype=np.float32), "1.bias": rng.standard_normal(2, dtype=np.float32)}
        safetensors.numpy.save_file(sd, path)
        expected = (x @ sd["0.weight"].T + sd["0.bias"]) @ sd["1.weight"].T + sd["1.bias"]
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Linear(3, 2))
    result = model.load_state_dict(torch.load(path), strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    with torch.no_grad():
        out = model(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    # ...and back: rustorch's own checkpoint of that module loads into a fresh one.
    torch.save(model.state_dict(), path)
    fresh = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Linear(3, 2))
    fresh.load_state_dict(torch.load(path))
    with torch.no_grad():
        np.testing.assert_array_equal(fresh(torch.from_numpy(x)).numpy(), out)


@pytest.mark.skipif(not _torch_available(), reason="PyTorch is not installed at /work/torchenv")
def test_pytorch_reads_a_rustorch_state_dict(tmp_path):
    path = tmp_path / "rustorch_model.safetensors"
    sd = OrderedDict([("w", torch.arange(6.0).reshape(2, 3).t()), ("b", torch.tensor([1.5, -2.25]).bfloat16()),
                      ("n", torch.tensor(7)), ("m", torch.tensor([True, False]))])
    torch.save(sd, path)
    reader = textwrap.dedent("""
        import json, sys
        sys.path.append(sys.argv[2])
        from safetensors.torch import load_file
        sd = load_file(sys.argv[1])
        print(json.dumps({k: [str(v.dtype), v.float().tolist()] for k, v in sd.items()}))
    """)
    run = subprocess.run([TORCH_PY, "-c", reader, str(path), _safetensors_site()],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)
    assert got == {"w": ["torch.float32", [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]], "b": ["torch.bfloat16", [1.5, -2.25]],
                   "n": ["torch.int64", 7.0], "m": ["torch.bool", [1.0, 0.0]]}


# ---- file objects, paths and arguments ----------------------------------------------------------
def test_file_objects_and_paths(tmp_path):
    obj = {"w": torch.ones(2, 2), "epoch": 3}
    path = tmp_path / "a.safetensors"
    with open(path, "wb") as f:
        torch.save(obj, f)
    with open(path, "rb") as f:
        _assert_same(obj, torch.load(f))
    _assert_same(obj, torch.load(str(path).encode()))  # bytes paths, as open() takes
    buf = io.BytesIO(b"prefix")
    buf.seek(6)
    torch.save(obj, buf)
    buf.seek(6)
    _assert_same(obj, torch.load(buf, map_location="cpu", weights_only=False, mmap=True))
    with pytest.raises(FileNotFoundError):
        torch.load(tmp_path / "missing.safetensors")
    with open(path, "r") as f, pytest.raises(TypeError, match="binary mode"):
        torch.load(f)
    with pytest.raises(TypeError, match="path or a binary file object"):
        torch.save(obj, 42)
    with pytest.raises(TypeError, match="path or a binary file object"):
        torch.load(42)
    torch.save(obj, path, pickle_protocol=4)
    _assert_same(obj, torch.load(path, None, None, weights_only=True))


def test_a_checkpoint_without_tensors():
    buf = io.BytesIO()
    torch.save({"epoch": 3}, buf)
    assert safetensors.deserialize(buf.getvalue()) == []
    buf.seek(0)
    assert torch.load(buf) == {"epoch": 3}
    assert _load_bytes(safetensors.numpy.save({})) == {}


def test_docstring_examples():
    import rustorch.serialization

    result = doctest.testmod(rustorch.serialization, extraglobs={"rustorch": torch}, report=True, verbose=False)
    assert result.failed == 0 and result.attempted >= 8

