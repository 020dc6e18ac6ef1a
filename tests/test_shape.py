"""Shape assembly on cpu and wgpu against numpy: cat/stack/hstack/vstack/dstack, split/chunk/unbind,
repeat/tile/repeat_interleave, roll, tril/triu, diag/diagonal/trace, Tensor.unfold; views where
PyTorch returns views, non-contiguous and empty inputs, dtype promotion, and PyTorch's errors."""
import numpy as np
import pytest

from _backend import torch
from _util import to_np, to_tensor
from _wgpu import require

DEVICES = ["cpu", "wgpu"]
DTYPES = ["float32", "float16", "bfloat16", "int64", "int32", "uint8", "bool"]


def _dev(device):
    if device == "wgpu":
        require()
    return device


def _arr(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return rng.random(shape) < 0.5
    return rng.integers(0, 9, shape).astype({"bfloat16": np.float32}.get(dtype, dtype))


def _t(a, dtype, device):
    return to_tensor(a, dtype).to(device)


def _eq(t, expected, device):
    assert t.device.type == device
    np.testing.assert_array_equal(to_np(t.cpu()), expected)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_cat_stack_family(device, dtype):
    _dev(device)
    a, b = _arr((2, 3), dtype, 1), _arr((4, 3), dtype, 2)
    A, B = _t(a, dtype, device), _t(b, dtype, device)
    _eq(torch.cat([A, B]), np.concatenate([a, b]), device)
    _eq(torch.cat((A.t(), B.t()), dim=-1), np.concatenate([a.T, b.T], axis=-1), device)  # strided pieces
    _eq(torch.concat([A, torch.ones(0, dtype=A.dtype).to(device)]), a, device)  # 1-D empty skipped
    _eq(torch.stack([A, A], dim=1), np.stack([a, a], axis=1), device)
    _eq(torch.hstack([A, A]), np.hstack([a, a]), device)
    _eq(torch.vstack([A, B]), np.vstack([a, b]), device)
    _eq(torch.dstack([A, A]), np.dstack([a, a]), device)
    v = _arr((3,), dtype, 3)
    _eq(torch.hstack([_t(v, dtype, device), _t(v, dtype, device)]), np.hstack([v, v]), device)
    _eq(torch.vstack([_t(v, dtype, device), _t(v, dtype, device)]), np.vstack([v, v]), device)
    _eq(torch.cat([A.narrow(0, 0, 0), A]), a, device)


def test_cat_promotes_and_checks():
    r = torch.cat([torch.ones(2, dtype=torch.int32), torch.ones(1, dtype=torch.float16)])
    assert r.dtype == torch.float16 and r.tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(RuntimeError) as e:
        torch.cat([torch.ones(2, 2), torch.ones(2, 3)])
    assert str(e.value) == ("Sizes of tensors must match except in dimension 0. Expected size 2 but got size 3 for "
                            "tensor number 1 in the list.")
    with pytest.raises(ValueError) as e:
        torch.cat([])
    assert str(e.value) == "torch.cat(): expected a non-empty list of Tensors"
    with pytest.raises(RuntimeError) as e:
        torch.stack([torch.ones(2, 3), torch.ones(2, 4)])
    assert str(e.value) == "stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [2, 4] at entry 1"
    with pytest.raises(RuntimeError) as e:
        torch.cat([torch.ones(2), torch.ones(2, 2)])
    assert str(e.value) == "Tensors must have same number of dimensions: got 1 and 2"
    with pytest.raises(IndexError) as e:
        torch.cat([torch.ones(2)], dim=2)
    assert str(e.value) == "Dimension out of range (expected to be in range of [-1, 0], but got 2)"


@pytest.mark.parametrize("device", DEVICES)
def test_split_chunk_unbind_are_views(device):
    _dev(device)
    a = _arr((5, 4), "float32")
    A = _t(a, "float32", device)
    parts = torch.split(A, 2)
    assert [p.shape[0] for p in parts] == [2, 2, 1]
    assert parts[1].storage_offset() == 8 and parts[2].stride() == (4, 1)  # views of A
    for p, q in zip(parts, np.split(a, [2, 4])):
        _eq(p, q, device)
    assert [p.shape[1] for p in A.split([1, 3], dim=1)] == [1, 3]
    assert [p.shape[0] for p in torch.chunk(A, 3)] == [2, 2, 1]
    assert [p.shape[0] for p in torch.chunk(torch.arange(6).to(device), 4)] == [2, 2, 2]
    rows = torch.unbind(A)
    assert len(rows) == 5
    _eq(rows[3], a[3], device)
    _eq(A.unbind(1)[2], a[:, 2], device)
    with pytest.raises(RuntimeError) as e:
        torch.split(A, [2, 2])
    assert str(e.value) == ("split_with_sizes expects split_sizes to sum exactly to 5 (input tensor's size at "
                            "dimension 0), but got split_sizes=[2, 2]")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", ["float32", "int64", "bool"])
def test_repeat_tile_interleave(device, dtype):
    _dev(device)
    a = _arr((2, 3), dtype)
    A = _t(a, dtype, device)
    _eq(A.repeat(2, 3), np.tile(a, (2, 3)), device)
    _eq(A.repeat(2, 1, 2), np.tile(a, (2, 1, 2)), device)
    _eq(A.t().repeat(1, 2), np.tile(a.T, (1, 2)), device)
    _eq(torch.tile(A, (2,)), np.tile(a, (1, 2)), device)
    _eq(torch.repeat_interleave(A, 2), np.repeat(a, 2), device)
    _eq(A.repeat_interleave(2, dim=1), np.repeat(a, 2, axis=1), device)
    counts = torch.tensor([1, 0, 2]).to(device)
    _eq(torch.repeat_interleave(A, counts, dim=1), np.repeat(a, [1, 0, 2], axis=1), device)
    _eq(torch.repeat_interleave(torch.tensor([2, 1]).to(device)), np.array([0, 0, 1]), device)
    with pytest.raises(RuntimeError) as e:
        A.repeat(2)
    assert str(e.value) == ("Number of dimensions of repeat dims can not be smaller than number of dimensions of "
                            "tensor")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", ["float32", "int32", "bool"])
def test_roll_tril_triu(device, dtype):
    _dev(device)
    a = _arr((3, 4), dtype)
    A = _t(a, dtype, device)
    _eq(torch.roll(A, 1), np.roll(a, 1), device)
    _eq(torch.roll(A, -5, 1), np.roll(a, -5, 1), device)
    _eq(A.roll((1, 2), (0, 1)), np.roll(a, (1, 2), (0, 1)), device)
    for k in (-1, 0, 2):
        _eq(torch.tril(A, k), np.tril(a, k), device)
        _eq(A.triu(k), np.triu(a, k), device)
    b = _arr((2, 3, 3), dtype)
    _eq(torch.tril(_t(b, dtype, device)), np.tril(b), device)
    _eq(torch.triu(_t(b, dtype, device).transpose(1, 2)), np.triu(b.transpose(0, 2, 1)), device)
    C = _t(a, dtype, device)
    assert C.tril_() is C
    _eq(C, np.tril(a), device)


@pytest.mark.parametrize("device", DEVICES)
def test_diag_diagonal_trace_unfold(device):
    _dev(device)
    a = np.arange(12).reshape(3, 4)
    A = _t(a, "int64", device)
    for k in (-2, -1, 0, 1, 3, 5):
        _eq(torch.diagonal(A, k), np.diagonal(a, k), device)
        _eq(torch.diag(A, k), np.diag(a, k), device)
    v = np.array([1, 2, 3])
    for k in (-1, 0, 2):
        _eq(torch.diag(_t(v, "int64", device), k), np.diag(v, k), device)
    b = np.arange(24).reshape(2, 3, 4)
    _eq(torch.diagonal(_t(b, "int64", device), 0, 1, 2), np.diagonal(b, 0, 1, 2), device)
    _eq(torch.diagonal(_t(b, "int64", device), 1, -1, 0), np.diagonal(b, 1, -1, 0), device)
    assert A.diagonal().stride() == (5,) and A.diagonal(1).storage_offset() == 1  # a view, not a copy
    assert torch.trace(A).item() == np.trace(a)
    x = np.arange(10)
    X = _t(x, "int64", device)
    _eq(X.unfold(0, 3, 2), np.lib.stride_tricks.sliding_window_view(x, 3)[::2], device)
    _eq(_t(a, "int64", device).unfold(1, 2, 1), np.lib.stride_tricks.sliding_window_view(a, 2, axis=1), device)
    with pytest.raises(RuntimeError) as e:
        torch.trace(_t(b, "int64", device))
    assert str(e.value) == "trace: expected a matrix, but got tensor with dim 3"
    with pytest.raises(RuntimeError) as e:
        X.unfold(0, 11, 1)
    assert str(e.value) == "maximum size for tensor at dimension 0 is 10 but size is 11"


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", ["float32", "int64", "bool"])
def test_flip(device, dtype):
    _dev(device)
    a = _arr((2, 3, 4), dtype)
    A = _t(a, dtype, device)
    for dims in ([0], [2], [0, 2], [-1, 1], (0, 1, 2)):
        _eq(torch.flip(A, dims), np.flip(a, dims), device)
    _eq(A.flip(1), np.flip(a, 1), device)
    _eq(A.transpose(0, 2).flip(0), np.flip(a.transpose(2, 1, 0), 0), device)
    _eq(torch.fliplr(A), np.fliplr(a), device)
    _eq(torch.flipud(A), np.flipud(a), device)
    with pytest.raises(RuntimeError) as e:
        torch.flip(A, [0, 0])
    assert str(e.value) == "dim 0 appears multiple times in the list of dims"


@pytest.mark.parametrize("device", DEVICES)
def test_empty_splits_repeat_counts_and_trace_of_bool(device):
    _dev(device)
    z = torch.zeros(0, 3).to(device)
    for parts in (torch.split(z, 2), z.split(1), torch.split(z, 0), torch.chunk(z, 1)):
        assert [tuple(p.shape) for p in parts] == [(0, 3)]  # a 0-size dim: one empty piece
    assert [tuple(p.shape) for p in torch.split(torch.zeros(3, 0).to(device), 2, 1)] == [(3, 0)]
    assert [tuple(p.shape) for p in torch.chunk(z, 3)] == [(0, 3)] * 3

    def err(fn, exc, msg):
        with pytest.raises(exc) as e:
            fn()
        assert str(e.value) == msg

    err(lambda: torch.split(torch.tensor(1.0).to(device), 1), RuntimeError,
        "split expects at least a 1-dimensional tensor")
    x = torch.zeros(2, 3).to(device)
    # the negative size named is the result's (count times size), the first one found
    err(lambda: x.repeat(-1, 1), RuntimeError, "Trying to create tensor with negative dimension -2: [-2, 3]")
    err(lambda: x.repeat(-2, -3), RuntimeError, "Trying to create tensor with negative dimension -4: [-4, -9]")
    err(lambda: x.repeat(2, -1, 1), RuntimeError, "Trying to create tensor with negative dimension -2: [2, -2, 3]")
    err(lambda: torch.tile(x, (-1, 1)), RuntimeError, "Trying to create tensor with negative dimension -2: [-2, 3]")
    assert z.repeat(-1, 1).shape == (0, 3)  # -1 copies of nothing are nothing
    b = torch.ones(3, 3, dtype=torch.bool).to(device)
    for fn in (lambda: torch.trace(b), lambda: b.trace(), lambda: torch.trace(b[0])):
        err(fn, NotImplementedError, "\"trace\" not implemented for 'Bool'")
