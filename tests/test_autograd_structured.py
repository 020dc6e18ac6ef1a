"""gradcheck (float64 finite differences) of every differentiable op of the structured table
(tests/op_db_structured.py) and of a few more call forms (in-place ones included): on cpu and wgpu (float64
where the adapter has it, as lavapipe does), with contiguous operands, non-contiguous views of the same
values, and a first operand broadcast into the op (expanded with stride 0). On wgpu the gradients must
equal the CPU's; a representative set passes gradgradcheck; the grad_fn nodes carry PyTorch's names; the
ops PyTorch does not differentiate give results that do not require grad, or record a node that raises
(as PyTorch does). The file runs against PyTorch too.

Data operands are distinct multiples of 1/8, never 0: no tie for sort, max or median to break, no zero
for a product to divide by, and sums and products of them are exact in float32 as in float64."""
import math

import numpy as np
import pytest

from _backend import IS_REFERENCE, torch
from _util import to_np
from _wgpu import TOL, require, seed
from op_db import FLOATS
from op_db_structured import STRUCTURED, Const, Ix, Mask, Perm, StructuredSpec, X
from test_op_db_structured import WGPU_ATOMIC_REDUCE, _operand, _strided

DEVICES = ("cpu", "wgpu")

# Ops PyTorch does not differentiate: None, their results do not require grad; else the message of the
# error a backward through them raises (PyTorch records a node that raises).
_UNIQUE = r"the derivative for '_unique2' is not implemented\."
NOT_DIFFERENTIABLE = {
    "argsort": None, "nonzero": None, "nonzero_0d": None, "nonzero_as_tuple": None, "where_condition": None,
    "argwhere": None, "searchsorted": None, "searchsorted_right_1d": None, "histc": None,
    "unique": _UNIQUE, "unique_inverse_counts": _UNIQUE, "unique_nan": _UNIQUE,
}
# Operands PyTorch cannot differentiate in a spec's call: scatter's source is longer than its index, and
# the source's gradient has the index's shape (test_scatter_source_longer_than_index).
NOT_DIFFERENTIABLE_OPERANDS = {"scatter": (2,)}

S = StructuredSpec


def _no_ref(*arrays):
    raise AssertionError("a gradient case has no numpy reference")


def _extra(id, fn, args):
    return S(id, fn, _no_ref, args, dtypes=("float64",))


_PROD_ZEROS = (Const([[0.5, 0.0, 2.0], [1.5, -1.0, 0.0]]), Const([[0, 1, 1], [1, 1, 0], [0, 0, 1]], "int64"),
               Const([[0.0, 2.0, 0.0], [3.0, 0.0, 1.5], [-2.0, 0.5, 0.0]]))
# Call forms the table does not hold: in-place forms (on a non-leaf), tensor values, more ranks.
EXTRA = [
    _extra("index_add_inplace", lambda t, x, i, s: x.clone().index_add_(0, i, s, alpha=2),
           (X(3, 4), Ix((5,), 3), X(5, 4))),
    _extra("index_copy_inplace", lambda t, x, i, s: x.clone().index_copy_(1, i, s),
           (X(3, 4), Perm((3,), 4), X(3, 3))),
    _extra("index_fill_tensor_value", lambda t, x, i, v: t.index_fill(x, 1, i, v), (X(3, 4), Ix((3,), 4), X())),
    _extra("index_fill_inplace", lambda t, x, i: x.clone().index_fill_(0, i, 2.0), (X(3, 4), Ix((2,), 3))),
    _extra("masked_scatter_inplace", lambda t, x, m, s: x.clone().masked_scatter_(m, s),
           (X(3, 4), Mask(3, 4), X(13))),
    _extra("scatter_reduce_amin_inplace", lambda t, x, i, s: x.clone().scatter_reduce_(1, i, s, "amin"),
           (X(3, 4), Ix((3, 5), 4), X(3, 5))),
    _extra("scatter_reduce_prod_exclude_self",
           lambda t, x, i, s: t.scatter_reduce(x, 0, i, s, "prod", include_self=False),
           (X(3, 4), Ix((4, 4), 3), X(4, 4))),
    _extra("scatter_reduce_amax_exclude_self",
           lambda t, x, i, s: x.scatter_reduce(0, i, s, "amax", include_self=False),
           (X(3, 4), Ix((4, 4), 3), X(4, 4))),
    # zeros: in self, alone among a position's sources, two at one position
    _extra("scatter_reduce_prod_zeros", lambda t, x, i, s: t.scatter_reduce(x, 0, i, s, "prod"), _PROD_ZEROS),
    _extra("scatter_reduce_prod_zeros_exclude_self",
           lambda t, x, i, s: x.scatter_reduce(0, i, s, "prod", include_self=False), _PROD_ZEROS),
    _extra("addmm_inplace", lambda t, c, a, b: c.clone().addmm_(a, b, beta=0.5, alpha=2),
           (X(2, 3), X(2, 4), X(4, 3))),
    _extra("addmm_beta0", lambda t, c, a, b: t.addmm(c, a, b, beta=0), (X(2, 3), X(2, 4), X(4, 3))),
    _extra("baddbmm_inplace", lambda t, c, a, b: c.clone().baddbmm_(a, b, beta=2),
           (X(2, 2, 3), X(2, 2, 4), X(2, 4, 3))),
    _extra("vdot", lambda t, a, b: t.vdot(a, b), (X(5), X(5))),
    _extra("matmul_1d_2d", lambda t, v, m: t.matmul(v, m), (X(3), X(3, 4))),
    _extra("matmul_3d_2d", lambda t, a, b: a @ b, (X(2, 3, 4), X(4, 2))),
    _extra("matmul_3d_1d", lambda t, a, v: a.matmul(v), (X(2, 3, 4), X(4))),
    _extra("tensordot_int", lambda t, a, b: t.tensordot(a, b, dims=1), (X(3, 4), X(4, 2))),
    _extra("dstack", lambda t, a, b: t.dstack([a, b]), (X(2, 3), X(2, 3))),
    _extra("fliplr", lambda t, x: t.fliplr(x), (X(3, 4),)),
    _extra("unbind_first", lambda t, x: x.unbind(), (X(3, 2),)),
    _extra("tile_more_dims", lambda t, x: x.tile((2, 1, 2)), (X(2, 3),)),
    _extra("repeat_interleave_one_count", lambda t, x, r: x.repeat_interleave(r, dim=1),
           (X(2, 3), Const([2], "int64"))),
    _extra("repeat_interleave_tensor_flat", lambda t, x, r: t.repeat_interleave(x, r),
           (X(2, 3), Const([1, 0, 2, 3, 1, 1], "int64"))),
    _extra("roll_negative", lambda t, x: t.roll(x, -1, -1), (X(3, 4),)),
    _extra("diag_below", lambda t, x: t.diag(x, -1), (X(4, 3),)),
    _extra("trace_square", lambda t, x: x.trace(), (X(3, 3),)),
    _extra("unfold_overlapping", lambda t, x: x.unfold(0, 3, 1), (X(6),)),
    _extra("take_3d", lambda t, x, i: t.take(x, i), (X(2, 3, 2), Ix((4,), 12, lo=-12))),
    _extra("msort", lambda t, x: t.msort(x), (X(4, 3),)),
    _extra("nanmedian", lambda t, x: t.nanmedian(x), (X(3, 4),)),
    _extra("nanmedian_dim", lambda t, x: x.nanmedian(1, keepdim=True), (X(3, 4),)),
]
# wgpu adds float64 values into one place with 64-bit atomics, which WGSL lacks: these raise there
ATOMIC = set(WGPU_ATOMIC_REDUCE) | {"index_add_inplace", "scatter_reduce_amin_inplace",
                                    "scatter_reduce_prod_exclude_self", "scatter_reduce_amax_exclude_self",
                                    "scatter_reduce_prod_zeros", "scatter_reduce_prod_zeros_exclude_self"}

SPECS = [s for s in STRUCTURED if s.id not in NOT_DIFFERENTIABLE and any(d in FLOATS for d in s.dtypes)] + EXTRA

# grad_fn of the (first) result: PyTorch's node names
NODE = {
    "getitem_basic": "SliceBackward0", "getitem_index": "IndexBackward0", "getitem_mask": "IndexBackward0",
    "setitem_index": "IndexPutBackward0", "setitem_mask": "IndexPutBackward0", "gather": "GatherBackward0",
    "scatter": "ScatterBackward0", "scatter_add": "ScatterAddBackward0",
    "scatter_reduce_sum": "ScatterReduceBackward0", "scatter_reduce_prod": "ScatterReduceBackward0",
    "scatter_reduce_mean": "ScatterReduceBackward0", "scatter_reduce_amax": "ScatterReduceBackward0",
    "index_select": "IndexSelectBackward0", "index_add": "IndexAddBackward0", "index_add_alpha": "IndexAddBackward0",
    "index_copy": "IndexCopyBackward0", "index_fill": "IndexFillBackward0",
    "index_fill_tensor_value": "IndexFillBackward1", "take": "TakeBackward0", "masked_fill": "MaskedFillBackward0",
    "masked_select": "MaskedSelectBackward0", "masked_scatter": "MaskedScatterBackward0",
    "masked_scatter_broadcast": "MaskedScatterBackward0", "cat": "CatBackward0", "stack": "StackBackward0",
    "hstack": "CatBackward0", "vstack": "CatBackward0", "dstack": "CatBackward0", "split_size": "SplitBackward0",
    "split_sizes": "SplitWithSizesBackward0", "chunk": "SplitBackward0", "chunk_fewer": "SplitBackward0",
    "unbind": "UnbindBackward0", "repeat": "RepeatBackward0", "tile": "RepeatBackward0",
    "tile_more_dims": "RepeatBackward0", "repeat_interleave_tensor": "IndexSelectBackward0",
    "repeat_interleave_one_count": "IndexSelectBackward0", "flip": "FlipBackward0", "fliplr": "FlipBackward0",
    "roll": "RollBackward0", "roll_flat": "RollBackward0", "tril": "TrilBackward0", "triu": "TriuBackward0",
    "diag_of_matrix": "DiagonalBackward0_copy", "diag_of_vector": "DiagEmbedBackward0",
    "diagonal": "DiagonalBackward0", "trace": "TraceBackward0", "unfold": "UnfoldBackward0",
    "cumsum": "CumsumBackward0", "cumprod": "CumprodBackward0", "topk": "TopkBackward0",
    "kthvalue": "KthvalueBackward0", "median": "MedianBackward0", "median_dim": "MedianBackward1",
    "msort": "SortBackward0", "nanmedian": "NanmedianBackward0", "nanmedian_dim": "NanmedianBackward1",
    "matmul_1d_1d": "DotBackward0", "matmul_2d_1d": "MvBackward0", "matmul_operator": "MmBackward0",
    "mm": "MmBackward0", "bmm": "BmmBackward0", "mv": "MvBackward0", "dot": "DotBackward0", "vdot": "VdotBackward0",
    "outer": "MulBackward0", "addmm": "AddmmBackward0", "addmm_inplace": "AddmmBackward0",
    "baddbmm": "BaddbmmBackward0", "einsum_matmul": "ViewBackward0", "einsum_trace": "SumBackward1",
    "tensordot": "ViewBackward0",
}
# second derivatives, through a backward recorded with create_graph=True
GRADGRAD = ("getitem_index", "setitem_mask", "gather", "scatter_reduce_mean", "scatter_reduce_amax",
            "scatter_reduce_prod", "index_add", "index_copy", "index_fill_tensor_value", "take", "masked_scatter",
            "cat", "split_sizes", "unbind", "tile", "repeat_interleave_tensor", "roll", "diag_of_matrix", "trace",
            "unfold", "cumsum", "cumprod", "sort", "topk", "median_dim", "matmul_2d_1d", "mm", "addmm", "baddbmm",
            "einsum_three_operands", "kron")

# (on lavapipe, a second backward per element of these larger operands takes seconds: the CPU checks them)
GRADGRAD_CPU_ONLY = {"getitem_index", "setitem_mask", "einsum_three_operands"}

_BY_ID = {s.id: s for s in SPECS}


# ---- operands and the function under test ------------------------------------------------------------

def _operands(spec):
    """(values, dtype name) per operand: differentiable data as distinct multiples of 1/8 away from 0."""
    rng = np.random.default_rng(seed(spec.id, "grad"))
    data = [a.kind == "data" and (a.dtype or "float64") in FLOATS for a in spec.args]
    total = sum(math.prod(a.shape) for a, d in zip(spec.args, data) if d)
    values = (rng.permutation(total) - total // 2 + 0.5) / 8  # distinct across the operands too
    out, start = [], 0
    for a, d in zip(spec.args, data):
        if d:
            n = math.prod(a.shape)
            out.append((values[start:start + n].reshape(a.shape), "float64"))
            start += n
        else:
            out.append(_operand(a, "float64", rng))
    return out


def _differentiable(spec, k, name):
    return name == "float64" and k not in NOT_DIFFERENTIABLE_OPERANDS.get(spec.id, ())


def _expanded_operand(spec, operands):
    """The operand the 'expanded' layout broadcasts: the first differentiable one with a leading dim > 1."""
    for k, (arr, name) in enumerate(operands):
        if _differentiable(spec, k, name) and arr.ndim and arr.shape[0] > 1:
            return k
    return None


def _float_outputs(result):
    outs = (result,) if hasattr(result, "shape") else tuple(result)
    outs = tuple(o for o in outs if o.is_floating_point())
    return outs[0] if len(outs) == 1 else outs


def _case(spec, layout, device, dtype="float64"):
    """(inputs, fn): the operands on ``device`` in ``layout`` (floats as ``dtype``, the differentiable ones
    requiring grad) and the op on them, returning its floating results."""
    operands = _operands(spec)
    wide = _expanded_operand(spec, operands) if layout == "expanded" else None
    shape = operands[wide][0].shape if wide is not None else None
    inputs = []
    for k, (arr, name) in enumerate(operands):
        if k == wide:
            arr = arr[:1]
        base, view = _strided(arr) if layout == "strided" and arr.ndim else (arr, lambda t: t)
        t = torch.from_numpy(np.array(base, order="C"))  # (np.array: a 0-d array stays 0-d)
        if name == "float64":
            t = t.to(getattr(torch, dtype))
        t = view(t.to(device))
        if _differentiable(spec, k, name):
            t.requires_grad_()
        inputs.append(t)

    def fn(*xs):
        xs = list(xs)
        if wide is not None:
            xs[wide] = xs[wide].expand(*shape)
        if spec.id.startswith("setitem"):  # x[...] = v writes into x: a copy of the leaf
            xs[0] = xs[0].clone()
        return _float_outputs(spec.fn(torch, *xs))

    return inputs, fn


def _param(spec, layout, key, *values):
    """pytest.param with id ``key``, xfailed for PyTorch where the spec says PyTorch fails that layout."""
    reason = spec.reference_fails.get(layout)
    marks = [pytest.mark.xfail(reason=reason)] if reason and IS_REFERENCE else []
    return pytest.param(spec, *values, id=key, marks=marks)


def _cases(layouts):
    for spec in SPECS:
        for layout in layouts:
            if layout != "expanded" or _expanded_operand(spec, _operands(spec)) is not None:
                yield _param(spec, layout, f"{spec.id}-{layout}", layout)


def _float64_device(device):
    if device == "wgpu" and require().get("shader_f64") != "true":
        pytest.skip("the adapter has no float64")


# ---- the tests ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("spec,layout", list(_cases(("contiguous", "strided", "expanded"))))
def test_gradcheck(spec, layout, device):
    _float64_device(device)
    inputs, fn = _case(spec, layout, device)
    if device == "wgpu" and spec.id in ATOMIC:  # test_wgpu_grads_match_cpu checks these in float32
        with pytest.raises(NotImplementedError, match="is not implemented for float64 on the wgpu device"):
            fn(*inputs)
        return
    assert torch.autograd.gradcheck(fn, tuple(inputs))


def _grads(spec, layout, device, dtype):
    """The gradients of the spec's differentiable operands for a fixed cotangent (distinct quarters)."""
    inputs, fn = _case(spec, layout, device, dtype)
    outs = fn(*inputs)
    outs = (outs,) if hasattr(outs, "shape") else outs
    rng = np.random.default_rng(seed(spec.id, "cotangent"))
    cots = []
    for o in outs:
        values = np.array(rng.permutation(o.numel()).reshape(tuple(o.shape)) / 4.0)
        cots.append(torch.from_numpy(values).to(o.dtype).to(device))
    wrt = [t for t in inputs if t.requires_grad]
    return torch.autograd.grad(outs, wrt, cots, allow_unused=True)


@pytest.mark.parametrize("spec,layout", list(_cases(("contiguous", "strided"))))
def test_wgpu_grads_match_cpu(spec, layout):
    props = require()
    dtype = "float64" if props.get("shader_f64") == "true" and spec.id not in ATOMIC else "float32"
    want, got = _grads(spec, layout, "cpu", dtype), _grads(spec, layout, "wgpu", dtype)
    assert len(got) == len(want)
    rtol, atol = TOL[dtype]
    for g, w in zip(got, want):
        assert (g is None) == (w is None)
        if w is not None:
            assert g.device.type == "wgpu" and g.dtype == w.dtype and tuple(g.shape) == tuple(w.shape)
            np.testing.assert_allclose(to_np(g.cpu()), to_np(w), rtol=rtol, atol=atol)


def _gradgrad_cases():
    for sid in GRADGRAD:
        for device in DEVICES:
            if device == "cpu" or sid not in ATOMIC | GRADGRAD_CPU_ONLY:
                yield _param(_BY_ID[sid], "strided", f"{sid}-{device}", device)


@pytest.mark.parametrize("spec,device", list(_gradgrad_cases()))
def test_gradgradcheck(spec, device):
    _float64_device(device)
    inputs, fn = _case(spec, "strided", device)
    assert torch.autograd.gradgradcheck(fn, tuple(inputs))


@pytest.mark.parametrize("sid", sorted(NODE))
def test_node_names(sid):
    inputs, fn = _case(_BY_ID[sid], "contiguous", "cpu")
    out = fn(*inputs)
    out = out if hasattr(out, "shape") else out[0]
    assert type(out.grad_fn).__name__ == NODE[sid]


@pytest.mark.parametrize("spec", [s for s in STRUCTURED if s.id in NOT_DIFFERENTIABLE], ids=lambda s: s.id)
def test_not_differentiable(spec):
    inputs, _ = _case(spec, "contiguous", "cpu")
    assert any(t.requires_grad for t in inputs)
    result = spec.fn(torch, *inputs)
    outs = (result,) if hasattr(result, "shape") else tuple(result)
    msg = NOT_DIFFERENTIABLE[spec.id]
    if msg is None:
        assert not any(o.requires_grad for o in outs)
        return
    assert outs[0].requires_grad and not any(o.requires_grad for o in outs[1:])
    with pytest.raises(RuntimeError, match=msg):
        outs[0].sum().backward()


@pytest.mark.parametrize("device", DEVICES)
def test_scatter_reduce_prod_second_derivative_with_zeros(device):
    """A zero alone among a position's sources: second derivatives too; two zeros: PyTorch raises when a
    second backward reaches the source's gradient."""
    _float64_device(device)
    dtype = torch.float64 if device == "cpu" else torch.float32  # (wgpu: no 64-bit atomics)
    x = torch.tensor([[0.5, 0.0, 2.0], [1.5, -1.0, 3.0]], dtype=dtype, device=device)
    index = torch.tensor([[0, 1, 1], [1, 1, 0], [0, 0, 1]], device=device)
    src = torch.tensor([[0.0, 2.0, 0.0], [3.0, 0.0, 1.5], [-2.0, 0.5, 4.0]], dtype=dtype, device=device)
    x.requires_grad_(), src.requires_grad_()
    if device == "cpu":
        assert torch.autograd.gradgradcheck(lambda a, b: a.scatter_reduce(0, index, b, "prod"), (x, src))
    src2 = src.detach().clone()
    src2[2, 2] = 0.0  # the second zero sent to self[1, 2]
    src2.requires_grad_()
    out = x.scatter_reduce(0, index, src2, "prod")
    gs = torch.autograd.grad(out, src2, torch.ones_like(out), create_graph=True)[0]
    with pytest.raises(RuntimeError, match=r"Double backward is unsupported for src when >1 zeros in src"):
        gs.sum().backward()


def test_unique_consecutive_has_no_derivative():
    x = torch.tensor([1.0, 1.0, 2.0, 1.0], dtype=torch.float64, requires_grad=True)
    values, counts = torch.unique_consecutive(x, return_counts=True)
    assert values.requires_grad and not counts.requires_grad and values.tolist() == [1.0, 2.0, 1.0]
    assert type(values.grad_fn).__name__ == "UniqueConsecutiveBackward0"
    with pytest.raises(RuntimeError, match=r"the derivative for 'unique_consecutive' is not implemented\."):
        values.sum().backward()


def test_bincount_weights_have_no_derivative():
    w = torch.tensor([0.5, 1.5, 2.0], dtype=torch.float64, requires_grad=True)
    r = torch.bincount(torch.tensor([0, 2, 2]), w)
    assert r.requires_grad and r.tolist() == [0.5, 0.0, 3.5]
    with pytest.raises(RuntimeError, match="derivative for aten::bincount is not implemented"):
        r.sum().backward()


def test_scatter_source_longer_than_index():
    """scatter's source gets a gradient of the index's shape: a longer source cannot take it."""
    x = torch.zeros(3, 4, dtype=torch.float64)
    src = torch.ones(3, 5, dtype=torch.float64, requires_grad=True)
    out = torch.scatter(x, 0, torch.tensor([[0, 1, 2, 0], [1, 2, 0, 1]]), src)
    with pytest.raises(RuntimeError):
        out.sum().backward()


def test_every_differentiable_spec_is_checked():
    floats = {s.id for s in STRUCTURED if any(d in FLOATS for d in s.dtypes)}
    assert set(NOT_DIFFERENTIABLE) <= floats
    assert floats - set(NOT_DIFFERENTIABLE) <= set(_BY_ID)
    assert set(NODE) <= set(_BY_ID) and set(GRADGRAD) <= set(_BY_ID)
    assert len(SPECS) == len(_BY_ID), "spec ids must be unique"
