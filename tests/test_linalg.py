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


@pytest.mark.parametrize("device", DEVICES)
def test_bool_and_mixed_dtype_errors_name_pytorchs_kernel(device):
    """Each product refuses bool and mixed dtypes in the words of the kernel PyTorch routes it to
    (matmul: dot, addmv, addmm or bmm by rank; a batch that folds without a copy goes to mm/mv)."""
    _device(device)
    B, I, L = torch.bool, torch.int32, torch.int64
    o = lambda *s, dtype=B: torch.ones(s, dtype=dtype).to(device)  # noqa: E731
    kernel = lambda k: (NotImplementedError, f"\"{k}\" not implemented for 'Bool'")  # noqa: E731
    cases = [
        (lambda: torch.matmul(o(3), o(3)), *kernel("dot")),
        (lambda: torch.matmul(o(2, 3), o(3)), *kernel("addmv_impl_cpu")),
        (lambda: torch.matmul(o(2, 2, 3), o(3)), *kernel("addmv_impl_cpu")),
        (lambda: torch.matmul(o(3), o(3, 2)), *kernel("addmm_impl_cpu_")),
        (lambda: torch.matmul(o(2, 2, 3), o(3, 2)), *kernel("addmm_impl_cpu_")),
        (lambda: torch.matmul(o(3, 2, 2).transpose(0, 1), o(2, 2)), *kernel("bmm")),  # no fold: a copy
        (lambda: torch.matmul(o(3), o(2, 3, 2)), *kernel("bmm")),
        (lambda: torch.matmul(o(1), o(5, 1, 2)), *kernel("addmv_impl_cpu")),  # [5, 2, 1] folds
        (lambda: torch.matmul(o(2, 3), o(2, 3, 2)), *kernel("bmm")),
        (lambda: torch.mv(o(2, 3), o(3)), *kernel("addmv_impl_cpu")),
        (lambda: torch.bmm(o(1, 2, 3), o(1, 3, 2)), *kernel("bmm")),
        (lambda: torch.dot(o(3), o(3)), *kernel("dot")),
        (lambda: torch.dot(o(0), o(0)), *kernel("dot")),
        (lambda: torch.vdot(o(3), o(3)), *kernel("dot")),
        (lambda: torch.addmm(o(2, 2), o(2, 3), o(3, 2)), *kernel("addmm_impl_cpu_")),
        (lambda: torch.baddbmm(o(1, 2, 2), o(1, 2, 3), o(1, 3, 2)), *kernel("baddbmm")),
        (lambda: torch.einsum("ij,jk", o(2, 3), o(3, 2)), *kernel("bmm")),
        (lambda: torch.tensordot(o(2, 3), o(3, 2), 1), *kernel("addmm_impl_cpu_")),
        (lambda: torch.addmm(o(2, 2), o(2, 0), o(0, 2)), RuntimeError,
         "result type Long can't be cast to the desired output type Bool"),
        (lambda: torch.mv(o(2, 3, dtype=I), o(3, dtype=L)), RuntimeError,
         "addmv input tensors must have the same dtype, but got Long, Int, and Long"),
        (lambda: torch.matmul(o(1, dtype=I), o(5, 1, 2, dtype=L)), RuntimeError,
         "addmv input tensors must have the same dtype, but got Int, Long, and Int"),
        (lambda: torch.bmm(o(1, 2, 3, dtype=I), o(1, 3, 2, dtype=L)), RuntimeError,
         "expected scalar type Int but found Long"),
        (lambda: torch.bmm(o(1, 2, 3, dtype=I), o(1, 3, 2)), RuntimeError, "expected scalar type Int but found Bool"),
        (lambda: torch.matmul(o(2, 2, 3, dtype=I), o(2, 3, 2, dtype=torch.float32)), RuntimeError,
         "expected scalar type Int but found Float"),
        (lambda: torch.matmul(o(2, 2, 0, dtype=I), o(0, 3, dtype=L)), RuntimeError,
         "expected m1 and m2 to have the same dtype, but got: int != long int"),
        (lambda: torch.vdot(o(3, dtype=I), o(3, dtype=L)), RuntimeError,
         "dot : expected both vectors to have same dtype, but found Int and Long"),
        (lambda: torch.tensordot(o(2, 3, dtype=I), o(4, 2, dtype=L), 1), RuntimeError,
         "both inputs should have same dtype"),
        (lambda: torch.addmm(o(2, 2, dtype=L), o(2, 3, dtype=L), o(3, 2, dtype=I)), RuntimeError,
         "self and mat2 must have the same dtype, but got Long and Int"),
        (lambda: torch.addmm(o(2, 2, dtype=I), o(2, 3, dtype=L), o(3, 2, dtype=I)), RuntimeError,
         "mat1 and mat2 must have the same dtype, but got Long and Int"),
        (lambda: torch.baddbmm(o(1, 2, 2, dtype=L), o(1, 2, 3, dtype=I), o(1, 3, 2, dtype=I)), RuntimeError,
         "Input dtypes must be the same, got: input long int, batch1: int, batch2: int"),
        (lambda: torch.baddbmm(o(1, 2, 2, dtype=I), o(1, 2, 3, dtype=I), o(1, 3, 2, dtype=L)), RuntimeError,
         "expected scalar type Int but found Long"),
    ]
    for fn, exc, msg in cases:
        _err(fn, exc, msg)


@pytest.mark.parametrize("device", DEVICES)
def test_empty_products(device):
    """Products with no element or K = 0 give zeros (bool too, dot excepted); bmm's result takes
    batch2's dtype, which it compares only when it computes."""
    _device(device)
    o = lambda *s, dtype=torch.float32: torch.ones(s, dtype=dtype).to(device)  # noqa: E731
    for a, b, shape in (((2, 1, 0, 4), (5, 4, 2), (2, 5, 0, 2)), ((2, 1, 3, 0), (5, 0, 2), (2, 5, 3, 2)),
                        ((2, 2, 0), (0, 3), (2, 2, 3)), ((2, 0), (3, 0, 2), (3, 2, 2)), ((0,), (2, 0, 3), (2, 3))):
        for dtype in (torch.float32, torch.int64, torch.bool):
            r = torch.matmul(o(*a, dtype=dtype), o(*b, dtype=dtype))
            assert r.shape == shape and r.dtype == dtype and not r.cpu().to(torch.int64).any().item()
    r = torch.tensordot(o(3, 0, 5), o(0, 5, 2))
    assert r.shape == (3, 2) and not r.cpu().any().item()
    for dtype in (torch.int32, torch.bool):
        assert torch.mm(o(2, 0, dtype=dtype), o(0, 3, dtype=dtype)).dtype == dtype
        assert torch.mv(o(2, 0, dtype=dtype), o(0, dtype=dtype)).shape == (2,)
    assert torch.bmm(o(1, 3, 0, dtype=torch.int32), o(1, 0, 1, dtype=torch.int64)).dtype == torch.int64
    assert torch.matmul(o(2, 2, 0, dtype=torch.int64), o(2, 0, 2, dtype=torch.int32)).dtype == torch.int32
    assert torch.addmm(o(2, 2, dtype=torch.bool), o(2, 0, dtype=torch.bool), o(0, 2, dtype=torch.bool),
                       beta=True).cpu().all().item()


@pytest.mark.parametrize("device", DEVICES)
def test_product_shape_errors(device):
    _device(device)
    o = lambda *s: torch.ones(s).to(device)  # noqa: E731
    _err(lambda: torch.addmm(o(2, 2), o(2, 3), o(4, 2)), RuntimeError,
         "addmm: mat1 and mat2 shapes cannot be multiplied (2x3 and 4x2)")
    _err(lambda: torch.addmm(o(2, 2), o(3), o(3, 2)), RuntimeError, "addmm: self must be a matrix, got 1-D tensor")
    _err(lambda: torch.addmm(o(3, 2), o(2, 3), o(3, 2)), RuntimeError,
         "The expanded size of the tensor (2) must match the existing size (3) at non-singleton dimension 0.  "
         "Target sizes: [2, 2].  Tensor sizes: [3, 2]")
    _err(lambda: torch.addmm(o(1, 2, 2), o(2, 3), o(3, 2)), RuntimeError,
         "expand(torch.FloatTensor{[1, 2, 2]}, size=[2, 2]): the number of sizes provided (2) must be greater or "
         "equal to the number of dimensions in the tensor (3)")
    _err(lambda: torch.baddbmm(o(3, 2, 2), o(1, 2, 3), o(1, 3, 2)), RuntimeError,
         "The expanded size of the tensor (1) must match the existing size (3) at non-singleton dimension 0.  "
         "Target sizes: [1, 2, 2].  Tensor sizes: [3, 2, 2]")
    _err(lambda: torch.bmm(o(1, 2, 3), o(3, 2)), RuntimeError, "batch2 must be a 3D tensor")
    _err(lambda: torch.matmul(o(4), o(5, 3, 2)), RuntimeError,
         "Expected size for first two dimensions of batch2 tensor to be: [5, 4] but got: [5, 3].")
    _err(lambda: torch.matmul(o(2), o(5, 1, 2)), RuntimeError, "size mismatch, got input (10), mat (10x1), vec (2)")
    _err(lambda: torch.matmul(o(3, 5, 2).transpose(0, 1), o(4, 2)), RuntimeError,
         "Expected size for first two dimensions of batch2 tensor to be: [5, 2] but got: [5, 4].")
    _err(lambda: torch.matmul(o(2, 2, 3), o(2, 1, 3, 4)[:, :, :2]), RuntimeError,
         "Expected size for first two dimensions of batch2 tensor to be: [4, 3] but got: [4, 2].")
    _err(lambda: torch.tensordot(o(2, 3), o(4, 2), 1), RuntimeError,
         "contracted dimensions need to match, but first has size 3 in dim -1 and second has size 4 in dim 0")
    _err(lambda: torch.tensordot(o(2, 3), o(4, 2), (1, 0)), TypeError,
         "tensordot(): argument 'dims_self' (position 3) must be tuple of ints, not int")


def _einsum_dtype(eq, *specs):
    ops = [torch.ones(s, dtype=getattr(torch, d)) for s, d in specs]
    try:
        return str(torch.einsum(eq, *ops).dtype).rsplit(".", 1)[-1]
    except (RuntimeError, NotImplementedError) as e:
        return str(e)


def test_einsum_dtypes_follow_pytorchs_contraction_order():
    """A letter summed within one operand sums as torch.sum (int64 for integers and bool);
    operands then meet left to right: mul when nothing is contracted (promoting), else bmm (whose
    dtypes must agree); a dim of size 1 counts as absent."""
    i32 = "int32"
    cases = [
        ("ii", [((4, 4), i32)], "int64"), ("ii->i", [((4, 4), i32)], i32), ("ij->ji", [((2, 3), "bool")], "bool"),
        ("iij->j", [((3, 3, 2), "uint8")], "int64"), ("ij->", [((3, 1), "int8")], "int64"),
        ("ij,jk->ik", [((3, 3), i32), ((3, 3), i32)], i32), ("ij,k->i", [((3, 3), i32), ((3,), i32)], "int64"),
        ("ij,jk->i", [((3, 3), i32), ((3, 3), i32)], "expected scalar type Int but found Long"),
        ("ij,j->", [((3, 3), i32), ((3,), i32)], "expected scalar type Long but found Int"),
        ("ij,jk->ik", [((3, 1), i32), ((1, 3), i32)], i32), ("ij,jk->ik", [((3, 1), i32), ((3, 3), i32)], "int64"),
        ("ij,jk,kl->i", [((3, 3), i32)] * 3, "expected scalar type Int but found Long"),
        ("i,i->i", [((3,), i32), ((3,), "int64")], "int64"), ("i,i->", [((3,), "float32"), ((3,), "float64")],
                                                              "expected scalar type Float but found Double"),
        ("ij,jk->i", [((3, 0), i32), ((0, 2), i32)], "int64"), ("ij,jk->ik", [((3, 0), "bool"), ((0, 2), "bool")],
                                                                 "bool"),
        ("ij,jk->ik", [((3, 2), "bool"), ((2, 3), "bool")], "\"bmm\" not implemented for 'Bool'"),
        ("...ij->...", [((2, 3, 3), i32)], "int64"), ("ij,ij->", [((3, 3), "float16"), ((3, 3), "float16")], "float16"),
    ]
    for eq, specs, want in cases:
        assert _einsum_dtype(eq, *specs) == want, (eq, specs)


def test_einsum_errors_match_pytorch():
    a = torch.ones(2, 3)
    e = "einsum(): "
    bad_label = "in the equation string, subscripts must be in [a-zA-Z]"
    cases = [  # (equation, operands, message), every one a RuntimeError
        ("ij,jk->ik", [a], e + "fewer operands were provided than specified in the equation"),
        ("ij", [a, a], e + "more operands were provided than specified in the equation"),
        ("ij,jk,kl->il", [a, torch.ones(3, 2), torch.ones(5, 2)],
         e + "subscript k has size 5 for operand 2 which does not broadcast with previously seen size 2"),
        ("...i,...i->...", [torch.ones(2, 3), torch.ones(4, 3)],
         e + "dimension 0 covered by ellipsis in operand 1has size 4 which does not broadcast with previously seen "
         "ellipsis with size 2 for the respective dimension"),
        ("ii->i", [a], e + "subscript i is repeated for operand 0 but the sizes don't match, 3 != 2"),
        ("i.j->ij", [a], e + "found '.' for operand 0 that is not part of any ellipsis"),
        ("...i...->i", [a], e + "found '.' for operand 0 for which an ellipsis was already found"),
        ("ij->i->j", [a], e + "invalid subscript given at index 5 " + bad_label),
        (" i j -> i1", [a], e + "invalid subscript given at index 9 " + bad_label),
        ("...ij->......", [a], e + "found '.' for output but an ellipsis (...) was already found"),
        ("ij->ii", [a], e + "output subscript i appears more than once in the output"),
        ("ij->k", [a], e + "output subscript k does not appear in the equation for any input operand"),
    ]
    for eq, ops, msg in cases:
        _err(lambda: torch.einsum(eq, *ops), RuntimeError, msg)
    _err(lambda: torch.einsum("ij"), ValueError, "einsum(): must specify the equation string and at least one "
                                                 "operand, or at least one operand and its subscripts list")
    _err(lambda: torch.einsum(1, a), TypeError, "einsum(): argument 'equation' (position 1) must be str, not int")
    assert torch.einsum(" i j , j k -> i k ", a, torch.ones(3, 2)).shape == (2, 2)
    assert torch.einsum("Ab,bA", torch.ones(2, 3), torch.ones(3, 2)).shape == ()
    assert torch.einsum("bA", torch.ones(2, 3)).shape == (3, 2)  # implicit: upper case first
    assert torch.einsum("ij,jk->ik", a, torch.ones(1, 2)).shape == (2, 2)  # a size-1 letter broadcasts


@pytest.mark.parametrize("device", ["cpu", "wgpu"])
def test_products_of_kernel_sizes(device):
    """Sizes that take the CPU's AVX-512 float32 kernel (m >= 2, n >= 16) and its threaded splits:
    edges of its 8x32 tiles, K beyond one 512-deep block, transposed, sliced and batch-broadcast
    operands, against numpy in float64."""
    if device == "wgpu":
        require()
    rng = np.random.default_rng(21)
    for (bsz, m, k, n) in ((1, 2, 1, 16), (1, 9, 33, 47), (3, 64, 64, 64), (1, 130, 600, 70), (2, 75, 80, 300)):
        a = rng.standard_normal((bsz, m, k)).astype(np.float32)
        b = rng.standard_normal((bsz, k, n)).astype(np.float32)
        want = a.astype(np.float64) @ b.astype(np.float64)
        ta = torch.from_numpy(np.ascontiguousarray(a.transpose(0, 2, 1))).to(device).transpose(1, 2)  # strided a
        tb = torch.from_numpy(np.pad(b, ((0, 0), (0, 0), (3, 5)))).to(device)[:, :, 3:3 + n]            # sliced b
        got = torch.matmul(ta, tb).cpu().numpy()
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4 * np.sqrt(k))
        one = torch.from_numpy(b[:1]).to(device).expand(bsz, k, n)  # batch stride 0
        np.testing.assert_allclose(torch.bmm(torch.from_numpy(a).to(device), one).cpu().numpy(),
                                   a.astype(np.float64) @ b[:1].astype(np.float64), rtol=1e-4, atol=1e-4 * np.sqrt(k))
