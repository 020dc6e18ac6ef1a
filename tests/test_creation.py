"""Tensor creation: tensor / as_tensor / from_numpy, the filled constructors and their *_like
forms, ranges (arange, linspace, logspace, eye), and random numbers.

Random streams are NOT compared with PyTorch's (rustorch's generator differs): only
reproducibility (same seed, same stream), independence (different seeds, different streams;
a private Generator leaves the global one alone) and statistics.
"""
import numpy as np
import pytest

from _backend import torch
from _util import dtype_name, to_np

N = 100_000  # samples for the statistical checks; tolerances are > 6 standard errors


# ---- torch.tensor -------------------------------------------------------------------------------
@pytest.mark.parametrize("data,dtype,shape", [
    ([1, 2], "int64", (2,)),
    ([1.0, 2], "float32", (2,)),
    ([True, False], "bool", (2,)),
    ([True, 2], "int64", (2,)),
    ([True, 2.5], "float32", (2,)),
    ([[1, 2], [3, 4.5]], "float32", (2, 2)),
    ((1, 2), "int64", (2,)),
    (3, "int64", ()),
    (3.5, "float32", ()),
    (True, "bool", ()),
    ([], "float32", (0,)),
    ([[]], "float32", (1, 0)),
    ([[], []], "float32", (2, 0)),
    ([[[1]]], "int64", (1, 1, 1)),
    ([2 ** 40], "int64", (1,)),
    (2 ** 63 - 1, "int64", ()),
])
def test_tensor_infers_dtype_and_shape(data, dtype, shape):
    t = torch.tensor(data)
    assert dtype_name(t.dtype) == dtype and t.shape == shape
    assert t.tolist() == (list(data) if isinstance(data, tuple) else data)


@pytest.mark.parametrize("np_dtype,dtype", [
    (np.float64, "float64"), (np.float32, "float32"), (np.float16, "float16"),
    (np.int64, "int64"), (np.int32, "int32"), (np.int16, "int16"), (np.int8, "int8"),
    (np.uint8, "uint8"), (np.bool_, "bool"),
])
def test_tensor_from_numpy_keeps_dtype_and_copies(np_dtype, dtype):
    a = np.array([[1, 0, 1], [0, 1, 1]], dtype=np_dtype)
    t = torch.tensor(a)
    assert dtype_name(t.dtype) == dtype and t.shape == (2, 3)
    np.testing.assert_array_equal(t.numpy(), a)
    a[0, 0] = 0
    assert t.tolist()[0][0] == 1  # torch.tensor copies
    assert dtype_name(torch.tensor(a[0, 1]).dtype) == dtype  # numpy scalar
    assert dtype_name(torch.tensor(np.array(a[0, 1])).dtype) == dtype  # 0-d array


def test_tensor_numpy_scalars_in_lists():
    assert torch.tensor([np.float64(1.5), 2.0]).dtype == torch.float64
    assert torch.tensor([np.float32(1.0), 2]).dtype == torch.float32
    assert torch.tensor(np.int32(3)).dtype == torch.int32


def test_tensor_of_non_contiguous_numpy_array():
    a = np.arange(12.0).reshape(3, 4)[:, ::2].T
    t = torch.tensor(a)
    assert t.tolist() == a.tolist()
    assert torch.tensor(a.T).tolist() == a.T.tolist()


def test_tensor_from_zero_dim_tensors():
    assert torch.tensor([torch.tensor(1), torch.tensor(2)]).tolist() == [1, 2]


@pytest.mark.parametrize("data,dtype,expected", [
    ([1.7, -1.7], "int32", [1, -1]),  # truncation toward zero
    ([1, 2], "float16", [1.0, 2.0]),
    ([[1, 2], [3, 4]], "float64", [[1.0, 2.0], [3.0, 4.0]]),
    ([0.0, 2.5], "bool", [False, True]),
    ([1, 0, 2], "bool", [True, False, True]),
    ([-1], "uint8", [255]),  # -1 wraps; 300 does not (see test_tensor_errors)
    ([1.5], "bfloat16", [1.5]),
])
def test_tensor_dtype_argument(data, dtype, expected):
    t = torch.tensor(data, dtype=getattr(torch, dtype))
    assert dtype_name(t.dtype) == dtype and t.tolist() == expected
    assert torch.tensor(data, dtype=getattr(torch, dtype), device="cpu").tolist() == expected


def test_tensor_errors():
    with pytest.raises(ValueError, match=r"expected sequence of length 2 at dim 1 \(got 1\)"):
        torch.tensor([[1, 2], [3]])
    with pytest.raises(TypeError):
        torch.tensor([1, "a"])
    with pytest.raises(RuntimeError, match="Could not infer dtype of NoneType"):
        torch.tensor(None)
    with pytest.raises(RuntimeError, match="value cannot be converted to type uint8 without "
                                           "overflow"):
        torch.tensor([300], dtype=torch.uint8)
    with pytest.raises(RuntimeError, match="value cannot be converted to type int64 without "
                                           "overflow"):
        torch.tensor([float("nan")], dtype=torch.int64)
    with pytest.raises((ValueError, RuntimeError, OverflowError)):
        torch.tensor([2 ** 63])


def test_float_overflow_becomes_inf():
    assert torch.tensor([1e40]).tolist() == [float("inf")]
    assert torch.tensor([1e40], dtype=torch.float64).tolist() == [1e40]


# ---- as_tensor / from_numpy ---------------------------------------------------------------------
def test_as_tensor():
    t = torch.ones(3)
    assert torch.as_tensor(t) is t
    assert torch.as_tensor(t, dtype=torch.float32) is t
    assert torch.as_tensor([1, 2.5]).dtype == torch.float32
    assert torch.as_tensor(3).dtype == torch.int64 and torch.as_tensor(3).shape == ()
    a = np.arange(3.0)
    shared = torch.as_tensor(a)  # same dtype: shares memory
    assert shared.dtype == torch.float64 and shared.data_ptr() == a.ctypes.data
    a[0] = 9
    assert shared.tolist() == [9.0, 1.0, 2.0]
    converted = torch.as_tensor(a, dtype=torch.float32)  # other dtype: a copy
    a[1] = 7
    assert converted.tolist() == [9.0, 1.0, 2.0] and converted.dtype == torch.float32


@pytest.mark.parametrize("np_dtype", [np.float64, np.float32, np.float16, np.int64, np.int32,
                                      np.int16, np.int8, np.uint8, np.bool_])
def test_from_numpy_is_zero_copy(np_dtype):
    a = np.zeros((2, 3), dtype=np_dtype)
    t = torch.from_numpy(a)
    assert t.shape == (2, 3) and t.data_ptr() == a.ctypes.data
    assert t.numpy().dtype == a.dtype
    a[1, 2] = 1
    assert t.tolist()[1][2] == 1
    t.fill_(1)
    assert (a == 1).all()


def test_from_numpy_zero_dim_and_empty():
    assert torch.from_numpy(np.array(2.5)).shape == ()
    assert torch.from_numpy(np.array(2.5)).item() == 2.5
    assert torch.from_numpy(np.zeros((0, 4), dtype=np.int32)).shape == (0, 4)


# ---- filled constructors ------------------------------------------------------------------------
@pytest.mark.parametrize("fn,value", [(torch.zeros, 0), (torch.ones, 1), (torch.empty, None)])
@pytest.mark.parametrize("size", [(2, 3), ((2, 3),), ([2, 3],), (torch.Size([2, 3]),)],
                         ids=["varargs", "tuple", "list", "Size"])
def test_zeros_ones_empty_sizes(fn, value, size):
    t = fn(*size)
    assert t.shape == (2, 3) and t.dtype == torch.float32 and t.device == torch.device("cpu")
    if value is not None:
        assert t.tolist() == [[value] * 3] * 2


@pytest.mark.parametrize("fn,value", [(torch.zeros, 0), (torch.ones, 1)])
@pytest.mark.parametrize("dtype", ["float64", "float16", "bfloat16", "int8", "uint8", "bool"])
def test_zeros_ones_dtype_and_device(fn, value, dtype):
    d = getattr(torch, dtype)
    for device in ("cpu", torch.device("cpu")):
        t = fn(4, dtype=d, device=device)
        assert t.dtype == d and str(t.device) == "cpu"
        assert t.tolist() == [bool(value) if dtype == "bool" else value] * 4


def test_scalar_and_empty_shapes():
    assert torch.zeros(()).shape == () and torch.zeros([]).shape == ()
    assert torch.zeros(0).shape == (0,)
    assert torch.ones(0, 0, dtype=torch.int32).dtype == torch.int32
    assert torch.empty(2, 3, dtype=torch.int8).dtype == torch.int8


@pytest.mark.parametrize("value,dtype", [(7, "int64"), (7.0, "float32"), (True, "bool"),
                                         (-2.5, "float32")])
def test_full_infers_dtype_from_value(value, dtype):
    t = torch.full((2, 2), value)
    assert dtype_name(t.dtype) == dtype and t.tolist() == [[value] * 2] * 2


def test_full_dtype_argument():
    assert torch.full([2], 1.5, dtype=torch.int64).tolist() == [1, 1]
    assert torch.full((2,), -1, dtype=torch.uint8).tolist() == [255, 255]
    assert torch.full((2, 2), 1.5, dtype=torch.float16).tolist() == [[1.5, 1.5]] * 2
    with pytest.raises(TypeError):
        torch.full(2, 1.0)  # size must be a sequence


def test_like_constructors():
    src = torch.ones(2, 3, dtype=torch.int8)
    for fn, value in ((torch.zeros_like, 0), (torch.ones_like, 1)):
        t = fn(src)
        assert t.dtype == torch.int8 and t.shape == (2, 3) and t.tolist() == [[value] * 3] * 2
        assert fn(src, dtype=torch.float64).dtype == torch.float64
    e = torch.empty_like(src)
    assert e.dtype == torch.int8 and e.shape == (2, 3) and e.data_ptr() != src.data_ptr()
    assert torch.full_like(torch.ones(2, dtype=torch.int32), 2.7).tolist() == [2, 2]
    assert torch.full_like(torch.ones(2), 7).tolist() == [7.0, 7.0]
    assert torch.full_like(torch.ones(2), 7, dtype=torch.int16).dtype == torch.int16
    # layouts are preserved, like clone()
    assert torch.zeros_like(torch.ones(2, 3).t()).stride() == (1, 3)


def test_random_like_constructors():
    f16 = torch.ones(50, 40, dtype=torch.float16)
    r = torch.rand_like(f16)
    assert r.dtype == torch.float16 and r.shape == (50, 40)
    v = to_np(r).astype(np.float64)
    assert (v >= 0).all() and (v <= 1).all() and len(np.unique(v)) > 100
    assert torch.randn_like(torch.ones(3, dtype=torch.float64)).dtype == torch.float64
    ri = torch.randint_like(torch.ones(1000), 10)
    assert ri.dtype == torch.float32
    assert set(to_np(ri).tolist()) == set(float(i) for i in range(10))
    ri = torch.randint_like(torch.ones(1000, dtype=torch.int8), 3, 6)
    assert ri.dtype == torch.int8 and set(to_np(ri).tolist()) == {3, 4, 5}
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        torch.rand_like(torch.ones(2, dtype=torch.int64))
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        torch.randn_like(torch.ones(2, dtype=torch.int64))


# ---- ranges -------------------------------------------------------------------------------------
@pytest.mark.parametrize("args,kwargs,expected,dtype", [
    ((5,), {}, [0, 1, 2, 3, 4], "int64"),
    ((1, 4), {}, [1, 2, 3], "int64"),
    ((0, 10, 3), {}, [0, 3, 6, 9], "int64"),
    ((5, 0, -1), {}, [5, 4, 3, 2, 1], "int64"),
    ((0, 1, 0.25), {}, [0.0, 0.25, 0.5, 0.75], "float32"),
    ((5.0,), {}, [0.0, 1.0, 2.0, 3.0, 4.0], "float32"),
    ((2.5,), {}, [0.0, 1.0, 2.0], "float32"),
    ((0, 5, 2.0), {}, [0.0, 2.0, 4.0], "float32"),
    ((1, 2.5, 0.5), {}, [1.0, 1.5, 2.0], "float32"),
    ((0, -3, -1.5), {}, [0.0, -1.5], "float32"),
    ((5,), {"dtype": torch.float64}, [0.0, 1.0, 2.0, 3.0, 4.0], "float64"),
    ((10,), {"dtype": torch.int8}, list(range(10)), "int8"),
    ((1, 10, 3), {"dtype": torch.float32}, [1.0, 4.0, 7.0], "float32"),
    ((0,), {}, [], "int64"),
])
def test_arange(args, kwargs, expected, dtype):
    t = torch.arange(*args, **kwargs)
    assert dtype_name(t.dtype) == dtype and t.tolist() == expected


def test_arange_length_uses_ceil():
    assert torch.arange(0, 1, 0.1).shape == (10,)
    np.testing.assert_allclose(to_np(torch.arange(0.0, 1.0, 0.3)), [0.0, 0.3, 0.6, 0.9],
                               rtol=1e-6)
    assert torch.arange(-5, 5, 3).tolist() == [-5, -2, 1, 4]


def test_arange_errors():
    with pytest.raises(RuntimeError, match="step must be nonzero"):
        torch.arange(0, 1, 0)
    with pytest.raises(RuntimeError, match="upper bound and lower bound inconsistent with step "
                                           "sign"):
        torch.arange(1, 0, 0.1)
    with pytest.raises(RuntimeError, match="upper bound and lower bound inconsistent with step "
                                           "sign"):
        torch.arange(-1.0, -2.0)


def test_linspace():
    np.testing.assert_allclose(to_np(torch.linspace(0, 1, 5)), [0, 0.25, 0.5, 0.75, 1.0])
    assert torch.linspace(0, 1, 5).dtype == torch.float32
    assert torch.linspace(1, 0, 3).tolist() == [1.0, 0.5, 0.0]
    assert torch.linspace(0, 1, 1).tolist() == [0.0]
    assert torch.linspace(0, 1, 0).shape == (0,)
    assert torch.linspace(0, 10, 5, dtype=torch.int64).tolist() == [0, 2, 5, 7, 10]
    t = torch.linspace(-3, 7, 101, dtype=torch.float64)
    np.testing.assert_allclose(to_np(t), np.linspace(-3, 7, 101), rtol=1e-12, atol=1e-12)
    assert t.select(0, -1).item() == 7.0  # exact endpoint
    with pytest.raises(RuntimeError, match="number of steps must be non-negative"):
        torch.linspace(0, 1, -1)


def test_logspace():
    np.testing.assert_allclose(to_np(torch.logspace(0, 2, 3)), [1.0, 10.0, 100.0], rtol=1e-6)
    assert torch.logspace(0, 3, 4, base=2).tolist() == [1.0, 2.0, 4.0, 8.0]
    assert torch.logspace(1, 3, 3, 2).tolist() == [2.0, 4.0, 8.0]  # base is positional too
    t = torch.logspace(0, 1, 3, dtype=torch.float64)
    np.testing.assert_allclose(to_np(t), np.logspace(0, 1, 3), rtol=1e-12)


def test_eye():
    assert torch.eye(3).tolist() == np.eye(3).tolist() and torch.eye(3).dtype == torch.float32
    assert torch.eye(2, 3).tolist() == np.eye(2, 3).tolist()
    assert torch.eye(3, 2).tolist() == np.eye(3, 2).tolist()
    assert torch.eye(3, dtype=torch.int32).dtype == torch.int32
    assert torch.eye(2, dtype=torch.bool).tolist() == [[True, False], [False, True]]
    assert torch.eye(0).shape == (0, 0) and torch.eye(3, 0).shape == (3, 0)
    with pytest.raises(RuntimeError, match="n must be greater or equal to 0, got -1"):
        torch.eye(-1)


# ---- random numbers -----------------------------------------------------------------------------
def test_manual_seed_reproduces_every_generator_function():
    def draw():
        return [to_np(torch.rand(5)), to_np(torch.randn(5)), to_np(torch.randint(0, 100, (5,))),
                to_np(torch.randperm(10)), to_np(torch.normal(0.0, 1.0, (5,))),
                to_np(torch.zeros(5).uniform_()), to_np(torch.zeros(5).normal_()),
                to_np(torch.zeros(5).bernoulli_(0.5))]
    torch.manual_seed(1234)
    first = draw()
    torch.manual_seed(1234)
    second = draw()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    torch.manual_seed(4321)
    other = draw()
    assert not np.array_equal(first[0], other[0]) and not np.array_equal(first[1], other[1])


def test_consecutive_draws_differ():
    torch.manual_seed(0)
    assert not np.array_equal(to_np(torch.rand(10)), to_np(torch.rand(10)))


def test_manual_seed_returns_a_generator():
    g = torch.manual_seed(7)
    assert g.initial_seed() == 7
    assert torch.initial_seed() == 7


def test_generator_objects():
    g = torch.Generator().manual_seed(0)  # manual_seed returns the generator itself
    assert isinstance(g, torch.Generator) and g.initial_seed() == 0
    a = to_np(torch.rand(8, generator=g))
    b = to_np(torch.rand(8, generator=torch.Generator().manual_seed(0)))
    np.testing.assert_array_equal(a, b)
    c = to_np(torch.rand(8, generator=torch.Generator().manual_seed(1)))
    assert not np.array_equal(a, c)
    assert not np.array_equal(a, to_np(torch.rand(8, generator=g)))  # g advanced
    with pytest.raises(RuntimeError, match="manual_seed expected a long, but got float"):
        torch.Generator().manual_seed(1.5)


def test_generator_argument_everywhere():
    def draw(g):
        return [to_np(torch.rand(4, generator=g)), to_np(torch.randn(4, generator=g)),
                to_np(torch.randint(0, 50, (4,), generator=g)),
                to_np(torch.randint(50, (4,), generator=g)),
                to_np(torch.randperm(6, generator=g)),
                to_np(torch.normal(0.0, 1.0, (4,), generator=g)),
                to_np(torch.normal(torch.zeros(4), 1.0, generator=g)),
                to_np(torch.zeros(4).uniform_(generator=g)),
                to_np(torch.zeros(4).normal_(generator=g)),
                to_np(torch.zeros(4).bernoulli_(0.5, generator=g))]
    for a, b in zip(draw(torch.Generator().manual_seed(3)), draw(torch.Generator().manual_seed(3))):
        np.testing.assert_array_equal(a, b)


def test_private_generator_leaves_the_global_stream_alone():
    torch.manual_seed(11)
    expected = to_np(torch.rand(6))
    torch.manual_seed(11)
    torch.rand(100, generator=torch.Generator().manual_seed(5))
    torch.randn(100, generator=torch.Generator().manual_seed(5))
    np.testing.assert_array_equal(to_np(torch.rand(6)), expected)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
def test_rand_statistics(dtype):
    torch.manual_seed(0)
    v = to_np(torch.rand(N, dtype=getattr(torch, dtype))).astype(np.float64)
    assert dtype_name(torch.rand(1, dtype=getattr(torch, dtype)).dtype) == dtype
    assert v.min() >= 0.0 and v.max() <= 1.0
    if dtype in ("float32", "float64"):
        assert v.max() < 1.0  # [0, 1)
    assert abs(v.mean() - 0.5) < 0.01 and abs(v.std() - (1 / 12) ** 0.5) < 0.01
    hist, _ = np.histogram(v, bins=10, range=(0, 1))
    assert (abs(hist / N - 0.1) < 0.01).all()  # uniform, not just the right mean


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
def test_randn_statistics(dtype):
    torch.manual_seed(1)
    v = to_np(torch.randn(N, dtype=getattr(torch, dtype))).astype(np.float64)
    assert abs(v.mean()) < 0.02 and abs(v.std() - 1) < 0.02
    assert abs(np.mean(np.abs(v) < 1) - 0.6827) < 0.01  # the normal shape
    assert abs(np.mean(v ** 3)) < 0.06  # symmetric


def test_rand_shapes_and_errors():
    assert torch.rand(2, 3).shape == (2, 3) and torch.rand((2, 3)).shape == (2, 3)
    assert torch.randn([4]).shape == (4,) and torch.rand(0).shape == (0,)
    assert torch.rand(()).shape == ()
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        torch.rand(2, dtype=torch.int64)
    with pytest.raises(NotImplementedError, match="not implemented for 'Int'"):
        torch.randn(3, dtype=torch.int32)


def test_randint_forms_and_range():
    torch.manual_seed(2)
    v = to_np(torch.randint(3, 10, (N,)))
    assert v.dtype == np.int64 and v.min() == 3 and v.max() == 9
    counts = np.bincount(v - 3, minlength=7) / N
    assert (abs(counts - 1 / 7) < 0.01).all()
    assert to_np(torch.randint(10, (2, 3))).shape == (2, 3)
    assert torch.randint(low=2, high=4, size=(2,)).shape == (2,)
    assert torch.randint(10, (3,), dtype=torch.int8).dtype == torch.int8
    assert torch.randint(10, (3,), dtype=torch.float32).dtype == torch.float32
    neg = to_np(torch.randint(-5, -2, (1000,)))
    assert set(neg.tolist()) == {-5, -4, -3}
    assert torch.randint(0, 1, (3,)).tolist() == [0, 0, 0]
    with pytest.raises(RuntimeError, match="random_ expects 'from' to be less than 'to', but got "
                                           "from=5 >= to=5"):
        torch.randint(5, 5, (2,))
    with pytest.raises(TypeError):
        torch.randint(10, 3)  # size must be a tuple


def test_randperm():
    torch.manual_seed(3)
    p = to_np(torch.randperm(1000))
    assert p.dtype == np.int64 and sorted(p.tolist()) == list(range(1000))
    assert not (p == np.arange(1000)).all()
    assert torch.randperm(5, dtype=torch.int32).dtype == torch.int32
    assert torch.randperm(0).shape == (0,) and torch.randperm(1).tolist() == [0]
    with pytest.raises(RuntimeError, match=r"Trying to create tensor with negative dimension -1: "
                                           r"\[-1\]"):
        torch.randperm(-1)


def test_normal_forms():
    torch.manual_seed(4)
    v = to_np(torch.normal(2.0, 3.0, (N,)))
    assert v.dtype == np.float32 and abs(v.mean() - 2) < 0.05 and abs(v.std() - 3) < 0.05
    assert torch.normal(0.0, 1.0, size=(2,), dtype=torch.float64).dtype == torch.float64
    means = torch.tensor([0.0, 100.0, -100.0]).expand(N // 10, 3)
    m = to_np(torch.normal(means, 2.0))  # tensor mean, float std: the mean's shape
    assert m.shape == (N // 10, 3)
    np.testing.assert_allclose(m.mean(0), [0.0, 100.0, -100.0], atol=0.1)
    np.testing.assert_allclose(m.std(0), [2.0] * 3, atol=0.1)
    stds = torch.tensor([0.0, 1.0, 5.0]).expand(N // 10, 3)
    s = to_np(torch.normal(1.0, stds))  # float mean, tensor std
    assert (s[:, 0] == 1.0).all()  # std 0: exactly the mean
    np.testing.assert_allclose(s.std(0)[1:], [1.0, 5.0], rtol=0.05)
    both = torch.normal(torch.zeros(2, 3), torch.ones(3))  # broadcast together
    assert both.shape == (2, 3)
    with pytest.raises(RuntimeError, match=r"normal expects std >= 0.0, but found std -1"):
        torch.normal(0.0, -1.0, (2,))


def test_uniform_and_normal_in_place():
    torch.manual_seed(5)
    t = torch.zeros(N)
    alias = t
    assert t.uniform_(2, 3) is alias
    v = to_np(t)
    assert v.min() >= 2 and v.max() < 3 and abs(v.mean() - 2.5) < 0.01
    assert torch.zeros(3).uniform_(1, 1).tolist() == [1.0, 1.0, 1.0]
    assert t.normal_(5, 0.5) is alias
    v = to_np(t)
    assert abs(v.mean() - 5) < 0.01 and abs(v.std() - 0.5) < 0.01
    h = torch.zeros(1000, dtype=torch.float16).uniform_()
    assert h.dtype == torch.float16 and 0 <= to_np(h).min() and to_np(h).max() <= 1
    with pytest.raises(RuntimeError, match=r"uniform_ expects to return a \[from, to\) range, but "
                                           "found from=2 > to=1"):
        torch.zeros(3).uniform_(2, 1)
    with pytest.raises(RuntimeError, match="normal expects std >= 0.0, but found std -1"):
        torch.zeros(3).normal_(0, -1)
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        torch.zeros(3, dtype=torch.int64).uniform_()


def test_random_fill_of_a_view_touches_only_the_view():
    base = torch.zeros(4, 6)
    view = base.t().narrow(0, 2, 3)  # base columns 2..4
    view.uniform_(1, 2)
    b = to_np(base)
    assert (b[:, [0, 1, 5]] == 0).all() and (b[:, 2:5] >= 1).all()
    view.normal_(10, 0.1)
    assert (to_np(base)[:, [0, 1, 5]] == 0).all() and (to_np(base)[:, 2:5] > 9).all()


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "uint8", "bool"])
def test_bernoulli_(dtype):
    torch.manual_seed(6)
    d = getattr(torch, dtype)
    t = torch.zeros(N, dtype=d)
    alias = t
    assert t.bernoulli_(0.3) is alias and t.dtype == d
    v = to_np(t).astype(np.float64)
    assert set(np.unique(v).tolist()) <= {0.0, 1.0} and abs(v.mean() - 0.3) < 0.01
    p = torch.tensor([0.0, 1.0, 1.0, 0.0, 0.5])  # tensor p, one per element
    out = to_np(torch.zeros(5, dtype=d).bernoulli_(p)).astype(np.float64)
    assert out[:4].tolist() == [0.0, 1.0, 1.0, 0.0]


def test_bernoulli_function_and_errors():
    torch.manual_seed(7)
    probs = torch.full((N,), 0.8)
    draws = torch.bernoulli(probs)
    assert draws.dtype == torch.float32 and abs(to_np(draws).mean() - 0.8) < 0.01
    assert torch.bernoulli(torch.tensor([0.0, 1.0])).tolist() == [0.0, 1.0]
    with pytest.raises(RuntimeError, match=r"bernoulli_ expects p to be in \[0, 1\], but got "
                                           "p=1.5"):
        torch.zeros(3).bernoulli_(1.5)
    with pytest.raises(RuntimeError, match=r"bernoulli_ expects p to be in \[0, 1\], but got "
                                           "p=-0.1"):
        torch.zeros(3).bernoulli_(-0.1)
