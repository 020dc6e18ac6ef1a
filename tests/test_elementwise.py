"""Elementwise ops against numpy, generated from op_db.OPS.

For every op and every dtype PyTorch's CPU backend supports: the function form on many memory
layouts (contiguous, transposed, permuted, strided with offset, narrowed, select+transpose,
expanded, broadcast across ranks, 0-d, empty, long and large), the method form, the in-place
form (which must write through views into their base, return self and bump `_version`, or raise
when the result dtype cannot be cast back), tensor-op-Python-number, and the dtypes PyTorch
rejects (same exception type and message).
"""
import zlib

import numpy as np
import pytest

import op_db
from _backend import torch
from _util import (CPP_NAMES, STORAGE_NP, assert_values, build, can_cast, reference, sample,
                   rejected_cases, scalar_cases, to_np)

UNARY_LAYOUTS = {
    "contiguous": ((3, 4), "contiguous"),
    "transposed": ((3, 4), "transposed"),
    "permuted": ((2, 3, 4), "permuted"),
    "strided": ((3, 4), "strided"),
    "narrowed": ((3, 4), "narrowed"),
    "selected_t": ((3, 4), "selected_t"),
    "expanded": ((3, 4), "expanded"),
    "zero_dim": ((), "contiguous"),
    "empty": ((0, 3), "contiguous"),
    "long": ((1031,), "contiguous"),  # vector loops plus a remainder
    "large": ((257, 300), "transposed"),  # big enough for a parallel path, and strided
}

C = "contiguous"
# One (shape, layout) per operand; an op with fewer operands uses the first ones.
NARY_LAYOUTS = {
    "contiguous": [((3, 4), C)] * 3,
    "transposed": [((3, 4), "transposed"), ((3, 4), C), ((3, 4), "selected_t")],
    "strided": [((3, 4), "strided"), ((3, 4), "narrowed"), ((3, 4), "transposed")],
    "permuted": [((2, 3, 4), "permuted"), ((2, 3, 4), C), ((2, 3, 4), "permuted")],
    "expanded": [((3, 4), "expanded"), ((3, 4), "transposed"), ((3, 4), "expanded")],
    "broadcast_row": [((3, 4), C), ((4,), C), ((1, 4), C)],
    "broadcast_outer": [((3, 1), C), ((1, 4), C), ((3, 1), C)],
    "broadcast_first": [((4,), C), ((3, 4), "transposed"), ((3, 1), C)],
    "broadcast_rank": [((2, 1, 4), C), ((3, 1), C), ((4,), C)],
    "zero_dim": [((), C)] * 3,
    "with_zero_dim": [((3, 4), "transposed"), ((), C), ((), C)],
    "empty": [((0, 3), C)] * 3,
    "empty_broadcast": [((0, 1), C), ((3,), C), ((1, 3), C)],
    "large": [((257, 300), C), ((257, 300), "transposed"), ((300,), C)],
}

# In-place: `self` takes the layout, the other operands broadcast into it.
INPLACE_LAYOUTS = ("contiguous", "transposed", "strided", "selected_t")
INPLACE_OTHERS = [((3, 4), C), ((4,), C)]


def _seed(*parts):
    return zlib.crc32("-".join(map(str, parts)).encode())


def _operand_dtype(spec, i, dtype):
    fixed = spec.operand_dtypes[i] if i < len(spec.operand_dtypes) else None
    return fixed or dtype


def _operands(spec, dtype, shapes_layouts, seed):
    rng = np.random.default_rng(seed)
    built = []
    for i, (shape, layout) in enumerate(shapes_layouts[:spec.arity]):
        name = _operand_dtype(spec, i, dtype)
        arr = sample(op_db.DOMAINS[spec.domain[i]], name, shape, rng)
        built.append(build(arr, name, layout))
    return built


def _expected(spec, dtype, built):
    res = op_db.result_dtype(spec, dtype)
    return res, reference(spec.ref, [b.values for b in built], res)


def _check(out, expected, spec, res):
    rtol, atol = spec.tol.get(res, (None, None))
    assert_values(out, expected, res, rtol=rtol, atol=atol)


def _layouts(spec):
    return UNARY_LAYOUTS if spec.arity == 1 else NARY_LAYOUTS


def _cases(layout_filter=None):
    for spec in op_db.OPS:
        for dtype in spec.dtypes:
            for layout in _layouts(spec):
                if layout_filter is None or layout_filter(spec, layout):
                    yield pytest.param(spec, dtype, layout, id=f"{spec.id}-{dtype}-{layout}")


def _layout_spec(spec, layout):
    layouts = _layouts(spec)[layout]
    return [layouts] if spec.arity == 1 else layouts


def _error(spec, dtype):
    exc, pattern = spec.error
    return exc, pattern.replace("{T}", CPP_NAMES[dtype])


@pytest.mark.parametrize("spec,dtype,layout", list(_cases()))
def test_function_form(spec, dtype, layout):
    built = _operands(spec, dtype, _layout_spec(spec, layout), _seed(spec.id, dtype, layout))
    bases_before = [np.array(to_np(b.base), copy=True) for b in built]
    out = getattr(torch, spec.name)(*[b.tensor for b in built], **spec.kwargs)
    res, expected = _expected(spec, dtype, built)
    _check(out, expected, spec, res)
    # an out-of-place op leaves its inputs (and whatever they view) untouched
    for b, before in zip(built, bases_before):
        np.testing.assert_array_equal(to_np(b.base), before)


def _method_cases():
    for spec in op_db.OPS:
        if not spec.method:
            continue
        for dtype in spec.dtypes:
            for layout in ("transposed", "broadcast_rank" if spec.arity > 1 else "zero_dim"):
                yield pytest.param(spec, dtype, layout, id=f"{spec.id}-{dtype}-{layout}")


@pytest.mark.parametrize("spec,dtype,layout", list(_method_cases()))
def test_method_form(spec, dtype, layout):
    built = _operands(spec, dtype, _layout_spec(spec, layout), _seed("m", spec.id, dtype, layout))
    first, *others = [b.tensor for b in built]
    out = getattr(first, spec.name)(*others, **spec.kwargs)
    res, expected = _expected(spec, dtype, built)
    _check(out, expected, spec, res)


def _inplace_cases():
    for spec in op_db.OPS:
        if not spec.inplace:
            continue
        for dtype in spec.dtypes:
            for layout in INPLACE_LAYOUTS:
                yield pytest.param(spec, dtype, layout, id=f"{spec.id}-{dtype}-{layout}")


@pytest.mark.parametrize("spec,dtype,layout", list(_inplace_cases()))
def test_inplace_form(spec, dtype, layout):
    layouts = [((3, 4), layout)] + INPLACE_OTHERS
    built = _operands(spec, dtype, layouts, _seed("i", spec.id, dtype, layout))
    self_t, *others = [b.tensor for b in built]
    res, expected = _expected(spec, dtype, built)
    method = getattr(self_t, spec.name + "_")
    if not can_cast(res, dtype):
        # e.g. exp_ on an int tensor: the float result cannot be written back
        with pytest.raises(RuntimeError, match="result type .* can't be cast to the desired "
                                               "output type"):
            method(*others, **spec.kwargs)
        return
    version = self_t._version
    out = method(*others, **spec.kwargs)
    assert out is self_t, "in-place ops return self"
    assert self_t._version > version, "in-place ops bump the version counter"
    # the result is cast to self's dtype (eq_ on a float tensor stores 1.0 / 0.0)
    with np.errstate(all="ignore"):
        expected_self = expected.astype(STORAGE_NP[dtype]) if res != dtype else expected
    _check(self_t, expected_self, spec, dtype)
    # the write went through the view into its base, and nowhere else
    _check(built[0].base, built[0].expected_base(expected_self), spec, dtype)


@pytest.mark.parametrize("spec,dtype", list(rejected_cases()))
def test_rejected_dtype(spec, dtype):
    built = _operands(spec, dtype, _layout_spec(spec, "contiguous"), _seed("r", spec.id, dtype))
    tensors = [b.tensor for b in built]
    exc, match = _error(spec, dtype)
    with pytest.raises(exc, match=match):
        getattr(torch, spec.name)(*tensors, **spec.kwargs)
    if spec.method:
        with pytest.raises(exc, match=match):
            getattr(tensors[0], spec.name)(*tensors[1:], **spec.kwargs)
    if spec.inplace:
        before = to_np(tensors[0]).copy()
        with pytest.raises(exc, match=match):
            getattr(tensors[0], spec.name + "_")(*tensors[1:], **spec.kwargs)
        np.testing.assert_array_equal(to_np(tensors[0]), before)  # nothing half-written


@pytest.mark.parametrize("spec,dtype", list(scalar_cases()))
def test_python_number_operand(spec, dtype):
    """torch.op(tensor, number) with a number of the tensor's own category (float for float
    tensors, int for int tensors, bool for bool tensors): the tensor's dtype wins."""
    rng = np.random.default_rng(_seed("s", spec.id, dtype))
    built = _operands(spec, dtype, [((3, 4), "transposed")], rng.integers(2**31))
    scalar_arr = sample(op_db.DOMAINS[spec.domain[1]], dtype, (), rng)
    scalar = scalar_arr.item()
    assert type(scalar) is {"f": float, "i": int, "u": int, "b": bool}[scalar_arr.dtype.kind]
    out = getattr(torch, spec.name)(built[0].tensor, scalar, **spec.kwargs)
    res = op_db.result_dtype(spec, dtype)
    expected = reference(spec.ref, [built[0].values, scalar_arr], res)
    _check(out, expected, spec, res)
