"""Reductions against numpy, generated from op_db.REDUCTIONS: over all dims, one dim (negative
too), a tuple of dims, keepdim, on contiguous and non-contiguous inputs, 0-d and empty inputs;
then the dtype rules, max/min with a dim (named tuples), nan handling and error cases."""
import warnings
import zlib

import numpy as np
import pytest

import op_db
from _backend import torch
from _util import (CPP_NAMES, DEFAULT_TOLS, FLOAT_NAMES, assert_values, build, call_reduction, dt,
                   is_float, sample, to_np)

LAYOUTS = {
    "contiguous": ((3, 4, 5), "contiguous"),
    "permuted": ((3, 4, 5), "permuted"),
    "transposed": ((6, 7), "transposed"),
    "strided": ((6, 7), "strided"),
    "expanded": ((6, 7), "expanded"),
    "zero_dim": ((), "contiguous"),
    "large": ((64, 1031), "transposed"),
}

# (id, dim, keepdim); dim None = the all-dims form
DIMS = [
    ("all", None, False),
    ("dim0", 0, False),
    ("dim1_keep", 1, True),
    ("dim_neg1", -1, False),
    ("dim_neg1_keep", -1, True),
    ("tuple", (0, -1), False),
    ("tuple_keep", (-1, 0), True),
]


def _applies(spec, layout, dim_id, dim):
    if dim is None and spec.needs_dim:
        return False
    if isinstance(dim, tuple) and not spec.multi_dim:
        return False
    if layout == "zero_dim":
        # dims 0 and -1 are valid on a 0-d tensor; a tuple (0, -1) names dim 0 twice
        if isinstance(dim, tuple) or dim == 1:
            return False
        # torch warns (degrees of freedom <= 0) and returns nan: not a case to pin down here
        if spec.name in ("var", "std") and spec.kwargs.get("correction", 1) != 0 \
                and spec.kwargs.get("unbiased", True):
            return False
    if "keep" in dim_id and spec.name == "count_nonzero":
        return False  # count_nonzero has no keepdim argument
    return True


def _cases():
    for spec in op_db.REDUCTIONS:
        for dtype in spec.dtypes:
            for layout in LAYOUTS:
                for dim_id, dim, keep in DIMS:
                    if _applies(spec, layout, dim_id, dim):
                        yield pytest.param(spec, dtype, layout, dim, keep,
                                           id=f"{spec.id}-{dtype}-{layout}-{dim_id}")


def _input(spec, dtype, layout, seed):
    shape, how = LAYOUTS[layout]
    arr = sample(op_db.DOMAINS[spec.domain], dtype, shape, np.random.default_rng(seed))
    return build(arr, dtype, how)


def _reference(spec, values, dim, keep):
    x = values.astype(np.float64) if is_float_np(values) else values.astype(np.int64)
    axis = None if (dim is None or x.ndim == 0) else dim
    with np.errstate(all="ignore"):
        return np.asarray(spec.ref(x, axis=axis, keepdims=keep and x.ndim > 0))


def is_float_np(a):
    return a.dtype.kind == "f"


def _tolerance(spec, res, values, dim):
    """Float reductions: the result's rounding (rtol), plus accumulated rounding of order
    sqrt(n) ulps of the largest input, with float32 accumulators for float32 and the half
    dtypes (PyTorch accumulates halves in float32)."""
    if not is_float(res):
        return None, None
    rtol, atol = spec.tol.get(res, DEFAULT_TOLS[res])
    n = values.size if (dim is None or values.ndim == 0) else \
        int(np.prod([values.shape[d] for d in np.atleast_1d(dim)]))
    scale = float(np.max(np.abs(values.astype(np.float64)), initial=0.0))
    acc_eps = 2.2e-16 if res == "float64" else 1.2e-7
    return max(rtol, 1e-5 if res == "float32" else rtol), atol + acc_eps * scale * np.sqrt(n)


@pytest.mark.parametrize("spec,dtype,layout,dim,keep", list(_cases()))
def test_reduction(spec, dtype, layout, dim, keep):
    built = _input(spec, dtype, layout, zlib.crc32(f"{spec.id}-{dtype}-{layout}".encode()))
    out = call_reduction(spec, built.tensor, dim, keep)
    res = op_db.reduction_result_dtype(spec, dtype)
    expected = _reference(spec, built.values, dim, keep)
    rtol, atol = _tolerance(spec, res, built.values, dim)
    assert_values(out, expected, res, rtol=rtol, atol=atol)


def _method_cases():
    for spec in op_db.REDUCTIONS:
        dtype = spec.dtypes[0]
        yield pytest.param(spec, dtype, id=f"{spec.id}-{dtype}")


@pytest.mark.parametrize("spec,dtype", list(_method_cases()))
def test_method_form(spec, dtype):
    built = _input(spec, dtype, "permuted", zlib.crc32(spec.id.encode()))
    dim = 1
    if spec.name == "count_nonzero":
        out = built.tensor.count_nonzero(dim=dim)
    else:
        out = getattr(built.tensor, spec.name)(dim=dim, keepdim=True, **spec.kwargs)
    keep = spec.name != "count_nonzero"
    res = op_db.reduction_result_dtype(spec, dtype)
    rtol, atol = _tolerance(spec, res, built.values, dim)
    assert_values(out, _reference(spec, built.values, dim, keep), res, rtol=rtol, atol=atol)


def _rejected_cases():
    for spec in op_db.REDUCTIONS:
        for dtype in spec.rejects:
            yield pytest.param(spec, dtype, id=f"{spec.id}-{dtype}")


@pytest.mark.parametrize("spec,dtype", list(_rejected_cases()))
def test_rejected_dtype(spec, dtype):
    t = torch.ones(2, 3, dtype=dt(dtype))
    exc, pattern = spec.error
    with pytest.raises(exc, match=pattern.replace("{T}", CPP_NAMES[dtype])):
        call_reduction(spec, t, None if not spec.needs_dim else 0, False)
    with pytest.raises(exc, match=pattern.replace("{T}", CPP_NAMES[dtype])):
        call_reduction(spec, t, 1, False)


def _empty_cases():
    for spec in op_db.REDUCTIONS:
        if spec.empty_value is not None:
            for dtype in spec.dtypes:
                yield pytest.param(spec, dtype, id=f"{spec.id}-{dtype}")


@pytest.mark.parametrize("spec,dtype", list(_empty_cases()))
def test_empty_input(spec, dtype):
    """Reducing 0 elements: the identity (sum 0, prod 1, all True, any False, norm 0), nan for
    mean, and an error for max-like reductions, which have no identity."""
    t = torch.zeros(0, 3, dtype=dt(dtype))
    res = op_db.reduction_result_dtype(spec, dtype)
    if isinstance(spec.empty_value, type):
        exc = spec.empty_value
        with pytest.raises(exc, match=r"Expected reduction dim to be specified for "
                                      r"input.numel\(\) == 0"):
            call_reduction(spec, t, None, False)
        with pytest.raises(spec.empty_error[0], match=spec.empty_error[1]):
            call_reduction(spec, t, 0, False)
        expected_dim0 = None
    else:
        assert_values(call_reduction(spec, t, None, False), np.array(spec.empty_value), res)
        expected_dim0 = np.full((3,), spec.empty_value)
        assert_values(call_reduction(spec, t, 0, False), expected_dim0, res)
    # reducing the non-empty dim of an empty tensor gives an empty result
    out = call_reduction(spec, t, 1, False)
    assert tuple(out.shape) == (0,) and out.dtype == dt(res)


def test_logsumexp_empty_dim_is_minus_inf():
    out = torch.logsumexp(torch.zeros(0, 3), 0)
    assert to_np(out).tolist() == [-np.inf] * 3


# ---- dtype rules --------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8", "bool"])
def test_sum_and_prod_of_integers_are_int64(dtype):
    t = torch.tensor([[1, 0, 1], [1, 1, 0]]).to(dt(dtype))
    assert torch.sum(t).dtype == torch.int64 and torch.sum(t).item() == 4
    assert t.sum(1).dtype == torch.int64 and t.sum(1).tolist() == [2, 2]
    assert torch.prod(t, 0).dtype == torch.int64 and torch.prod(t, 0).tolist() == [1, 0, 0]


def test_sum_int8_does_not_wrap():
    t = torch.tensor([100, 100, 100], dtype=torch.int8)
    assert t.sum().item() == 300
    assert t.sum(dtype=torch.int8).item() == 44  # explicit dtype: accumulates and wraps in int8


def test_dtype_argument():
    i = torch.tensor([1, 2])
    assert torch.sum(i, dtype=torch.float32).dtype == torch.float32
    assert torch.sum(i, dtype=torch.float32).item() == 3.0
    assert torch.sum(torch.tensor([1.5, 2.5]), dtype=torch.int32).item() == 3  # cast first
    assert torch.mean(i, dtype=torch.float32).item() == 1.5
    assert torch.mean(torch.tensor([1.0, 2.0]), dtype=torch.float64).dtype == torch.float64
    p = torch.prod(torch.tensor([2, 3], dtype=torch.int8), dtype=torch.float16)
    assert p.dtype == torch.float16 and p.item() == 6.0
    s = torch.tensor([[1, 2], [3, 4]]).sum(1, dtype=torch.float64)
    assert s.dtype == torch.float64 and s.tolist() == [3.0, 7.0]


@pytest.mark.parametrize("dtype", ["int64", "int8", "uint8", "bool"])
def test_mean_of_integers_raises(dtype):
    t = torch.ones(3, dtype=dt(dtype))
    with pytest.raises(NotImplementedError,
                       match=r"mean\(\): could not infer output dtype. Input dtype must be either "
                             rf"a floating point or complex dtype. Got: {CPP_NAMES[dtype]}"):
        torch.mean(t)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_sums_accumulate_in_float32(dtype):
    """A half accumulator would stall at 2048 (float16) / 256 (bfloat16)."""
    n = 10000 if dtype == "float16" else 1000
    t = torch.ones(n, dtype=dt(dtype))
    assert t.sum().item() == n
    assert t.mean().item() == 1.0
    assert t.reshape(10, n // 10).sum(1).tolist() == [n // 10] * 10


def test_float32_sums_are_accurate():
    """PyTorch sums float32 in a cascade: 10**6 terms of 0.1 give 100000.0078; a single running
    float32 accumulator would give 100958 (1% off)."""
    big = torch.full((10 ** 6,), 0.1)
    assert big.sum().item() == pytest.approx(1e5, rel=1e-5)
    assert big.mean().item() == pytest.approx(0.1, rel=1e-5)
    square = torch.full((1000, 1000), 0.1)
    np.testing.assert_allclose(to_np(square.sum(0)), 100.0, rtol=1e-5)  # strided reduction
    np.testing.assert_allclose(to_np(square.sum(1)), 100.0, rtol=1e-5)  # contiguous reduction
    np.testing.assert_allclose(to_np(square.t().sum(1)), 100.0, rtol=1e-5)


@pytest.mark.parametrize("dtype", ["uint8", "bool", "int32", "float32"])
def test_all_any_dtype(dtype):
    """all/any return bool, except for uint8 inputs, which give uint8 (0 or 1)."""
    t = torch.tensor([[1, 0, 2], [3, 4, 5]]).to(dt(dtype))
    res = torch.uint8 if dtype == "uint8" else torch.bool
    assert torch.all(t).dtype == res and bool(torch.all(t).item()) is False
    assert torch.any(t).dtype == res and bool(torch.any(t).item()) is True
    assert [bool(v) for v in t.all(1).tolist()] == [False, True]
    assert [bool(v) for v in t.any(dim=0).tolist()] == [True, True, True]


# ---- max / min ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name,ref,argref", [("max", np.max, np.argmax),
                                              ("min", np.min, np.argmin)])
@pytest.mark.parametrize("dtype", op_db.ALL)
def test_max_min_with_dim_returns_values_and_indices(name, ref, argref, dtype):
    built = _input(op_db.REDUCTIONS[0], dtype, "permuted", zlib.crc32(f"mm{name}{dtype}".encode()))
    t, vals = built.tensor, built.values
    for dim in (0, 1, -1):
        result = getattr(torch, name)(t, dim)
        assert isinstance(result, tuple) and len(result) == 2
        values, indices = result  # tuple unpacking
        assert values is result[0] or torch.equal(values, result[0])
        assert_values(result.values, ref(vals, axis=dim), dtype)
        assert_values(result.indices, argref(vals.astype(np.float64), axis=dim), "int64")
        assert_values(indices, argref(vals.astype(np.float64), axis=dim), "int64")
        kept = getattr(t, name)(dim=dim, keepdim=True)
        assert_values(kept.values, ref(vals, axis=dim, keepdims=True), dtype)
        assert_values(kept[1], argref(vals.astype(np.float64), axis=dim, keepdims=True), "int64")
    full = getattr(torch, name)(t)  # no dim: just the value, a 0-d tensor
    assert_values(full, np.array(ref(vals)), dtype)


def test_max_min_named_tuple_details():
    x = torch.tensor([[3.0, -4.0, 0.0], [1.0, 2.0, -2.0]])
    r = torch.max(x, 1)
    assert r.values.tolist() == [3.0, 2.0] and r.indices.tolist() == [0, 1]
    assert r[0].tolist() == [3.0, 2.0] and r[1].tolist() == [0, 1]
    assert type(r).__name__ == "max"
    r = x.min(dim=0)
    assert r.values.tolist() == [1.0, -4.0, -2.0] and r.indices.tolist() == [1, 0, 1]
    assert type(r).__name__ == "min"
    # a second tensor instead of a dim: the elementwise maximum
    assert torch.max(x, torch.zeros(3)).tolist() == [[3.0, 0.0, 0.0], [1.0, 2.0, 0.0]]
    assert torch.min(x, torch.zeros(3)).tolist() == [[0.0, -4.0, 0.0], [0.0, 0.0, -2.0]]
    # a 0-d tensor reduces over dim 0 / -1
    r = torch.max(torch.tensor(5.0), 0)
    assert r.values.item() == 5.0 and r.indices.item() == 0


def test_ties_pick_the_first_index():
    t = torch.tensor([3, 1, 3, 1])
    assert torch.argmax(t).item() == 0 and torch.argmin(t).item() == 1
    assert torch.max(t, 0).indices.item() == 0 and torch.min(t, 0).indices.item() == 1


def test_nan_propagates_through_reductions():
    nan = float("nan")
    t = torch.tensor([1.0, nan, 3.0])
    for fn in (torch.max, torch.min, torch.amax, torch.amin, torch.sum, torch.mean, torch.prod):
        assert np.isnan(fn(t).item()), fn
    assert torch.argmax(t).item() == 1 and torch.argmin(t).item() == 1  # nan wins
    r = torch.max(torch.tensor([[1.0, nan, 3.0]]), 1)
    assert np.isnan(r.values.item()) and r.indices.item() == 1


def test_argmax_without_dim_indexes_the_flattened_logical_tensor():
    t = torch.tensor([[1, 9], [7, 3]]).t()  # logical [[1, 7], [9, 3]]
    assert torch.argmax(t).item() == 2 and torch.argmin(t).item() == 0
    assert torch.argmax(t, dim=1, keepdim=True).tolist() == [[1], [0]]


# ---- var / std / norm / logsumexp details -------------------------------------------------------
def test_var_std_argument_forms():
    x = torch.tensor([[3.0, -4.0, 0.0], [1.0, 2.0, -2.0]], dtype=torch.float64)
    assert torch.var(x).item() == pytest.approx(6.8)
    assert torch.var(x, unbiased=False).item() == pytest.approx(17 / 3)
    assert torch.var(x, correction=0).item() == pytest.approx(17 / 3)
    assert torch.var(x, correction=2).item() == pytest.approx(8.5)
    assert torch.var(x, 1).tolist() == pytest.approx([37 / 3, 13 / 3])
    assert torch.var(x, 1, False).tolist() == pytest.approx([74 / 9, 26 / 9])  # unbiased=False
    assert torch.std(x, dim=0, unbiased=True).tolist() == pytest.approx(
        [2 ** 0.5, 18 ** 0.5, 2 ** 0.5])
    assert torch.std(x, (0, 1)).item() == pytest.approx(6.8 ** 0.5)
    assert x.var(0).tolist() == pytest.approx([2.0, 18.0, 2.0])


def test_var_of_single_element_warns_and_is_nan():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch warns "degrees of freedom is <= 0"
        assert np.isnan(torch.var(torch.tensor([1.0])).item())


def test_norm_forms():
    x = torch.tensor([[3.0, -4.0, 0.0], [1.0, 2.0, -2.0]])
    assert torch.norm(x).item() == pytest.approx(34 ** 0.5)
    assert torch.norm(x, p="fro").item() == pytest.approx(34 ** 0.5)
    assert torch.norm(x, p=1).item() == 12.0
    assert x.norm(1).item() == 12.0  # p is the first positional argument
    assert torch.norm(x, p=float("inf")).item() == 4.0
    assert torch.norm(x, p=float("-inf")).item() == 0.0
    assert torch.norm(x, p=0).item() == 5.0  # number of non-zeros
    assert torch.norm(x, p=3).item() == pytest.approx(108 ** (1 / 3))
    assert torch.norm(x, p=2, dim=1).tolist() == [5.0, 3.0]
    assert x.norm(dim=-1).tolist() == [5.0, 3.0]
    assert torch.norm(x, p=1, dim=0, keepdim=True).tolist() == [[4.0, 6.0, 2.0]]
    assert torch.norm(x, p="fro", dim=(0, 1)).item() == pytest.approx(34 ** 0.5)


def test_logsumexp_is_stable():
    assert torch.logsumexp(torch.tensor([1000.0, 1000.0]), 0).item() == pytest.approx(
        1000 + np.log(2))
    assert torch.logsumexp(torch.tensor([-1000.0, -1000.0]), 0).item() == pytest.approx(
        -1000 + np.log(2))
    ninf = float("-inf")
    assert torch.logsumexp(torch.tensor([ninf, ninf]), 0).item() == ninf
    with pytest.raises(TypeError):
        torch.logsumexp(torch.ones(3))  # dim is required


def test_count_nonzero_forms():
    x = torch.tensor([[3.0, -4.0, 0.0], [1.0, 2.0, -2.0]])
    assert torch.count_nonzero(x).item() == 5
    assert torch.count_nonzero(x, dim=(0, 1)).item() == 5
    assert torch.count_nonzero(x, 1).tolist() == [2, 3]
    assert x.count_nonzero(dim=0).tolist() == [2, 2, 1]


# ---- dims ---------------------------------------------------------------------------------------
def test_dim_forms():
    x = torch.arange(24.0).reshape(2, 3, 4)
    assert torch.sum(x, (0,)).shape == (3, 4)
    assert torch.sum(x, [0, 2]).tolist() == [60.0, 92.0, 124.0]
    assert torch.sum(x, dim=(2, 0), keepdim=True).shape == (1, 3, 1)
    assert torch.mean(x, (0, 1, 2), keepdim=True).shape == (1, 1, 1)
    assert torch.amax(x, (0, 1)).tolist() == [20.0, 21.0, 22.0, 23.0]
    assert torch.sum(torch.tensor(5.0), 0).item() == 5.0
    assert torch.sum(torch.tensor(5.0), -1).item() == 5.0


def test_empty_dim_tuple_reduces_everything():
    """Unlike numpy's axis=(), an empty dim list means all dims in torch."""
    x = torch.tensor([[3.0, -4.0, 0.0], [1.0, 2.0, -2.0]])
    assert torch.sum(x, ()).item() == 0.0 and torch.sum(x, []).shape == ()
    assert torch.mean(x, ()).item() == 0.0
    assert torch.amin(x, ()).item() == -4.0


def test_dim_errors():
    x = torch.ones(2, 3)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of "
                                         r"\[-2, 1\], but got 2\)"):
        x.sum(2)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of "
                                         r"\[-2, 1\], but got -3\)"):
        torch.amax(x, -3)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of "
                                         r"\[-1, 0\], but got 1\)"):
        torch.sum(torch.tensor(5.0), 1)
    with pytest.raises(RuntimeError, match="dim 0 appears multiple times in the list of dims"):
        torch.sum(x, (0, 0))
    with pytest.raises(RuntimeError, match="dim 1 appears multiple times in the list of dims"):
        torch.sum(x, (1, -1))


@pytest.mark.parametrize("fn", [torch.max, torch.min, torch.amax, torch.amin])
def test_max_of_empty_raises(fn):
    name = fn.__name__
    with pytest.raises(RuntimeError, match=rf"{name}\(\): Expected reduction dim to be specified "
                                           r"for input.numel\(\) == 0"):
        fn(torch.zeros(0))
    with pytest.raises(IndexError, match=rf"{name}\(\): Expected reduction dim 0 to have non-zero "
                                         "size"):
        fn(torch.zeros(0, 3), 0)


@pytest.mark.parametrize("dtype", FLOAT_NAMES)
def test_mean_of_empty_is_nan(dtype):
    assert np.isnan(torch.zeros(0, dtype=dt(dtype)).mean().float().item())
    assert torch.zeros(0, dtype=dt(dtype)).sum().item() == 0.0
