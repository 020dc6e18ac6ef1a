"""Random calls with random (often invalid) arguments: every failure must be an ordinary Python
exception. A Rust panic surfaces as pyo3's PanicException, which derives from BaseException, not
Exception, so it escapes the `except Exception` below and fails the test."""
import math

from hypothesis import given, strategies as st

from _backend import torch

DTYPES = [torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.int64, torch.int32,
          torch.int16, torch.int8, torch.uint8, torch.bool]
ints = st.integers(min_value=-5, max_value=5)
weird_ints = st.sampled_from([0, 1, -1, 2, -7, 2 ** 31, -(2 ** 31), 2 ** 62, -(2 ** 62), 2 ** 63 - 1])
numbers = st.one_of(ints, weird_ints, st.sampled_from([0.5, -0.0, math.inf, -math.inf, math.nan, 1e300, True]))
shapes = st.lists(st.integers(min_value=0, max_value=4), min_size=0, max_size=3)

UNARY = ["abs", "neg", "exp", "log", "sqrt", "sigmoid", "relu", "floor", "frac", "sign", "reciprocal",
         "bitwise_not", "logical_not", "isnan", "nan_to_num"]
BINARY = ["add", "sub", "mul", "div", "floor_divide", "remainder", "fmod", "pow", "atan2", "maximum",
          "eq", "lt", "bitwise_and", "bitwise_left_shift", "logical_xor"]
REDUCE = ["sum", "mean", "prod", "amax", "argmin", "var", "all", "count_nonzero", "logsumexp", "norm"]
VIEWS = [
    lambda t, a, b: t.view(a, b), lambda t, a, b: t.reshape(a, -1), lambda t, a, b: t.permute(a, b),
    lambda t, a, b: t.transpose(a, b), lambda t, a, b: t.expand(a, b), lambda t, a, b: t.squeeze(a),
    lambda t, a, b: t.unsqueeze(a), lambda t, a, b: t.narrow(a, b, 1), lambda t, a, b: t.select(a, b),
    lambda t, a, b: t.flatten(a, b), lambda t, a, b: t.unflatten(a, (b, -1)), lambda t, a, b: t.movedim(a, b),
    lambda t, a, b: t.as_strided((a, b), (b, a), a), lambda t, a, b: t.as_strided((2, 2), (a, b)),
]


def _attempt(fn):
    try:
        fn()
    except Exception:  # noqa: BLE001 - any ordinary exception is an acceptable answer
        pass


@given(st.sampled_from(DTYPES), shapes, st.sampled_from(UNARY), st.sampled_from(BINARY),
       st.sampled_from(REDUCE), numbers, ints, ints, st.integers(0, len(VIEWS) - 1), st.sampled_from(DTYPES))
def test_random_calls_raise_python_exceptions_only(dtype, shape, u, b, r, num, i, j, v, dtype2):
    t = torch.zeros(shape, dtype=dtype)
    other = torch.ones(shape[-1:] or [1], dtype=dtype2)
    _attempt(lambda: getattr(torch, u)(t))
    _attempt(lambda: getattr(torch, b)(t, other))
    _attempt(lambda: getattr(torch, b)(t, num))
    _attempt(lambda: getattr(t, b + "_")(num))
    _attempt(lambda: getattr(t, b + "_")(other))
    _attempt(lambda: getattr(torch, r)(t, i))
    _attempt(lambda: getattr(torch, r)(t, (i, j), keepdim=True))
    _attempt(lambda: VIEWS[v](t, i, j))
    _attempt(lambda: torch.clamp(t, num, other))
    _attempt(lambda: torch.where(t > 0, t, num))
    _attempt(lambda: t.copy_(other))
    _attempt(lambda: torch.full(shape, num, dtype=dtype))
    _attempt(lambda: torch.arange(i, j, num))
    _attempt(lambda: torch.empty(i, j).uniform_(num, j))


@given(st.lists(st.sampled_from([0, 1, -1, 2 ** 20, 2 ** 31, 2 ** 40, 2 ** 62, 2 ** 63 - 1]), min_size=1, max_size=4))
def test_huge_and_negative_sizes_raise(sizes):
    for make in (torch.empty, torch.zeros, torch.ones, torch.rand):
        total = 1
        for s in sizes:
            total *= max(s, 0)
        if all(s >= 0 for s in sizes) and total * 8 < 2 ** 40:
            continue  # allocatable (up to 8 TB of address space); only impossible sizes here
        _attempt(lambda: make(*sizes))
