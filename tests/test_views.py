"""Views and layout: view/reshape/permute/transpose/t/T/mT/expand/squeeze/unsqueeze/flatten/
unflatten/narrow/select/movedim/as_strided/contiguous/clone, their shapes, strides and storage
offsets; writes through views reaching the base; memory shared with numpy; the version counter.

Strides of size-1 dimensions are left unchecked: any value is valid there and torch's choice is
an implementation detail (is_contiguous ignores them).
"""
import numpy as np
import pytest

from _backend import torch
from _util import to_np


def _arange(*shape, dtype=None):
    n = int(np.prod(shape)) if shape else 1
    t = torch.arange(n, dtype=dtype or torch.float32)
    return t.reshape(*shape) if shape else t.reshape(())


def _shares(a, b):
    """a and b view the same memory: a write through a is visible in b."""
    before = to_np(b).copy()
    a.add_(100)
    changed = not np.array_equal(to_np(b), before)
    a.sub_(100)
    return changed


# ---- view / reshape -----------------------------------------------------------------------------
def test_view_shares_storage():
    x = _arange(2, 3)
    v = x.view(3, 2)
    assert v.shape == (3, 2) and v.tolist() == [[0, 1], [2, 3], [4, 5]]
    assert v.data_ptr() == x.data_ptr()
    v.fill_(7)
    assert x.tolist() == [[7, 7, 7], [7, 7, 7]]


@pytest.mark.parametrize("args,shape", [((-1,), (6,)), ((3, -1), (3, 2)), ((3, -1, 1), (3, 2, 1)),
                                        (((3, 2),), (3, 2)), (([6],), (6,)),
                                        ((torch.Size([1, 6]),), (1, 6))])
def test_view_size_arguments(args, shape):
    x = _arange(2, 3)
    assert x.view(*args).shape == shape
    assert x.reshape(*args).shape == shape


def test_view_of_compatible_non_contiguous_tensor():
    """view needs only that every merged/split dim be contiguous with itself, not the tensor."""
    o = _arange(2, 3, 4).narrow(2, 0, 2)  # strides (12, 4, 1), not contiguous
    v = o.view(6, 2)
    assert v.stride() == (4, 1) and v.data_ptr() == o.data_ptr()
    assert v.tolist() == [[0, 1], [4, 5], [8, 9], [12, 13], [16, 17], [20, 21]]
    t = _arange(2, 3).t()
    assert t.view(3, 2).tolist() == t.tolist()  # same shape: always possible


def test_view_errors():
    x = _arange(2, 3)
    with pytest.raises(RuntimeError, match="view size is not compatible with input tensor's size "
                                           "and stride"):
        x.t().view(6)
    with pytest.raises(RuntimeError, match=r"shape '\[4\]' is invalid for input of size 6"):
        x.view(4)
    with pytest.raises(RuntimeError, match="only one dimension can be inferred"):
        x.view(-1, -1)


def test_reshape_is_a_view_when_possible():
    x = _arange(2, 3)
    r = x.reshape(3, 2)
    assert r.data_ptr() == x.data_ptr() and _shares(r, x)
    o = _arange(2, 3, 4).narrow(2, 0, 2)
    r = o.reshape(6, 2)
    assert r.data_ptr() == o.data_ptr() and _shares(r, o)


def test_reshape_copies_otherwise():
    x = _arange(2, 3)
    r = x.t().reshape(6)
    assert r.tolist() == [0, 3, 1, 4, 2, 5]
    assert r.is_contiguous()
    r.fill_(-1)
    assert x.tolist() == [[0, 1, 2], [3, 4, 5]]  # the copy is independent
    p = _arange(2, 3, 4).permute(1, 0, 2).reshape(3, 8)
    assert p.tolist() == to_np(_arange(2, 3, 4)).transpose(1, 0, 2).reshape(3, 8).tolist()


def test_reshape_errors():
    x = _arange(2, 3)
    with pytest.raises(RuntimeError, match=r"shape '\[5\]' is invalid for input of size 6"):
        x.reshape(5)
    with pytest.raises(RuntimeError, match=r"shape '\[-1, 4\]' is invalid for input of size 6"):
        x.reshape(-1, 4)
    with pytest.raises(RuntimeError, match="cannot reshape tensor of 0 elements into shape "
                                           r"\[0, -1\] because the unspecified dimension size -1 "
                                           "can be any value and is ambiguous"):
        torch.ones(0, 3).reshape(0, -1)
    assert torch.ones(0, 3).reshape(-1, 3).shape == (0, 3)


# ---- permute / transpose / t / T / mT / movedim -------------------------------------------------
def test_permute():
    x = _arange(2, 3, 4)
    p = x.permute(2, 0, 1)
    assert p.shape == (4, 2, 3) and p.stride() == (1, 12, 4) and not p.is_contiguous()
    assert p.tolist() == to_np(x).transpose(2, 0, 1).tolist()
    assert x.permute((1, 0, 2)).shape == (3, 2, 4)
    assert x.permute([-1, 0, 1]).shape == (4, 2, 3)
    assert _shares(p, x)


def test_permute_errors():
    x = _arange(2, 3)
    with pytest.raises(RuntimeError, match="number of dimensions in the tensor input does not "
                                           "match the length of the desired ordering of "
                                           "dimensions"):
        x.permute(0)
    with pytest.raises(RuntimeError, match=r"permute\(\): duplicate dims are not allowed"):
        x.permute(0, 0)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of "
                                         r"\[-2, 1\], but got 2\)"):
        x.permute(0, 2)


def test_transpose_and_t():
    x = _arange(2, 3, 4)
    tr = x.transpose(0, 2)
    assert tr.shape == (4, 3, 2) and tr.stride() == (1, 4, 12)
    assert x.transpose(-1, 0).stride() == (1, 4, 12)
    assert tr.tolist() == to_np(x).transpose(2, 1, 0).tolist()
    m = _arange(2, 3)
    assert m.t().shape == (3, 2) and m.t().stride() == (1, 3)
    assert m.T.stride() == (1, 3) and m.mT.stride() == (1, 3)
    assert m.t().t().is_contiguous()
    assert torch.ones(3).t().shape == (3,)  # t() of a 1-D tensor is itself
    assert torch.ones(()).t().shape == ()
    b = _arange(2, 3, 4)
    assert b.mT.shape == (2, 4, 3) and b.mT.stride() == (12, 1, 4)
    assert _shares(m.t(), m) and _shares(b.mT, b)


def test_t_and_mt_errors():
    with pytest.raises(RuntimeError, match=r"t\(\) expects a tensor with <= 2 dimensions, but "
                                           "self is 3D"):
        torch.ones(2, 3, 4).t()
    with pytest.raises(RuntimeError, match="tensor.mT is only supported on matrices or batches "
                                           "of matrices. Got 1-D tensor."):
        torch.ones(3).mT


def test_movedim():
    x = _arange(2, 3, 4)
    assert x.movedim(0, -1).shape == (3, 4, 2)
    assert x.movedim(-1, 0).shape == (4, 2, 3)
    assert x.movedim(0, 2).tolist() == np.moveaxis(to_np(x), 0, 2).tolist()
    assert x.movedim((0, 1), (2, 0)).shape == (3, 4, 2)
    assert torch.movedim(x, (0, 1), (1, 0)).tolist() == np.moveaxis(
        to_np(x), (0, 1), (1, 0)).tolist()
    assert _shares(x.movedim(0, 2), x)
    with pytest.raises(RuntimeError, match=r"movedim: repeated dim in `source` \(\[0, 0\]\)"):
        x.movedim((0, 0), (1, 2))


# ---- expand -------------------------------------------------------------------------------------
def test_expand():
    col = _arange(3, 1)
    e = col.expand(3, 4)
    assert e.shape == (3, 4) and e.stride() == (1, 0) and not e.is_contiguous()
    assert e.tolist() == [[0] * 4, [1] * 4, [2] * 4]
    assert _arange(3).expand(2, 3).stride() == (0, 1)
    assert _arange(2, 3).expand(4, 2, 3).stride() == (0, 3, 1)  # new leading dims
    assert _arange(2, 3).expand(-1, 3).shape == (2, 3)  # -1 keeps the size
    assert _arange(3).expand(2, -1).shape == (2, 3)
    assert torch.ones(2, 1).expand(2, 0).shape == (2, 0)
    assert col.expand_as(torch.ones(2, 3, 5)).shape == (2, 3, 5)
    assert e.data_ptr() == col.data_ptr()
    col.fill_(9)
    assert e.tolist() == [[9] * 4] * 3  # the expanded view sees writes to its base


def test_expand_errors():
    x = _arange(2, 3)
    with pytest.raises(RuntimeError, match=r"The expanded size of the tensor \(3\) must match the "
                                           r"existing size \(2\) at non-singleton dimension 0.  "
                                           r"Target sizes: \[3, 3\].  Tensor sizes: \[2, 3\]"):
        x.expand(3, 3)
    with pytest.raises(RuntimeError, match=r"The expanded size of the tensor \(-1\) isn't allowed "
                                           "in a leading, non-existing dimension 0"):
        torch.ones(3).expand(-1, 3)


# ---- squeeze / unsqueeze / flatten / unflatten --------------------------------------------------
def test_squeeze():
    x = torch.ones(2, 1, 3, 1)
    assert x.squeeze().shape == (2, 3)
    assert x.squeeze(1).shape == (2, 3, 1)
    assert x.squeeze(-1).shape == (2, 1, 3)
    assert x.squeeze(0).shape == (2, 1, 3, 1)  # not of size 1: unchanged
    assert x.squeeze((1, 3)).shape == (2, 3)
    assert x.squeeze((0, 1)).shape == (2, 3, 1)
    assert torch.squeeze(x, 1).shape == (2, 3, 1)
    assert torch.ones(1, 1).squeeze().shape == ()
    y = _arange(2, 1, 3)
    assert y.squeeze(1).stride() == (3, 1) and _shares(y.squeeze(), y)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of "
                                         r"\[-4, 3\], but got 4\)"):
        x.squeeze(4)


def test_unsqueeze():
    x = _arange(2, 3)
    assert x.unsqueeze(0).shape == (1, 2, 3)
    assert x.unsqueeze(1).shape == (2, 1, 3)
    assert x.unsqueeze(-1).shape == (2, 3, 1)
    assert x.unsqueeze(-3).shape == (1, 2, 3)
    assert torch.unsqueeze(x, 2).stride()[:2] == (3, 1)
    assert x.unsqueeze(0).is_contiguous()
    assert torch.ones(()).unsqueeze(0).shape == (1,)
    assert torch.ones(()).unsqueeze(-1).shape == (1,)
    assert _shares(x.unsqueeze(1), x)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of "
                                         r"\[-3, 2\], but got 3\)"):
        x.unsqueeze(3)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of "
                                         r"\[-3, 2\], but got -4\)"):
        x.unsqueeze(-4)


def test_flatten():
    x = _arange(2, 3, 4)
    assert x.flatten().shape == (24,)
    assert x.flatten(1).shape == (2, 12)
    assert x.flatten(0, 1).shape == (6, 4)
    assert x.flatten(-2).shape == (2, 12)
    assert x.flatten(2, 2).shape == (2, 3, 4)
    assert torch.flatten(_arange(2, 3, 4, 5), 1, -2).shape == (2, 12, 5)
    assert torch.ones(()).flatten().shape == (1,)
    assert x.flatten().data_ptr() == x.data_ptr()  # contiguous: a view
    tr = x.transpose(0, 2)
    f = tr.flatten()
    assert f.tolist() == to_np(x).transpose(2, 1, 0).reshape(-1).tolist()
    assert f.data_ptr() != x.data_ptr()  # not viewable: a copy
    with pytest.raises(RuntimeError, match=r"flatten\(\) has invalid args: start_dim cannot come "
                                           "after end_dim"):
        x.flatten(1, 0)


def test_unflatten():
    assert torch.ones(12).unflatten(0, (3, 4)).shape == (3, 4)
    assert torch.ones(12).unflatten(0, (3, -1)).shape == (3, 4)
    assert torch.ones(2, 12).unflatten(-1, (2, 2, 3)).shape == (2, 2, 2, 3)
    x = _arange(2, 6)
    u = x.unflatten(1, (3, 2))
    assert u.tolist() == to_np(x).reshape(2, 3, 2).tolist() and _shares(u, x)
    with pytest.raises(RuntimeError, match=r"unflatten: Provided sizes \[2, 2\] don't multiply up "
                                           r"to the size of dim 1 \(3\) in the input tensor"):
        _arange(2, 3).unflatten(1, (2, 2))


# ---- narrow / select ----------------------------------------------------------------------------
def test_narrow_and_select():
    x = _arange(3, 4)
    n = x.narrow(1, 1, 2)
    assert n.tolist() == [[1, 2], [5, 6], [9, 10]]
    assert n.storage_offset() == 1 and n.stride() == (4, 1) and not n.is_contiguous()
    assert x.narrow(1, -2, 2).tolist() == [[2, 3], [6, 7], [10, 11]]  # negative start
    assert x.narrow(0, 1, 0).shape == (0, 4)
    assert x.narrow(0, 1, 2).narrow(1, 1, 2).storage_offset() == 5
    s = x.select(1, 2)
    assert s.tolist() == [2, 6, 10] and s.storage_offset() == 2 and s.stride() == (4,)
    assert x.select(0, -1).tolist() == [8, 9, 10, 11] and x.select(0, -1).storage_offset() == 8
    assert torch.select(x, 0, 1).tolist() == [4, 5, 6, 7]
    assert x.select(0, 1).select(0, 2).shape == () and x.select(0, 1).select(0, 2).item() == 6
    assert _shares(n, x) and _shares(s, x)


def test_narrow_select_errors():
    x = _arange(2, 3)
    with pytest.raises(RuntimeError, match=r"start \(2\) \+ length \(2\) exceeds dimension size "
                                           r"\(3\)"):
        x.narrow(1, 2, 2)
    with pytest.raises(IndexError, match=r"select\(\): index 2 out of range for tensor of size "
                                         r"\[2, 3\] at dimension 0"):
        x.select(0, 2)
    with pytest.raises(IndexError, match=r"select\(\): index -3 out of range for tensor of size "
                                         r"\[2, 3\] at dimension 0"):
        x.select(0, -3)


# ---- as_strided ---------------------------------------------------------------------------------
def test_as_strided():
    s = torch.arange(10.0)
    w = torch.as_strided(s, (3, 3), (2, 1), 1)  # overlapping sliding windows
    assert w.tolist() == [[1, 2, 3], [3, 4, 5], [5, 6, 7]]
    assert w.stride() == (2, 1) and w.storage_offset() == 1
    assert torch.as_strided(s, (2, 2), (1, 2), 3).tolist() == [[3, 5], [4, 6]]
    assert s.as_strided((3,), (0,)).tolist() == [0, 0, 0]
    assert torch.as_strided(s, (3,), (4,), 1).tolist() == [1, 5, 9]  # ends exactly at the end
    assert torch.as_strided(s, (0,), (1,), 10).shape == (0,)
    # without an offset, the view keeps the input's own storage offset (storage-relative)
    v = s.narrow(0, 2, 5)
    assert torch.as_strided(v, (2,), (1,)).tolist() == [2, 3]
    assert torch.as_strided(v, (2,), (1,), 0).tolist() == [0, 1]
    w.select(0, 0).fill_(-1)  # writes go to the shared storage
    assert s.tolist()[:4] == [0, -1, -1, -1]


def test_as_strided_out_of_bounds():
    s = torch.arange(10.0)
    with pytest.raises(RuntimeError, match=r"setStorage: sizes \[11\], strides \[1\], storage "
                                           r"offset 0, and itemsize 4 requiring a storage size of "
                                           r"44 are out of bounds for storage of size 40"):
        torch.as_strided(s, (11,), (1,))
    with pytest.raises(RuntimeError, match="out of bounds for storage of size 40"):
        torch.as_strided(s, (3,), (4,), 2)
    with pytest.raises(RuntimeError, match="out of bounds for storage of size 40"):
        torch.as_strided(s, (2,), (1,), 9)
    with pytest.raises(RuntimeError, match="invalid storage offset -1"):
        torch.as_strided(s, (2,), (1,), -1)
    with pytest.raises(RuntimeError, match="as_strided: Negative strides are not supported at the "
                                           r"moment, got strides: \[-1\]"):
        torch.as_strided(s, (2,), (-1,), 5)


# ---- contiguous / clone / strides ---------------------------------------------------------------
def test_contiguous():
    x = _arange(2, 3)
    assert x.contiguous() is x
    c = x.t().contiguous()
    assert c.is_contiguous() and c.stride() == (2, 1) and c.tolist() == [[0, 3], [1, 4], [2, 5]]
    assert c.data_ptr() != x.data_ptr()
    e = _arange(3, 1).expand(3, 4).contiguous()
    assert e.stride() == (4, 1) and e.tolist() == [[0] * 4, [1] * 4, [2] * 4]


def test_clone():
    x = _arange(2, 3)
    c = x.clone()
    assert c.tolist() == x.tolist() and c.data_ptr() != x.data_ptr()
    c.fill_(0)
    assert x.tolist() == [[0, 1, 2], [3, 4, 5]]
    # clone keeps the layout of a dense non-contiguous tensor (preserve_format)...
    assert x.t().clone().stride() == (1, 3) and not x.t().clone().is_contiguous()
    # ...but an expanded (overlapping) one becomes contiguous
    assert _arange(3, 1).expand(3, 4).clone().stride() == (4, 1)
    n = _arange(3, 4).narrow(1, 1, 2).clone()
    assert n.storage_offset() == 0 and n.is_contiguous() and n.tolist() == [[1, 2], [5, 6],
                                                                             [9, 10]]


@pytest.mark.parametrize("make,contiguous", [
    (lambda: torch.ones(2, 3), True),
    (lambda: torch.ones(2, 3).t(), False),
    (lambda: torch.ones(1, 3).t(), True),  # only size-1 dims are out of order
    (lambda: torch.ones(4, 1, 3).permute(1, 0, 2), True),
    (lambda: torch.ones(2, 3, 4).permute(2, 0, 1), False),
    (lambda: torch.ones(3, 1).expand(3, 4), False),
    (lambda: torch.ones(1, 3).expand(1, 3), True),
    (lambda: torch.ones(0, 3), True),
    (lambda: torch.ones(2, 0).t(), True),  # no elements: always contiguous
    (lambda: torch.ones(()), True),
    (lambda: torch.ones(3, 4).narrow(1, 0, 2), False),
    (lambda: torch.ones(3, 4).narrow(0, 1, 2), True),  # offset alone does not matter
    (lambda: torch.arange(10.0).as_strided((2, 3), (1, 2)), False),
])
def test_is_contiguous(make, contiguous):
    assert make().is_contiguous() is contiguous


def test_strides_and_offsets():
    assert torch.ones(2, 3, 4).stride() == (12, 4, 1)
    assert torch.ones(2, 3, 4).stride(1) == 4 and torch.ones(2, 3, 4).stride(-1) == 1
    assert torch.ones(0, 3).stride() == (3, 1)
    assert torch.ones(()).stride() == ()
    assert torch.ones(2, 3).storage_offset() == 0
    x = _arange(3, 4)
    assert x.select(0, 1).narrow(0, 2, 2).storage_offset() == 6
    assert x.t().narrow(0, 1, 2).storage_offset() == 1
    assert x.t().narrow(0, 1, 2).data_ptr() - x.data_ptr() == 4  # bytes
    assert x.select(1, 1).data_ptr() - x.data_ptr() == 4


# ---- writes through views -----------------------------------------------------------------------
_F32 = 4  # bytes per element, for numpy's byte strides
VIEWS = {  # the same view taken by torch and by numpy
    "t": (lambda b: b.t(), lambda a: a.T),
    "narrow": (lambda b: b.narrow(1, 1, 2), lambda a: a[:, 1:3]),
    "select": (lambda b: b.select(0, 1), lambda a: a[1]),
    "view_narrow": (lambda b: b.view(12).narrow(0, 3, 6), lambda a: a.reshape(12)[3:9]),
    "permute_unsqueeze": (lambda b: b.permute(1, 0).unsqueeze(0), lambda a: a.T[None]),
    "as_strided": (lambda b: torch.as_strided(b, (2, 2), (5, 2), 1),
                   lambda a: np.lib.stride_tricks.as_strided(a.reshape(-1)[1:], (2, 2),
                                                             (5 * _F32, 2 * _F32))),
    "flatten": (lambda b: b.flatten(), lambda a: a.reshape(-1)),
    "reshape_movedim": (lambda b: b.reshape(2, 6).movedim(1, 0),
                        lambda a: np.moveaxis(a.reshape(2, 6), 1, 0)),
}


@pytest.mark.parametrize("view_id", VIEWS)
@pytest.mark.parametrize("write", ["fill_", "add_", "copy_", "mul_", "zero_"])
def test_writes_through_views_reach_the_base(view_id, write):
    make_view, make_np_view = VIEWS[view_id]
    base = _arange(3, 4)
    expected = np.arange(12, dtype=np.float32).reshape(3, 4)
    view, np_view = make_view(base), make_np_view(expected)
    version = base._version
    if write == "fill_":
        view.fill_(-3)
        np_view[...] = -3
    elif write == "add_":
        view.add_(10)
        np_view += 10
    elif write == "mul_":
        view.mul_(torch.tensor(-2.0))
        np_view *= -2
    elif write == "zero_":
        view.zero_()
        np_view[...] = 0
    else:
        n = view.shape[-1]
        view.copy_(torch.arange(float(n)))  # broadcasts along the leading dims
        np_view[...] = np.arange(n)
    assert base.tolist() == expected.tolist()
    assert base._version > version and view._version == base._version


def test_copy_converts_and_broadcasts_into_view():
    base = torch.zeros(2, 3, dtype=torch.int32)
    base.t().copy_(torch.tensor([[1.7], [-2.7], [3.0]]))  # (3, 1) -> (3, 2), float -> int32
    assert base.tolist() == [[1, -2, 3], [1, -2, 3]]  # truncation toward zero


# ---- memory shared with numpy -------------------------------------------------------------------
def test_from_numpy_shares_memory():
    a = np.arange(6, dtype=np.float64).reshape(2, 3)
    t = torch.from_numpy(a)
    a[0, 0] = 100
    assert t.select(0, 0).select(0, 0).item() == 100
    t.select(1, 2).fill_(-1)
    assert a[:, 2].tolist() == [-1, -1]
    assert t.dtype == torch.float64 and t.data_ptr() == a.ctypes.data


def test_from_numpy_keeps_strides():
    a = np.arange(12, dtype=np.int32).reshape(3, 4)
    t = torch.from_numpy(a.T)
    assert t.shape == (4, 3) and t.stride() == (1, 4) and t.tolist() == a.T.tolist()
    t.add_(1)
    assert a[0].tolist() == [1, 2, 3, 4]
    s = torch.from_numpy(a[::2, 1::2])  # numpy slicing: strides in elements, with an offset
    assert s.stride() == (8, 2) and s.tolist() == [[2, 4], [10, 12]]


def test_numpy_shares_memory():
    t = _arange(2, 3)
    a = t.numpy()
    a[1, 1] = 42
    assert t.tolist() == [[0, 1, 2], [3, 42, 5]]
    t.fill_(7)
    assert (a == 7).all()
    v = t.t().numpy()  # a view gives a strided numpy view
    assert v.shape == (3, 2) and v.strides == (4, 12)
    v[0, 1] = -1
    assert t.tolist()[1][0] == -1
    b = np.asarray(t)  # __array__ also shares, no copy
    b[0, 0] = 5
    assert t.tolist()[0][0] == 5


def test_version_counter():
    x = torch.zeros(2, 3)
    v = x.t()
    assert x._version == 0 and v._version == 0
    v.add_(1)
    assert x._version == 1 and v._version == 1  # shared by all views of the storage
    x.fill_(2)
    assert v._version == 2
    x += 1
    assert x._version == 3
    x.copy_(torch.ones(2, 3))
    assert x._version == 4
    y = x + 1  # out-of-place: a new tensor with its own counter, x unchanged
    assert y._version == 0 and x._version == 4
    assert x.clone()._version == 0
    w = x.view(6)
    x.mul_(3)
    assert w._version == 5


def test_movedim_of_zero_d_tensor():
    # found by test_no_panic: dim 0 of a 0-d tensor indexed an empty table
    t = torch.tensor(3)
    for src, dst in [(0, 0), (-1, 0), ([0], [-1])]:
        assert t.movedim(src, dst).tolist() == 3
    with pytest.raises(IndexError, match="Dimension out of range"):
        t.movedim(1, 0)
