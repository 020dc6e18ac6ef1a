"""Basic indexing on cpu and wgpu against numpy: ints, slices (negative bounds, steps), None,
Ellipsis give views (a Python bool index copies, as in PyTorch) (writes through them reach the base); __setitem__ with numbers
and broadcast tensors; PyTorch's errors for out-of-range indices, too many indices and steps <= 0."""
import numpy as np
import pytest

from _backend import torch
from _wgpu import deferred, raises_by_sync, require

DEVICES = ["cpu", "wgpu"]
INDICES = [
    0, -1, (1, 2), (slice(None), 1), (Ellipsis, 1), (None, 0, Ellipsis, None), (slice(1, None, 2),),
    (0, slice(0, 3, 2), slice(None, None, 3)), (Ellipsis,), (1, slice(5, 9)), (True,), (0, None, 1, 2),
    (slice(-2, None), Ellipsis, slice(None, -1)), (slice(None), slice(None), 3), (-2, -3, -4), (False, 0),
    (slice(None, None, 2), None, slice(1, 3)), (slice(3, 1),),
]


def _dev(device):
    if device == "wgpu":
        require()
    return device


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("index", INDICES, ids=repr)
def test_getitem_views_match_numpy(device, index):
    _dev(device)
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    x = torch.from_numpy(a.copy()).to(device)
    r = x[index]
    e = a[index]
    assert tuple(r.shape) == e.shape
    np.testing.assert_array_equal(r.cpu().numpy(), e)
    if r.numel() and not any(isinstance(i, bool) for i in (index if isinstance(index, tuple) else (index,))):
        # A view: writing through it changes x where numpy's view changes a.
        r.fill_(-1.0) if r.dim() == 0 else r.copy_(torch.full(tuple(r.shape), -1.0).to(device))
        b = a.copy()
        b[index] = -1.0
        np.testing.assert_array_equal(x.cpu().numpy(), b)


@pytest.mark.parametrize("device", DEVICES)
def test_setitem_numbers_and_tensors(device):
    _dev(device)
    a = np.zeros((3, 4), np.float32)
    y = torch.zeros(3, 4).to(device)
    y[1] = 5
    a[1] = 5
    y[:, 2] = torch.tensor([1.0, 2.0, 3.0]).to(device)
    a[:, 2] = [1, 2, 3]
    y[0, 0] = torch.tensor(7.0)
    a[0, 0] = 7
    y[..., -1] = 9.5
    a[..., -1] = 9.5
    y[1:, None, 1] = torch.tensor([[4.0], [6.0]]).to(device)
    a[1:, None, 1] = [[4], [6]]
    np.testing.assert_array_equal(y.cpu().numpy(), a)
    z = torch.zeros(2, 3, dtype=torch.int32).to(device)
    z[0] = 2.7  # converted as the dtype converts: 2
    assert z.cpu().tolist() == [[2, 2, 2], [0, 0, 0]]


@pytest.mark.parametrize("device", DEVICES)
def test_indexing_errors(device):
    _dev(device)
    x = torch.ones(2, 3).to(device)
    with pytest.raises(IndexError) as e:
        x[5]
    assert str(e.value) == "index 5 is out of bounds for dimension 0 with size 2"
    with pytest.raises(IndexError) as e:
        x[0, -4]
    assert str(e.value) == "index -4 is out of bounds for dimension 1 with size 3"
    with pytest.raises(IndexError) as e:
        x[0, 0, 0]
    assert str(e.value) == "too many indices for tensor of dimension 2"
    with pytest.raises(ValueError) as e:
        x[::-1]
    assert str(e.value) == "step must be greater than zero"
    assert x[..., ...].shape == (2, 3)  # PyTorch lets a second ellipsis take no dims


def _adv_cases():
    i = np.array
    return [
        (i([1, 0, 1]),), ([0, 1],), (i([[0, 1], [1, 0]]),), (slice(None), i([2, 0])), (Ellipsis, i([3, -1])),
        (i([0, 1]), slice(None), i([1, 2])), (slice(None), i([0, 2]), i([1, 3])), (i([1]), 1), (None, i([1]), slice(1, None)),
        (i([[0], [1]]), i([0, 2])), (1, i([0, 2]), slice(None, None, 2)), (i([], dtype=np.int64),), (i([-1, -2]),),
        (i([True, False]),), (slice(None), i([True, False, True])), (i([[True, False, True], [False, False, True]]),),
        (True,), (False,), (0, True), (i([0, 1]), None, i([1, 2])),
    ]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("index", _adv_cases(), ids=repr)
def test_advanced_getitem_and_setitem_match_numpy(device, index):
    _dev(device)
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    x = torch.from_numpy(a.copy()).to(device)
    tindex = tuple(torch.from_numpy(i).to(device) if isinstance(i, np.ndarray) else i for i in index)
    for idx in (index, tindex):
        r = x[idx]
        e = a[index]
        assert tuple(r.shape) == e.shape, (r.shape, e.shape)
        np.testing.assert_array_equal(r.cpu().numpy(), e)
    # A copy: writing into it leaves x alone.
    if r.numel():
        r.fill_(-7.0)
        np.testing.assert_array_equal(x.cpu().numpy(), a)
    # __setitem__: a number, then a broadcast tensor (numpy's assignment is the reference).
    b = a.copy()
    b[index] = 100.0
    x[tindex] = 100.0
    np.testing.assert_array_equal(x.cpu().numpy(), b)
    pos = np.arange(a.size).reshape(a.shape)[index]
    if e.size and len(np.unique(pos)) == pos.size:  # distinct targets: the written values are defined
        vals = np.arange(e.shape[-1], dtype=np.float32) + 50
        b[index] = vals
        x[tindex] = torch.from_numpy(vals).to(device)
        np.testing.assert_array_equal(x.cpu().numpy(), b)


@pytest.mark.parametrize("device", DEVICES)
def test_mask_assignment_and_errors(device):
    _dev(device)
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    x = torch.from_numpy(a.copy()).to(device)
    x[x > 5] = 0.0
    a[a > 5] = 0
    np.testing.assert_array_equal(x.cpu().numpy(), a)
    np.testing.assert_array_equal(x[x > 1].cpu().numpy(), a[a > 1])
    # A read with a bad index raises at the next synchronisation point on wgpu, naming the op.
    with raises_by_sync(device, IndexError) as e:
        x[torch.tensor([5]).to(device)]
    assert str(e.value) == deferred(device, "index", "index 5 is out of bounds for dimension 0 with size 3")
    with raises_by_sync(device, IndexError) as e:
        x[[0, 1], [4, 0]]
    assert str(e.value) == deferred(device, "index", "index 4 is out of bounds for dimension 1 with size 4")
    with pytest.raises(IndexError) as e:
        x[torch.tensor([True, False]).to(device)]
    assert str(e.value) == ("The shape of the mask [2] at index 0 does not match the shape of the indexed tensor [3, 4] "
                            "at index 0")
    with pytest.raises(IndexError) as e:
        x[torch.tensor([0.5])]
    assert str(e.value) == "tensors used as indices must be long, int, byte or bool tensors"


@pytest.mark.parametrize("device", DEVICES)
def test_index_tensor_dtypes(device):
    """long and int tensors index; a byte tensor (or numpy uint8 array) is a mask, with PyTorch's
    deprecation warning; int8/int16 tensors are refused; numpy integer arrays of any width index."""
    _dev(device)
    x = torch.arange(6.0).reshape(2, 3).to(device)
    assert x[torch.tensor([1, 0], dtype=torch.int32).to(device)].cpu().tolist() == [[3, 4, 5], [0, 1, 2]]
    assert x[np.array([1, 0], dtype=np.int16)].cpu().tolist() == [[3, 4, 5], [0, 1, 2]]
    for mask in (torch.tensor([1, 0], dtype=torch.uint8).to(device), np.array([1, 0], dtype=np.uint8)):
        with pytest.warns(UserWarning, match="indexing with dtype torch.uint8 is now deprecated"):
            assert x[mask].cpu().tolist() == [[0, 1, 2]]
    for dt in (torch.int8, torch.int16):
        with pytest.raises(IndexError) as e:
            x[torch.tensor([1, 0], dtype=dt).to(device)]
        assert str(e.value) == "tensors used as indices must be long, int, byte or bool tensors"


@pytest.mark.parametrize("device", DEVICES)
def test_setitem_broadcast_rules_and_errors(device):
    """x[...] = v: v's leading dims of 1 are dropped, then it expands to the indexed shape (basic
    indices) or broadcasts to the indexing result (advanced ones), in PyTorch's words; advanced
    indices want v in x's dtype; only tensors, numbers and numpy integers are values."""
    _dev(device)
    x = torch.zeros(3, 4).to(device)
    x[0] = torch.ones(1, 1, 4).to(device)
    x[1:] = torch.full((1, 2, 1), 2.0).to(device)
    x[0, 0] = torch.tensor([[5.0]]).to(device)
    x[[0, 2]] = torch.full((1, 2, 4), 3.0).to(device)
    x[torch.tensor([False, True, False]).to(device)] = torch.full((1, 4), 4.0).to(device)
    x[0] = np.int64(6)
    assert x.cpu().tolist() == [[6.0] * 4, [4.0] * 4, [3.0] * 4]

    def err(fn, exc, msg):
        with pytest.raises(exc) as e:
            fn()
        assert str(e.value) == msg

    def put(index, value):
        x[index] = value

    o = lambda *s, dtype=torch.float32: torch.ones(s, dtype=dtype).to(device)  # noqa: E731
    err(lambda: put(0, o(2)), RuntimeError,
        "The expanded size of the tensor (4) must match the existing size (2) at non-singleton dimension 0.  "
        "Target sizes: [4].  Tensor sizes: [2]")
    err(lambda: put((Ellipsis,), o(3, 5)), RuntimeError,
        "The expanded size of the tensor (4) must match the existing size (5) at non-singleton dimension 1.  "
        "Target sizes: [3, 4].  Tensor sizes: [3, 5]")
    err(lambda: put(0, o(1, 2, 4, dtype=torch.int64)), RuntimeError,
        "expand(torch.LongTensor{[2, 4]}, size=[4]): the number of sizes provided (1) must be greater or equal to "
        "the number of dimensions in the tensor (2)")
    err(lambda: put((0, 0), o(2, dtype=torch.bool)), RuntimeError,
        "expand(CPUBoolType{[2]}, size=[]): the number of sizes provided (0) must be greater or equal to the "
        "number of dimensions in the tensor (1)")
    err(lambda: put([0, 1], o(1, 3)), RuntimeError,
        "shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of shape [2, 4]")
    err(lambda: put((slice(None), [0, 1]), o(2, 3)), RuntimeError,
        "shape mismatch: value tensor of shape [2, 3] cannot be broadcast to indexing result of shape [3, 2]")
    err(lambda: put(torch.tensor([], dtype=torch.int64).to(device), o(3)), RuntimeError,
        "shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of shape [0, 4]")
    err(lambda: put([0, 1], o(4, dtype=torch.int64)), RuntimeError,
        "Index put requires the source and destination dtypes match, got Float for the destination and Long for "
        "the source.")
    err(lambda: put(0, [1.0, 2.0, 3.0, 4.0]), TypeError, "can't assign a list to a torch.FloatTensor")
    err(lambda: put([0], np.float32(1)), TypeError, "can't assign a numpy.float32 to a torch.FloatTensor")
    err(lambda: put(0, np.ones(4)), TypeError, "can't assign a numpy.ndarray to a torch.FloatTensor")
