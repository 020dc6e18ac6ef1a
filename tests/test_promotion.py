"""PyTorch's type promotion (torch.result_type rules), with tables computed once from PyTorch 2.15
and hard-coded here so the suite does not need torch.

Three priority levels: dimensioned tensors > 0-d tensors > Python numbers. A lower level only
matters when it brings a higher *category* (bool < integer < float): `int8 tensor + int64 0-d`
stays int8, `int tensor + float 0-d` takes the 0-d tensor's float dtype, and `int tensor + 2.5`
takes the default float dtype (float32).
"""
import numpy as np
import pytest

from _backend import torch
from _util import DTYPE_NAMES, FLOAT_NAMES, assert_values, dt, dtype_name, exact, reference, \
    to_tensor

ABBREV = dict(zip(DTYPE_NAMES, "f32 f64 f16 bf16 i64 i32 i16 i8 u8 b".split()))
FULL = {v: k for k, v in ABBREV.items()}
# columns, in this order:  f32  f64  f16 bf16  i64  i32  i16   i8   u8    b
_PROMOTE = {  # torch.promote_types(row, column): dimensioned tensor + dimensioned tensor
    "f32": " f32  f64  f32  f32  f32  f32  f32  f32  f32  f32",
    "f64": " f64  f64  f64  f64  f64  f64  f64  f64  f64  f64",
    "f16": " f32  f64  f16  f32  f16  f16  f16  f16  f16  f16",
    "bf16": " f32  f64  f32 bf16 bf16 bf16 bf16 bf16 bf16 bf16",
    "i64": " f32  f64  f16 bf16  i64  i64  i64  i64  i64  i64",
    "i32": " f32  f64  f16 bf16  i64  i32  i32  i32  i32  i32",
    "i16": " f32  f64  f16 bf16  i64  i32  i16  i16  i16  i16",
    "i8": " f32  f64  f16 bf16  i64  i32  i16   i8  i16   i8",
    "u8": " f32  f64  f16 bf16  i64  i32  i16  i16   u8   u8",
    "b": " f32  f64  f16 bf16  i64  i32  i16   i8   u8    b",
}
_ZERO_DIM = {  # dimensioned tensor of the row dtype + 0-d tensor of the column dtype
    "f32": " f32  f32  f32  f32  f32  f32  f32  f32  f32  f32",
    "f64": " f64  f64  f64  f64  f64  f64  f64  f64  f64  f64",
    "f16": " f16  f16  f16  f16  f16  f16  f16  f16  f16  f16",
    "bf16": "bf16 bf16 bf16 bf16 bf16 bf16 bf16 bf16 bf16 bf16",
    "i64": " f32  f64  f16 bf16  i64  i64  i64  i64  i64  i64",
    "i32": " f32  f64  f16 bf16  i32  i32  i32  i32  i32  i32",
    "i16": " f32  f64  f16 bf16  i16  i16  i16  i16  i16  i16",
    "i8": " f32  f64  f16 bf16   i8   i8   i8   i8   i8   i8",
    "u8": " f32  f64  f16 bf16   u8   u8   u8   u8   u8   u8",
    "b": " f32  f64  f16 bf16  i64  i32  i16   i8   u8    b",
}
# tensor of the row dtype + a Python bool / int / float
_SCALAR = {
    "f32": "f32 f32 f32", "f64": "f64 f64 f64", "f16": "f16 f16 f16", "bf16": "bf16 bf16 bf16",
    "i64": "i64 i64 f32", "i32": "i32 i32 f32", "i16": "i16 i16 f32", "i8": "i8 i8 f32",
    "u8": "u8 u8 f32", "b": "b i64 f32",
}
SCALARS = (True, 3, 2.5)


def _table(rows):
    return {FULL[r]: dict(zip(DTYPE_NAMES, (FULL[c] for c in cols.split())))
            for r, cols in rows.items()}


PROMOTE = _table(_PROMOTE)
ZERO_DIM = _table(_ZERO_DIM)
SCALAR = {FULL[r]: dict(zip(SCALARS, (FULL[c] for c in cols.split())))
          for r, cols in _SCALAR.items()}

PAIRS = [pytest.param(a, b, id=f"{a}-{b}") for a in DTYPE_NAMES for b in DTYPE_NAMES]


def test_tables_are_consistent():
    for a in DTYPE_NAMES:
        assert PROMOTE[a][a] == a
        for b in DTYPE_NAMES:
            assert PROMOTE[a][b] == PROMOTE[b][a]


def _values(name, shape_values):
    return exact(name, np.array(shape_values))


# values chosen so that computing in a wrong (narrower, unsigned) dtype shows: -2 wraps in uint8
_A = [[-2, 0, 1], [3, 1, 0]]
_B = [1, 0, 1]


@pytest.mark.parametrize("a,b", PAIRS)
def test_tensor_tensor(a, b):
    ta, tb = to_tensor(_values(a, _A), a), to_tensor(_values(b, _B), b)
    res = PROMOTE[a][b]
    assert dtype_name(torch.promote_types(dt(a), dt(b))) == res
    assert dtype_name(torch.result_type(ta, tb)) == res
    assert_values(ta + tb, reference(np.add, [_values(a, _A), _values(b, _B)], res), res)
    assert_values(torch.mul(ta, tb), reference(np.multiply, [_values(a, _A), _values(b, _B)], res),
                  res)
    assert_values(torch.maximum(ta, tb), reference(np.maximum, [_values(a, _A), _values(b, _B)],
                                                   res), res)
    # comparisons happen in the promoted dtype, then give bool
    lt = reference(np.less, [_values(a, _A).astype(np.float64),
                             _values(b, _B).astype(np.float64)], "bool")
    assert_values(ta < tb, lt, "bool")


@pytest.mark.parametrize("a,b", PAIRS)
def test_dimensioned_and_zero_dim(a, b):
    ta = to_tensor(_values(a, _A), a)
    zb = to_tensor(_values(b, 1), b)  # 0-d
    res = ZERO_DIM[a][b]
    assert dtype_name(torch.result_type(ta, zb)) == res
    assert dtype_name(torch.result_type(zb, ta)) == res  # order does not matter
    assert (ta + zb).dtype == dt(res) and (zb * ta).dtype == dt(res)
    assert_values(ta + zb, reference(np.add, [_values(a, _A), _values(b, 1)], res), res)


@pytest.mark.parametrize("a,b", PAIRS)
def test_zero_dim_and_zero_dim(a, b):
    za, zb = to_tensor(_values(a, 1), a), to_tensor(_values(b, 1), b)
    assert (za + zb).dtype == dt(PROMOTE[a][b]) and (za + zb).shape == ()


@pytest.mark.parametrize("scalar", SCALARS, ids=["bool", "int", "float"])
@pytest.mark.parametrize("name", DTYPE_NAMES)
def test_tensor_and_python_number(name, scalar):
    t = to_tensor(_values(name, _A), name)
    res = SCALAR[name][scalar]
    assert dtype_name(torch.result_type(t, scalar)) == res
    assert dtype_name(torch.result_type(scalar, t)) == res
    assert_values(t + scalar, reference(np.add, [_values(name, _A), np.array(scalar)], res), res)
    assert (scalar * t).dtype == dt(res)
    z = to_tensor(_values(name, 1), name)  # a 0-d tensor still outranks a Python number
    assert (z + scalar).dtype == dt(res)


def test_examples():
    i8 = torch.tensor([1, 2], dtype=torch.int8)
    assert (i8 + torch.tensor(1000)).dtype == torch.int8  # 0-d int64 does not widen int8...
    assert (i8 + torch.tensor(1000)).tolist() == [-23, -22]  # ...1000 wraps to -24 first
    assert (i8 + 1000).dtype == torch.int8
    assert (i8 + torch.tensor(2.5)).dtype == torch.float32
    assert (i8 + torch.tensor(2.5, dtype=torch.float64)).dtype == torch.float64  # 0-d dtype
    assert (i8 + 2.5).dtype == torch.float32  # Python float: the default dtype
    assert (i8 + 2.5).tolist() == [3.5, 4.5]
    assert (torch.ones(2, dtype=torch.float16) + 2.5).dtype == torch.float16
    assert (torch.ones(2, dtype=torch.float16) + torch.tensor(2.5, dtype=torch.float64)
            ).dtype == torch.float16
    assert (torch.tensor([True]) + 1).dtype == torch.int64
    assert (torch.tensor([True]) + True).dtype == torch.bool
    assert (torch.tensor([1, 2]) + torch.ones(2, dtype=torch.float16)).dtype == torch.float16
    assert (torch.tensor([200], dtype=torch.uint8) + torch.tensor([-1], dtype=torch.int8)
            ).tolist() == [199]  # int16: no wrap


@pytest.mark.parametrize("a,b", [("int8", "int8"), ("int64", "int32"), ("uint8", "bool"),
                                 ("bool", "bool"), ("int16", "uint8")])
def test_integer_true_division_gives_default_float(a, b):
    ta = torch.tensor([3, 1]).to(dt(a))
    tb = torch.tensor([2, 1]).to(dt(b))
    out = ta / tb
    assert out.dtype == torch.float32
    assert out.tolist() == [float(x) / float(y) for x, y in zip(ta.tolist(), tb.tolist())]
    assert torch.div(ta, tb).dtype == torch.float32 and torch.true_divide(ta, tb).dtype == \
        torch.float32


def test_true_division_keeps_float_dtypes():
    assert (torch.tensor([1, 2]) / torch.tensor(2.0, dtype=torch.float64)).dtype == torch.float64
    assert (torch.ones(2, dtype=torch.float16) / torch.tensor([2, 4])).dtype == torch.float16
    assert (torch.tensor([1, 2]) / 2).dtype == torch.float32


@pytest.mark.parametrize("a,b", PAIRS)
def test_comparisons_give_bool(a, b):
    ta, tb = to_tensor(_values(a, _A), a), to_tensor(_values(b, _B), b)
    for op in (torch.eq, torch.ne, torch.lt, torch.le, torch.gt, torch.ge):
        assert op(ta, tb).dtype == torch.bool
    assert (ta == 1).dtype == torch.bool and (2.5 > ta).dtype == torch.bool


def test_add_alpha_promotion():
    i, f = torch.tensor([1, 2]), torch.tensor([0.5, 1.5])
    out = torch.add(i, f, alpha=2)
    assert out.dtype == torch.float32 and out.tolist() == [2.0, 5.0]
    out = torch.add(f, i, alpha=0.5)
    assert out.dtype == torch.float32 and out.tolist() == [1.0, 2.5]
    assert torch.add(i, torch.tensor([1], dtype=torch.int8), alpha=3).tolist() == [4, 5]
    assert torch.sub(i.to(torch.int8), torch.tensor(1), alpha=2).dtype == torch.int8
    with pytest.raises(RuntimeError, match="For integral input tensors, argument alpha must not "
                                           "be a floating point number"):
        torch.add(i, i, alpha=2.5)


@pytest.mark.parametrize("name", FLOAT_NAMES)
def test_float_ops_on_integers_use_the_default_dtype(name):
    """exp(int) and friends compute in the default float dtype; float inputs keep theirs."""
    assert torch.exp(torch.tensor([1, 2])).dtype == torch.float32
    assert torch.sqrt(torch.tensor([True])).dtype == torch.float32
    assert torch.exp(torch.ones(2, dtype=dt(name))).dtype == dt(name)
