"""Every elementwise op of op_db.OPS on the wgpu device, for every dtype the op accepts, compared
with the CPU result of the same op on the same inputs: contiguous, transposed, sliced with steps,
broadcast, 0-d and empty operands; a Python-number operand; the in-place form on a contiguous
tensor and on a transposed view (checking the base afterwards); out= into a non-contiguous
output; the dtypes the CPU rejects (same error); Python operators and mixed dtypes.

float64 ops without a WGSL float64 implementation (torch._C.wgpu_ops() lists them with
has_f64=False) must raise NotImplementedError instead of computing. Skips locally without an
adapter; fails with RUSTORCH_REQUIRE_WGPU=1 (CI, on lavapipe)."""
import inspect
import re

import numpy as np
import pytest

import op_db
from _backend import torch
from _util import CPP_NAMES, dt, rejected_cases, sample, scalar_cases, to_np
from _wgpu import Operand, assert_matches, f64_error, merge_tol, require, run_both, seed

C, T, S = "contiguous", "transposed", "sliced"
# One (shape, layout) per operand; an op with fewer operands uses the first ones.
LAYOUTS = {
    "contiguous": [((3, 5), C)] * 3,
    "transposed": [((3, 5), T), ((3, 5), C), ((3, 5), T)],  # x.t() of a (5, 3)
    "sliced": [((3, 5), S)] * 3,  # x[::2, 1::2] of a (6, 11), at a storage offset
    "broadcast": [((4, 1, 3), C), ((2, 3), C), ((1, 3), C)],
    "with_zero_d": [((3, 5), T), ((), C), ((), C)],  # a 0-d tensor broadcast against a 2-d one
    "zero_d": [((), C)] * 3,
    "empty": [((0, 3), C)] * 3,
}
# Unary ops: "broadcast" reads an expanded view (stride 0); "with_zero_d" is the same as 0-d.
UNARY_BROADCAST = [((4, 3), "expanded")]
UNARY_LAYOUTS = [k for k in LAYOUTS if k != "with_zero_d"]
# In-place: self takes the layout; the other operands broadcast into it.
INPLACE = {"contiguous": [((3, 5), C), ((3, 5), C), ((3, 5), C)],
           "transposed": [((3, 5), T), ((5,), C), ((3, 1), C)]}


def _layout(spec, layout):
    return UNARY_BROADCAST if spec.arity == 1 and layout == "broadcast" else LAYOUTS[layout]


def _operands(spec, dtype, shapes_layouts, rng_seed):
    rng = np.random.default_rng(rng_seed)
    ops = []
    for i, (shape, layout) in enumerate(shapes_layouts[:spec.arity]):
        fixed = spec.operand_dtypes[i] if i < len(spec.operand_dtypes) else None
        name = fixed or dtype
        ops.append(Operand(sample(op_db.DOMAINS[spec.domain[i]], name, shape, rng), name, layout))
    return ops


def _views(ops, device):
    return [o.on(device)[1] for o in ops]


def _tol(spec, dtype):
    res = op_db.result_dtype(spec, dtype)
    return merge_tol(res, spec.tol.get(res)) if res in op_db.FLOATS else None


def _f64(props, spec, dtype):
    return f64_error(props, dtype, spec.id, spec.name)


def _accepts_out(name):
    try:
        return "out" in inspect.signature(getattr(torch, name)).parameters
    except (TypeError, ValueError):
        return False


def _cases():
    for spec in op_db.OPS:
        for dtype in spec.dtypes:
            for layout in (UNARY_LAYOUTS if spec.arity == 1 else LAYOUTS):
                yield pytest.param(spec, dtype, layout, id=f"{spec.id}-{dtype}-{layout}")


@pytest.mark.parametrize("spec,dtype,layout", list(_cases()))
def test_function_form(spec, dtype, layout):
    props = require()
    ops = _operands(spec, dtype, _layout(spec, layout), seed(spec.id, dtype, layout))
    fn = getattr(torch, spec.name)
    err = _f64(props, spec, dtype)
    if err:
        with pytest.raises(err[0], match=err[1]):
            fn(*_views(ops, "wgpu"), **spec.kwargs)
        return
    cpu, gpu = _views(ops, "cpu"), _views(ops, "wgpu")
    before = [to_np(g.cpu()) for g in gpu]
    want, got = run_both(lambda: fn(*cpu, **spec.kwargs), lambda: fn(*gpu, **spec.kwargs))
    if want is None:
        return
    assert_matches(got, want, _tol(spec, dtype))
    for g, b in zip(gpu, before):  # an out-of-place op leaves its inputs alone
        np.testing.assert_array_equal(to_np(g.cpu()), b)


def _inplace_cases():
    for spec in op_db.OPS:
        if spec.inplace:
            for dtype in spec.dtypes:
                for layout in INPLACE:
                    yield pytest.param(spec, dtype, layout, id=f"{spec.id}-{dtype}-{layout}")


@pytest.mark.parametrize("spec,dtype,layout", list(_inplace_cases()))
def test_inplace_form(spec, dtype, layout):
    """x.name_(...) on wgpu: the same values (or the same error, e.g. exp_ on an int tensor) as
    on the CPU, written through the view into its base and nowhere else, returning self."""
    props = require()
    ops = _operands(spec, dtype, INPLACE[layout], seed("i", spec.id, dtype, layout))

    def call(tensors):
        return getattr(tensors[0][1], spec.name + "_")(*[v for _, v in tensors[1:]], **spec.kwargs)

    err = _f64(props, spec, dtype)
    if err:
        with pytest.raises(err[0], match=err[1]):
            call([o.on("wgpu") for o in ops])
        return
    cpu, gpu = [o.on("cpu") for o in ops], [o.on("wgpu") for o in ops]
    tol = merge_tol(dtype, spec.tol.get(dtype)) if dtype in op_db.FLOATS else None
    try:
        call(cpu)
    except Exception as e:  # noqa: BLE001 - the CPU's error is the reference
        with pytest.raises(type(e), match=re.escape(str(e))):
            call(gpu)
        assert_matches(gpu[0][0], cpu[0][0])  # nothing half-written
        return
    out = call(gpu)
    assert out is gpu[0][1], "in-place ops return self"
    assert_matches(gpu[0][1], cpu[0][1], tol)
    assert_matches(gpu[0][0], cpu[0][0], tol)  # the base: written through the view only


def _out_cases():
    for spec in op_db.OPS:
        if _accepts_out(spec.name):
            for dtype in spec.dtypes:
                yield pytest.param(spec, dtype, id=f"{spec.id}-{dtype}")


@pytest.mark.parametrize("spec,dtype", list(_out_cases()))
def test_out_non_contiguous(spec, dtype):
    """out= a transposed wgpu tensor of the result dtype: written in place, strides kept."""
    props = require()
    ops = _operands(spec, dtype, LAYOUTS["sliced"], seed("o", spec.id, dtype))
    fn = getattr(torch, spec.name)
    res = dt(op_db.result_dtype(spec, dtype))
    err = _f64(props, spec, dtype)
    if err:
        with pytest.raises(err[0], match=err[1]):
            fn(*_views(ops, "wgpu"), out=torch.zeros(5, 3, dtype=res).to("wgpu").t(), **spec.kwargs)
        return
    want = fn(*_views(ops, "cpu"), **spec.kwargs)
    out = torch.zeros(5, 3, dtype=want.dtype).to("wgpu").t()
    got = fn(*_views(ops, "wgpu"), out=out, **spec.kwargs)
    assert tuple(out.stride()) == (1, 3)
    assert_matches(out, want, _tol(spec, dtype))
    assert_matches(got, want, _tol(spec, dtype))  # the result is `out` (PyTorch: `got is out`)


@pytest.mark.parametrize("spec,dtype", list(scalar_cases()))
def test_python_number_operand(spec, dtype):
    """torch.name(wgpu tensor, number of the tensor's category): the tensor's dtype wins."""
    props = require()
    rng = np.random.default_rng(seed("s", spec.id, dtype))
    x = Operand(sample(op_db.DOMAINS[spec.domain[0]], dtype, (3, 5), rng), dtype, T)
    number = sample(op_db.DOMAINS[spec.domain[1]], dtype, (), rng).item()
    fn = getattr(torch, spec.name)
    err = _f64(props, spec, dtype)
    if err:
        with pytest.raises(err[0], match=err[1]):
            fn(x.on("wgpu")[1], number, **spec.kwargs)
        return
    want, got = run_both(lambda: fn(x.on("cpu")[1], number, **spec.kwargs),
                         lambda: fn(x.on("wgpu")[1], number, **spec.kwargs))
    if want is not None:
        assert_matches(got, want, _tol(spec, dtype))


@pytest.mark.parametrize("spec,dtype", list(rejected_cases()))
def test_rejected_dtype(spec, dtype):
    """The CPU's error for a dtype the op refuses, on wgpu too (type and message)."""
    props = require()
    if dtype == "float64" and props.get("shader_f64") != "true":
        pytest.skip("no SHADER_F64: float64 cannot be uploaded")
    gpu = _views(_operands(spec, dtype, LAYOUTS["contiguous"], seed("r", spec.id, dtype)), "wgpu")
    exc, pattern = spec.error
    match = pattern.replace("{T}", CPP_NAMES[dtype])
    with pytest.raises(exc, match=match):
        getattr(torch, spec.name)(*gpu, **spec.kwargs)
    if spec.inplace:
        before = gpu[0].cpu()
        with pytest.raises(exc, match=match):
            getattr(gpu[0], spec.name + "_")(*gpu[1:], **spec.kwargs)
        assert torch.equal(gpu[0].cpu(), before)


# ---- Python operators and mixed dtypes ----------------------------------------------------------
def _iadd(x):
    x += 1
    return x


def _imul_t(x):
    v = x.t()
    v *= 2
    return x


# (id, op name for the float64 rule, expression)
EXPRESSIONS = [
    ("radd", "add", lambda x: 2 + x), ("rsub", "sub", lambda x: 2 - x),
    ("rmul", "mul", lambda x: 3 * x), ("rtruediv", "div", lambda x: 2 / x),
    ("truediv", "div", lambda x: x / 4), ("floordiv", "floor_divide", lambda x: x // 2),
    ("mod", "remainder", lambda x: x % 3), ("rpow", "pow", lambda x: 2 ** x),
    ("pow2", "pow", lambda x: x ** 2), ("neg", "neg", lambda x: -x), ("abs", "abs", abs),
    ("invert", "bitwise_not", lambda x: ~x), ("and", "bitwise_and", lambda x: x & 1),
    ("or", "bitwise_or", lambda x: x | x), ("gt", "gt", lambda x: x > 0),
    ("eq", "eq", lambda x: x == x.t().t()), ("iadd", "add", _iadd), ("imul_view", "mul", _imul_t),
]


@pytest.mark.parametrize("dtype", op_db.ALL)
@pytest.mark.parametrize("name,op,expr", EXPRESSIONS, ids=[e[0] for e in EXPRESSIONS])
def test_python_operators(name, op, expr, dtype):
    props = require()
    rng = np.random.default_rng(seed("x", name, dtype))
    x = Operand(sample(op_db.DOMAINS["nonzero"], dtype, (3, 3), rng), dtype, T)
    err = f64_error(props, dtype, op)
    try:
        want = expr(x.on("cpu")[1])
    except Exception as e:  # noqa: BLE001 - e.g. ~ on a float tensor: the same error on wgpu
        with pytest.raises(type(e), match=re.escape(str(e))):
            expr(x.on("wgpu")[1])
        return
    if err:  # computed on the CPU, but no float64 kernel on wgpu
        with pytest.raises(err[0], match=err[1]):
            expr(x.on("wgpu")[1])
        return
    assert_matches(expr(x.on("wgpu")[1]), want)


MIXED = [("float32", "float64"), ("int32", "float16"), ("uint8", "int8"), ("bool", "int64"),
         ("int64", "float32"), ("bfloat16", "float16"), ("int16", "bfloat16"), ("bool", "float32")]
MIXED_OPS = [("add", lambda a, b: torch.add(a, b)), ("mul", lambda a, b: a * b),
             ("eq", lambda a, b: torch.eq(a, b)), ("maximum", torch.maximum),
             ("where", lambda a, b: torch.where(a > 0, a, b)), ("div", lambda a, b: a / (b * 0 + 2))]


@pytest.mark.parametrize("op,fn", MIXED_OPS, ids=[m[0] for m in MIXED_OPS])
@pytest.mark.parametrize("da,db", MIXED, ids=[f"{a}-{b}" for a, b in MIXED])
def test_mixed_dtypes_promote_as_on_cpu(da, db, op, fn):
    props = require()
    if "float64" in (da, db) and props.get("shader_f64") != "true":
        pytest.skip("no SHADER_F64")
    rng = np.random.default_rng(seed("mix", da, db, op))
    a = Operand(sample(op_db.DOMAINS["coarse"], da, (3, 4), rng), da, T)
    b = Operand(sample(op_db.DOMAINS["coarse"], db, (4,), rng), db)
    want, got = run_both(lambda: fn(a.on("cpu")[1], b.on("cpu")[1]),
                         lambda: fn(a.on("wgpu")[1], b.on("wgpu")[1]))
    if want is not None:
        assert_matches(got, want)
