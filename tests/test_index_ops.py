"""The public index ops on cpu and wgpu against numpy: gather, scatter (+add, +reduce), index_select,
index_add/copy/fill, take, masked_fill/select/scatter, nonzero (as_tuple), argwhere, where(condition);
strided inputs, in-place forms, and PyTorch's errors for bad indices."""
import numpy as np
import pytest

from _backend import torch
from _util import to_np, to_tensor
from _wgpu import deferred, raises_by_sync, require

DEVICES = ["cpu", "wgpu"]


def _dev(device):
    if device == "wgpu":
        require()
    return device


def _t(a, dtype, device):
    return to_tensor(a, dtype).to(device)


def _eq(t, expected, device, tol=None):
    assert t.device.type == device
    got = to_np(t.cpu())
    assert got.shape == np.shape(expected), (got.shape, np.shape(expected))
    if tol is None:
        np.testing.assert_array_equal(got, expected)
    else:
        np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)


def _idx(a, device):
    return torch.from_numpy(np.asarray(a, dtype=np.int64)).to(device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", ["float32", "float16", "int64", "int32", "uint8", "bool"])
def test_gather_index_select_take(device, dtype):
    _dev(device)
    rng = np.random.default_rng(0)
    a = (rng.integers(0, 9, (3, 4, 5)) % (2 if dtype == "bool" else 9)).astype(np.float32)
    a = a.astype(bool) if dtype == "bool" else a
    x = _t(a, dtype, device)
    ref = a.astype(np.float32 if dtype == "bool" else a.dtype)
    for dim in (0, 1, -1):
        d = dim % 3
        shape = list(a.shape)
        shape[d] = 6
        idx = rng.integers(0, a.shape[d], shape)
        _eq(torch.gather(x, dim, _idx(idx, device)).to(torch.float32) if dtype == "bool" else
            torch.gather(x, dim, _idx(idx, device)), np.take_along_axis(ref, idx, d), device)
        sel = rng.integers(0, a.shape[d], 4)
        r = torch.index_select(x, dim, _idx(sel, device))
        _eq(r.to(torch.float32) if dtype == "bool" else r, np.take(ref, sel, d), device)
    # Strided input and index (transposed views), an empty index.
    xt = x.transpose(0, 2)
    idx = rng.integers(0, 5, (5, 2, 3))
    it = _idx(idx.transpose(2, 1, 0).copy(), device).transpose(0, 2)
    r = torch.gather(xt, 0, it)
    # gather allows index.size(d) <= input.size(d) off dim: the reference reads the leading part.
    _eq(r.to(torch.float32) if dtype == "bool" else r,
        np.take_along_axis(ref.transpose(2, 1, 0)[:, :2, :], idx, 0), device)
    assert torch.index_select(x, 1, _idx([], device)).shape == (3, 0, 5)
    flat = np.array([0, -1, 7, 59])
    r = torch.take(x, _idx(flat, device))
    _eq(r.to(torch.float32) if dtype == "bool" else r, np.take(ref, flat), device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", ["float32", "int32"])
def test_scatter_family(device, dtype):
    _dev(device)
    rng = np.random.default_rng(1)
    base = rng.integers(1, 5, (4, 3)).astype(np.float32 if dtype == "float32" else np.int32)
    src = rng.integers(1, 5, (4, 3)).astype(base.dtype)
    idx = rng.integers(0, 4, (4, 3))
    x, s, i = _t(base, dtype, device), _t(src, dtype, device), _idx(idx, device)
    add = base.copy()
    np.add.at(add, (idx, np.arange(3)[None, :].repeat(4, 0)), src)
    _eq(torch.scatter_add(x, 0, i, s), add, device)
    for reduce, ufunc in (("sum", np.add), ("prod", np.multiply), ("amax", np.maximum), ("amin", np.minimum)):
        exp = base.copy()
        ufunc.at(exp, (idx, np.arange(3)[None, :].repeat(4, 0)), src)
        _eq(torch.scatter_reduce(x, 0, i, s, reduce), exp, device)
    # Assignment with distinct targets per column: a permutation.
    perm = np.stack([rng.permutation(4) for _ in range(3)], 1)
    exp = base.copy()
    np.put_along_axis(exp, perm, src, 0)
    _eq(torch.scatter(x, 0, _idx(perm, device), s), exp, device)
    y = x.clone()
    assert y.scatter_(1, _idx([[0], [2], [1], [0]], device), 9) is y
    exp = base.copy()
    exp[[0, 1, 2, 3], [0, 2, 1, 0]] = 9
    _eq(y, exp, device)
    # index_add / index_copy / index_fill along dim 1.
    src2 = rng.integers(1, 5, (4, 2)).astype(base.dtype)
    exp = base.copy()
    np.add.at(exp, (slice(None), [2, 2]), src2)
    _eq(torch.index_add(x, 1, _idx([2, 2], device), _t(src2, dtype, device)), exp, device)
    exp = base.copy()
    exp[:, [2, 0]] = src2
    _eq(x.index_copy(1, _idx([2, 0], device), _t(src2, dtype, device)), exp, device)
    exp = base.copy()
    exp[[1, 3]] = 7
    _eq(x.index_fill(0, _idx([1, 3], device), 7), exp, device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", ["float32", "int64", "bool"])
def test_masks_and_nonzero(device, dtype):
    _dev(device)
    rng = np.random.default_rng(2)
    a = rng.integers(0, 3, (3, 4)).astype(np.float32)
    a = a.astype(bool) if dtype == "bool" else a.astype(np.int64) if dtype == "int64" else a
    x = _t(a, dtype, device)
    m = rng.random((3, 4)) < 0.5
    mt = torch.from_numpy(m).to(device)
    _eq(torch.nonzero(x), np.argwhere(a), device)
    _eq(torch.argwhere(x), np.argwhere(a), device)
    for got, exp in zip(torch.nonzero(x, as_tuple=True), np.nonzero(a)):
        _eq(got, exp, device)
    for got, exp in zip(torch.where(x), np.nonzero(a)):
        _eq(got, exp, device)
    _eq(torch.masked_select(x, mt), a[m], device)
    _eq(torch.masked_select(x, mt[0]), a[np.broadcast_to(m[0], a.shape)], device)  # broadcast mask
    fill = True if dtype == "bool" else 5
    exp = a.copy()
    exp[m] = fill
    _eq(x.masked_fill(mt, fill), exp, device)
    y = x.clone()
    assert y.masked_fill_(mt, fill) is y
    _eq(y, exp, device)
    src = (np.arange(12) % 2).astype(a.dtype) if dtype == "bool" else np.arange(12).astype(a.dtype) + 10
    exp = a.copy()
    exp[m] = src[:m.sum()]
    _eq(torch.masked_scatter(x, mt, _t(src, dtype, device)), exp, device)
    assert torch.nonzero(torch.tensor(5).to(device)).shape == (1, 0)
    big = (rng.random(300_001) < 0.5).astype(np.float32)
    _eq(torch.nonzero(torch.from_numpy(big).to(device)), np.argwhere(big), device)


@pytest.mark.parametrize("device", DEVICES)
def test_index_errors(device):
    _dev(device)
    x = torch.arange(6).view(2, 3).to(device)

    def err(fn, exc, msg, op=None):
        """``op``: an index check, raised at the next synchronisation point on wgpu (naming it)."""
        with raises_by_sync(device, exc) as e:
            fn()
        assert str(e.value) == (deferred(device, op, msg) if op else msg)

    err(lambda: torch.gather(x, 0, _idx([[2]], device)), RuntimeError,
        "index 2 is out of bounds for dimension 0 with size 2", "gather")
    err(lambda: torch.gather(x, 0, _idx([[-1]], device)), RuntimeError,
        "index -1 is out of bounds for dimension 0 with size 2", "gather")
    err(lambda: torch.index_select(x, 0, _idx([2], device)), IndexError, "index out of range in self", "index_select")
    err(lambda: torch.index_select(x, 0, torch.tensor([0.0]).to(device)), RuntimeError,
        "index_select(): Expected dtype int32 or int64 for index")
    err(lambda: x.scatter(0, _idx([[5]], device), 1), RuntimeError,
        "index 5 is out of bounds for dimension 0 with size 2", "scatter")
    err(lambda: torch.take(x, _idx([6], device)), IndexError,
        "out of range: tried to access index 6 on a tensor of 6 elements.", "take")
    err(lambda: x.masked_fill(torch.tensor([1, 0, 1]).to(device), 0), RuntimeError,
        "masked_fill_ only supports boolean masks, but got mask with dtype long int")
    err(lambda: x.index_add(0, _idx([3], device), torch.ones(1, 3, dtype=torch.int64).to(device)), RuntimeError,
        "index 3 is out of bounds for dimension 0 with size 2", "index_add_")
    err(lambda: x.index_copy(0, _idx([3], device), torch.ones(1, 3, dtype=torch.int64).to(device)), IndexError,
        "index_copy_(): index 3 is out of bounds for dimension 0 with size 2", "index_copy_")
    err(lambda: x.index_fill(0, _idx([2], device), 1), IndexError, "index 2 is out of bounds for dimension 0 with size 2",
        "index_fill_")
    assert x.index_fill(0, _idx([-1], device), 7).cpu().tolist() == [[0, 1, 2], [7, 7, 7]]


@pytest.mark.parametrize("device", DEVICES)
def test_index_dtypes(device):
    """int32 indices where PyTorch 2 takes them (same results as int64), its words elsewhere."""
    _dev(device)
    x = _t(np.arange(6, dtype=np.float32).reshape(2, 3), "float32", device)
    i64 = _idx([[0, 2], [1, 0]], device)
    v64 = _idx([1, 0], device)
    ones = torch.ones(2, 2).to(device)
    for index, vec in ((i64.to(torch.int32), v64.to(torch.int32)),):
        _eq(torch.gather(x, 1, index), to_np(torch.gather(x, 1, i64).cpu()), device)
        _eq(x.scatter(1, index, 1.0), to_np(x.scatter(1, i64, 1.0).cpu()), device)
        _eq(x.scatter_add(1, index, ones), to_np(x.scatter_add(1, i64, ones).cpu()), device)
        _eq(x.scatter_reduce(1, index, ones, "amax"), to_np(x.scatter_reduce(1, i64, ones, "amax").cpu()), device)
        _eq(x.index_select(0, vec), to_np(x.index_select(0, v64).cpu()), device)
        _eq(x.index_add(0, vec, torch.ones(2, 3).to(device)),
            to_np(x.index_add(0, v64, torch.ones(2, 3).to(device)).cpu()), device)
    i32, i16 = v64.to(torch.int32), v64.to(torch.int16)
    cases = [
        (lambda: x.index_copy(0, i32, torch.ones(2, 3).to(device)), RuntimeError,
         "index_copy_(): Expected a long tensor for index, but got Int"),
        (lambda: x.index_fill(0, i32, 5.0), IndexError, "index_fill_(): Expected dtype int64 for index."),
        (lambda: torch.take(x, i32), RuntimeError, "take(): Expected a long tensor for index, but got Int"),
        (lambda: torch.gather(x, 1, i64.to(torch.int16)), RuntimeError,
         "gather(): Expected dtype int32/int64 for index"),
        (lambda: x.scatter_add(1, i64.to(torch.int16), ones), RuntimeError,
         "scatter(): Expected dtype int32/int64 for index"),
        (lambda: x.scatter_reduce(1, i64.float(), ones, "sum"), RuntimeError,
         "scatter(): Expected dtype int32/int64 for index"),
        (lambda: x.index_add(0, i16, torch.ones(2, 3).to(device)), RuntimeError,
         "index_add_(): Expected dtype int32/int64 for index but got: Short"),
    ]
    for fn, exc, msg in cases:
        with pytest.raises(exc) as e:
            fn()
        assert str(e.value) == msg


@pytest.mark.parametrize("device", DEVICES)
def test_index_put_and_mask_checks_in_pytorchs_order(device):
    """index_add/index_copy/index_fill, masked_fill/select/scatter and scatter_reduce: PyTorch's
    checks of shapes, dtypes and ranks, first failing one first, word for word."""
    _dev(device)
    x = torch.zeros(2, 3).to(device)
    o = lambda *s, dtype=torch.float32: torch.ones(s, dtype=dtype).to(device)  # noqa: E731
    i0 = _idx([0], device)
    m = o(2, 3, dtype=torch.bool)

    def err(fn, exc, msg):
        with pytest.raises(exc) as e:
            fn()
        assert str(e.value) == msg

    err(lambda: x.index_copy(0, i0, o(2, 3)), IndexError,
        "index_copy_(): Number of indices (1) should be equal to source.size(dim) (2)")
    err(lambda: x.index_copy(0, _idx([5], device), o(2, 3)), IndexError,
        "index_copy_(): Number of indices (1) should be equal to source.size(dim) (2)")
    err(lambda: torch.zeros(2, 3, 4).to(device).index_copy(1, i0, o(2, 1, 5)), RuntimeError,
        "index_copy_(): Source/destination tensor must have same slice shapes. Destination slice shape: 2 4 at "
        "dimension 1 and source slice shape: 2 5 at dimension 0.")
    err(lambda: x.index_copy(0, i0, o(3)), IndexError,
        "index_copy_(): When source and destination are not scalars, their dimensionality must match. Source "
        "dimensionality (1), destination dimensionality (2)")
    err(lambda: x.index_copy(0, _idx([0, 1], device), torch.tensor(1.0).to(device)), IndexError,
        "index_copy_(): When source is scalar, index should have one element (got 2)")
    err(lambda: x.index_copy(0, i0, o(1, 3, dtype=torch.int64)), RuntimeError,
        "index_copy_(): self and source expected to have the same dtype, but got (self) Float and (source) Long")
    err(lambda: x.index_copy(0, _idx([[0]], device).to(torch.int32), o(1, 3)), IndexError,
        "index_copy_(): Index should have dimension 1 or 0 (got 2)")
    err(lambda: x.index_add(0, i0, o(1, 4)), RuntimeError,
        "source tensor shape must match self tensor shape, excluding the specified dimension. Got self.shape = "
        "[2, 3] source.shape = [1, 4]")
    err(lambda: x.index_add(0, _idx([5], device), o(1, 4)), RuntimeError,
        "source tensor shape must match self tensor shape, excluding the specified dimension. Got self.shape = "
        "[2, 3] source.shape = [1, 4]")
    err(lambda: x.index_add(0, i0, o(2, 3)), RuntimeError,
        "index_add_(): Number of indices (1) should be equal to source.size(dim): (2), for dim: 0")
    err(lambda: x.index_add(1, i0, o(3)), RuntimeError,
        "index_add_(): Indexing dim 1 is out of bounds of the source tensor with dim 1")
    err(lambda: x.index_add(0, i0, o(1, 3, dtype=torch.int64)), RuntimeError,
        "index_add_(): self (Float) and source (Long) must have the same scalar type")
    err(lambda: x.index_add(0, torch.tensor([[0.0]]).to(device), o(1, 3)), IndexError,
        "index_add_(): Index is supposed to be a vector, but got dim: 2 with type: Float and size: [1, 1]")
    err(lambda: x.index_fill(0, _idx([[0]], device), 1), RuntimeError, "Index has to be a vector/scalar")
    err(lambda: x.index_select(0, torch.tensor([[0.0]]).to(device)), IndexError,
        "index_select(): Index is supposed to be a vector")
    assert torch.tensor([1, 2]).to(device).index_add(0, _idx([1], device), torch.tensor([3]).to(device),
                                                     alpha=1.5).cpu().tolist() == [1, 5]  # alpha as an int
    err(lambda: x.masked_fill(m, o(1)), RuntimeError,
        "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 dimension(s).")
    err(lambda: torch.masked_fill(x, _idx([1, 0, 1], device), o(2, 2)), RuntimeError,
        "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with 2 dimension(s).")
    err(lambda: x.clone().masked_fill_(m, o(3)), RuntimeError,
        "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 dimension(s).")
    err(lambda: x.masked_select(o(3, dtype=torch.uint8)), RuntimeError, "masked_select: expected BoolTensor for mask")
    err(lambda: x.masked_scatter(m, o(3)), RuntimeError, "Number of elements of source < number of ones in mask")
    err(lambda: x.masked_scatter(m, o(6, dtype=torch.int64)), RuntimeError,
        "masked_scatter: expected self and source to have same dtypes but gotFloat and Long")
    err(lambda: x.masked_scatter(_idx([1, 0, 1], device), o(6)), RuntimeError,
        "masked_scatter_ only supports boolean masks, but got mask with dtype Long")
    r = torch.zeros(3).to(device).masked_scatter(m, torch.arange(6.0).to(device))  # mask and self broadcast
    assert r.cpu().tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    b = torch.tensor([True, False, True]).to(device)
    i = _idx([0, 1, 1], device)
    s = torch.tensor([False, True, True]).to(device)
    err(lambda: b.scatter_reduce(0, i, s, "mean"), NotImplementedError,
        "\"scatter_gather_tensor_cpu_reduce_mean\" not implemented for 'Bool'")
    err(lambda: b.scatter_reduce(0, _idx([], device), s[:0], "mean", include_self=False), NotImplementedError,
        "\"div_floor_cpu\" not implemented for 'Bool'")
    # PyTorch 2 takes "max" and "min" as amax and amin
    f = torch.tensor([1.0, 5.0, 3.0]).to(device)
    g = torch.tensor([4.0, 2.0, 7.0]).to(device)
    for alias, name in (("max", "amax"), ("min", "amin")):
        for include_self in (True, False):
            assert (f.scatter_reduce(0, i, g, alias, include_self=include_self).cpu().tolist()
                    == f.scatter_reduce(0, i, g, name, include_self=include_self).cpu().tolist())
