"""Errors: the exception type AND PyTorch's wording, for the mistakes users make (and read in
tracebacks). Nothing here may crash the interpreter: every case must raise a Python exception.
"""
import re

import numpy as np
import pytest

from _backend import IS_REFERENCE, torch


def _ones(*shape):
    return torch.ones(*shape)


# ---- broadcasting -------------------------------------------------------------------------------
@pytest.mark.parametrize("fn,a,b,sizes,dim", [
    (lambda a, b: a + b, (2, 3), (2, 4), (3, 4), 1),
    (lambda a, b: a * b, (3,), (4,), (3, 4), 0),
    (lambda a, b: a - b, (2, 3), (3, 2), (3, 2), 1),
    (torch.maximum, (2,), (3,), (2, 3), 0),
    (lambda a, b: a < b, (2, 1), (3, 4), (2, 3), 0),
    (lambda a, b: a + b, (2, 3, 4), (5, 1, 4), (2, 5), 0),
    (lambda a, b: a + b, (4,), (2, 3), (4, 3), 1),  # dims are counted in the result
    (lambda a, b: torch.where(torch.ones(a.shape, dtype=torch.bool), b, b), (2,), (3,), (2, 3),
     0),
    (lambda a, b: torch.lerp(a, b, 0.5), (2,), (3,), (2, 3), 0),
    (lambda a, b: torch.addcmul(a, b, a), (2,), (3,), (2, 3), 0),
    (lambda a, b: a.add_(b), (2, 3), (3, 3), (2, 3), 0),
])
def test_incompatible_broadcast(fn, a, b, sizes, dim):
    pattern = re.escape(f"The size of tensor a ({sizes[0]}) must match the size of tensor b "
                        f"({sizes[1]}) at non-singleton dimension {dim}")
    with pytest.raises(RuntimeError, match=pattern):
        fn(torch.ones(a), torch.ones(b))


def test_broadcast_message_example():
    with pytest.raises(RuntimeError, match=re.escape(
            "The size of tensor a (3) must match the size of tensor b (4) at non-singleton "
            "dimension 1")):
        torch.ones(2, 3) + torch.ones(2, 4)


# ---- shapes -------------------------------------------------------------------------------------
def test_invalid_view():
    with pytest.raises(RuntimeError, match=re.escape(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")):
        _ones(2, 3).t().view(6)


@pytest.mark.parametrize("method", ["view", "reshape"])
@pytest.mark.parametrize("shape,text", [((5,), "[5]"), ((4, -1), "[4, -1]"), ((7, 1), "[7, 1]")])
def test_invalid_shape(method, shape, text):
    with pytest.raises(RuntimeError, match=re.escape(f"shape '{text}' is invalid for input of "
                                                      "size 6")):
        getattr(_ones(2, 3), method)(*shape)


@pytest.mark.parametrize("method", ["view", "reshape"])
def test_invalid_shape_dimension(method):
    with pytest.raises(RuntimeError, match=re.escape("invalid shape dimension -2 at index 0 of "
                                                     "shape [-2, 3]")):
        getattr(_ones(2, 3), method)(-2, 3)
    with pytest.raises(RuntimeError, match="only one dimension can be inferred"):
        getattr(_ones(2, 3), method)(-1, -1)


def test_expand_with_fewer_sizes():
    with pytest.raises(RuntimeError, match=re.escape(
            "the number of sizes provided (1) must be greater or equal to the number of "
            "dimensions in the tensor (2)")):
        _ones(2, 3).expand(3)


# ---- dims ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("call,lo,hi,got", [
    (lambda x: x.sum(2), -2, 1, 2),
    (lambda x: x.sum(-3), -2, 1, -3),
    (lambda x: x.mean(dim=(0, 2)), -2, 1, 2),
    (lambda x: x.max(5), -2, 1, 5),
    (lambda x: x.argmax(-3), -2, 1, -3),
    (lambda x: torch.logsumexp(x, 2), -2, 1, 2),
    (lambda x: x.all(3), -2, 1, 3),
    (lambda x: x.count_nonzero(2), -2, 1, 2),
    (lambda x: x.transpose(0, 2), -2, 1, 2),
    (lambda x: x.permute(0, 2), -2, 1, 2),
    (lambda x: x.unsqueeze(3), -3, 2, 3),
    (lambda x: x.unsqueeze(-4), -3, 2, -4),
    (lambda x: x.squeeze(2), -2, 1, 2),
    (lambda x: x.select(2, 0), -2, 1, 2),
    (lambda x: x.narrow(-3, 0, 1), -2, 1, -3),
    (lambda x: x.flatten(0, 5), -2, 1, 5),
    (lambda x: x.movedim(0, 2), -2, 1, 2),
    (lambda x: x.size(2), -2, 1, 2),
    (lambda x: x.stride(-3), -2, 1, -3),
    (lambda x: torch.tensor(1.0).sum(1), -1, 0, 1),
])
def test_dim_out_of_range(call, lo, hi, got):
    with pytest.raises(IndexError, match=re.escape(
            f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {got})")):
        call(_ones(2, 3))


def test_zero_dim_tensors_have_no_index_to_select():
    with pytest.raises(IndexError, match=re.escape("select() cannot be applied to a 0-dim "
                                                   "tensor.")):
        torch.tensor(1.0).select(0, 0)
    with pytest.raises(RuntimeError, match=re.escape("narrow() cannot be applied to a 0-dim "
                                                     "tensor.")):
        torch.tensor(1.0).narrow(0, 0, 1)


# ---- values -------------------------------------------------------------------------------------
def test_item_on_many_elements():
    with pytest.raises(RuntimeError, match="a Tensor with 6 elements cannot be converted to "
                                           "Scalar"):
        _ones(2, 3).item()


def test_integer_division_by_zero():
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        torch.tensor([1, 2]) // torch.tensor([1, 0])
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        torch.tensor([1, 2], dtype=torch.int8) % 0


# ---- dtypes -------------------------------------------------------------------------------------
def test_unsupported_dtype_ops():
    b = torch.tensor([True, False])
    f = torch.tensor([1.5, 2.5])
    with pytest.raises(NotImplementedError, match=re.escape(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
            "invert a mask, use the `~` or `logical_not()` operator instead.")):
        -b
    with pytest.raises(NotImplementedError, match=re.escape(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` "
            "or `logical_xor()` operator instead.")):
        b - b
    with pytest.raises(NotImplementedError, match="not implemented for 'Bool'"):
        torch.abs(b)
    with pytest.raises(NotImplementedError, match="not implemented for 'Float'"):
        f & f
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        torch.frac(torch.tensor([1]))
    with pytest.raises(TypeError, match=re.escape("~ (operator.invert) is only implemented on "
                                                  "integer and Boolean-type tensors")):
        ~f
    # exp of a bool tensor is allowed (computed in float32), not an error
    assert torch.exp(b).dtype == torch.float32


def test_inplace_result_type_cannot_be_cast():
    with pytest.raises(RuntimeError, match=re.escape(
            "result type Float can't be cast to the desired output type Long")):
        torch.tensor([1, 2]).add_(1.5)
    with pytest.raises(RuntimeError, match=re.escape(
            "result type Float can't be cast to the desired output type Int")):
        torch.tensor([1, 2], dtype=torch.int32).exp_()
    with pytest.raises(RuntimeError, match=re.escape(
            "result type Long can't be cast to the desired output type Bool")):
        torch.tensor([True]).add_(1)


# ---- sizes --------------------------------------------------------------------------------------
@pytest.mark.parametrize("make,shape", [
    (lambda: torch.empty(-1), "[-1]"),
    (lambda: torch.ones(-1), "[-1]"),
    (lambda: torch.empty(2, -3), "[2, -3]"),
    (lambda: torch.full((-1,), 1.0), "[-1]"),
    (lambda: torch.rand(-1), "[-1]"),
    (lambda: torch.randn(2, -1), "[2, -1]"),
    (lambda: torch.randperm(-1), "[-1]"),
])
def test_negative_sizes(make, shape):
    neg = shape.strip("[]").split(", ")[-1]
    with pytest.raises(RuntimeError, match=re.escape(
            f"Trying to create tensor with negative dimension {neg}: {shape}")):
        make()


def test_negative_size_zeros():
    with pytest.raises(RuntimeError, match="zeros: Dimension size must be non-negative."):
        torch.zeros(-1)


HUGE = {
    "empty_2**62": lambda: torch.empty(2 ** 62),  # the byte count overflows 64 bits
    "zeros_10**13": lambda: torch.zeros(10 ** 13),  # 40 TB
    "ones_2**31_squared": lambda: torch.ones(2 ** 31, 2 ** 31),
    "empty_2**40_squared": lambda: torch.empty(2 ** 40, 2 ** 40),  # numel overflows
    "full_2**61": lambda: torch.full((2 ** 61,), 1.0),
    "rand_2**62": lambda: torch.rand(2 ** 62),
    "int8_2**61": lambda: torch.empty(2 ** 61, dtype=torch.int8),  # 2 EB: no overflow, no memory
    "contiguous_of_huge_expand": lambda: torch.ones(3).expand(2 ** 61, 3).contiguous(),
}


@pytest.mark.parametrize("make", HUGE.values(), ids=HUGE.keys())
def test_huge_sizes_raise_memory_error(make):
    """PyTorch raises RuntimeError; rustorch raises MemoryError (its issue: "huge sizes: a
    MemoryError, not a crash")."""
    expected = (RuntimeError, MemoryError) if IS_REFERENCE else MemoryError
    with pytest.raises(expected):
        make()


def test_huge_expand_is_only_a_view():
    t = torch.ones(3).expand(2 ** 61, 3)  # no memory is needed for a view
    assert t.shape == (2 ** 61, 3) and t.stride() == (0, 1)


# ---- argument types -----------------------------------------------------------------------------
BAD_TYPES = {
    "ones_str": lambda: torch.ones("a"),
    "ones_float": lambda: torch.ones(2.5),
    "full_int_size": lambda: torch.full(2, 1.0),
    "zeros_dtype_str": lambda: torch.zeros(2, dtype="float32"),
    "add_str": lambda: _ones(2) + "a",
    "add_none": lambda: _ones(2) + None,
    "exp_str": lambda: torch.exp("a"),
    "exp_list": lambda: torch.exp([1.0]),
    "reshape_str": lambda: _ones(2, 3).reshape("a"),
    "view_float": lambda: _ones(2, 3).view(6.0),
    "sum_float_dim": lambda: torch.sum(_ones(2, 3), 1.5),
    "sum_str_dim": lambda: _ones(2, 3).sum(dim="a"),
    "transpose_three": lambda: _ones(2, 3).transpose(0, 1, 2),
    "randint_int_size": lambda: torch.randint(10, 3),
    "copy_numpy": lambda: _ones(2).copy_(np.ones(2)),
    "maximum_number": lambda: torch.maximum(_ones(2), 1.0),
    "tensor_str": lambda: torch.tensor([1, "a"]),
    "len_0d": lambda: len(torch.tensor(1.0)),
    "index_float": lambda: [1, 2][torch.tensor(1.0)],
}


@pytest.mark.parametrize("call", BAD_TYPES.values(), ids=BAD_TYPES.keys())
def test_bad_argument_types(call):
    with pytest.raises(TypeError):
        call()


def test_bad_argument_type_messages():
    with pytest.raises(TypeError, match=re.escape("ones(): argument 'size' (position 1) must be "
                                                  "tuple of ints, not str")):
        torch.ones("a")
    with pytest.raises(TypeError, match=re.escape("exp(): argument 'input' (position 1) must be "
                                                  "Tensor, not str")):
        torch.exp("a")
    with pytest.raises(TypeError, match=re.escape("unsupported operand type(s) for +: 'Tensor' "
                                                  "and 'str'")):
        _ones(2) + "a"


def test_bad_device():
    with pytest.raises(RuntimeError, match="Expected one of cpu, cuda"):
        _ones(2).to("gpu")


# ---- memory safety ------------------------------------------------------------------------------
def test_as_strided_out_of_bounds():
    s = torch.arange(10.0)
    with pytest.raises(RuntimeError, match=re.escape(
            "setStorage: sizes [3], strides [4], storage offset 2, and itemsize 4 requiring a "
            "storage size of 44 are out of bounds for storage of size 40")):
        torch.as_strided(s, (3,), (4,), 2)
    with pytest.raises(RuntimeError, match="out of bounds for storage of size 40"):
        torch.as_strided(s, (2 ** 20,), (2 ** 20,))
    # bounds are those of the whole storage, not of the (narrowed) input view
    assert torch.as_strided(s.narrow(0, 8, 2), (2,), (1,), 2).tolist() == [2.0, 3.0]
    with pytest.raises(RuntimeError, match="out of bounds for storage of size 40"):
        torch.as_strided(s.narrow(0, 8, 2), (3,), (1,), 8)


def test_failed_op_leaves_tensor_usable():
    t = torch.arange(6.0).reshape(2, 3)
    for bad in (lambda: t.view(4), lambda: t.sum(5), lambda: t.add_(torch.ones(4)),
                lambda: t.narrow(1, 2, 2), lambda: t.expand(3, 3)):
        with pytest.raises((RuntimeError, IndexError)):
            bad()
    assert t.tolist() == [[0, 1, 2], [3, 4, 5]] and t._version == 0
