"""cumsum / cumprod (functions, methods, in-place forms, dtype= and out=) on cpu and wgpu against
numpy: every dtype, dims 0/1/-1 of 3-D inputs, transposed and sliced views, rows spanning many
wgpu workgroups (several scan levels), 0-d and empty inputs, PyTorch's errors. Values are small
integers so float results are exact whatever the summation order."""
import numpy as np
import pytest

from _backend import torch
from _util import STORAGE_NP, to_np, to_tensor
from _wgpu import require

DEVICES = ["cpu", "wgpu"]
DTYPES = ["float32", "float64", "float16", "int32", "int64", "uint8", "bool"]
OPS = {"sum": (np.cumsum, "cumsum"), "prod": (np.cumprod, "cumprod")}


def _dev(device, dtype=None):
    """Skips/raises setup per device; True when float64 must raise (wgpu without SHADER_F64)."""
    if device != "wgpu":
        return False
    props = require()
    return dtype == "float64" and props.get("shader_f64") != "true"


def _result_name(dtype, given=None):
    if given is not None:
        return given
    return dtype if dtype.startswith(("float", "bfloat")) else "int64"


def _ref(a, op, dim, out_name):
    """numpy's scan in the accumulation type PyTorch uses (float32 for half types), rounded to out."""
    acc = np.float32 if out_name in ("float16", "bfloat16") else STORAGE_NP[out_name]
    a = np.asarray(a).astype(STORAGE_NP[out_name]).astype(acc)
    with np.errstate(over="ignore"):
        r = OPS[op][0](a, axis=dim, dtype=acc)
        return r.astype(STORAGE_NP[out_name])


def _values(shape, dtype, op, seed=0):
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    if op == "prod":
        # Products stay small and exact: mostly +-1, a few 2s (unsigned: 1s and 2s).
        v = rng.choice([1, 1, 1, 2, -1] if dtype != "uint8" else [1, 1, 1, 2], shape)
    else:
        v = rng.integers(0 if dtype == "uint8" else -3, 4, shape)
    return v.astype(STORAGE_NP[dtype])


def _check(t, expected, device, name):
    assert t.device.type == device
    assert str(t.dtype).rsplit(".", 1)[-1] == name
    got = to_np(t.cpu())
    assert got.shape == expected.shape, (got.shape, expected.shape)
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", ["sum", "prod"])
def test_dtypes_and_dims(device, dtype, op):
    f64_err = _dev(device, dtype)
    a = _values((4, 5, 6), dtype, op)
    x = to_tensor(a, dtype).to(device)
    fn = getattr(torch, OPS[op][1])
    name = _result_name(dtype)
    for dim in (0, 1, -1):
        if f64_err:
            with pytest.raises(TypeError):
                fn(x, dim)
            return
        want = _ref(a, op, dim, name)
        _check(fn(x, dim), want, device, name)
        _check(getattr(x, OPS[op][1])(dim=dim), want, device, name)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("op", ["sum", "prod"])
def test_transposed_and_sliced_inputs(device, op):
    _dev(device)
    a = _values((6, 7, 8), "int32", op, seed=1).astype(np.float32)
    x = to_tensor(a, "float32").to(device)
    fn = getattr(torch, OPS[op][1])
    views = [
        (x.transpose(0, 2), a.transpose(2, 1, 0)),
        (x[1:5, ::2, 3:], a[1:5, ::2, 3:]),
        (x.permute(1, 2, 0)[:, 1:6:2], a.transpose(1, 2, 0)[:, 1:6:2]),
        (x[:, 2], a[:, 2]),
    ]
    for v, av in views:
        for dim in range(-av.ndim, av.ndim):
            _check(fn(v, dim), _ref(av, op, dim, "float32"), device, "float32")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("n", [5000, 70000])
@pytest.mark.parametrize("dtype", ["float32", "float16", "int32", "int64", "float64"])
def test_long_rows(device, n, dtype):
    # Rows far longer than one workgroup's block: block totals scanned at a second level.
    f64_err = _dev(device, dtype)
    if f64_err:
        pytest.skip("no SHADER_F64")
    for op in ("sum", "prod"):
        a = _values((2, n), dtype, op, seed=n)
        if op == "prod":  # +-1 only: a long product of 2s would overflow
            a = np.where(a < 0, -1, 1).astype(a.dtype)
        x = to_tensor(a, dtype).to(device)
        fn = getattr(torch, OPS[op][1])
        name = _result_name(dtype)
        _check(fn(x, 1), _ref(a, op, 1, name), device, name)
        # Along dim 0 of a [n, 3] tensor: rows strided by 3 in memory.
        at = np.ascontiguousarray(a.reshape(n, 2)[:, :1].repeat(3, axis=1))
        xt = to_tensor(at, dtype).to(device)
        _check(fn(xt, 0), _ref(at, op, 0, name), device, name)


@pytest.mark.parametrize("device", DEVICES)
def test_dtype_argument(device):
    _dev(device)
    a = np.array([[1.7, -2.5, 3.2], [250.0, 10.0, -1.9]], dtype=np.float32)
    x = to_tensor(a, "float32").to(device)
    # The input is cast first: floats truncate toward zero.
    _check(torch.cumsum(x, 1, dtype=torch.int64), np.cumsum(a.astype(np.int64), 1), device, "int64")
    _check(torch.cumsum(x, 1, dtype=torch.int32), np.cumsum(a.astype(np.int32), 1).astype(np.int32), device, "int32")
    i = to_tensor(np.array([200, 100, 7], dtype=np.uint8), "uint8").to(device)
    _check(torch.cumsum(i, 0, dtype=torch.uint8), np.array([200, 44, 51], dtype=np.uint8), device, "uint8")
    _check(i.cumsum(0), np.array([200, 300, 307]), device, "int64")
    _check(torch.cumprod(i, 0, dtype=torch.float32), np.array([200, 20000, 140000], np.float32), device, "float32")
    big = to_tensor(np.array([2**31 - 1, 1, 1], dtype=np.int32), "int32").to(device)
    _check(torch.cumsum(big, 0, dtype=torch.int32), np.array([2**31 - 1, -2**31, -2**31 + 1], np.int32), device, "int32")
    _check(torch.cumsum(big, 0), np.array([2**31 - 1, 2**31, 2**31 + 1]), device, "int64")
    b = to_tensor(np.array([True, True, False, True]), "bool").to(device)
    _check(torch.cumsum(b, 0, dtype=torch.float16), np.array([1, 2, 2, 3], np.float16), device, "float16")
    _check(torch.cumprod(b, 0), np.array([1, 1, 0, 0]), device, "int64")
    with pytest.raises(NotImplementedError, match="not implemented for 'Bool'"):
        torch.cumsum(b, 0, dtype=torch.bool)


@pytest.mark.parametrize("device", DEVICES)
def test_nan_and_half_rounding(device):
    _dev(device)
    a = np.array([1.0, np.nan, 2.0, np.inf, -np.inf, 3.0], dtype=np.float32)
    x = to_tensor(a, "float32").to(device)
    _check(torch.cumsum(x, 0), np.cumsum(a), device, "float32")
    _check(torch.cumprod(x, 0), np.cumprod(a), device, "float32")
    # float16 accumulates in float32 and rounds each output (not a float16 running sum).
    h = np.full(3000, 0.1, dtype=np.float16)
    xh = to_tensor(h, "float16").to(device)
    want = np.cumsum(h.astype(np.float32)).astype(np.float16)
    got = to_np(torch.cumsum(xh, 0).cpu())
    if device == "cpu":
        np.testing.assert_array_equal(got, want)
    else:  # another summation order in f32: at most one f16 ulp away
        np.testing.assert_allclose(got.astype(np.float32), want.astype(np.float32), rtol=1e-3)


@pytest.mark.parametrize("device", DEVICES)
def test_in_place_and_out(device):
    _dev(device)
    a = np.arange(12, dtype=np.float32).reshape(3, 4) % 5
    x = to_tensor(a, "float32").to(device)
    r = x.cumsum_(1)
    assert r is x
    _check(x, np.cumsum(a, 1), device, "float32")
    y = to_tensor(a, "float32").to(device)
    y.cumprod_(-2)
    _check(y, np.cumprod(a, 0), device, "float32")
    i = to_tensor(np.array([5, 6, 7], np.int32), "int32").to(device)
    i.cumsum_(0)
    _check(i, np.array([5, 11, 18], np.int32), device, "int32")
    # A view updated in place writes through to its base.
    z = to_tensor(a, "float32").to(device)
    z[:, 1:].cumsum_(1)
    want = a.copy()
    want[:, 1:] = np.cumsum(a[:, 1:], 1)
    _check(z, want, device, "float32")
    with pytest.raises(RuntimeError, match="Bad in-place call"):
        to_tensor(a, "float32").to(device).cumsum_(0, dtype=torch.float64)
    o = torch.empty((3, 4), dtype=torch.float32, device=device)
    r = torch.cumsum(to_tensor(a, "float32").to(device), 0, out=o)
    assert r is o
    _check(o, np.cumsum(a, 0), device, "float32")


@pytest.mark.parametrize("device", DEVICES)
def test_zero_d_empty_and_errors(device):
    _dev(device)
    s = to_tensor(np.array(3, dtype=np.int32), "int32").to(device)
    for dim in (0, -1):
        r = torch.cumsum(s, dim)
        assert r.shape == () and r.dtype == torch.int64
        _check(r, np.array(3), device, "int64")
        _check(torch.cumprod(s, dim, dtype=torch.float32), np.array(3, np.float32), device, "float32")
    e = torch.empty((2, 0, 3), dtype=torch.float32, device=device)
    for dim in (0, 1, 2):
        _check(torch.cumsum(e, dim), np.zeros((2, 0, 3), np.float32), device, "float32")
    _check(torch.cumprod(torch.empty((0,), dtype=torch.int32, device=device), 0), np.zeros(0, np.int64), device, "int64")
    x = torch.zeros((2, 3, 4), device=device)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-3, 2\], but got 3\)"):
        torch.cumsum(x, 3)
    with pytest.raises(IndexError, match=r"Dimension out of range"):
        x.cumprod(-4)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-1, 0\], but got 1\)"):
        torch.cumsum(s, 1)
