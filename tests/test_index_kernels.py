"""The index kernels of rustorch._C (gather, scatter_ with its reductions, nonzero) on cpu and wgpu,
called directly (the public torch.gather / scatter / nonzero are built on them elsewhere), against
numpy: every layout of the inputs (contiguous, transposed, sliced with an offset, expanded),
dims 0 and -1, empty and 0-d inputs, PyTorch's errors word for word, and on wgpu an out-of-range
index that never writes outside the output (its error raised at the next synchronisation point)."""
import re

import numpy as np
import pytest

from _backend import IS_REFERENCE, torch
from _util import STORAGE_NP, to_np, to_tensor
from _wgpu import deferred, raises_by_sync, require

if IS_REFERENCE:
    pytest.skip("these tests call rustorch._C directly", allow_module_level=True)

from rustorch._tensor import _wrap  # noqa: E402

C = torch._C
DEVICES = ["cpu", "wgpu"]
DTYPES = ["float32", "float16", "int64", "int32", "uint8", "bool"]
LAYOUTS = ["contiguous", "transposed", "sliced", "expanded"]
REDUCES = ["sum", "prod", "mean", "amax", "amin"]


def _device(device):
    if device == "wgpu":
        require()
    return device


def _values(shape, dtype, rng):
    """Exact values of `dtype`: about half zeros; int64 beyond 32 bits (both words move)."""
    if dtype == "bool":
        return rng.random(shape) < 0.5
    v = rng.integers(-8, 9, shape) * (rng.random(shape) < 0.5)
    if dtype == "uint8":
        v = np.abs(v) * 17
    elif dtype == "int64":
        v = v * (1 << 33) + v
    elif dtype in ("float32", "float16"):
        v = v / 4
    return v.astype(STORAGE_NP[dtype])


class View:
    """`arr` (3-D) on `device` in `layout`, with the base tensor it views and that base's values."""

    def __init__(self, arr, dtype, device, layout):
        a, b, c = arr.shape
        self.arr = arr
        if layout == "contiguous":
            base_np = np.array(arr)
            view = lambda t: t  # noqa: E731
        elif layout == "transposed":
            base_np = np.ascontiguousarray(arr.transpose(2, 1, 0))
            view = lambda t: t.transpose(0, 2)  # noqa: E731
        elif layout == "sliced":
            base_np = np.zeros((2 * a, b + 1, 2 * c + 1), dtype=arr.dtype)
            base_np[::2, 1:, 1::2] = arr
            c1 = 2 * c + 1
            view = lambda t: t.as_strided((a, b, c), (2 * (b + 1) * c1, c1, 2), c1 + 1)  # noqa: E731
        elif layout == "expanded":
            self.arr = np.array(np.broadcast_to(arr[:1], arr.shape))
            base_np = np.array(arr[:1])
            view = lambda t: t.expand(a, b, c)  # noqa: E731
        else:
            raise ValueError(layout)
        self.base_np = base_np
        self.base = to_tensor(base_np, dtype).to(device)
        self.t = view(self.base)


def _np(t):
    return to_np(t.cpu())


def _check(got, want, dtype, exact=True):
    got = _np(got)
    assert got.shape == want.shape, (got.shape, want.shape)
    if dtype in ("float32", "float16") and not exact:
        np.testing.assert_allclose(got.astype(np.float64), want.astype(np.float64), rtol=1e-5, atol=1e-5)
    else:
        np.testing.assert_array_equal(got, want)


def _sub(arr, shape, dim=None):
    """arr's leading block of `shape` (dims other than `dim` when given)."""
    return arr[tuple(slice(None) if d == dim % arr.ndim else slice(0, s) for d, s in enumerate(shape))] \
        if dim is not None else arr[tuple(slice(0, s) for s in shape)]


def _full_index(idx, dim):
    """A numpy fancy index naming, for each element of idx, its target (idx along dim)."""
    grids = list(np.indices(idx.shape, sparse=True))
    grids[dim % idx.ndim] = idx
    return tuple(grids)


# ---- gather ---------------------------------------------------------------------------------

@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("dim", [0, -1])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_gather(device, dtype, dim, layout):
    _device(device)
    rng = np.random.default_rng(1)
    x = View(_values((4, 5, 6), dtype, rng), dtype, device, layout)
    ishape = [3, 4, 5]
    ishape[dim] = 7  # larger than x along dim: positions repeat
    idx_np = rng.integers(0, x.arr.shape[dim], ishape)
    idx = View(idx_np, "int64", device, "transposed" if layout == "sliced" else layout)
    got = _wrap(C.gather(x.t._c, dim, idx.t._c))
    assert got.device.type == device and got.dtype == x.t.dtype
    want = np.take_along_axis(_sub(x.arr, idx.arr.shape, dim), idx.arr, axis=dim)
    _check(got, want, dtype)


@pytest.mark.parametrize("device", DEVICES)
def test_gather_empty_and_0d(device):
    _device(device)
    x = to_tensor(np.arange(6, dtype=np.float32).reshape(2, 3), "float32").to(device)
    empty = to_tensor(np.zeros((2, 0), dtype=np.int64), "int64").to(device)
    got = _wrap(C.gather(x._c, 1, empty._c))
    assert tuple(got.shape) == (2, 0) and got.device.type == device
    x0 = to_tensor(np.array(7, dtype=np.int32), "int32").to(device)
    i0 = to_tensor(np.array(0, dtype=np.int64), "int64").to(device)
    got = _wrap(C.gather(x0._c, 0, i0._c))
    assert tuple(got.shape) == () and _np(got) == 7
    # a 1-d input with a 0-d index (torch treats 0-d as one element)
    got = _wrap(C.gather(x.reshape(-1)._c, -1, to_tensor(np.array(4), "int64").to(device)._c))
    assert tuple(got.shape) == () and _np(got) == 4


# ---- scatter: assignment ------------------------------------------------------------------

def _unique_index(out_shape, ishape, dim, rng):
    """An index of shape ishape whose values along dim are distinct in every row."""
    full = list(ishape)
    full[dim] = out_shape[dim]
    perm = np.argsort(rng.random(full), axis=dim)
    return np.take(perm, np.arange(ishape[dim]), axis=dim)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("dim", [0, -1])
@pytest.mark.parametrize("layout", ["contiguous", "transposed", "sliced"])
def test_scatter_assign(device, dtype, dim, layout):
    _device(device)
    rng = np.random.default_rng(2)
    out = View(_values((5, 4, 6), dtype, rng), dtype, device, layout)
    ishape = [4, 3, 5]
    ishape[dim] = 3
    idx_np = _unique_index(out.arr.shape, ishape, dim, rng)
    idx = View(idx_np, "int64", device, "transposed" if layout != "contiguous" else "contiguous")
    src = View(_values((6, 5, 7), dtype, rng), dtype, device, "sliced" if layout == "transposed" else layout)
    C.scatter_(out.t._c, dim, idx.t._c, src.t._c, "none", True)
    want = np.array(out.arr)
    np.put_along_axis(_sub(want, ishape, dim), idx_np, _sub(src.arr, ishape), axis=dim)
    _check(out.t, want, dtype)
    if layout == "sliced":  # nothing outside the view was written
        base = _np(out.base)
        mask = np.ones(base.shape, bool)
        mask[::2, 1:, 1::2] = False
        assert not base[mask].any()


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_scatter_number_and_expanded_src(device, dtype):
    _device(device)
    rng = np.random.default_rng(3)
    out_np = _values((4, 6), dtype, rng)
    idx_np = _unique_index((4, 6), (4, 3), 1, rng)
    out = to_tensor(out_np, dtype).to(device)
    idx = to_tensor(idx_np, "int64").to(device)
    value = True if dtype == "bool" else 3
    C.scatter_(out._c, 1, idx._c, value, "none", True)
    want = np.array(out_np)
    np.put_along_axis(want, idx_np, np.array(value, dtype=want.dtype), axis=1)
    _check(out, want, dtype)
    row = to_tensor(_values((1, 3), dtype, rng), dtype).to(device)
    C.scatter_(out._c, 1, idx._c, row.expand(4, 3)._c, "none", True)
    np.put_along_axis(want, idx_np, np.broadcast_to(_np(row), (4, 3)), axis=1)
    _check(out, want, dtype)


def _last_wins(out, dim, idx, src):
    """Assignment in a sequential loop over idx (row-major): later elements overwrite earlier."""
    out = np.array(out)
    for pos in np.ndindex(*idx.shape):
        tgt = list(pos)
        tgt[dim] = idx[pos]
        out[tuple(tgt)] = src[pos]
    return out


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", ["float32", "int64", "uint8", "float16"])
@pytest.mark.parametrize("dim", [0, 1])
def test_scatter_duplicates_last_wins(device, dtype, dim):
    """Duplicate targets: the last index element along dim wins, on both devices (wgpu resolves
    them with a claim pass, never tearing an 8-byte value or mixing bytes of a packed word)."""
    _device(device)
    rng = np.random.default_rng(4)
    out_np = _values((5, 6), dtype, rng)
    idx_np = rng.integers(0, 2, (5, 6))  # two positions for everything: many duplicates
    src_np = _values((5, 6), dtype, rng) + np.array(1).astype(out_np.dtype)
    out = to_tensor(out_np, dtype).to(device)
    C.scatter_(out._c, dim, to_tensor(idx_np, "int64").to(device)._c, to_tensor(src_np, dtype).to(device)._c, "none", True)
    _check(out, _last_wins(out_np, dim, idx_np, src_np), dtype)


# ---- scatter: reductions ------------------------------------------------------------------

IDENTITY = {"sum": 0, "mean": 0, "prod": 1}


def _reduce_reference(out, dim, idx, src, reduce, include_self):
    out = np.array(out)
    sub = _sub(out, idx.shape, dim)
    where = _full_index(idx, dim)
    src = _sub(src, idx.shape)
    floats = out.dtype.kind == "f"
    if not include_self:
        if reduce in IDENTITY:
            ident = IDENTITY[reduce]
        elif floats:
            ident = -np.inf if reduce == "amax" else np.inf
        else:
            info = np.iinfo(out.dtype)
            ident = info.min if reduce == "amax" else info.max
        sub[where] = ident
    if reduce == "mean":
        counts = np.zeros(sub.shape, np.int64)
        np.add.at(counts, where, 1)
        np.add.at(sub, where, src)
        div = counts + (1 if include_self else 0)
        div = np.maximum(div, 1).astype(out.dtype)
        sub[...] = sub / div if floats else sub // div
    else:
        ufunc = {"sum": np.add, "prod": np.multiply, "amax": np.maximum, "amin": np.minimum}[reduce]
        ufunc.at(sub, where, src)
    return out


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", ["float32", "int32"])
@pytest.mark.parametrize("reduce", REDUCES)
@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("dim", [0, -1])
@pytest.mark.parametrize("layout", ["contiguous", "transposed"])
def test_scatter_reduce(device, dtype, reduce, include_self, dim, layout):
    _device(device)
    rng = np.random.default_rng(5)
    out_np = rng.integers(-4, 5, (4, 5, 6)).astype(STORAGE_NP[dtype])
    ishape = [3, 4, 5]
    ishape[dim] = 9  # more elements than positions: duplicates
    idx_np = rng.integers(0, out_np.shape[dim], ishape)
    sshape = [s + 1 for s in ishape]
    if reduce == "prod":  # exact products: powers of two and signs
        src_np = rng.choice(np.array([-2, -1, 1, 2]), sshape).astype(STORAGE_NP[dtype])
    else:
        src_np = rng.integers(-8, 9, sshape).astype(STORAGE_NP[dtype])
    if dtype == "float32" and reduce != "prod":
        src_np = src_np / np.float32(4)
    out = View(out_np, dtype, device, layout)
    idx = View(idx_np, "int64", device, layout)
    src = View(src_np, dtype, device, "sliced" if layout == "transposed" else "contiguous")
    C.scatter_(out.t._c, dim, idx.t._c, src.t._c, reduce, include_self)
    want = _reduce_reference(out_np, dim, idx_np, src_np, reduce, include_self)
    _check(out.t, want, dtype, exact=False)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", ["float16", "uint8", "int64", "bool"])
def test_scatter_add_other_dtypes(device, dtype):
    """sum on packed dtypes (a compare-and-swap loop on the containing word) and on int64
    (carries between the words): many elements land on each position."""
    _device(device)
    rng = np.random.default_rng(6)
    out_np = _values((3, 8), dtype, rng)
    idx_np = rng.integers(0, 8, (3, 40))
    src_np = _values((3, 40), dtype, rng)
    if dtype == "int64":
        src_np = src_np + np.int64(0xFFFFFFFF)  # low words that carry
    out = to_tensor(out_np, dtype).to(device)
    C.scatter_(out._c, 1, to_tensor(idx_np, "int64").to(device)._c, to_tensor(src_np, dtype).to(device)._c, "sum", True)
    want = np.array(out_np)
    if dtype == "bool":
        np.logical_or.at(want, _full_index(idx_np, 1), src_np)
    else:
        np.add.at(want, _full_index(idx_np, 1), src_np)
    _check(out, want, dtype, exact=False)


@pytest.mark.parametrize("device", DEVICES)
def test_scatter_reduce_nan_and_number(device):
    _device(device)
    out = to_tensor(np.zeros(4, np.float32), "float32").to(device)
    idx = to_tensor(np.array([0, 0, 1, 2]), "int64").to(device)
    src = to_tensor(np.array([np.nan, 1, 2, np.nan], np.float32), "float32").to(device)
    C.scatter_(out._c, 0, idx._c, src._c, "amax", True)
    np.testing.assert_array_equal(_np(out), np.array([np.nan, 2, np.nan, 0], np.float32))
    C.scatter_(out._c, 0, idx._c, src._c, "amin", False)
    np.testing.assert_array_equal(_np(out), np.array([np.nan, 2, np.nan, 0], np.float32))
    C.scatter_(out._c, 0, idx._c, 1.5, "sum", True)  # scatter_add of a number
    np.testing.assert_array_equal(_np(out), np.array([np.nan, 3.5, np.nan, 0], np.float32))


# ---- nonzero ------------------------------------------------------------------------------

@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_nonzero(device, dtype, layout):
    _device(device)
    x = View(_values((5, 7, 9), dtype, np.random.default_rng(7)), dtype, device, layout)
    got = _wrap(C.nonzero(x.t._c))
    assert got.dtype == torch.int64 and got.device.type == device
    _check(got, np.argwhere(x.arr), "int64")


@pytest.mark.parametrize("device", DEVICES)
def test_nonzero_nan_negative_zero_0d_and_empty(device):
    _device(device)
    x = to_tensor(np.array([0.0, -0.0, np.nan, np.inf, 1e-30], np.float32), "float32").to(device)
    _check(_wrap(C.nonzero(x._c)), np.array([[2], [3], [4]]), "int64")
    for v, rows in [(3, 1), (0, 0)]:
        got = _wrap(C.nonzero(to_tensor(np.array(v, np.int32), "int32").to(device)._c))
        assert tuple(got.shape) == (rows, 0)
    got = _wrap(C.nonzero(to_tensor(np.zeros((0, 3)), "float32").to(device)._c))
    assert tuple(got.shape) == (0, 2)
    got = _wrap(C.nonzero(to_tensor(np.zeros((4, 3)), "uint8").to(device)._c))
    assert tuple(got.shape) == (0, 2)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", ["float32", "bool", "float16"])
def test_nonzero_large(device, dtype):
    """316,921 elements, about half zeros: hundreds of blocks and a two-level scan on wgpu."""
    _device(device)
    rng = np.random.default_rng(8)
    arr = _values((613, 517), dtype, rng)
    x = to_tensor(arr, dtype).to(device)
    _check(_wrap(C.nonzero(x._c)), np.argwhere(arr), "int64")
    _check(_wrap(C.nonzero(x.t()._c)), np.argwhere(arr.T), "int64")


# ---- errors -------------------------------------------------------------------------------

@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("bad", [5, 3, -1])
def test_out_of_range_index(device, bad):
    _device(device)
    base = to_tensor(np.zeros((3, 8), np.float32), "float32").to(device)
    out = base.narrow(1, 2, 4)  # a view inside a larger buffer
    idx_np = np.array([[0, 1, 2, 1], [2, 0, 1, 0]])
    idx_np[1, 2] = bad
    idx = to_tensor(idx_np, "int64").to(device)
    src = to_tensor(np.ones((2, 4), np.float32), "float32").to(device)
    msg = f"index {bad} is out of bounds for dimension 0 with size 3"
    # On wgpu the check is deferred to the next synchronisation point and names the op; the kernel
    # runs meanwhile, skipping the bad index, so only the view's other elements may change.
    with raises_by_sync(device, RuntimeError, match=f"^{re.escape(deferred(device, 'gather', msg))}$"):
        C.gather(out._c, 0, idx._c)
    for reduce in ["none", "sum", "amax"]:
        op = "scatter" if reduce == "none" else "scatter_reduce"
        with raises_by_sync(device, RuntimeError, match=f"^{re.escape(deferred(device, op, msg))}$"):
            C.scatter_(out._c, 0, idx._c, src._c, reduce, True)
    with raises_by_sync(device, RuntimeError, match=f"^{re.escape(deferred(device, 'scatter', msg))}$"):
        C.scatter_(out._c, 0, idx._c, 2.0, "none", True)
    outside = np.ones((3, 8), bool)
    outside[:, 2:6] = device == "cpu"  # the CPU writes nothing at all
    assert not _np(base)[outside].any()  # nothing written beside the view
    along1 = np.array([[3, 0, 4, 1], [0, 1, 2, 3]])  # dim -1 (size 4) of the view
    msg = deferred(device, "scatter", "index 4 is out of bounds for dimension 1 with size 4")
    with raises_by_sync(device, RuntimeError, match=f"^{re.escape(msg)}$"):
        C.scatter_(out._c, -1, to_tensor(along1, "int64").to(device)._c, src._c, "none", True)
    assert not _np(base)[outside].any()


@pytest.mark.parametrize("device", DEVICES)
def test_argument_errors(device):
    _device(device)
    x = to_tensor(np.zeros((2, 3), np.float32), "float32").to(device)
    i32 = to_tensor(np.zeros((2, 3), np.int32), "int32").to(device)
    with pytest.raises(RuntimeError, match=r"^gather\(\): Expected dtype int64 for index$"):
        C.gather(x._c, 0, i32._c)
    idx = to_tensor(np.zeros((2, 3), np.int64), "int64").to(device)
    with pytest.raises(RuntimeError, match=r"^scatter\(\): Expected self.dtype to be equal to src.dtype$"):
        C.scatter_(x._c, 0, idx._c, i32._c, "none", True)
    with pytest.raises(RuntimeError, match="Index tensor must have the same number of dimensions as input tensor"):
        C.gather(x._c, 0, idx.reshape(-1)._c)
    big = to_tensor(np.zeros((2, 4), np.int64), "int64").to(device)
    with pytest.raises(RuntimeError, match=r"^Size does not match at dimension 1 expected index \[2, 4\] to be no larger "
                                           r"than self \[2, 3\] apart from dimension 0$"):
        C.gather(x._c, 0, big._c)
    with pytest.raises(RuntimeError, match=r"^Expected index \[2, 4\] to be no larger than self \[2, 3\] apart from "
                                           r"dimension 0 and to be no larger size than src \[2, 3\]$"):
        C.scatter_(x._c, 0, big._c, x._c, "none", True)
    with pytest.raises(IndexError, match="Dimension out of range"):
        C.gather(x._c, 2, idx._c)
    with pytest.raises(RuntimeError, match="reduce argument must be either sum, prod, mean, amax or amin, got max"):
        C.scatter_(x._c, 0, idx._c, x._c, "max", True)
    # an empty index is a no-op whatever its shape
    C.scatter_(x._c, 0, to_tensor(np.zeros((5, 0), np.int64), "int64").to(device)._c, 1.0, "sum", True)
    assert not _np(x).any()


@pytest.mark.parametrize("device", DEVICES)
def test_scatter_0d(device):
    _device(device)
    out = to_tensor(np.array(5, np.int32), "int32").to(device)
    i0 = to_tensor(np.array(0), "int64").to(device)
    C.scatter_(out._c, 0, i0._c, to_tensor(np.array(2, np.int32), "int32").to(device)._c, "prod", True)
    assert _np(out) == 10
    C.scatter_(out._c, -1, i0._c, 7, "none", True)
    assert _np(out) == 7


def test_wgpu_64_bit_reductions_raise():
    require()
    x = to_tensor(np.zeros(3, np.int64), "int64").to("wgpu")
    idx = to_tensor(np.array([0, 1]), "int64").to("wgpu")
    with pytest.raises(NotImplementedError, match="scatter_reduce.*amax.*int64.*wgpu"):
        C.scatter_(x._c, 0, idx._c, x.narrow(0, 0, 2)._c, "amax", True)
