"""Matrix products on cpu and wgpu against numpy: matmul's rank rules and batch broadcasting,
mm/bmm/mv/dot/vdot/outer/addmm/baddbmm/tensordot/kron/einsum, every dtype, transposed, sliced,
expanded (stride-0) and empty operands, and PyTorch's errors word for word.

Inputs are small integers (exact in every dtype, so float sums are exact too up to float16's and
bfloat16's rounding of the result), except where a tolerance is stated."""
import numpy as np
import pytest

from _backend import IS_REFERENCE, torch
from _util import INT_NAMES, STORAGE_NP, exact, to_np, to_tensor
from _wgpu import require

DEVICES = ["cpu", "wgpu"]
DTYPES = ["float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8"]


def _device(device, dtype="float32"):
    if device == "wgpu":
        props = require()
        if dtype == "float64" and props.get("shader_f64") != "true":
            pytest.skip("no SHADER_F64")
    return device


def _values(shape, dtype, seed, lo=-3, hi=4):
    rng = np.random.default_rng(seed)
    if dtype == "uint8":
        lo = 0
    return exact(dtype, rng.integers(lo, hi, shape))


def _t(arr, dtype, device):
    return to_tensor(arr, dtype).to(device)


def _reference(fn, *arrays, dtype):
    """numpy's result in float64 (ints: int64, then wrapped to the dtype as torch's kernels wrap)."""
    if dtype in INT_NAMES:
        r = fn(*[a.astype(np.int64) for a in arrays])
        return np.asarray(r).astype(STORAGE_NP[dtype])
    r = fn(*[a.astype(np.float64) for a in arrays])
    return exact(dtype, r)


def _check(result, expected, dtype, device, rtol=None):
    assert result.device.type == device
    assert result.dtype == getattr(torch, dtype)
    got = to_np(result.cpu())
    assert got.shape == expected.shape, (got.shape, expected.shape)
    if dtype in INT_NAMES:
        np.testing.assert_array_equal(got, expected)
    else:
        tol = rtol if rtol is not None else {"float16": 1e-3, "bfloat16": 8e-3}.get(dtype, 1e-6)
        np.testing.assert_allclose(got.astype(np.float64), expected.astype(np.float64), rtol=tol, atol=tol)


MATMUL_SHAPES = [
    ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)),
    ((5, 2, 3), (5, 3, 4)), ((2, 1, 2, 3), (4, 3, 5)), ((5, 4, 3), (3,)), ((3,), (5, 3, 2)), ((1, 7), (7, 1)),
    ((0, 3), (3, 4)), ((2, 0), (0, 4)), ((2, 3), (3, 0)), ((0, 2, 3), (3, 4)), ((0,), (0,)),
    ((17, 33), (33, 9)), ((2, 65, 70), (2, 70, 67)),
]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("sa,sb", MATMUL_SHAPES, ids=str)
def test_matmul_shapes_and_dtypes(device, dtype, sa, sb):
    _device(device, dtype)
    a, b = _values(sa, dtype, 1), _values(sb, dtype, 2)
    r = torch.matmul(_t(a, dtype, device), _t(b, dtype, device))
    _check(r, _reference(np.matmul, a, b, dtype=dtype), dtype, device)
    r2 = _t(a, dtype, device) @ _t(b, dtype, device)
    _check(r2, _reference(np.matmul, a, b, dtype=dtype), dtype, device)


LAYOUTS = ["transposed_a", "transposed_b", "both_transposed", "sliced", "expanded_batch", "stepped"]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", ["float32", "float16", "int32"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_strided_operands_read_in_place(device, dtype, layout):
    """Transposed, sliced, stepped and stride-0 operands give numpy's product (read without copies)."""
    _device(device, dtype)
    n, k, m = 6, 5, 7
    if layout == "transposed_a":
        a0 = _values((k, n), dtype, 3)
        a, an = _t(a0, dtype, device).t(), a0.T
        b0 = _values((k, m), dtype, 4)
        b, bn = _t(b0, dtype, device), b0
    elif layout == "transposed_b":
        a0, b0 = _values((n, k), dtype, 3), _values((m, k), dtype, 4)
        a, an, b, bn = _t(a0, dtype, device), a0, _t(b0, dtype, device).t(), b0.T
    elif layout == "both_transposed":
        a0, b0 = _values((3, k, n), dtype, 3), _values((3, m, k), dtype, 4)
        a, an = _t(a0, dtype, device).transpose(1, 2), a0.transpose(0, 2, 1)
        b, bn = _t(b0, dtype, device).transpose(1, 2), b0.transpose(0, 2, 1)
    elif layout == "sliced":
        a0, b0 = _values((n + 2, k + 3), dtype, 3), _values((k + 1, m + 4), dtype, 4)
        a, an = _t(a0, dtype, device).narrow(0, 1, n).narrow(1, 2, k), a0[1:1 + n, 2:2 + k]
        b, bn = _t(b0, dtype, device).narrow(0, 1, k).narrow(1, 3, m), b0[1:1 + k, 3:3 + m]
    elif layout == "expanded_batch":
        a0, b0 = _values((4, n, k), dtype, 3), _values((1, k, m), dtype, 4)
        a, an = _t(a0, dtype, device), a0
        b, bn = _t(b0, dtype, device).expand(4, k, m), np.broadcast_to(b0, (4, k, m))
    else:  # stepped: every other row and column, through as_strided
        a0, b0 = _values((2 * n, 2 * k), dtype, 3), _values((2 * k, 2 * m), dtype, 4)
        a = _t(a0, dtype, device).as_strided((n, k), (4 * k, 2))
        b = _t(b0, dtype, device).as_strided((k, m), (4 * m, 2))
        an, bn = a0[::2, ::2], b0[::2, ::2]
    _check(torch.matmul(a, b), _reference(np.matmul, an, bn, dtype=dtype), dtype, device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_product_functions(device, dtype):
    _device(device, dtype)
    a, b = _values((3, 4), dtype, 5), _values((4, 2), dtype, 6)
    v, w = _values((4,), dtype, 7), _values((4,), dtype, 8)
    A, B, V, W = (_t(x, dtype, device) for x in (a, b, v, w))
    _check(torch.mm(A, B), _reference(np.matmul, a, b, dtype=dtype), dtype, device)
    _check(A.mm(B), _reference(np.matmul, a, b, dtype=dtype), dtype, device)
    _check(torch.mv(A, V), _reference(np.matmul, a, v, dtype=dtype), dtype, device)
    _check(torch.dot(V, W), _reference(np.dot, v, w, dtype=dtype), dtype, device)
    _check(torch.vdot(V, W), _reference(np.vdot, v, w, dtype=dtype), dtype, device)
    _check(torch.outer(V, W), _reference(np.outer, v, w, dtype=dtype), dtype, device)
    _check(V.ger(W), _reference(np.outer, v, w, dtype=dtype), dtype, device)
    ba, bb = _values((2, 3, 4), dtype, 9), _values((2, 4, 5), dtype, 10)
    _check(torch.bmm(_t(ba, dtype, device), _t(bb, dtype, device)), _reference(np.matmul, ba, bb, dtype=dtype),
           dtype, device)
    x, y = _values((3, 4, 5), dtype, 11), _values((4, 5, 2), dtype, 12)
    X, Y = _t(x, dtype, device), _t(y, dtype, device)
    _check(torch.tensordot(X, Y), _reference(lambda p, q: np.tensordot(p, q, 2), x, y, dtype=dtype), dtype, device)
    _check(torch.tensordot(X, Y, dims=([1], [0])),
           _reference(lambda p, q: np.tensordot(p, q, ([1], [0])), x, y, dtype=dtype), dtype, device)
    _check(torch.tensordot(X, Y, dims=0), _reference(lambda p, q: np.tensordot(p, q, 0), x, y, dtype=dtype),
           dtype, device)
    k1, k2 = _values((2, 3), dtype, 13), _values((3, 2, 2), dtype, 14)
    _check(torch.kron(_t(k1, dtype, device), _t(k2, dtype, device)), _reference(np.kron, k1, k2, dtype=dtype),
           dtype, device)


@pytest.mark.parametrize("device", DEVICES)
def test_addmm_and_baddbmm(device):
    _device(device)
    dtype = "float32"
    i, a, b = _values((3,), dtype, 1), _values((2, 4), dtype, 2), _values((4, 3), dtype, 3)
    I, A, B = (_t(x, dtype, device) for x in (i, a, b))
    _check(torch.addmm(I, A, B), _reference(lambda p, q, r: p + q @ r, i, a, b, dtype=dtype), dtype, device)
    _check(torch.addmm(I, A, B, beta=0.5, alpha=2),
           _reference(lambda p, q, r: 0.5 * p + 2 * (q @ r), i, a, b, dtype=dtype), dtype, device)
    # beta = 0 ignores input, NaN included (PyTorch's rule).
    nan = _t(np.full((2, 3), np.nan, np.float32), dtype, device)
    _check(torch.addmm(nan, A, B, beta=0), _reference(np.matmul, a, b, dtype=dtype), dtype, device)
    C = _t(np.zeros((2, 3), np.float32), dtype, device)
    assert C.addmm_(A, B) is C
    _check(C, _reference(np.matmul, a, b, dtype=dtype), dtype, device)
    bi, b1, b2 = _values((2, 1, 3), dtype, 4), _values((2, 2, 4), dtype, 5), _values((2, 4, 3), dtype, 6)
    _check(torch.baddbmm(_t(bi, dtype, device), _t(b1, dtype, device), _t(b2, dtype, device), alpha=3),
           _reference(lambda p, q, r: p + 3 * (q @ r), bi, b1, b2, dtype=dtype), dtype, device)


EINSUM = [
    ("ij,jk->ik", [(3, 4), (4, 5)]), ("ij,jk", [(3, 4), (4, 5)]), ("ii", [(4, 4)]), ("ii->i", [(4, 4)]),
    ("ij->ji", [(3, 4)]), ("ijk->", [(2, 3, 4)]), ("i,i->", [(5,), (5,)]), ("i,j->ij", [(3,), (4,)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]), ("...ij,...jk->...ik", [(2, 3, 4), (4, 5)]),
    ("ij,ij->ij", [(3, 4), (3, 4)]), ("abc,cd,de->abe", [(2, 3, 4), (4, 5), (5, 2)]), ("iij->j", [(3, 3, 2)]),
    ("ij,kj->ik", [(3, 4), (5, 4)]), ("i...->...", [(3, 2, 2)]), ("ba", [(3, 4)]), ("ij,jk,kl->li", [(2, 3), (3, 4), (4, 2)]),
]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", ["float32", "int64"])
@pytest.mark.parametrize("eq,shapes", EINSUM, ids=[e for e, _ in EINSUM])
def test_einsum_matches_numpy(device, dtype, eq, shapes):
    _device(device, dtype)
    arrays = [_values(s, dtype, 20 + j) for j, s in enumerate(shapes)]
    r = torch.einsum(eq, *[_t(x, dtype, device) for x in arrays])
    _check(r, _reference(lambda *xs: np.einsum(eq, *xs), *arrays, dtype=dtype), dtype, device)
    # The operand list form.
    r2 = torch.einsum(eq, [_t(x, dtype, device) for x in arrays])
    _check(r2, _reference(lambda *xs: np.einsum(eq, *xs), *arrays, dtype=dtype), dtype, device)


@pytest.mark.parametrize("device", DEVICES)
def test_larger_float32_products_within_tolerance(device):
    """Random normal inputs (not exact): float32 accumulation against float64 numpy."""
    _device(device)
    rng = np.random.default_rng(30)
    a = rng.standard_normal((3, 130, 70)).astype(np.float32)
    b = rng.standard_normal((3, 70, 129)).astype(np.float32)
    r = torch.from_numpy(a).to(device) @ torch.from_numpy(b).to(device)
    np.testing.assert_allclose(r.cpu().numpy(), a.astype(np.float64) @ b.astype(np.float64), rtol=1e-4, atol=1e-4)


def _err(fn, exc, msg):
    with pytest.raises(exc) as e:
        fn()
    assert str(e.value) == msg


@pytest.mark.parametrize("device", DEVICES)
def test_errors_match_pytorch(device):
    _device(device)
    o = lambda *s, dtype=torch.float32: torch.ones(s, dtype=dtype).to(device)  # noqa: E731
    _err(lambda: torch.mm(o(2, 3), o(4, 5)), RuntimeError, "mm: mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)")
    _err(lambda: o(2, 3) @ o(4, 5), RuntimeError, "mm: mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)")
    _err(lambda: torch.matmul(o(3), o(4, 5)), RuntimeError,
         "mm: mat1 and mat2 shapes cannot be multiplied (1x3 and 4x5)")
    _err(lambda: torch.matmul(o(3), o(4)), RuntimeError,
         "inconsistent tensor size, expected tensor [3] and src [4] to have the same number of elements, but got 3 "
         "and 4 elements respectively")
    _err(lambda: torch.bmm(o(2, 2, 3), o(3, 3, 4)), RuntimeError,
         "Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: [3, 3].")
    _err(lambda: torch.mv(o(2, 3), o(4)), RuntimeError, "size mismatch, got input (2), mat (2x3), vec (4)")
    _err(lambda: torch.matmul(o(2, 3), o(4)), RuntimeError, "size mismatch, got input (2), mat (2x3), vec (4)")
    _err(lambda: torch.matmul(o(5, 4, 3), o(4)), RuntimeError, "size mismatch, got input (20), mat (20x3), vec (4)")
    _err(lambda: torch.matmul(o(2, 2, 3), o(3, 2, 4)), RuntimeError,
         "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0")
    _err(lambda: torch.matmul(o(), o(3)), RuntimeError,
         "both arguments to matmul need to be at least 1D, but they are 0D and 1D")
    _err(lambda: torch.mm(o(3), o(3, 3)), RuntimeError, "mm: self must be a matrix, got 1-D tensor")
    _err(lambda: torch.bmm(o(3, 3), o(3, 3)), RuntimeError, "batch1 must be a 3D tensor")
    _err(lambda: torch.dot(o(3, 1), o(3)), RuntimeError, "1D tensors expected, but got 2D and 1D tensors")
    _err(lambda: torch.dot(o(3), o(3, dtype=torch.float64)), RuntimeError,
         "dot : expected both vectors to have same dtype, but found Float and Double")
    _err(lambda: torch.mm(o(2, 2), o(2, 2, dtype=torch.float64)), RuntimeError,
         "expected m1 and m2 to have the same dtype, but got: float != double")
    _err(lambda: torch.mm(o(2, 2, dtype=torch.int64), o(2, 2, dtype=torch.float16)), RuntimeError,
         "expected m1 and m2 to have the same dtype, but got: long int != c10::Half")
    _err(lambda: torch.mm(o(2, 2, dtype=torch.bool), o(2, 2, dtype=torch.bool)), NotImplementedError,
         "\"addmm_impl_cpu_\" not implemented for 'Bool'")
    with pytest.raises(TypeError):
        torch.matmul(o(2, 2), [[1.0]])


def test_mixed_devices_raise():
    if IS_REFERENCE:
        pytest.skip("PyTorch has no wgpu device")
    require()
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        torch.ones(2, 2) @ torch.ones(2, 2).to("wgpu")
