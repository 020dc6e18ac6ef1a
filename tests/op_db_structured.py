"""The structured ops' table (indexing, index ops, shape assembly, scans, sorting, products): the part
of the op table that tests/test_op_db_structured.py drives; the elementwise ops and reductions are in
op_db.py, whose input domains these specs share."""
from dataclasses import dataclass, field

import numpy as np

from op_db import ALL, FLOATS, INTS
from op_db_refs import (
    _argsort,
    _both,
    _chunk,
    _index_fill,
    _index_put,
    _int64_for_ints,
    _inverse_maps,
    _kthvalue,
    _masked_scatter,
    _median,
    _median_all,
    _mm_add,
    _points,
    _scatter,
    _searchsorted,
    _setitem,
    _sort,
    _split_at,
    _topk,
    _unfold,
    _unique,
    _unique_nan,
)

# ---- structured ops: indexing, index ops, shape assembly, scans, sorting, products --------------
# Each StructuredSpec is one call form of one op: `fn(t, *tensors)` calls it through the module
# under test `t`; `ref(*arrays)` computes it with numpy from the same values (floats handed over as
# float64, integers and bool in their own dtype, so integer results wrap as the dtype wraps). The
# operands are `Arg`s, built by the driver (tests/test_op_db_structured.py) for each dtype under
# test; it runs every spec on contiguous operands, on non-contiguous views of the same values, on
# the `empty` operands (a 0-size dim) and on each `Err` case.
@dataclass(frozen=True)
class Arg:
    """One operand. kind:
      "data"   values of `dtype` (None: the dtype under test) from DOMAINS[domain]
      "index"  `dtype` (None: int64) values in [lo, hi)
      "perm"   int64 values in [0, hi), distinct along `axis` (targets of an assignment)
      "mask"   random bool
      "sorted" data sorted along the last dim (searchsorted's boundaries)
      "const"  the fixed `values` as `dtype` (None: the dtype under test)"""
    kind: str
    shape: tuple = ()
    domain: str = "real"
    dtype: str = None
    lo: int = 0
    hi: int = 0
    axis: int = 0
    values: object = None


def X(*shape, domain="real", dtype=None):
    return Arg("data", shape, domain, dtype)


def Ix(shape, hi, lo=0, dtype="int64"):
    return Arg("index", tuple(shape), dtype=dtype, lo=lo, hi=hi)


def Perm(shape, hi, axis=0):
    return Arg("perm", tuple(shape), dtype="int64", hi=hi, axis=axis)


def Mask(*shape):
    return Arg("mask", shape, dtype="bool")


def Sorted(*shape, domain="real"):
    return Arg("sorted", shape, domain)


def Const(values, dtype=None):
    return Arg("const", np.shape(values), dtype=dtype, values=values)


@dataclass(frozen=True)
class Err:
    """`fn` (None: the spec's) on `args`, with `dtype` (None: the spec's first) under test,
    raises `exc` with a message matching the regex `match`."""
    args: tuple
    exc: type
    match: str
    dtype: str = None
    fn: object = None


@dataclass(frozen=True)
class StructuredSpec:
    id: str
    fn: object                 # fn(t, *tensors) -> tensor | sequence of tensors
    ref: object                # ref(*arrays) -> array | sequence (a None entry: left to `check`)
    args: tuple                # one Arg per tensor operand
    dtypes: tuple = ALL        # dtypes under test
    out: object = "same"       # result dtype: "same", a name, a tuple (one per output), a callable
    empty: tuple = None        # operands with a 0-size dim (None: no empty case)
    errors: tuple = ()
    check: object = None       # check(arrays, outputs): more assertions, on numpy arrays
    tol: dict = field(default_factory=dict)  # result dtype -> (rtol, atol)
    # run kind ("strided", ...) -> why PyTorch itself fails it (a PyTorch bug, xfailed there only)
    reference_fails: dict = field(default_factory=dict)

    def out_names(self, dtype, n):
        """The result dtype names of the `n` outputs when the operands have dtype `dtype`."""
        out = self.out(dtype) if callable(self.out) else self.out
        names = (out,) * n if isinstance(out, str) else tuple(out)
        return tuple(dtype if o == "same" else o for o in names)


# dtype groups: every dtype for data movement is costly to run on both devices; these pick one
# of each storage width and kind.
MOVE = ("float32", "float64", "float16", "bfloat16", "int64", "int32", "int8", "uint8", "bool")
SOME = ("float32", "float16", "int64", "uint8", "bool")
NUM_SOME = ("float32", "float64", "bfloat16", "int64", "int16", "uint8")
PRODUCT = ("float32", "float64", "float16", "bfloat16", "int64", "int32", "int8", "uint8")
_OOB = r"index {i} is out of bounds for dimension {d} with size {n}"
_DIM_RANGE = r"Dimension out of range \(expected to be in range of \[-{n}, {m}\], but got {d}\)"


def _oob(i, d, n):
    return _OOB.format(i=i, d=d, n=n)


def _dim_range(ndim, d):
    return _DIM_RANGE.format(n=ndim, m=ndim - 1, d=d)



def _gather(axis):
    """gather: the index may be shorter than the input off `axis`; it reads the leading part."""
    def ref(x, index):
        part = tuple(slice(None) if d == axis % x.ndim else slice(0, n)
                     for d, n in enumerate(index.shape))
        return np.take_along_axis(x[part], index, axis)
    return ref


def _bool_rejected(args, kernel):
    return Err(args, NotImplementedError, f"\"{kernel}\" not implemented for 'Bool'", dtype="bool")


S = StructuredSpec
_MASK_SHAPE = (r"The shape of the mask \[2\] at index 0 does not match the shape of the indexed "
               r"tensor \[3, 4\] at index 0")
_MATMUL_REJECTS_BOOL = _bool_rejected((X(2, 3), X(3, 2)), "addmm_impl_cpu_")
_LONG_MASK = (RuntimeError,
              "masked_fill_ only supports boolean masks, but got mask with dtype long int")

STRUCTURED = [
    # ---- x[...] ---------------------------------------------------------------------------------
    S("getitem_basic", **_both(lambda x: x[1:, None, ..., ::2]), args=(X(3, 4, 5),), dtypes=MOVE,
      empty=(X(0, 4, 5),),
      errors=(Err((X(3, 4),), IndexError, _oob(5, 0, 3), fn=lambda t, x: x[5]),
              Err((X(3, 4),), IndexError, _oob(-5, 1, 4), fn=lambda t, x: x[0, -5]),
              Err((X(3, 4),), IndexError, "too many indices for tensor of dimension 2",
                  fn=lambda t, x: x[0, 0, 0]),
              Err((X(3, 4),), ValueError, "step must be greater than zero",
                  fn=lambda t, x: x[::-1]))),
    S("getitem_int_ellipsis", **_both(lambda x: x[-1, ..., 1:-1, 2]), args=(X(3, 4, 5),),
      dtypes=SOME, empty=(X(3, 0, 5),)),
    S("getitem_index", **_both(lambda x, i: x[i]), args=(X(3, 4, 5), Ix((2, 3), 3, lo=-3)),
      dtypes=MOVE, empty=(X(3, 4, 5), Ix((0,), 3)),
      errors=(Err((X(3, 4), Const([5], "int64")), IndexError, _oob(5, 0, 3)),
              Err((X(3, 4), Const([0, 1]), Const([4, 0])), IndexError, _oob(4, 1, 4),
                  fn=lambda t, x, i, j: x[i, j], dtype="int64"),
              Err((X(3, 4), Const([0.5], "float32")), IndexError,
                  "tensors used as indices must be long, int, byte or bool tensors"))),
    # index tensors separated by a slice: their broadcast dims come first
    S("getitem_index_broadcast_split", **_both(lambda x, i, j: x[i, :, j]),
      args=(X(3, 4, 5), Ix((2, 1), 3), Ix((3,), 5, lo=-5)), dtypes=SOME,
      empty=(X(3, 4, 5), Ix((0, 1), 3), Ix((3,), 5))),
    # adjacent index tensors (one int32) after a slice: their dims stay in place
    S("getitem_index_adjacent", **_both(lambda x, i, j: x[1:, i, j]),
      args=(X(3, 4, 5), Ix((2, 2), 4), Ix((1, 2), 5, dtype="int32")), dtypes=SOME),
    S("getitem_index_none_ellipsis", **_both(lambda x, i: x[None, ..., i]),
      args=(X(3, 4, 5), Ix((4,), 5)), dtypes=SOME),
    S("getitem_mask", **_both(lambda x, m: x[m]), args=(X(3, 4, 5), Mask(3, 4)), dtypes=MOVE,
      empty=(X(0, 4, 5), Mask(0, 4)),
      errors=(Err((X(3, 4), Mask(2)), IndexError, _MASK_SHAPE),)),
    S("getitem_mask_after_slice", **_both(lambda x, m: x[1:, m]), args=(X(3, 4, 5), Mask(4)),
      dtypes=SOME),
    # ---- x[...] = v -----------------------------------------------------------------------------
    S("setitem_basic", **_both(_setitem(lambda: (slice(1, None), Ellipsis, slice(None, None, 2)))),
      args=(X(3, 4, 5), X(4, 3)), dtypes=MOVE, empty=(X(1, 4, 5), X(4, 3)),
      errors=(Err((X(3, 4), X(2)), RuntimeError,
                  r"The expanded size of the tensor \(4\) must match the existing size \(2\) at "
                  r"non-singleton dimension 0.  Target sizes: \[4\].  Tensor sizes: \[2\]",
                  fn=lambda t, x, v: _setitem(lambda: 0)(x, v)),)),
    S("setitem_scalar", **_both(_setitem(lambda: (0, slice(None), -1), value=1)),
      args=(X(3, 4, 5),), dtypes=SOME),
    S("setitem_index", **_both(_setitem(lambda i, j: (i, slice(None), j))),
      args=(X(3, 4, 5), Perm((3,), 3), Ix((1,), 5), X(3, 4)), dtypes=MOVE,
      empty=(X(3, 4, 5), Perm((0,), 3), Ix((1,), 5), X(0, 4))),
    S("setitem_mask", **_both(_setitem(lambda m: m)), args=(X(3, 4, 5), Mask(3, 4), X(5)),
      dtypes=MOVE, empty=(X(0, 4, 5), Mask(0, 4), X(5))),
    S("setitem_mask_scalar", **_both(_setitem(lambda m: m, value=1)), args=(X(3, 4), Mask(3, 4)),
      dtypes=SOME),

    # ---- gather / scatter -----------------------------------------------------------------------
    S("gather", lambda t, x, i: t.gather(x, 1, i), _gather(1), (X(3, 4), Ix((3, 5), 4)),
      empty=(X(3, 4), Ix((3, 0), 4)),
      errors=(Err((X(2, 3), Const([[3]], "int64")), RuntimeError, _oob(3, 1, 3)),
              Err((X(2, 3), Const([[-4]], "int64")), RuntimeError, _oob(-4, 1, 3)),
              Err((X(2, 3), Const([0], "int64")), RuntimeError,
                  "Index tensor must have the same number of dimensions as input tensor"))),
    S("gather_method_short_index", lambda t, x, i: x.gather(-3, i), _gather(-3),
      (X(3, 2, 4), Ix((5, 1, 3), 3)), dtypes=SOME),
    S("scatter", lambda t, x, i, s: t.scatter(x, 0, i, s), _scatter(0),
      (X(3, 4), Perm((2, 4), 3), X(3, 5)), empty=(X(3, 4), Perm((0, 4), 3), X(3, 5)),
      errors=(Err((X(2, 3), Const([[5]], "int64"), X(2, 3)), RuntimeError, _oob(5, 0, 2)),)),
    S("scatter_value", lambda t, x, i: x.scatter(1, i, 1),
      lambda x, i: _scatter(1)(x, i, np.ones(i.shape, x.dtype)), (X(3, 4), Ix((3, 3), 4)),
      dtypes=SOME),
    S("scatter_add", lambda t, x, i, s: t.scatter_add(x, 1, i, s), _scatter(1, "sum"),
      (X(3, 4, domain="dyadic"), Ix((3, 6), 4), X(3, 6, domain="dyadic")), dtypes=MOVE,
      empty=(X(3, 4), Ix((3, 0), 4), X(3, 6)),
      errors=(Err((X(2, 3), Const([[0, 0, 0]] * 3, "int64"), X(2, 3)), RuntimeError,
                  r"Expected index \[3, 3\] to be no larger than self \[2, 3\] apart from "
                  r"dimension 1 and to be no larger size than src \[2, 3\]"),)),
    S("scatter_reduce_sum", lambda t, x, i, s: t.scatter_reduce(x, 0, i, s, "sum"),
      _scatter(0, "sum"), (X(3, 4, domain="dyadic"), Ix((4, 4), 3), X(4, 4, domain="dyadic")),
      dtypes=MOVE, empty=(X(3, 4), Ix((0, 4), 3), X(4, 4)),
      errors=(Err((X(2, 3), Const([[0]], "int64"), X(2, 3)), RuntimeError,
                  "reduce argument must be either sum, prod, mean, amax or amin, got foo",
                  fn=lambda t, x, i, s: x.scatter_reduce(0, i, s, "foo")),)),
    S("scatter_reduce_sum_exclude_self",
      lambda t, x, i, s: x.scatter_reduce(1, i, s, "sum", include_self=False),
      _scatter(1, "sum", include_self=False),
      (X(3, 4, domain="dyadic"), Ix((3, 5), 4), X(3, 5, domain="dyadic")), dtypes=SOME),
    S("scatter_reduce_prod", lambda t, x, i, s: t.scatter_reduce(x, 0, i, s, "prod"),
      _scatter(0, "prod"), (X(3, 4, domain="coarse"), Ix((4, 4), 3), X(4, 4, domain="coarse")),
      dtypes=MOVE),
    S("scatter_reduce_mean", lambda t, x, i, s: t.scatter_reduce(x, 0, i, s, "mean"),
      _scatter(0, "mean"), (X(3, 4, domain="dyadic"), Ix((4, 4), 3), X(4, 4, domain="dyadic")),
      dtypes=MOVE[:-1],  # integers: the mean rounds toward -inf
      errors=(_bool_rejected((X(3, 4), Ix((4, 4), 3), X(4, 4)),
                             "scatter_gather_tensor_cpu_reduce_mean"),)),
    S("scatter_reduce_mean_exclude_self",
      lambda t, x, i, s: x.scatter_reduce(0, i, s, "mean", include_self=False),
      _scatter(0, "mean", include_self=False),
      (X(3, 4, domain="dyadic"), Ix((4, 4), 3), X(4, 4, domain="dyadic")),
      dtypes=("float32", "bfloat16", "int32", "uint8")),
    S("scatter_reduce_amax", lambda t, x, i, s: t.scatter_reduce(x, 1, i, s, "amax"),
      _scatter(1, "amax"), (X(3, 4), Ix((3, 5), 4), X(3, 5)), dtypes=MOVE),
    S("scatter_reduce_amin_exclude_self",
      lambda t, x, i, s: x.scatter_reduce(1, i, s, "amin", include_self=False),
      _scatter(1, "amin", include_self=False), (X(3, 4), Ix((3, 5), 4), X(3, 5)), dtypes=MOVE),

    # ---- index_* / take -------------------------------------------------------------------------
    S("index_select", lambda t, x, i: t.index_select(x, 1, i), lambda x, i: np.take(x, i, 1),
      (X(3, 4), Ix((5,), 4)), dtypes=MOVE, empty=(X(3, 4), Ix((0,), 4)),
      errors=(Err((X(2, 3), Const([2], "int64")), IndexError, "index out of range in self",
                  fn=lambda t, x, i: t.index_select(x, 0, i)),
              Err((X(2, 3), Const([[0]], "int64")), IndexError,
                  r"index_select\(\): Index is supposed to be a vector"),
              Err((X(2, 3), Const([0.0], "float32")), RuntimeError,
                  r"index_select\(\): Expected dtype int32 or int64 for index"))),
    S("index_select_int32_method", lambda t, x, i: x.index_select(-2, i),
      lambda x, i: np.take(x, i, -2), (X(2, 3, 4), Ix((4,), 3, dtype="int32")), dtypes=SOME),
    S("index_add", lambda t, x, i, s: t.index_add(x, 0, i, s), _index_put(0, np.add),
      (X(3, 4, domain="dyadic"), Ix((5,), 3), X(5, 4, domain="dyadic")), dtypes=MOVE,
      empty=(X(3, 4), Ix((0,), 3), X(0, 4)),
      errors=(Err((X(2, 3), Const([3], "int64"), X(1, 3)), RuntimeError, _oob(3, 0, 2)),
              Err((X(2, 3), Const([0], "int64"), X(1, 4)), RuntimeError,
                  r"source tensor shape must match self tensor shape, excluding the specified "
                  r"dimension. Got self.shape = \[2, 3\] source.shape = \[1, 4\]"))),
    S("index_add_alpha", lambda t, x, i, s: x.index_add(1, i, s, alpha=2),
      _index_put(1, np.add, alpha=2),
      (X(3, 4, domain="dyadic"), Ix((3,), 4), X(3, 3, domain="dyadic")), dtypes=NUM_SOME),
    S("index_copy", lambda t, x, i, s: x.index_copy(1, i, s), _index_put(1),
      (X(3, 4), Perm((3,), 4), X(3, 3)), dtypes=MOVE, empty=(X(3, 4), Perm((0,), 4), X(3, 0)),
      errors=(Err((X(2, 3), Const([3], "int64"), X(1, 3)), IndexError,
                  r"index_copy_\(\): index 3 is out of bounds for dimension 0 with size 2",
                  fn=lambda t, x, i, s: x.index_copy(0, i, s)),
              Err((X(2, 3), Const([0], "int64"), X(2, 3)), IndexError,
                  r"index_copy_\(\): Number of indices \(1\) should be equal to "
                  r"source.size\(dim\) \(2\)", fn=lambda t, x, i, s: x.index_copy(0, i, s)))),
    S("index_fill", lambda t, x, i: x.index_fill(1, i, 1), _index_fill(1, 1),
      (X(3, 4), Ix((3,), 4, lo=-4)), dtypes=MOVE, empty=(X(3, 4), Ix((0,), 4)),
      errors=(Err((X(2, 3), Const([2], "int64")), IndexError, _oob(2, 0, 2),
                  fn=lambda t, x, i: x.index_fill(0, i, 1)),)),
    S("take", lambda t, x, i: t.take(x, i), lambda x, i: np.take(x, i),
      (X(3, 4), Ix((2, 3), 12, lo=-12)), dtypes=MOVE, empty=(X(3, 4), Ix((0,), 12)),
      errors=(Err((X(3, 4), Const([12], "int64")), IndexError,
                  r"out of range: tried to access index 12 on a tensor of 12 elements\."),)),

    # ---- masks ----------------------------------------------------------------------------------
    S("masked_fill", lambda t, x, m: x.masked_fill(m, 1), lambda x, m: np.where(m, 1, x),
      (X(3, 4), Mask(4)), dtypes=MOVE, empty=(X(0, 4), Mask(4)),
      errors=(Err((X(2, 3), Const([1, 0, 1], "int64")), *_LONG_MASK),
              Err((X(2, 3), Mask(2, 3), X(2)), RuntimeError,
                  r"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                  r"1 dimension\(s\)\.", fn=lambda t, x, m, v: x.masked_fill(m, v)))),
    S("masked_fill_tensor_value", lambda t, x, m, v: t.masked_fill(x, m, v),
      lambda x, m, v: np.where(m, v, x), (X(3, 4), Mask(3, 4), X()), dtypes=SOME),
    S("masked_select", lambda t, x, m: t.masked_select(x, m),
      lambda x, m: x[np.broadcast_to(m, x.shape)], (X(3, 4), Mask(3, 4)), dtypes=MOVE,
      empty=(X(0, 4), Mask(0, 4)),
      errors=(Err((X(2, 3), Const([1, 0, 1], "int64")), RuntimeError,
                  "masked_select: expected BoolTensor for mask"),)),
    S("masked_select_broadcast", lambda t, x, m: x.masked_select(m),
      lambda x, m: x[np.broadcast_to(m, x.shape)], (X(2, 3, 4), Mask(4)), dtypes=SOME),
    S("masked_scatter", lambda t, x, m, s: x.masked_scatter(m, s), _masked_scatter,
      (X(3, 4), Mask(3, 4), X(3, 5)), dtypes=MOVE, empty=(X(0, 4), Mask(0, 4), X(2)),
      errors=(Err((X(2, 3), Const([[True, False, True]] * 2, "bool"), X(3)), RuntimeError,
                  "Number of elements of source < number of ones in mask"),)),
    S("masked_scatter_broadcast", lambda t, x, m, s: t.masked_scatter(x, m, s), _masked_scatter,
      (X(3, 4), Mask(4), X(12)), dtypes=SOME),

    # ---- nonzero --------------------------------------------------------------------------------
    S("nonzero", lambda t, x: t.nonzero(x), np.argwhere, (X(3, 2, 4, domain="coarse"),),
      out="int64", empty=(X(0, 3),)),
    S("nonzero_0d", lambda t, x: x.nonzero(), np.argwhere, (X(domain="coarse"),), out="int64",
      dtypes=SOME),
    S("nonzero_as_tuple", lambda t, x: t.nonzero(x, as_tuple=True), np.nonzero,
      (X(3, 4, domain="coarse"),), out="int64", dtypes=MOVE, empty=(X(2, 0),)),
    S("where_condition", lambda t, x: t.where(x), np.nonzero, (X(3, 4, domain="coarse"),),
      out="int64", dtypes=MOVE, empty=(X(0, 4),)),
    S("argwhere", lambda t, x: t.argwhere(x), np.argwhere, (X(3, 4, domain="coarse"),),
      out="int64", dtypes=MOVE, empty=(X(0, 4),)),

    # ---- joining and splitting ------------------------------------------------------------------
    S("cat", lambda t, a, b: t.cat([a, b], 1), lambda a, b: np.concatenate([a, b], 1),
      (X(2, 3), X(2, 4)), empty=(X(2, 0), X(2, 4)),
      errors=(Err((X(2, 2), X(3, 3)), RuntimeError,
                  r"Sizes of tensors must match except in dimension 1\. Expected size 2 but got "
                  r"size 3 for tensor number 1 in the list\."),
              Err((X(2), X(2, 2)), RuntimeError,
                  "Tensors must have same number of dimensions: got 1 and 2",
                  fn=lambda t, a, b: t.cat([a, b])),
              Err((X(2),), IndexError, _dim_range(1, 2), fn=lambda t, a: t.cat([a], dim=2)))),
    S("concat_three", lambda t, a, b, c: t.concat((a, b, c), dim=-3),
      lambda a, b, c: np.concatenate([a, b, c], 0), (X(1, 2, 3), X(2, 2, 3), X(3, 2, 3)),
      dtypes=SOME),
    # a 1-D empty tensor is skipped whatever the other shapes (PyTorch's legacy rule)
    S("cat_legacy_empty", lambda t, a, e: t.cat([e, a]), lambda a, e: a, (X(2, 3), X(0)),
      dtypes=SOME),
    S("stack", lambda t, a, b: t.stack([a, b], 1), lambda a, b: np.stack([a, b], 1),
      (X(2, 3), X(2, 3)), dtypes=MOVE, empty=(X(0, 3), X(0, 3)),
      errors=(Err((X(2, 3), X(2, 4)), RuntimeError,
                  r"stack expects each tensor to be equal size, but got \[2, 3\] at entry 0 and "
                  r"\[2, 4\] at entry 1"),
              Err((), RuntimeError, "stack expects a non-empty TensorList",
                  fn=lambda t: t.stack([])))),
    S("hstack", lambda t, a, b: t.hstack([a, b]), lambda a, b: np.hstack([a, b]),
      (X(2, 3), X(2, 1)), dtypes=SOME, empty=(X(2, 0), X(2, 1))),
    S("hstack_1d", lambda t, a, b: t.hstack((a, b)), lambda a, b: np.hstack([a, b]),
      (X(3), X(2)), dtypes=SOME),
    S("vstack", lambda t, a, b: t.vstack([a, b]), lambda a, b: np.vstack([a, b]),
      (X(2, 3), X(3)), dtypes=SOME, empty=(X(0, 3), X(3))),
    S("split_size", lambda t, x: t.split(x, 2), _split_at(2, 0), (X(5, 3),), dtypes=MOVE,
      empty=(X(0, 3),),
      errors=(Err((X(2, 3),), RuntimeError,
                  "split_size can only be 0 if dimension size is 0, but got dimension size of 2",
                  fn=lambda t, x: t.split(x, 0)),)),
    S("split_sizes", lambda t, x: x.split([1, 3], dim=1), _split_at([1, 3], 1), (X(3, 4),),
      dtypes=SOME, empty=(X(0, 4),),
      errors=(Err((X(5, 4),), RuntimeError,
                  r"split_with_sizes expects split_sizes to sum exactly to 5 \(input tensor's "
                  r"size at dimension 0\), but got split_sizes=\[2, 2\]",
                  fn=lambda t, x: t.split(x, [2, 2])),)),
    S("chunk", lambda t, x: t.chunk(x, 3, 1), _chunk(3, 1), (X(2, 7),), dtypes=MOVE,
      empty=(X(2, 0),),
      errors=(Err((X(2, 3),), RuntimeError, "chunk expects `chunks` to be greater than 0, got: 0",
                  fn=lambda t, x: t.chunk(x, 0)),)),
    S("chunk_fewer", lambda t, x: x.chunk(4), _chunk(4, 0), (X(6, 2),), dtypes=SOME),
    S("unbind", lambda t, x: t.unbind(x, 1), lambda x: tuple(np.moveaxis(x, 1, 0)),
      (X(2, 3, 4),), dtypes=MOVE, empty=(X(0, 3),),
      errors=(Err((X(2, 3),), IndexError, _dim_range(2, 2), fn=lambda t, x: t.unbind(x, 2)),)),

    # ---- repeating, reordering, triangles and diagonals -----------------------------------------
    S("repeat", lambda t, x: x.repeat(2, 1, 3), lambda x: np.tile(x, (2, 1, 3)), (X(2, 3),),
      dtypes=MOVE, empty=(X(0, 3),),
      errors=(Err((X(2, 3),), RuntimeError,
                  "Number of dimensions of repeat dims can not be smaller than number of "
                  "dimensions of tensor", fn=lambda t, x: x.repeat(2)),
              Err((X(2, 3),), RuntimeError,
                  r"Trying to create tensor with negative dimension -2: \[-2, 3\]",
                  fn=lambda t, x: x.repeat(-1, 1)))),
    S("tile", lambda t, x: t.tile(x, (2,)), lambda x: np.tile(x, (2,)), (X(2, 3),), dtypes=SOME,
      empty=(X(2, 0),)),
    S("repeat_interleave", lambda t, x: x.repeat_interleave(2, dim=1),
      lambda x: np.repeat(x, 2, 1), (X(2, 3),), dtypes=MOVE, empty=(X(2, 0),)),
    S("repeat_interleave_flat", lambda t, x: t.repeat_interleave(x, 3),
      lambda x: np.repeat(x, 3), (X(2, 3),), dtypes=SOME),
    S("repeat_interleave_tensor", lambda t, x, r: t.repeat_interleave(x, r, dim=0),
      lambda x, r: np.repeat(x, r, 0), (X(3, 2), Const([1, 0, 2], "int64")), dtypes=MOVE,
      errors=(Err((X(2, 3), Const([-1, 1], "int64")), RuntimeError, "repeats can not be negative"),
              Err((X(2, 3), Const([1, 1, 1], "int64")), RuntimeError,
                  r"repeats must have the same size as input along dim, but got "
                  r"repeats.size\(0\) = 3 and input.size\(0\) = 2"))),
    S("repeat_interleave_repeats_only", lambda t, r: t.repeat_interleave(r),
      lambda r: np.repeat(np.arange(r.size), r), (Const([2, 0, 1, 3]),), dtypes=("int64",)),
    S("flip", lambda t, x: t.flip(x, (0, 2)), lambda x: np.flip(x, (0, 2)), (X(2, 3, 4),),
      dtypes=MOVE, empty=(X(2, 0, 4),),
      errors=(Err((X(2, 3),), RuntimeError, "dim 0 appears multiple times in the list of dims",
                  fn=lambda t, x: t.flip(x, [0, 0])),
              Err((X(2, 3),), IndexError, _dim_range(2, 2), fn=lambda t, x: x.flip(2)))),
    S("roll", lambda t, x: t.roll(x, (1, -2), (0, 1)), lambda x: np.roll(x, (1, -2), (0, 1)),
      (X(3, 4),), dtypes=MOVE, empty=(X(0, 4),),
      errors=(Err((X(2, 3),), RuntimeError, "shifts and dimensions must align. shifts: 2, dims:1",
                  fn=lambda t, x: t.roll(x, (1, 2), (0,))),)),
    S("roll_flat", lambda t, x: x.roll(5), lambda x: np.roll(x, 5), (X(3, 4),), dtypes=SOME),
    S("tril", lambda t, x: t.tril(x, -1), lambda x: np.tril(x, -1), (X(2, 3, 4),), dtypes=MOVE,
      empty=(X(0, 3, 4),),
      errors=(Err((X(3),), RuntimeError, "tril: input tensor must have at least 2 dimensions"),)),
    S("triu", lambda t, x: x.triu(1), lambda x: np.triu(x, 1), (X(3, 4),), dtypes=MOVE,
      empty=(X(3, 0),),
      errors=(Err((X(3),), RuntimeError, "triu: input tensor must have at least 2 dimensions"),)),
    S("diag_of_matrix", lambda t, x: t.diag(x, 1), lambda x: np.diag(x, 1), (X(3, 4),),
      dtypes=MOVE, empty=(X(0, 4),),
      errors=(Err((X(2, 2, 2),), RuntimeError, r"diag\(\): Supports 1D or 2D tensors. Got 3D"),)),
    S("diag_of_vector", lambda t, v: v.diag(-1), lambda v: np.diag(v, -1), (X(3),), dtypes=SOME,
      empty=(X(0),)),
    S("diagonal", lambda t, x: t.diagonal(x, 1, 0, 2), lambda x: np.diagonal(x, 1, 0, 2),
      (X(3, 2, 4),), dtypes=MOVE, empty=(X(3, 0, 4),),
      errors=(Err((X(2, 3),), RuntimeError, "diagonal dimensions cannot be identical 1, 1",
                  fn=lambda t, x: t.diagonal(x, 0, 1, 1)),)),
    S("trace", lambda t, x: t.trace(x), np.trace, (X(3, 4, domain="dyadic"),),
      dtypes=PRODUCT, out=_int64_for_ints, empty=(X(0, 3),),
      errors=(Err((X(2, 2, 2),), RuntimeError,
                  "trace: expected a matrix, but got tensor with dim 3"),
              _bool_rejected((X(3, 3),), "trace"))),
    S("unfold", lambda t, x: x.unfold(1, 3, 2), _unfold(1, 3, 2), (X(2, 8),), dtypes=MOVE,
      empty=(X(0, 8),),
      errors=(Err((X(10),), RuntimeError,
                  "maximum size for tensor at dimension 0 is 10 but size is 11",
                  fn=lambda t, x: x.unfold(0, 11, 1)),
              Err((X(2, 3),), RuntimeError, "step is 0 but must be > 0",
                  fn=lambda t, x: x.unfold(1, 2, 0)))),

    # ---- scans ----------------------------------------------------------------------------------
    S("cumsum", lambda t, x: t.cumsum(x, 1), lambda x: np.cumsum(x, 1),
      (X(3, 4, 5, domain="dyadic"),), dtypes=MOVE, out=_int64_for_ints, empty=(X(3, 0, 5),),
      errors=(Err((X(2, 3, 4),), IndexError, _dim_range(3, 3), fn=lambda t, x: t.cumsum(x, 3)),)),
    S("cumsum_dtype", lambda t, x: x.cumsum(0, dtype=t.float64),
      lambda x: np.cumsum(x.astype(np.float64), 0), (X(4, 3, domain="dyadic"),), dtypes=SOME,
      out="float64"),
    S("cumprod", lambda t, x: t.cumprod(x, -1), lambda x: np.cumprod(x, -1),
      (X(3, 5, domain="coarse"),), dtypes=MOVE, out=_int64_for_ints, empty=(X(0, 5),),
      errors=(Err((X(2, 3),), IndexError, _dim_range(2, -3), fn=lambda t, x: x.cumprod(-3)),)),

    # ---- sorting and selection ------------------------------------------------------------------
    S("sort", lambda t, x: t.sort(x, dim=1, stable=True), _sort(1),
      (X(3, 6, 4, domain="nonfinite"),), out=("same", "int64"), empty=(X(3, 0, 4),),
      errors=(Err((X(2, 3),), IndexError, _dim_range(2, 2), fn=lambda t, x: t.sort(x, 2)),)),
    S("sort_descending", lambda t, x: x.sort(dim=0, descending=True, stable=True), _sort(0, True),
      (X(5, 4, domain="nonfinite"),), dtypes=MOVE, out=("same", "int64"), empty=(X(0, 4),)),
    S("argsort", lambda t, x: t.argsort(x, dim=-1, descending=True, stable=True),
      lambda x: _argsort(x, -1, True), (X(4, 7, domain="coarse"),), dtypes=MOVE, out="int64",
      errors=(Err((X(2, 3),), IndexError, _dim_range(2, 2), fn=lambda t, x: t.argsort(x, 2)),)),
    S("topk", lambda t, x: t.topk(x, 3, dim=1), _topk(3, 1), (X(4, 6, domain="nonfinite"),),
      dtypes=PRODUCT, out=("same", "int64"), check=_points(1, keepdim=True),
      empty=(X(0, 6),),
      errors=(Err((X(2, 3),), RuntimeError, "selected index k out of range",
                  fn=lambda t, x: t.topk(x, 4)),
              Err((X(3),), NotImplementedError, "topk does not support bool dtypes on CPU",
                  dtype="bool", fn=lambda t, x: t.topk(x, 1)))),
    S("topk_smallest", lambda t, x: x.topk(2, 0, largest=False), _topk(2, 0, largest=False),
      (X(5, 3, domain="coarse"),), dtypes=NUM_SOME, out=("same", "int64"),
      check=_points(0, keepdim=True)),
    S("kthvalue", lambda t, x: t.kthvalue(x, 2, 1), _kthvalue(2, 1),
      (X(4, 6, domain="nonfinite"),), dtypes=PRODUCT, out=("same", "int64"),
      check=_points(1), empty=(X(0, 6),),
      errors=(Err((X(2, 3),), RuntimeError,
                  r"kthvalue\(\): selected number k out of range for dimension 1",
                  fn=lambda t, x: t.kthvalue(x, 4, 1)),
              Err((X(3),), NotImplementedError, "\"kthvalue_cpu\" not implemented for 'Bool'",
                  dtype="bool", fn=lambda t, x: t.kthvalue(x, 1)))),
    S("kthvalue_keepdim", lambda t, x: x.kthvalue(3, 0, True), _kthvalue(3, 0, True),
      (X(5, 3, domain="coarse"),), dtypes=NUM_SOME, out=("same", "int64"),
      check=_points(0, keepdim=True)),
    S("median", lambda t, x: t.median(x), _median_all, (X(3, 5, domain="coarse"),),
      dtypes=PRODUCT, errors=(_bool_rejected((X(3),), "median_cpu"),)),
    S("median_nan", lambda t, x: x.median(), _median_all, (X(3, 5, domain="nonfinite"),),
      dtypes=FLOATS),
    S("median_dim", lambda t, x: t.median(x, 1), _median(1), (X(4, 5, domain="nonfinite"),),
      dtypes=PRODUCT, out=("same", "int64"), check=_points(1), empty=(X(0, 5),),
      errors=(Err((X(2, 0),), IndexError,
                  r"median\(\): Expected reduction dim 1 to have non-zero size\."),
              Err((X(3),), NotImplementedError, "\"median_out\" not implemented for 'Bool'",
                  dtype="bool", fn=lambda t, x: t.median(x, 0)))),
    S("unique", lambda t, x: t.unique(x), _unique, (X(3, 5, domain="coarse"),), dtypes=MOVE,
      empty=(X(0),)),
    S("unique_inverse_counts",
      lambda t, x: t.unique(x, sorted=True, return_inverse=True, return_counts=True),
      lambda x: _unique(x, True, True), (X(3, 5, domain="coarse"),), dtypes=MOVE,
      out=("same", "int64", "int64"), empty=(X(2, 0),)),
    S("unique_nan", lambda t, x: x.unique(return_inverse=True, return_counts=True), _unique_nan,
      (X(4, 5, domain="nonfinite"),), dtypes=FLOATS, out=("same", "int64", "int64"),
      check=_inverse_maps),
    S("searchsorted", lambda t, s, v: t.searchsorted(s, v), _searchsorted(),
      (Sorted(3, 6, domain="coarse"), X(3, 4, domain="coarse")), dtypes=PRODUCT, out="int64",
      empty=(Sorted(3, 0), X(3, 4)),
      errors=(_bool_rejected((X(3), X(3)), "searchsorted_out_cpu"),
              Err((X(), X(2)), RuntimeError,
                  r"torch\.searchsorted\(\): boundaries tensor should have positive dimension, "
                  r"but got 0 dimension"),
              Err((X(1, 2), X(2)), RuntimeError,
                  r"first N-1 dimensions of boundaries tensor and input value tensor must match, "
                  r"but we got boundaries tensor \[1, 2\] and input value tensor \[2\]"))),
    S("searchsorted_right_1d", lambda t, s, v: t.searchsorted(s, v, right=True),
      _searchsorted(right=True), (Sorted(7, domain="coarse"), X(2, 3, domain="coarse")),
      dtypes=NUM_SOME, out="int64", empty=(Sorted(7), X(0, 3))),
    S("bincount", lambda t, x: t.bincount(x), lambda x: np.bincount(x.astype(np.int64)),
      (X(20, domain="nonneg"),), dtypes=INTS, out="int64", empty=(X(0),),
      errors=(Err((Const([-1, 2], "int64"),), RuntimeError,
                  r"bincount only supports 1-d non-negative integral inputs\."),
              Err((X(2, 2, domain="nonneg"),), RuntimeError,
                  r"bincount only supports 1-d non-negative integral inputs\.", dtype="int64"),
              Err((X(3),), NotImplementedError, "\"bincount_cpu\" not implemented for 'Float'",
                  dtype="float32"),
              Err((X(3, domain="nonneg"),), RuntimeError, "minlength should be >= 0",
                  fn=lambda t, x: t.bincount(x, minlength=-1)))),
    S("bincount_weights", lambda t, x, w: x.bincount(w, minlength=25),
      lambda x, w: np.bincount(x.astype(np.int64), w, 25),
      (X(20, domain="nonneg"), X(20, domain="dyadic", dtype="float32")),
      dtypes=("int64", "uint8"), out="float32",
      errors=(Err((X(2, domain="nonneg"), X(1, dtype="float32")), RuntimeError,
                  "weights should be 1-d and have the same length as input"),)),
    # no input: int64 zeros, whatever the weights' dtype (PyTorch's rule)
    S("bincount_weights_empty_input", lambda t, x, w: t.bincount(x, w, minlength=3),
      lambda x, w: np.zeros(3, dtype=np.int64), (X(0), X(0, dtype="float32")),
      dtypes=("int64",), out="int64"),
    S("histc", lambda t, x: t.histc(x, bins=4, min=-2, max=2),
      lambda x: np.histogram(x, 4, (-2, 2))[0], (X(5, 6, domain="dyadic"),), dtypes=FLOATS,
      empty=(X(0),),
      errors=(Err((X(3),), NotImplementedError, "\"histogram_cpu\" not implemented for 'Long'",
                  dtype="int64"),
              Err((X(3),), RuntimeError,
                  r"torch\.histogram\(\): bins must be > 0, but got 0 for dimension 0",
                  fn=lambda t, x: t.histc(x, bins=0)),
              Err((X(3),), RuntimeError, r"torch\.histc: max must be larger than min",
                  fn=lambda t, x: t.histc(x, bins=3, min=3, max=1)))),

    # ---- products -------------------------------------------------------------------------------
    S("matmul_1d_1d", lambda t, a, b: t.matmul(a, b), np.matmul,
      (X(4, domain="dyadic"), X(4, domain="dyadic")), dtypes=PRODUCT, empty=(X(0), X(0)),
      errors=(Err((X(3), X(4)), RuntimeError,
                  r"inconsistent tensor size, expected tensor \[3\] and src \[4\] to have the "
                  r"same number of elements, but got 3 and 4 elements respectively"),
              Err((X(), X(3)), RuntimeError,
                  "both arguments to matmul need to be at least 1D, but they are 0D and 1D"))),
    S("matmul_2d_1d", lambda t, a, b: a @ b, np.matmul,
      (X(3, 4, domain="dyadic"), X(4, domain="dyadic")), dtypes=PRODUCT,
      empty=(X(0, 4), X(4)),
      errors=(Err((X(2, 3), X(4)), RuntimeError,
                  r"size mismatch, got input \(2\), mat \(2x3\), vec \(4\)"),)),
    S("matmul_1d_batched", lambda t, a, b: t.matmul(a, b), np.matmul,
      (X(4, domain="dyadic"), X(2, 4, 3, domain="dyadic")), dtypes=PRODUCT),
    S("matmul_broadcast_batch", lambda t, a, b: t.matmul(a, b), np.matmul,
      (X(2, 1, 3, 4, domain="dyadic"), X(5, 4, 2, domain="dyadic")), dtypes=PRODUCT,
      empty=(X(2, 1, 0, 4), X(5, 4, 2)),
      errors=(Err((X(2, 2, 3), X(3, 3, 4)), RuntimeError,
                  r"The size of tensor a \(2\) must match the size of tensor b \(3\) at "
                  r"non-singleton dimension 0"),
              _MATMUL_REJECTS_BOOL)),
    S("matmul_operator", lambda t, a, b: a @ b, np.matmul,
      (X(3, 4, domain="dyadic"), X(4, 2, domain="dyadic")), dtypes=PRODUCT,
      empty=(X(3, 0), X(0, 2)),
      errors=(Err((X(2, 3), X(4, 5)), RuntimeError,
                  r"mm: mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"),)),
    S("mm", lambda t, a, b: t.mm(a, b), np.matmul,
      (X(3, 4, domain="dyadic"), X(4, 5, domain="dyadic")), dtypes=PRODUCT,
      empty=(X(0, 4), X(4, 5)),
      errors=(Err((X(2, 3), X(4, 5)), RuntimeError,
                  r"mm: mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"),
              Err((X(3), X(3, 3)), RuntimeError, "mm: self must be a matrix, got 1-D tensor"),
              _MATMUL_REJECTS_BOOL)),
    S("bmm", lambda t, a, b: a.bmm(b), np.matmul,
      (X(2, 3, 4, domain="dyadic"), X(2, 4, 2, domain="dyadic")), dtypes=PRODUCT,
      empty=(X(0, 3, 4), X(0, 4, 2)),
      errors=(Err((X(3, 3), X(3, 3)), RuntimeError, "batch1 must be a 3D tensor"),
              Err((X(2, 2, 3), X(3, 3, 4)), RuntimeError,
                  r"Expected size for first two dimensions of batch2 tensor to be: \[2, 3\] but "
                  r"got: \[3, 3\]\."),
              _bool_rejected((X(1, 2, 2), X(1, 2, 2)), "bmm"))),
    S("mv", lambda t, a, v: t.mv(a, v), np.matmul,
      (X(3, 4, domain="dyadic"), X(4, domain="dyadic")), dtypes=PRODUCT,
      empty=(X(3, 0), X(0)),
      errors=(Err((X(2, 3), X(4)), RuntimeError,
                  r"size mismatch, got input \(2\), mat \(2x3\), vec \(4\)"),)),
    S("dot", lambda t, a, b: t.dot(a, b), np.dot,
      (X(5, domain="dyadic"), X(5, domain="dyadic")), dtypes=PRODUCT, empty=(X(0), X(0)),
      errors=(Err((X(3, 1), X(3)), RuntimeError,
                  "1D tensors expected, but got 2D and 1D tensors"),
              _bool_rejected((X(2), X(2)), "dot"))),
    S("outer", lambda t, a, b: t.outer(a, b), np.outer, (X(3), X(4)), dtypes=MOVE,
      empty=(X(0), X(4)),
      errors=(Err((X(2, 2), X(2)), RuntimeError,
                  "outer: Expected 1-D argument self, but got 2-D"),)),
    S("addmm", lambda t, c, a, b: t.addmm(c, a, b, beta=2, alpha=3), _mm_add(2, 3),
      (X(3, domain="coarse"), X(2, 4, domain="coarse"), X(4, 3, domain="coarse")),
      dtypes=PRODUCT, empty=(X(3), X(2, 0), X(0, 3))),
    S("addmm_method", lambda t, c, a, b: c.addmm(a, b), _mm_add(1, 1),
      (X(2, 3, domain="dyadic"), X(2, 4, domain="dyadic"), X(4, 3, domain="dyadic")),
      dtypes=NUM_SOME),
    S("baddbmm", lambda t, c, a, b: t.baddbmm(c, a, b, alpha=2), _mm_add(1, 2),
      (X(2, 1, 3, domain="coarse"), X(2, 2, 4, domain="coarse"), X(2, 4, 3, domain="coarse")),
      dtypes=PRODUCT, empty=(X(0, 1, 3), X(0, 2, 4), X(0, 4, 3))),
    S("einsum_matmul", lambda t, a, b: t.einsum("ij,jk->ik", a, b),
      lambda a, b: np.einsum("ij,jk->ik", a, b),
      (X(3, 4, domain="dyadic"), X(4, 2, domain="dyadic")), dtypes=PRODUCT,
      empty=(X(0, 4), X(4, 2)),
      errors=(Err((X(2, 3), X(4, 2)), RuntimeError,
                  "einsum\\(\\): subscript j has size 4 for operand 1 which does not broadcast "
                  "with previously seen size 3"),
              Err((X(2, 3),), RuntimeError,
                  r"einsum\(\): fewer operands were provided than specified in the equation",
                  fn=lambda t, a: t.einsum("ij,jk->ik", a)))),
    # implicit output: the letters that appear once, in alphabetical order
    S("einsum_implicit", lambda t, a, b: t.einsum("ij,kj", [a, b]),
      lambda a, b: np.einsum("ij,kj", a, b),
      (X(3, 4, domain="dyadic"), X(2, 4, domain="dyadic")), dtypes=PRODUCT),
    S("einsum_implicit_transpose", lambda t, a: t.einsum("ba", a), lambda a: np.einsum("ba", a),
      (X(3, 4),), dtypes=PRODUCT),
    S("einsum_diagonal", lambda t, a: t.einsum("ii->i", a), lambda a: np.einsum("ii->i", a),
      (X(4, 4),), dtypes=MOVE, empty=(X(0, 0),)),
    # a letter summed within one operand sums as torch.sum does: integers give int64
    S("einsum_trace", lambda t, a: t.einsum("ii", a), lambda a: np.einsum("ii", a),
      (X(4, 4, domain="dyadic"),), dtypes=PRODUCT, out=_int64_for_ints),
    S("einsum_repeated", lambda t, a: t.einsum("iij->j", a), lambda a: np.einsum("iij->j", a),
      (X(3, 3, 2, domain="dyadic"),), dtypes=PRODUCT, out=_int64_for_ints),
    S("einsum_ellipsis_batch", lambda t, a, b: t.einsum("...ij,...jk->...ik", a, b),
      lambda a, b: np.einsum("...ij,...jk->...ik", a, b),
      (X(2, 3, 4, domain="dyadic"), X(4, 5, domain="dyadic")), dtypes=PRODUCT),
    S("einsum_three_operands", lambda t, a, b, c: t.einsum("ij,jk,kl->li", a, b, c),
      lambda a, b, c: np.einsum("ij,jk,kl->li", a, b, c),
      (X(2, 3, domain="coarse"), X(3, 4, domain="coarse"), X(4, 2, domain="coarse")),
      dtypes=PRODUCT),
    S("tensordot", lambda t, a, b: t.tensordot(a, b), lambda a, b: np.tensordot(a, b),
      (X(3, 4, 5, domain="dyadic"), X(4, 5, 2, domain="dyadic")), dtypes=PRODUCT,
      empty=(X(3, 0, 5), X(0, 5, 2))),
    S("tensordot_dim_lists", lambda t, a, b: t.tensordot(a, b, dims=([1, 0], [0, 2])),
      lambda a, b: np.tensordot(a, b, ([1, 0], [0, 2])),
      (X(3, 4, 5, domain="dyadic"), X(4, 2, 3, domain="dyadic")), dtypes=PRODUCT,
      errors=(Err((X(2, 3), X(4, 2)), RuntimeError,
                  "contracted dimensions need to match, but first has size 3 in dim 1 and second "
                  "has size 4 in dim 0", fn=lambda t, a, b: t.tensordot(a, b, dims=([1], [0]))),)),
    S("kron", lambda t, a, b: t.kron(a, b), np.kron, (X(2, 3), X(3, 2, 2)), dtypes=MOVE,
      empty=(X(2, 0), X(3, 2, 2)),
      reference_fails={"strided": "PyTorch 2.15's kron view()s its operands: a non-contiguous "
                                  "one of 2+ dims raises 'view size is not compatible'"}),
]

assert len({s.id for s in STRUCTURED}) == len(STRUCTURED), "structured spec ids must be unique"
