"""sort, argsort, msort, topk, kthvalue, median, nanmedian, unique, unique_consecutive,
searchsorted, bucketize, bincount and histc on cpu and wgpu against numpy references: every
dtype, each dim of 3-D inputs, transposed and stepped views, 0-d and empty inputs, rows long
enough to cross wgpu's workgroup tiles, NaN and signed zeros, and PyTorch's errors.

Sorts are compared exactly, indices included (the order is stable on both devices, and the
references are stable sorts). topk, kthvalue and median may pick any of several equal elements
(PyTorch does not specify which), so their values are compared and their indices checked to
point at those values."""
import math

import numpy as np
import pytest

from _backend import torch
from _util import STORAGE_NP, dtype_name, to_np, to_tensor
from _wgpu import require

DEVICES = ["cpu", "wgpu"]
DTYPES = ["float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool"]


def _dev(device, dtype=None):
    """Skips without an adapter; float64 sorts work on wgpu without SHADER_F64 (keys are built
    from the raw words), so nothing else to decide."""
    if device == "wgpu":
        require()


def _values(shape, dtype, seed=0, specials=True):
    """Many ties; for floats also NaN, -0.0 and 0.0, infinities."""
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    if dtype == "uint8":
        return rng.integers(0, 6, shape).astype(np.uint8)
    if dtype.startswith("int"):
        return rng.integers(-4, 5, shape).astype(STORAGE_NP[dtype])
    v = rng.integers(-4, 5, shape).astype(np.float64) / 2
    if specials:
        flat = v.reshape(-1)
        pick = rng.random(flat.shape)
        flat[pick < 0.08] = np.nan
        flat[(pick >= 0.08) & (pick < 0.14)] = -0.0
        flat[(pick >= 0.14) & (pick < 0.17)] = np.inf
        flat[(pick >= 0.17) & (pick < 0.19)] = -np.inf
    return v.astype(STORAGE_NP[dtype])


def _order_key(v):
    """PyTorch's sort order of one value: NaN after everything, -0.0 equal to 0.0."""
    v = v.item() if hasattr(v, "item") else v
    if isinstance(v, float) and math.isnan(v):
        return (1, 0.0)
    return (0, v)


def _ref_sort(a, dim, descending):
    """Stable sort along dim (descending keeps equal values in order), as numpy arrays."""
    a = np.asarray(a)
    moved = np.moveaxis(a, dim, -1)
    idx = np.empty(moved.shape, dtype=np.int64)
    for pos in np.ndindex(moved.shape[:-1]):
        row = moved[pos]
        order = sorted(range(row.shape[0]), key=lambda i: _order_key(row[i]), reverse=descending)
        idx[pos] = order
    vals = np.take_along_axis(moved, idx, -1)
    return np.moveaxis(vals, -1, dim), np.moveaxis(idx, -1, dim)


def _same(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    np.testing.assert_array_equal(got, want)


def _check_points(x_np, dim, values, indices, keepdim=True):
    """indices select values from x along dim (NaN-aware)."""
    v, i = to_np(values.cpu()), to_np(indices.cpu())
    if not keepdim:
        v, i = np.expand_dims(v, dim), np.expand_dims(i, dim)
    picked = np.take_along_axis(np.asarray(x_np), i, dim)
    _same(picked, v)


def _t(a, dtype, device):
    return to_tensor(a, dtype).to(device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("descending", [False, True])
def test_sort_every_dtype_and_dim(device, dtype, descending):
    _dev(device, dtype)
    a = _values((4, 5, 6), dtype, seed=1)
    x = _t(a, dtype, device)
    for dim in (0, 1, -1):
        want_v, want_i = _ref_sort(a, dim, descending)
        v, i = torch.sort(x, dim=dim, descending=descending, stable=True)
        assert v.device.type == device and dtype_name(v.dtype) == dtype and dtype_name(i.dtype) == "int64"
        _same(to_np(v.cpu()), want_v)
        _same(to_np(i.cpu()), want_i)
        assert v.is_contiguous() and i.is_contiguous()
        _same(to_np(torch.argsort(x, dim=dim, descending=descending, stable=True).cpu()), want_i)
        _same(to_np(x.sort(dim=dim, descending=descending, stable=True).indices.cpu()), want_i)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("n", [1, 7, 1000, 1025, 5000])
def test_sort_rows_across_tiles(device, n):
    """Rows shorter than, equal to and longer than wgpu's 1,024-element tile (padding, global
    steps), several rows at once."""
    _dev(device)
    rng = np.random.default_rng(n)
    a = rng.integers(-50, 50, (3, n)).astype(np.float32)
    a[rng.random(a.shape) < 0.05] = np.nan
    x = _t(a, "float32", device)
    for descending in (False, True):
        want_v, want_i = _ref_sort(a, 1, descending)
        v, i = torch.sort(x, descending=descending, stable=True)
        _same(to_np(v.cpu()), want_v)
        _same(to_np(i.cpu()), want_i)


@pytest.mark.parametrize("device", DEVICES)
def test_sort_views_scalars_and_empty(device):
    _dev(device)
    a = _values((6, 8), "float32", seed=3)
    base = _t(a, "float32", device)
    for view, ref in ((base.t(), a.T), (base[::2, 1::3], a[::2, 1::3]), (base[1], a[1])):
        for dim in range(ref.ndim):
            want_v, want_i = _ref_sort(ref, dim, False)
            v, i = torch.sort(view, dim=dim, stable=True)
            _same(to_np(v.cpu()), want_v)
            _same(to_np(i.cpu()), want_i)
    s = torch.tensor(5.0).to(device)
    v, i = torch.sort(s)
    assert v.shape == () and v.item() == 5.0 and i.item() == 0
    for shape, dim in (((0, 3), 0), ((0, 3), 1), ((2, 0), 1)):
        e = torch.zeros(shape).to(device)
        v, i = torch.sort(e, dim)
        assert tuple(v.shape) == shape and tuple(i.shape) == shape and dtype_name(i.dtype) == "int64"
    msort = torch.msort(base)
    _same(to_np(msort.cpu()), _ref_sort(a, 0, False)[0])
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"):
        torch.sort(base, 2)


@pytest.mark.parametrize("device", DEVICES)
def test_sort_out(device):
    _dev(device)
    x = torch.tensor([3.0, 1.0, 2.0]).to(device)
    v, i = torch.empty(3).to(device), torch.empty(3, dtype=torch.int64).to(device)
    r = torch.sort(x, out=(v, i))
    assert r.values is v and r.indices is i
    _same(to_np(v.cpu()), [1.0, 2.0, 3.0])
    _same(to_np(i.cpu()), [1, 2, 0])


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int16", "uint8"])
@pytest.mark.parametrize("largest", [True, False])
def test_topk(device, dtype, largest):
    _dev(device, dtype)
    a = _values((5, 7, 9), dtype, seed=4)
    x = _t(a, dtype, device)
    for dim in (0, 1, -1):
        n = a.shape[dim]
        want_v, _ = _ref_sort(a, dim, largest)
        for k in (0, 1, 3, n):
            v, i = torch.topk(x, k, dim, largest=largest)
            _same(to_np(v.cpu()), np.take(want_v, range(k), axis=dim))
            _check_points(a, dim, v, i)
            if k:
                got = np.moveaxis(to_np(i.cpu()), dim, -1).reshape(-1, k)
                assert all(len(set(r)) == k for r in got)  # distinct positions
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        torch.topk(x, 10, 0)
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        torch.topk(x, -1)


@pytest.mark.parametrize("device", DEVICES)
def test_bool_support_as_torch(device):
    """bool sorts and uniques; the selections refuse it, each with PyTorch's words."""
    _dev(device)
    b = torch.tensor([True, False, True]).to(device)
    v, i = torch.sort(b, stable=True)
    _same(to_np(v.cpu()), [False, True, True])
    _same(to_np(i.cpu()), [1, 0, 2])
    _same(to_np(torch.unique(b).cpu()), [False, True])
    for fn, msg in ((lambda: torch.topk(b, 1), "topk does not support bool dtypes on CPU"),
                    (lambda: torch.kthvalue(b, 1), "\"kthvalue_cpu\" not implemented for 'Bool'"),
                    (lambda: torch.median(b), "\"median_cpu\" not implemented for 'Bool'"),
                    (lambda: torch.median(b, 0), "\"median_out\" not implemented for 'Bool'"),
                    (lambda: torch.nanmedian(b, 0), "\"median_out\" not implemented for 'Bool'"),
                    (lambda: torch.searchsorted(b, b), "\"searchsorted_out_cpu\" not implemented for 'Bool'")):
        with pytest.raises(NotImplementedError, match=msg):
            fn()
    _same(to_np(torch.bucketize(b, torch.tensor([1, 2]).to(device)).cpu()), [0, 0, 0])


@pytest.mark.parametrize("device", DEVICES)
def test_topk_long_rows_and_methods(device):
    _dev(device)
    rng = np.random.default_rng(7)
    a = rng.standard_normal((2, 3000)).astype(np.float32)
    x = _t(a, "float32", device)
    v, i = x.topk(5)
    _same(to_np(v.cpu()), -np.sort(-a, axis=1)[:, :5])
    _check_points(a, 1, v, i)
    v, i = torch.topk(x.t(), 4, dim=0, largest=False, sorted=True)
    _same(to_np(v.cpu()), np.sort(a, axis=1)[:, :4].T)
    s = torch.tensor(2.5).to(device)
    v, i = torch.topk(s, 1)
    assert v.shape == () and v.item() == 2.5 and i.item() == 0


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", ["float32", "float64", "bfloat16", "int32", "uint8"])
def test_kthvalue(device, dtype):
    _dev(device, dtype)
    a = _values((6, 5, 7), dtype, seed=5)
    x = _t(a, dtype, device)
    for dim in (0, 1, -1):
        sv, _ = _ref_sort(a, dim, False)
        for k in (1, 3, a.shape[dim]):
            for keepdim in (False, True):
                v, i = torch.kthvalue(x, k, dim, keepdim)
                want = np.take(sv, [k - 1], axis=dim)
                _same(to_np(v.cpu()), want if keepdim else np.squeeze(want, dim))
                _check_points(a, dim if dim >= 0 else 2, v, i, keepdim)
    with pytest.raises(RuntimeError, match=r"kthvalue\(\): selected number k out of range for dimension 0"):
        torch.kthvalue(x, 0, 0)
    with pytest.raises(RuntimeError, match=r"kthvalue\(\): selected number k out of range for dimension 2"):
        torch.kthvalue(x, 8)
    v, i = torch.kthvalue(torch.tensor(3.0).to(device), 1)
    assert v.item() == 3.0 and i.item() == 0


def _ref_median(a, dim, ignore_nan):
    """(values, index of the first NaN or None) of the lower median along dim."""
    moved = np.moveaxis(np.asarray(a, dtype=np.float64), dim, -1)
    vals = np.empty(moved.shape[:-1])
    for pos in np.ndindex(moved.shape[:-1]):
        row = moved[pos]
        nan = np.isnan(row)
        if ignore_nan:
            ok = np.sort(row[~nan])
            vals[pos] = ok[(len(ok) - 1) // 2] if len(ok) else np.nan
        elif nan.any():
            vals[pos] = np.nan
        else:
            vals[pos] = np.sort(row)[(len(row) - 1) // 2]
    return vals


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int8"])
@pytest.mark.parametrize("fn", ["median", "nanmedian"])
def test_median(device, dtype, fn):
    _dev(device, dtype)
    a = _values((4, 6, 5), dtype, seed=6)
    if dtype.startswith("float"):
        a.reshape(-1)[:6] = np.nan  # a row of NaN along dim 2 (nanmedian gives NaN there)
    x = _t(a, dtype, device)
    ignore = fn == "nanmedian"
    f = getattr(torch, fn)
    for dim in (0, 1, 2):
        for keepdim in (False, True):
            v, i = f(x, dim, keepdim)
            want = _ref_median(a, dim, ignore)
            got = to_np(v.cpu()).astype(np.float64)
            _same(got if keepdim is False else np.squeeze(got, dim), want)
            _check_points(a, dim, v, i, keepdim)
            if not ignore and dtype.startswith("float"):
                # A row with NaN points at its first NaN (PyTorch's choice).
                nan = np.isnan(np.asarray(a, dtype=np.float64))
                first = np.argmax(nan, axis=dim)
                has = nan.any(axis=dim)
                idx = to_np(i.cpu()) if not keepdim else np.squeeze(to_np(i.cpu()), dim)
                _same(idx[has], first[has])
    flat = a.reshape(-1)
    whole = f(x)
    assert whole.shape == ()
    want = _ref_median(flat, 0, ignore)
    got = float(whole.cpu().float().item()) if dtype.startswith("float") else whole.item()
    assert (math.isnan(got) and math.isnan(want)) or got == want
    assert getattr(x, fn)(0)[0].shape == (6, 5)
    with pytest.raises(IndexError, match=r"median\(\): Expected reduction dim 0 to have non-zero size."):
        f(torch.zeros(0, 3).to(device), 0)
    assert math.isnan(f(torch.zeros(0).to(device)).item())


def _ref_unique(a):
    """(values, inverse, counts) of PyTorch's unique: a stable sort (NaN last), a new value
    wherever an element differs from the one before (each NaN is its own value)."""
    a = np.asarray(a).reshape(-1)
    order = np.array(sorted(range(a.size), key=lambda i: _order_key(a[i])), dtype=np.int64)
    s = a[order]
    start = np.ones(a.size, dtype=bool)
    start[1:] = s[1:] != s[:-1]
    group = np.cumsum(start) - 1
    inverse = np.empty(a.size, dtype=np.int64)
    inverse[order] = group
    return s[start], inverse, np.bincount(group, minlength=int(start.sum())) if a.size else np.zeros(0, np.int64)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int32", "uint8", "bool"])
def test_unique(device, dtype):
    _dev(device, dtype)
    a = _values((5, 7), dtype, seed=8)
    x = _t(a, dtype, device)
    u, inv, cnt = _ref_unique(a.reshape(-1))
    got = torch.unique(x, return_inverse=True, return_counts=True)
    _same(to_np(got[0].cpu()), u)
    gi = to_np(got[1].cpu())
    _same(u[gi], a)  # each element's value (NaN-aware)
    nan = np.isnan(a.astype(np.float64)) if dtype.startswith("float") else np.zeros(a.shape, bool)
    _same(gi[~nan], inv.reshape(a.shape)[~nan])
    _same(to_np(got[2].cpu()), cnt)
    _same(to_np(torch.unique(x).cpu()), u)
    _same(to_np(x.unique(sorted=True, return_counts=True)[1].cpu()), cnt)
    # Transposed: another element order, so NaNs (each its own value) may number differently;
    # every element must still map to its value.
    tu, tinv = torch.unique(x.t(), return_inverse=True)
    _same(to_np(tu.cpu()), u)
    _same(to_np(tu.cpu())[to_np(tinv.cpu())], a.T)


@pytest.mark.parametrize("device", DEVICES)
def test_unique_dim_consecutive_and_edges(device):
    _dev(device)
    a = np.array([[1, 2, 1, 2], [0, 5, 0, 5], [1, 2, 1, 2], [1, 1, 1, 0]], dtype=np.int64)
    x = _t(a, "int64", device)
    for dim in (0, 1):
        u, inv, cnt = np.unique(a, return_inverse=True, return_counts=True, axis=dim)
        got = torch.unique(x, dim=dim, return_inverse=True, return_counts=True)
        _same(to_np(got[0].cpu()), u)
        _same(to_np(got[1].cpu()), inv.reshape(-1))
        _same(to_np(got[2].cpu()), cnt)
    c = _t(np.array([1, 1, 2, 2, 3, 1, 1]), "int64", device)
    v, inv, cnt = torch.unique_consecutive(c, return_inverse=True, return_counts=True)
    _same(to_np(v.cpu()), [1, 2, 3, 1])
    _same(to_np(inv.cpu()), [0, 0, 1, 1, 2, 3, 3])
    _same(to_np(cnt.cpu()), [2, 2, 1, 2])
    v, cnt = torch.unique_consecutive(x, return_counts=True, dim=0)
    _same(to_np(v.cpu()), a)
    _same(to_np(cnt.cpu()), [1, 1, 1, 1])
    e = torch.zeros(0).to(device)
    v, inv, cnt = torch.unique(e, return_inverse=True, return_counts=True)
    assert v.shape == (0,) and inv.shape == (0,) and cnt.shape == (0,)
    v, inv = torch.unique(torch.tensor(3).to(device), return_inverse=True)
    _same(to_np(v.cpu()), [3])
    assert inv.shape == () and inv.item() == 0


def _ref_search(seq, vals, right):
    """PyTorch's binary search: !(seq[mid] >= v) (right: !(seq[mid] > v)) moves right."""
    out = np.empty(np.shape(vals), dtype=np.int64)
    seq, vals = np.asarray(seq, dtype=np.float64), np.asarray(vals, dtype=np.float64)
    for pos in np.ndindex(vals.shape):
        row = seq if seq.ndim == 1 else seq[pos[:-1]]
        v = vals[pos]
        lo, hi = 0, len(row)
        while lo < hi:
            mid = (lo + hi) // 2
            if not (row[mid] > v if right else row[mid] >= v):
                lo = mid + 1
            else:
                hi = mid
        out[pos] = lo
    return out


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int16", "uint8"])
def test_searchsorted(device, dtype):
    _dev(device, dtype)
    rng = np.random.default_rng(9)
    seq = np.sort(_values((3, 11), dtype, seed=10, specials=False), axis=1)
    vals = _values((3, 6), dtype, seed=11, specials=False)
    s, v = _t(seq, dtype, device), _t(vals, dtype, device)
    for right in (False, True):
        _same(to_np(torch.searchsorted(s, v, right=right).cpu()), _ref_search(seq, vals, right))
        _same(to_np(torch.searchsorted(s[0], v, side="right" if right else "left").cpu()),
              _ref_search(seq[0], vals, right))
        r32 = torch.searchsorted(s, v, right=right, out_int32=True)
        assert dtype_name(r32.dtype) == "int32"
        _same(to_np(r32.cpu()), _ref_search(seq, vals, right))
        _same(to_np(torch.bucketize(v, s[1], right=right).cpu()), _ref_search(seq[1], vals, right))
    perm = rng.permutation(11)
    shuffled = _t(seq[0][perm], dtype, device)
    sorter = torch.from_numpy(np.argsort(seq[0][perm], kind="stable")).to(device)
    _same(to_np(torch.searchsorted(shuffled, v, sorter=sorter).cpu()), _ref_search(seq[0], vals, False))
    del rng


@pytest.mark.parametrize("device", DEVICES)
def test_searchsorted_nan_promotion_scalars_and_errors(device):
    _dev(device)
    seq = torch.tensor([1.0, 3.0, math.nan]).to(device)
    vals = torch.tensor([math.nan, 2.0, 5.0, 3.0]).to(device)
    for right in (False, True):
        _same(to_np(torch.searchsorted(seq, vals, right=right).cpu()),
              _ref_search([1.0, 3.0, np.nan], [np.nan, 2.0, 5.0, 3.0], right))
    ints = torch.tensor([1, 2, 3]).to(device)
    _same(to_np(torch.searchsorted(ints, torch.tensor([1.5, 2.0]).to(device)).cpu()), [1, 1])
    r = torch.searchsorted(ints, 2, right=True)
    assert r.shape == () and r.item() == 2
    _same(to_np(torch.searchsorted(torch.zeros(0).to(device), torch.tensor([2.0]).to(device)).cpu()), [0])
    assert torch.searchsorted(seq, torch.zeros(0).to(device)).shape == (0,)
    with pytest.raises(RuntimeError, match="side and right can't be set to opposites"):
        torch.searchsorted(seq, vals, side="left", right=True)
    with pytest.raises(RuntimeError, match="boundaries tensor should have positive dimension, but got 0 dimension"):
        torch.searchsorted(torch.tensor(1.0).to(device), vals)
    with pytest.raises(RuntimeError, match=r"first N-1 dimensions of boundaries tensor and input value tensor must "
                                           r"match, but we got boundaries tensor \[1, 2\] and input value tensor \[2\]"):
        torch.searchsorted(torch.tensor([[1, 2]]).to(device), torch.tensor([1, 2]).to(device))
    with pytest.raises(RuntimeError, match=r"boundaries tensor must be 1 dimension, but got dim\(2\)"):
        torch.bucketize(vals, torch.tensor([[1.0]]).to(device))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "int8"])
def test_bincount(device, dtype):
    _dev(device)
    rng = np.random.default_rng(12)
    a = rng.integers(0, 9, 200).astype(STORAGE_NP[dtype])
    x = _t(a, dtype, device)
    got = torch.bincount(x)
    assert dtype_name(got.dtype) == "int64"
    _same(to_np(got.cpu()), np.bincount(a))
    _same(to_np(x.bincount(minlength=15).cpu()), np.bincount(a, minlength=15))
    w32 = (rng.integers(-8, 8, 200) / 4).astype(np.float32)
    got = torch.bincount(x, weights=_t(w32, "float32", device))
    assert dtype_name(got.dtype) == "float32"
    np.testing.assert_allclose(to_np(got.cpu()), np.bincount(a, weights=w32), rtol=1e-6, atol=1e-6)
    for wd in ("float64", "int64", "float16"):
        w = _t(w32.astype(np.float64) if wd != "int64" else np.round(w32 * 4), wd, device)
        got = torch.bincount(x, weights=w, minlength=12)
        assert dtype_name(got.dtype) == "float64"
        np.testing.assert_allclose(to_np(got.cpu()), np.bincount(a, weights=to_np(w.cpu()).astype(np.float64), minlength=12),
                                   rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("device", DEVICES)
def test_bincount_edges_and_errors(device):
    _dev(device)
    _same(to_np(torch.bincount(torch.tensor([], dtype=torch.int64).to(device), minlength=3).cpu()), [0, 0, 0])
    assert torch.bincount(torch.tensor([], dtype=torch.int64).to(device)).shape == (0,)
    msg = "bincount only supports 1-d non-negative integral inputs."
    with pytest.raises(RuntimeError, match=msg):
        torch.bincount(torch.tensor([-1, 2]).to(device))
    with pytest.raises(RuntimeError, match=msg):
        torch.bincount(torch.tensor([[1]]).to(device))
    with pytest.raises(NotImplementedError, match="\"bincount_cpu\" not implemented for 'Float'"):
        torch.bincount(torch.tensor([1.0]).to(device))
    with pytest.raises(RuntimeError, match="minlength should be >= 0"):
        torch.bincount(torch.tensor([1, 2]).to(device), minlength=-1)
    with pytest.raises(RuntimeError, match="weights should be 1-d and have the same length as input"):
        torch.bincount(torch.tensor([1, 2]).to(device), weights=torch.tensor([1.0]).to(device))


def _ref_histc(a, bins, lo, hi, dtype):
    """PyTorch's histc: bin trunc((x - lo) * bins / (hi - lo)) in the input's float type."""
    f = STORAGE_NP[dtype]
    x = np.asarray(a, dtype=f).reshape(-1)
    lo_, hi_ = f(lo), f(hi)
    inside = (x >= lo_) & (x <= hi_)
    with np.errstate(invalid="ignore"):
        pos = np.trunc((x[inside] - lo_) * f(bins) / (hi_ - lo_)).astype(np.int64)
    pos = np.minimum(pos, bins - 1)
    return np.bincount(pos, minlength=bins).astype(f)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_histc(device, dtype):
    _dev(device, dtype)
    rng = np.random.default_rng(13)
    a = rng.uniform(-3, 3, (40, 25)).astype(STORAGE_NP[dtype])
    a.reshape(-1)[:5] = [np.nan, 3.0, -3.0, 1.5, 10.0]
    x = _t(a, dtype, device)
    finite = _t(np.nan_to_num(a, nan=0.5), dtype, device)  # the data's range needs no NaN
    for bins, lo, hi in ((10, -3, 3), (7, -1, 2.5), (100, 0, 0), (1, -5, 5)):
        got = torch.histc(finite if lo == hi else x, bins=bins, min=lo, max=hi)
        assert dtype_name(got.dtype) == dtype and got.device.type == device
        ref = a
        if lo == hi:
            ref = np.nan_to_num(a, nan=0.5)
            lo, hi = ref.min(), ref.max()
        _same(to_np(got.cpu()), _ref_histc(ref, bins, lo, hi, dtype))
    ref = np.nan_to_num(a, nan=0.5)  # min == max: the data's own range
    _same(to_np(finite.histc(bins=4, min=1, max=1).cpu()), _ref_histc(ref, 4, ref.min(), ref.max(), dtype))
    with pytest.raises(RuntimeError, match=r"torch.histc: range of \[-?nan, -?nan\] is not finite"):
        torch.histc(x)
    _same(to_np(torch.histc(torch.tensor([3.0, 3.0]).to(device), bins=2).cpu()), [0.0, 2.0])
    _same(to_np(torch.histc(torch.zeros(0).to(device), bins=2).cpu()), [0.0, 0.0])


@pytest.mark.parametrize("device", DEVICES)
def test_histc_errors(device):
    _dev(device)
    x = torch.tensor([1.0, 2.0]).to(device)
    with pytest.raises(NotImplementedError, match="\"histogram_cpu\" not implemented for 'Long'"):
        torch.histc(torch.tensor([1, 2]).to(device), bins=3)
    with pytest.raises(RuntimeError, match=r"torch.histogram\(\): bins must be > 0, but got 0 for dimension 0"):
        torch.histc(x, bins=0)
    with pytest.raises(RuntimeError, match="torch.histc: max must be larger than min"):
        torch.histc(x, bins=3, min=3, max=1)
    with pytest.raises(RuntimeError, match=r"torch.histc: range of \[1, inf\] is not finite"):
        torch.histc(x, bins=3, min=1, max=math.inf)


@pytest.mark.parametrize("device", DEVICES)
def test_bincount_of_no_input_is_int64(device):
    """No input: int64 zeros of minlength, whatever the weights (PyTorch does not look at them)."""
    _dev(device)
    empty = torch.tensor([], dtype=torch.int64).to(device)
    for wd in ("float32", "float64", "float16", "int64", "bool"):
        got = torch.bincount(empty, torch.tensor([]).to(getattr(torch, wd)).to(device), minlength=3)
        assert dtype_name(got.dtype) == "int64" and got.cpu().tolist() == [0, 0, 0]
    got = torch.bincount(empty, torch.tensor([1.0, 2.0]).to(device), minlength=2)
    assert dtype_name(got.dtype) == "int64" and got.cpu().tolist() == [0, 0]
    with pytest.raises(RuntimeError, match="minlength should be >= 0"):
        torch.bincount(torch.zeros(2, 2, dtype=torch.int64).to(device), minlength=-1)


def test_sort_and_argsort_signatures():
    """With stable=, PyTorch binds (input, *, stable, dim, descending): dim and descending must be
    keywords; without, (input, dim, descending). Calls that fit neither raise its TypeError."""
    x = torch.tensor([[3.0, 1.0], [2.0, 4.0]])
    want = x.sort(dim=0, descending=True, stable=True).values.tolist()
    assert want == [[3.0, 4.0], [2.0, 1.0]]
    assert torch.sort(x, 0, True).values.tolist() == want
    assert x.sort(0, True).values.tolist() == want
    assert torch.sort(x, torch.tensor(0), True).values.tolist() == want  # a 0-d integer tensor is an int
    assert x.sort(stable=None, dim=0, descending=True).values.tolist() == want
    assert torch.argsort(x, dim=0, descending=True, stable=True).tolist() == [[0, 1], [1, 0]]
    assert x.argsort(0, True).tolist() == [[0, 1], [1, 0]]

    def err(fn, msg):
        with pytest.raises(TypeError) as e:
            fn()
        assert str(e.value) == msg

    err(lambda: x.sort(0, descending=True, stable=True),
        "sort() takes from 1 to 0 positional arguments but 1 were given")
    err(lambda: x.sort(0, True, stable=True), "sort() takes from 1 to 0 positional arguments but 2 were given")
    err(lambda: torch.sort(x, 0, True, stable=True, out=(torch.empty(2, 2), torch.empty(2, 2, dtype=torch.int64))),
        "sort() takes from 2 to 1 positional arguments but 3 were given")
    err(lambda: torch.argsort(x, 0, True, stable=True),
        "argsort() takes from 2 to 1 positional arguments but 3 were given")
    err(lambda: x.argsort(0, True, stable=True), "argsort() takes from 1 to 0 positional arguments but 2 were given")
    err(lambda: x.sort(dim=0, descending=True, foo=1), 'sort() missing 1 required positional arguments: "stable"')
    err(lambda: x.sort(dim=0, descending=1, stable=True), "sort(): argument 'descending' must be bool, not int")
    err(lambda: x.sort(dim=0, stable=True, descending=None), "sort(): argument 'descending' must be bool, not NoneType")
    err(lambda: x.sort(dim=0, dim2=0, stable=True), "sort() got an unexpected keyword argument 'dim2'")
    err(lambda: torch.sort(dim=0), 'sort() missing 1 required positional arguments: "input"')
    err(lambda: torch.sort([1, 2]), "sort(): argument 'input' (position 1) must be Tensor, not list")
    sigs = " * (*, bool stable, int dim = -1, bool descending = False)\n * (int dim = -1, bool descending = False)\n"
    head = "sort() received an invalid combination of arguments - got "
    err(lambda: x.sort(True), head + "(bool), but expected one of:\n" + sigs)
    err(lambda: x.sort(0, stable=None), head + "(int, stable=NoneType), but expected one of:\n" + sigs
        + "      didn't match because some of the keywords were incorrect: stable\n")
    err(lambda: x.sort(0, 1), head + "(int, int), but expected one of:\n" + sigs
        + "      didn't match because some of the arguments have invalid types: (!int!, !int!)\n")
    err(lambda: x.sort(0, True, True, True), head + "(int, bool, bool, bool), but expected one of:\n"
        " * (*, bool stable, int dim = -1, bool descending = False)\n"
        "      didn't match because some of the arguments have invalid types: (!int!, bool, !bool!, !bool!)\n"
        " * (int dim = -1, bool descending = False)\n")
    err(lambda: x.sort(foo=1), head + "(foo=int, ), but expected one of:\n" + sigs)
    err(lambda: torch.sort(x, 0, True, stable=True), head + "(Tensor, int, bool, stable=bool), but expected one of:\n"
        " * (Tensor input, *, bool stable, int dim = -1, bool descending = False, tuple of Tensors out = None)\n"
        " * (Tensor input, int dim = -1, bool descending = False, *, tuple of Tensors out = None)\n")
    err(lambda: torch.argsort(x, 0, stable=True), "argsort() received an invalid combination of arguments - got "
        "(Tensor, int, stable=bool), but expected one of:\n"
        " * (Tensor input, *, bool stable, int dim = -1, bool descending = False, Tensor out = None)\n"
        " * (Tensor input, int dim = -1, bool descending = False)\n"
        "      didn't match because some of the keywords were incorrect: stable\n")
