"""Elementwise edge cases: nan / inf / signed zeros through every float op of op_db, and the
behaviours of where, clamp, lerp, isclose, allclose, equal, nan_to_num, fill_/zero_/copy-style
in-place ops that a random-input comparison would not pin down."""
import numpy as np
import pytest

import op_db
from _backend import torch
from _util import (FLOAT_NAMES, DTYPE_NAMES, assert_values, exact, reference, to_np, to_tensor)

SPECIALS = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, 1e30, -1e30])

# remainder(±0, y) keeps the dividend's sign in torch (numpy gives the divisor's)
_NO_ZERO_SIGN_CHECK = {"remainder"}


def _assert_special(out, expected, name, check_zero_sign):
    assert_values(out, expected, name)
    got = to_np(out).astype(np.float64)
    exp = np.asarray(expected, dtype=np.float64)
    zeros = (exp == 0) & (got == 0)
    if check_zero_sign:
        np.testing.assert_array_equal(np.signbit(got[zeros]), np.signbit(exp[zeros]),
                                      err_msg="sign of zero")


def _float_cases(arity):
    for spec in op_db.OPS:
        if spec.arity == arity and spec.operand_dtypes == ():
            for dtype in FLOAT_NAMES:
                if dtype in spec.dtypes:
                    yield pytest.param(spec, dtype, id=f"{spec.id}-{dtype}")


@pytest.mark.parametrize("spec,dtype", list(_float_cases(1)))
def test_unary_special_values(spec, dtype):
    """nan propagates, inf and signed zeros follow IEEE / C99 like numpy, except sign(nan) == 0."""
    values = exact(dtype, SPECIALS)  # 1e30 becomes inf in float16
    out = getattr(torch, spec.name)(to_tensor(values, dtype), **spec.kwargs)
    res = op_db.result_dtype(spec, dtype)
    _assert_special(out, reference(spec.ref, [values], res), res, True)


@pytest.mark.parametrize("spec,dtype", list(_float_cases(2)))
def test_binary_special_values(spec, dtype):
    """Every pair of special values (nan/inf/±0/...): e.g. maximum and minimum propagate nan,
    x / 0 is ±inf, fmod(x, 0) and remainder(x, 0) are nan, pow(0, -1) is inf."""
    a = exact(dtype, np.repeat(SPECIALS, len(SPECIALS)))
    b = exact(dtype, np.tile(SPECIALS, len(SPECIALS)))
    out = getattr(torch, spec.name)(to_tensor(a, dtype), to_tensor(b, dtype), **spec.kwargs)
    res = op_db.result_dtype(spec, dtype)
    _assert_special(out, reference(spec.ref, [a, b], res), res,
                    spec.name not in _NO_ZERO_SIGN_CHECK)


def test_sign_of_nan_is_zero():
    assert torch.sign(torch.tensor([float("nan"), -0.0, 2.0, -3.0])).tolist() == [0, 0, 1, -1]


def test_round_half_to_even():
    t = torch.tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5])
    assert torch.round(t).tolist() == [-2.0, -2.0, -0.0, 0.0, 2.0, 2.0, 4.0]


def test_frac_keeps_sign():
    assert torch.frac(torch.tensor([-1.5, 2.25])).tolist() == [-0.5, 0.25]


@pytest.mark.parametrize("dtype,maximum", [("float32", 3.4028234663852886e38),
                                           ("float64", 1.7976931348623157e308),
                                           ("float16", 65504.0),
                                           ("bfloat16", 3.3895313892515355e38)])
def test_nan_to_num_defaults(dtype, maximum):
    """Defaults: nan -> 0, +inf -> the dtype's largest finite value, -inf -> the lowest."""
    t = torch.tensor([float("nan"), float("inf"), -float("inf"), 1.5]).to(getattr(torch, dtype))
    assert torch.nan_to_num(t).tolist() == [0.0, maximum, -maximum, 1.5]
    assert t.nan_to_num(nan=2.0, posinf=1.0).tolist() == [2.0, 1.0, -maximum, 1.5]


def test_nan_to_num_on_integers_is_identity():
    t = torch.tensor([1, -2, 3])
    assert torch.nan_to_num(t, nan=0.5).tolist() == [1, -2, 3]
    assert torch.nan_to_num(t).dtype == torch.int64


# ---- where --------------------------------------------------------------------------------------
def test_where_with_python_numbers():
    cond = torch.tensor([[True, False, True], [False, False, True]])
    x = torch.tensor([1, 2, 3], dtype=torch.int8)
    out = torch.where(cond, x, 5)  # an int keeps int8
    assert out.dtype == torch.int8 and out.tolist() == [[1, 5, 3], [5, 5, 3]]
    out = torch.where(cond, x, 5.5)  # a float gives the default float dtype
    assert out.dtype == torch.float32 and out.tolist() == [[1, 5.5, 3], [5.5, 5.5, 3]]
    out = torch.where(cond, 1.0, 0)
    assert out.dtype == torch.float32 and out.tolist() == [[1, 0, 1], [0, 0, 1]]
    out = torch.where(cond, 1, 0)
    assert out.dtype == torch.int64 and out.tolist() == [[1, 0, 1], [0, 0, 1]]
    out = torch.where(cond, 1.0, torch.tensor([0.5], dtype=torch.float64))
    assert out.dtype == torch.float64


def test_where_promotes_and_broadcasts():
    cond = torch.tensor([[True], [False]])
    out = torch.where(cond, torch.tensor([1, 2, 3]), torch.tensor([0.5, 1.5, 2.5]))
    assert out.dtype == torch.float32 and out.tolist() == [[1, 2, 3], [0.5, 1.5, 2.5]]
    out = torch.where(cond, torch.tensor([1, 2, 3]), torch.tensor(0))
    assert out.shape == (2, 3) and out.tolist() == [[1, 2, 3], [0, 0, 0]]
    out = torch.tensor([1.0, 2.0]).where(torch.tensor([True, False]), torch.tensor(9.0))
    assert out.tolist() == [1.0, 9.0]


def test_where_condition_must_be_bool():
    with pytest.raises(RuntimeError, match="where expected condition to be a boolean tensor, but "
                                           "got a tensor with dtype Long"):
        torch.where(torch.tensor([1, 0]), torch.tensor([1, 2]), torch.tensor([3, 4]))


# ---- clamp --------------------------------------------------------------------------------------
def test_clamp_forms():
    t = torch.tensor([-3.0, 0.5, 4.0])
    assert torch.clamp(t, -1, 1).tolist() == [-1.0, 0.5, 1.0]
    assert t.clamp(min=0).tolist() == [0.0, 0.5, 4.0]
    assert t.clamp(max=0).tolist() == [-3.0, 0.0, 0.0]
    assert torch.clamp(t, min=torch.tensor([0.0, 1.0, 2.0])).tolist() == [0.0, 1.0, 4.0]
    assert torch.clamp(t, 3, 2).tolist() == [2.0, 2.0, 2.0]  # min > max: everything is max
    alias = t
    assert t.clamp_(-1, 1) is alias and t.tolist() == [-1.0, 0.5, 1.0]


def test_clamp_needs_a_bound():
    with pytest.raises(RuntimeError, match="At least one of 'min' or 'max' must not be None"):
        torch.clamp(torch.tensor([1.0, 5.0]))


def test_clamp_dtypes():
    i = torch.tensor([1, 5, 9])
    assert torch.clamp(i, 2, 6).dtype == torch.int64
    assert torch.clamp(i, 2.5).dtype == torch.float32  # float bound promotes
    assert torch.clamp(i, 2.5).tolist() == [2.5, 5.0, 9.0]
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired "
                                           "output type"):
        i.clamp_(0.5, 1.5)
    assert torch.clamp(torch.tensor([True, False]), 0, 1).dtype == torch.int64


def test_clamp_nan_propagates():
    out = torch.clamp(torch.tensor([float("nan"), 2.0]), 0.0, 1.0)
    assert np.isnan(to_np(out)[0]) and to_np(out)[1] == 1.0


# ---- lerp ---------------------------------------------------------------------------------------
def test_lerp_forms():
    start, end = torch.tensor([0.0, 10.0]), torch.tensor([10.0, 20.0])
    assert torch.lerp(start, end, 0.5).tolist() == [5.0, 15.0]
    assert torch.lerp(start, end, torch.tensor([0.0, 1.0])).tolist() == [0.0, 20.0]
    assert torch.lerp(start, end, 2).tolist() == [20.0, 30.0]  # extrapolates
    alias = start
    assert start.lerp_(end, 0.25) is alias and start.tolist() == [2.5, 12.5]


def test_lerp_requires_same_dtype():
    with pytest.raises(RuntimeError, match="expected dtype float for `end` but got dtype double"):
        torch.lerp(torch.tensor([0.0]), torch.tensor([1.0], dtype=torch.float64), 0.5)


# ---- addcmul / addcdiv --------------------------------------------------------------------------
def test_addcmul_addcdiv_value():
    a, b, c = torch.tensor([1.0, 2.0]), torch.tensor([2.0, 3.0]), torch.tensor([4.0, 5.0])
    assert torch.addcmul(a, b, c, value=0.5).tolist() == [5.0, 9.5]
    assert torch.addcdiv(a, b, c, value=2).tolist() == [2.0, 3.2000000476837158]
    assert torch.addcmul(a, b, c).tolist() == [9.0, 17.0]  # value defaults to 1
    assert torch.addcmul(torch.tensor([1, 2]), torch.tensor([2, 3]), torch.tensor([4, 5]),
                         value=2).tolist() == [17, 32]
    alias = a
    assert a.addcdiv_(b, c) is alias and a.tolist() == [1.5, 2.5999999046325684]


def test_addcdiv_rejects_integers():
    i = torch.tensor([1, 2])
    with pytest.raises(RuntimeError, match="Integer division with addcdiv is no longer supported"):
        torch.addcdiv(i, i, i)


# ---- isclose / allclose / equal -----------------------------------------------------------------
def test_isclose_semantics():
    nan = float("nan")
    a = torch.tensor([1.0, nan, float("inf"), 1.0, 2.0])
    b = torch.tensor([1.0 + 1e-6, nan, float("inf"), 1.1, 2.0])
    assert torch.isclose(a, b).tolist() == [True, False, True, False, True]
    assert torch.isclose(a, b, equal_nan=True).tolist() == [True, True, True, False, True]
    assert torch.isclose(a, b, rtol=0, atol=0.2).tolist() == [True, False, True, True, True]
    assert a.isclose(b, rtol=0.2, atol=0).tolist() == [True, False, True, True, True]
    assert torch.isclose(torch.tensor([1, 2]), torch.tensor([1, 3])).tolist() == [True, False]


def test_isclose_allclose_need_same_dtype():
    with pytest.raises(RuntimeError, match="Long did not match Float"):
        torch.isclose(torch.tensor([1, 2]), torch.tensor([1.0, 2.0]))
    with pytest.raises(RuntimeError, match="Long did not match Float"):
        torch.allclose(torch.tensor([1, 2]), torch.tensor([1.0, 2.0]))


def test_allclose():
    a = torch.tensor([1.0, 2.0])
    result = torch.allclose(a, torch.tensor([1.0, 2.1]), atol=0.2)
    assert result is True  # a Python bool, not a tensor
    assert torch.allclose(a, torch.tensor([1.0, 2.1])) is False
    assert torch.allclose(torch.ones(2, 3), torch.ones(3)) is True  # broadcasts
    assert a.allclose(a + 1e-9) is True
    nan = torch.tensor([float("nan")])
    assert torch.allclose(nan, nan) is False and torch.allclose(nan, nan, equal_nan=True) is True
    with pytest.raises(RuntimeError, match="The size of tensor a \\(3\\) must match the size of "
                                           "tensor b \\(4\\) at non-singleton dimension 1"):
        torch.allclose(torch.ones(2, 3), torch.ones(4))


def test_equal():
    assert torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2])) is True
    assert torch.equal(torch.tensor([1, 2]), torch.tensor([1, 3])) is False
    assert torch.equal(torch.ones(2), torch.ones(3)) is False  # no broadcasting, no error
    assert torch.equal(torch.ones(1, 2), torch.ones(2)) is False
    nan = torch.tensor([float("nan")])
    assert torch.equal(nan, nan) is False
    # values are compared after promotion: a float and an int tensor can be equal
    assert torch.equal(torch.ones(2), torch.ones(2, dtype=torch.int64)) is True
    assert torch.ones(2, 2).t().equal(torch.ones(2, 2)) is True


# ---- fill_ / zero_ and other in-place-only ops --------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_fill_and_zero(dtype):
    d = getattr(torch, dtype)
    base = torch.zeros(4, 3, dtype=d)
    view = base.t().narrow(0, 1, 2)  # columns 1 and 2 of base
    version = base._version
    assert view.fill_(1) is view
    assert base._version > version
    expected = np.zeros((4, 3))
    expected[:, 1:] = 1
    assert_values(base, exact(dtype, expected), dtype)
    assert view.zero_() is view
    assert_values(base, exact(dtype, np.zeros((4, 3))), dtype)


def test_fill_value_conversion():
    assert torch.tensor([1, 2]).fill_(2.7).tolist() == [2, 2]  # truncates toward zero
    assert torch.tensor([1.0, 2.0]).fill_(torch.tensor(3)).tolist() == [3.0, 3.0]
    with pytest.raises(RuntimeError, match="fill_ only supports 0-dimension value tensor but got "
                                           "tensor with 1 dimensions"):
        torch.tensor([1.0, 2.0]).fill_(torch.tensor([3.0]))


def test_inplace_cannot_broadcast_self():
    with pytest.raises(RuntimeError, match=r"output with shape \[3\] doesn't match the broadcast "
                                           r"shape \[2, 3\]"):
        torch.ones(3).add_(torch.ones(2, 3))
    with pytest.raises(RuntimeError, match=r"output with shape \[1, 3\] doesn't match the "
                                           r"broadcast shape \[2, 3\]"):
        torch.ones(1, 3).mul_(torch.ones(2, 3))


def test_inplace_on_expanded_tensor_raises():
    t = torch.ones(3, 1).expand(3, 4)
    with pytest.raises(RuntimeError, match="unsupported operation: more than one element of the "
                                           "written-to tensor refers to a single memory location"):
        t.add_(1)


def test_inplace_same_category_downcast_is_allowed():
    """In-place ops may narrow within a category: int8 += int64 wraps, float16 += float64."""
    t = torch.tensor([1, 2], dtype=torch.int8)
    t += torch.tensor([1000, 1])
    assert t.dtype == torch.int8 and t.tolist() == [-23, 3]
    h = torch.tensor([1.0, 2.0], dtype=torch.float16)
    h.add_(torch.tensor([1.0, 2.0], dtype=torch.float64))
    assert h.dtype == torch.float16 and h.tolist() == [2.0, 4.0]
    f = torch.tensor([1.0, 2.0])
    f.mul_(torch.tensor([2, 3]))  # int into float: allowed
    assert f.tolist() == [2.0, 6.0]


def test_inplace_with_alias_of_itself():
    t = torch.tensor([1.0, 2.0, 3.0])
    t.add_(t)
    assert t.tolist() == [2.0, 4.0, 6.0]
    m = torch.arange(4.0).reshape(2, 2)
    # a partial overlap (reading the transposed alias while writing) is refused, not raced
    with pytest.raises(RuntimeError, match="unsupported operation: some elements of the input "
                                           "tensor and the written-to tensor refer to a single "
                                           "memory location"):
        m.mul_(m.t())
    assert m.tolist() == [[0.0, 1.0], [2.0, 3.0]]


def test_add_alpha():
    a, b = torch.tensor([1, 2]), torch.tensor([3, 4])
    assert torch.add(a, b, alpha=2).tolist() == [7, 10]
    assert torch.sub(a, b, alpha=2).tolist() == [-5, -6]
    assert torch.add(torch.tensor([1.0]), 2, alpha=3).tolist() == [7.0]
    assert torch.add(torch.tensor([1.0, 2.0]), b, alpha=0.5).tolist() == [2.5, 4.0]
    with pytest.raises(RuntimeError, match="For integral input tensors, argument alpha must not "
                                           "be a floating point number"):
        torch.add(a, b, alpha=0.5)


def test_bool_arithmetic():
    t, f = torch.tensor([True, True, False]), torch.tensor([True, False, False])
    assert (t + f).tolist() == [True, True, False]  # logical or
    assert (t * f).tolist() == [True, False, False]  # logical and
    assert torch.maximum(t, f).dtype == torch.bool
    assert (t / f).dtype == torch.float32
    with pytest.raises(NotImplementedError, match="Subtraction, the `-` operator, with two bool "
                                                  "tensors is not supported"):
        t - f
