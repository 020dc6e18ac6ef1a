"""Python operators on tensors: binary (t op t with broadcasting, t op number, number op t through
the reflected dunders), augmented assignment (t op= x keeps the object, writes in place, and
refuses a result dtype it cannot hold), and the unary operators -t, abs(t), ~t.

Python numbers never widen a tensor of their own category; an int with a bool tensor gives
int64, a float with an integer tensor gives the default float dtype (float32).
"""
import operator
import zlib
from dataclasses import dataclass

import numpy as np
import pytest

import op_db
from _backend import torch
from _util import (CPP_NAMES, DTYPE_NAMES, FLOAT_NAMES, assert_values, build,
                   can_cast, kind, reference, sample, to_np)


@dataclass(frozen=True)
class PyOp:
    id: str
    op: object          # operator.add ...
    iop: object         # operator.iadd ... (None: no augmented form)
    domain: tuple       # op_db.DOMAINS keys for (left, right)
    result: str = "same"    # "same" | "float" (true division) | "bool" (comparisons)
    floats: bool = True     # float tensors accepted
    bool_pair: bool = True  # bool tensor op bool tensor accepted
    bool_int: bool = True   # bool tensor op Python int accepted (result int64)
    bool_error: tuple = (NotImplementedError, "not implemented for 'Bool'")


_SUB_BOOL = (NotImplementedError, "Subtraction, the `-` operator, with (two bool tensors|a bool "
                                  "tensor) is not supported")

PY_OPS = [
    PyOp("add", operator.add, operator.iadd, ("real", "real")),
    PyOp("sub", operator.sub, operator.isub, ("real", "real"), bool_pair=False, bool_int=False,
         bool_error=_SUB_BOOL),
    PyOp("mul", operator.mul, operator.imul, ("real", "real")),
    PyOp("truediv", operator.truediv, operator.itruediv, ("real", "nonzero"), result="float"),
    PyOp("floordiv", operator.floordiv, operator.ifloordiv, ("real", "divisor"),
         bool_pair=False),
    PyOp("mod", operator.mod, operator.imod, ("real", "divisor"), bool_pair=False),
    PyOp("pow", operator.pow, operator.ipow, ("pow_base", "pow_exp"), bool_pair=False),
    PyOp("and", operator.and_, operator.iand, ("real", "real"), floats=False),
    PyOp("or", operator.or_, operator.ior, ("real", "real"), floats=False),
    PyOp("xor", operator.xor, operator.ixor, ("real", "real"), floats=False),
    PyOp("lshift", operator.lshift, operator.ilshift, ("real", "shift"), floats=False,
         bool_pair=False),
    PyOp("rshift", operator.rshift, operator.irshift, ("real", "shift"), floats=False,
         bool_pair=False),
    PyOp("lt", operator.lt, None, ("coarse", "coarse"), result="bool"),
    PyOp("le", operator.le, None, ("coarse", "coarse"), result="bool"),
    PyOp("gt", operator.gt, None, ("coarse", "coarse"), result="bool"),
    PyOp("ge", operator.ge, None, ("coarse", "coarse"), result="bool"),
    PyOp("eq", operator.eq, None, ("coarse", "coarse"), result="bool"),
    PyOp("ne", operator.ne, None, ("coarse", "coarse"), result="bool"),
]


def _rng(*parts):
    return np.random.default_rng(zlib.crc32("-".join(map(str, parts)).encode()))


def _result(op, dtype, with_int_scalar=False):
    if op.result == "bool":
        return "bool"
    if op.result == "float":
        return dtype if dtype in FLOAT_NAMES else "float32"
    return "int64" if (dtype == "bool" and with_int_scalar) else dtype


def _float_error(dtype):
    return NotImplementedError, f"not implemented for '{CPP_NAMES[dtype]}'"


def _python_number(arr):
    """The value of a 0-d exact array as a Python int/float/bool."""
    value = arr.item()
    assert type(value) is {"f": float, "i": int, "u": int, "b": bool}[arr.dtype.kind]
    return value


def _tensor(domain, dtype, shape, layout, rng):
    return build(sample(op_db.DOMAINS[domain], dtype, shape, rng), dtype, layout)


def _cases(include=lambda op: True):
    for op in PY_OPS:
        if include(op):
            for dtype in DTYPE_NAMES:
                yield pytest.param(op, dtype, id=f"{op.id}-{dtype}")


@pytest.mark.parametrize("op,dtype", list(_cases()))
def test_tensor_op_tensor(op, dtype):
    rng = _rng("tt", op.id, dtype)
    a = _tensor(op.domain[0], dtype, (3, 4), "transposed", rng)
    b = _tensor(op.domain[1], dtype, (4,), "contiguous", rng)  # broadcast along dim 0
    if not op.floats and dtype in FLOAT_NAMES:
        with pytest.raises(_float_error(dtype)[0], match=_float_error(dtype)[1]):
            op.op(a.tensor, b.tensor)
        return
    if dtype == "bool" and not op.bool_pair:
        with pytest.raises(op.bool_error[0], match=op.bool_error[1]):
            op.op(a.tensor, b.tensor)
        return
    res = _result(op, dtype)
    assert_values(op.op(a.tensor, b.tensor), reference(op.op, [a.values, b.values], res), res)


def _scalar_operands(op, dtype, rng, scalar_side):
    """(tensor, number, number as 0-d array): the number is of the tensor's category, except
    that bool tensors get an int (which is what makes `mask + 1` an int64 tensor)."""
    num_dtype = "int64" if dtype == "bool" else dtype
    t_side, n_side = (0, 1) if scalar_side == "right" else (1, 0)
    if dtype == "bool" and op.domain[t_side] == "divisor":  # keep integer division defined
        t = build(np.ones((3, 4), dtype=bool), dtype, "strided")
    else:
        t = _tensor(op.domain[t_side], dtype, (3, 4), "strided", rng)
    arr = sample(op_db.DOMAINS[op.domain[n_side]], num_dtype, (), rng)
    return t, _python_number(arr), arr


@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("op,dtype", list(_cases()))
def test_tensor_op_number(op, dtype, side):
    """`t op 2` and the reflected `2 op t` (__radd__, __rsub__, __rpow__, __rlshift__, ...)."""
    rng = _rng("ts", op.id, dtype, side)
    t, number, arr = _scalar_operands(op, dtype, rng, side)
    call = (lambda: op.op(t.tensor, number)) if side == "right" else \
        (lambda: op.op(number, t.tensor))
    if not op.floats and dtype in FLOAT_NAMES:
        with pytest.raises(_float_error(dtype)[0], match=_float_error(dtype)[1]):
            call()
        return
    if dtype == "bool" and not op.bool_int:
        with pytest.raises(op.bool_error[0], match=op.bool_error[1]):
            call()
        return
    res = _result(op, dtype, with_int_scalar=True)
    operands = [t.values, arr] if side == "right" else [arr, t.values]
    assert_values(call(), reference(op.op, operands, res), res)


@pytest.mark.parametrize("op,dtype", list(_cases(lambda op: op.iop is not None)))
def test_augmented_assignment(op, dtype):
    """`t op= x` on a view: same object afterwards, base updated, version bumped; or the
    RuntimeError "result type Float can't be cast to the desired output type Long" when the
    result dtype is of a higher category than t's."""
    rng = _rng("aug", op.id, dtype)
    t = _tensor(op.domain[0], dtype, (3, 4), "selected_t", rng)
    other = _tensor(op.domain[1], dtype, (4,), "contiguous", rng)
    target = t.tensor
    if not op.floats and dtype in FLOAT_NAMES:
        with pytest.raises(_float_error(dtype)[0], match=_float_error(dtype)[1]):
            op.iop(target, other.tensor)
        return
    if dtype == "bool" and not op.bool_pair:
        with pytest.raises(op.bool_error[0], match=op.bool_error[1]):
            op.iop(target, other.tensor)
        return
    res = _result(op, dtype)
    if not can_cast(res, dtype):  # int /= int
        with pytest.raises(RuntimeError, match=f"result type Float can't be cast to the desired "
                                               f"output type {CPP_NAMES[dtype]}"):
            op.iop(target, other.tensor)
        np.testing.assert_array_equal(to_np(target), t.values)
        return
    version = target._version
    out = op.iop(target, other.tensor)
    assert out is target
    assert target._version > version
    expected = reference(op.op, [t.values, other.values], res)
    assert_values(target, expected, dtype)
    assert_values(t.base, t.expected_base(expected), dtype)


@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_augmented_assignment_with_number(dtype):
    """`t += 1` keeps t's dtype for every numeric dtype; for bool the int64 result cannot be
    stored and it raises; `t += 1.5` raises for integer tensors and works for float ones."""
    rng = _rng("aug_n", dtype)
    t = _tensor("real", dtype, (3, 4), "transposed", rng)
    target = t.tensor
    if dtype == "bool":
        with pytest.raises(RuntimeError, match="result type Long can't be cast to the desired "
                                               "output type Bool"):
            target += 1
        target |= True  # bool with bool stays bool
        np.testing.assert_array_equal(to_np(target), np.ones((3, 4), dtype=bool))
        return
    alias = target
    target += 1
    assert target is alias
    expected = reference(lambda x: x + 1, [t.values], dtype)
    assert_values(target, expected, dtype)
    if dtype in FLOAT_NAMES:
        target *= 1.5
        assert_values(target, reference(lambda x: x * 1.5, [expected], dtype), dtype)
    else:
        with pytest.raises(RuntimeError, match="result type Float can't be cast to the "
                                               f"desired output type {CPP_NAMES[dtype]}"):
            target *= 1.5
        assert_values(target, expected, dtype)  # unchanged by the failed op


UNARY_PY_OPS = [
    # id, operator, numpy reference, dtypes where it raises -> (exception, message)
    ("neg", operator.neg, np.negative,
     {"bool": (NotImplementedError, "Negation, the `-` operator, on a bool tensor is not "
                                    "supported")}),
    ("abs", abs, np.abs, {"bool": (NotImplementedError, "not implemented for 'Bool'")}),
    ("invert", operator.invert, np.invert,
     {f: (TypeError, r"~ \(operator.invert\) is only implemented on integer and Boolean-type "
                     "tensors") for f in FLOAT_NAMES}),
    ("pos", operator.pos, np.positive,
     {"bool": (NotImplementedError, r"The `\+` operator, on a bool tensor is not supported")}),
]


@pytest.mark.parametrize("name,fn,ref,errors", [pytest.param(*u, id=u[0]) for u in UNARY_PY_OPS])
@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_unary_operator(name, fn, ref, errors, dtype):
    t = _tensor("real", dtype, (3, 4), "narrowed", _rng("u", name, dtype))
    if dtype in errors:
        exc, match = errors[dtype]
        with pytest.raises(exc, match=match):
            fn(t.tensor)
        return
    assert_values(fn(t.tensor), reference(ref, [t.values], dtype), dtype)


def test_operator_examples():
    """A few hand-checked results, readable without the tables."""
    t = torch.tensor([[1, 2, 3], [4, 5, 6]])
    assert (2 - t).tolist() == [[1, 0, -1], [-2, -3, -4]]
    assert (t ** 2).tolist() == [[1, 4, 9], [16, 25, 36]]
    assert (2 ** t).tolist() == [[2, 4, 8], [16, 32, 64]]
    assert (t / 2).tolist() == [[0.5, 1.0, 1.5], [2.0, 2.5, 3.0]]
    assert (t / 2).dtype == torch.float32
    assert (7 // t).tolist() == [[7, 3, 2], [1, 1, 1]]
    assert (-7 % t).tolist() == [[0, 1, 2], [1, 3, 5]]  # sign of the divisor, like Python
    assert (torch.tensor([-7, 7]) // torch.tensor([2, -2])).tolist() == [-4, -4]  # floor
    assert (1 << t).tolist() == [[2, 4, 8], [16, 32, 64]]
    assert (t >> 1).tolist() == [[0, 1, 1], [2, 2, 3]]
    assert (t & 6).tolist() == [[0, 2, 2], [4, 4, 6]]
    assert (~torch.tensor([0, -1, 5])).tolist() == [-1, 0, -6]
    assert (~torch.tensor([True, False])).tolist() == [False, True]
    assert (torch.tensor([True, False]) + 1).tolist() == [2, 1]
    assert (torch.tensor([True, False]) + 1).dtype == torch.int64
    assert (torch.tensor([True, True]) + torch.tensor([True, False])).tolist() == [True, True]
    assert (-torch.tensor([1.5, -0.0])).tolist() == [-1.5, 0.0]
    assert abs(torch.tensor([-3, 3])).tolist() == [3, 3]
    assert (2.5 * torch.tensor([2], dtype=torch.int8)).dtype == torch.float32
    assert (torch.tensor([2, 3], dtype=torch.uint8) - 5).tolist() == [253, 254]  # wraps


def test_integer_overflow_wraps():
    assert (torch.tensor([200], dtype=torch.uint8) + torch.tensor([100], dtype=torch.uint8)
            ).tolist() == [44]
    assert (torch.tensor([1, 2], dtype=torch.int8) + 1000).tolist() == [-23, -22]
    assert (-torch.tensor([1, 2], dtype=torch.uint8)).tolist() == [255, 254]
    assert torch.abs(torch.tensor([-128], dtype=torch.int8)).tolist() == [-128]
    assert (torch.tensor([2], dtype=torch.uint8) ** 8).tolist() == [0]
    assert (torch.tensor([-128], dtype=torch.int8) // torch.tensor([-1], dtype=torch.int8)
            ).tolist() == [-128]


def test_shift_by_width_or_more():
    """Shifts of at least the bit width give 0 (or -1 for a negative value shifted right), and
    negative shift amounts give 0, unlike C where both are undefined."""
    assert (torch.tensor([1, 2], dtype=torch.int8) << 7).tolist() == [-128, 0]
    assert (torch.tensor([1, 2], dtype=torch.int8) << 9).tolist() == [0, 0]
    assert (torch.tensor([1, 2]) << 64).tolist() == [0, 0]
    assert (torch.tensor([-8, 8]) >> 70).tolist() == [-1, 0]
    assert (torch.tensor([-8, 8], dtype=torch.int32) >> 40).tolist() == [-1, 0]
    assert (torch.tensor([255], dtype=torch.uint8) << 1).tolist() == [254]
    assert (torch.tensor([1]) << -1).tolist() == [0]
    assert (torch.tensor([16]) >> -1).tolist() == [0]


_INT_DIVISIONS = {
    "floordiv": lambda a, z: a // z,
    "mod": lambda a, z: a % z,
    "fmod": torch.fmod,
    "remainder": torch.remainder,
    "div_trunc": lambda a, z: torch.div(a, z, rounding_mode="trunc"),
    "div_floor": lambda a, z: torch.div(a, z, rounding_mode="floor"),
    "floordiv_number": lambda a, z: a // 0,
    "mod_number": lambda a, z: a % 0,
}


@pytest.mark.parametrize("dtype", [d for d in DTYPE_NAMES if kind(d) in "iu"])
@pytest.mark.parametrize("fn", _INT_DIVISIONS.values(), ids=_INT_DIVISIONS.keys())
def test_integer_division_by_zero_raises(dtype, fn):
    a = torch.tensor([5, 3, 7]).to(getattr(torch, dtype))
    z = torch.tensor([1, 0, 2]).to(getattr(torch, dtype))
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        fn(a, z)


def test_float_division_by_zero_follows_ieee():
    a = torch.tensor([5.0, -5.0, 0.0])
    assert to_np(a / 0).tolist()[:2] == [np.inf, -np.inf] and np.isnan(to_np(a / 0)[2])
    assert to_np(a // 0.0)[:2].tolist() == [np.inf, -np.inf]
    assert np.isnan(to_np(a % 0.0)).all()
    assert np.isnan(to_np(torch.fmod(a, 0.0))).all()
    # integer true division is float division
    assert to_np(torch.tensor([5, -5, 0]) / torch.tensor([0, 0, 0]))[:2].tolist() == \
        [np.inf, -np.inf]


def test_integer_pow_negative_exponent():
    with pytest.raises(RuntimeError, match="Integers to negative integer powers are not allowed"):
        torch.tensor([2, 3]) ** -1
    # a tensor exponent is not checked: 2 ** -1 truncates to 0, 1 ** -1 is 1
    assert (torch.tensor([2, 1]) ** torch.tensor([-1, -1])).tolist() == [0, 1]
    assert (torch.tensor([0, 3]) ** 0).tolist() == [1, 1]


def test_comparison_with_other_types():
    t = torch.tensor([1, 2])
    assert (t == None) is False  # noqa: E711  (Python falls back to identity)
    assert (t != "a") is True
    assert (t < 1.5).tolist() == [True, False]
    assert (1.5 < t).tolist() == [False, True]
    for bad in ("a", None, [1]):
        with pytest.raises(TypeError):
            t + bad

