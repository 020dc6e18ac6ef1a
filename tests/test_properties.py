"""Property tests (hypothesis): broadcasting against numpy, type promotion against the module's own
promote_types/result_type (and the hard-coded table), and chains of view ops against the same
chain of numpy views, including that the result still shares the base's memory."""
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from _backend import torch
from _util import DTYPE_NAMES, FLOAT_NAMES, STORAGE_NP, assert_values, dt, dtype_name, exact, \
    reference, to_np, to_tensor
from test_promotion import PROMOTE, SCALAR, ZERO_DIM

# ---- broadcasting -------------------------------------------------------------------------------
_BINARY = {"add": np.add, "mul": np.multiply, "maximum": np.maximum, "lt": np.less}


@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4,
                                                 min_side=0, max_side=4),
       dtype=st.sampled_from(["float32", "int32", "int8", "float16", "bool"]),
       op=st.sampled_from(sorted(_BINARY)), seed=st.integers(0, 2 ** 32 - 1))
def test_broadcasting_matches_numpy(shapes, dtype, op, seed):
    rng = np.random.default_rng(seed)
    (sa, sb), result_shape = shapes.input_shapes, shapes.result_shape
    a = exact(dtype, rng.integers(-5, 6, sa))
    b = exact(dtype, rng.integers(-5, 6, sb))
    out = getattr(torch, op)(to_tensor(a, dtype), to_tensor(b, dtype))
    assert tuple(out.shape) == np.broadcast_shapes(sa, sb) == tuple(result_shape)
    res = "bool" if op == "lt" else dtype
    assert_values(out, reference(_BINARY[op], [a, b], res), res)


@st.composite
def _incompatible_shapes(draw):
    """Two shapes that differ, at one aligned position, in sizes that are both != 1."""
    sa = draw(st.lists(st.integers(1, 4), min_size=1, max_size=4))
    sb = list(sa[-draw(st.integers(1, len(sa))):])
    k = draw(st.integers(0, len(sb) - 1))
    sa[len(sa) - len(sb) + k] = draw(st.integers(2, 5))
    sb[k] = draw(st.integers(2, 5).filter(lambda v: v != sa[len(sa) - len(sb) + k]))
    return tuple(sa), tuple(sb)


@given(_incompatible_shapes())
def test_incompatible_shapes_raise(shapes):
    sa, sb = shapes
    with pytest.raises(RuntimeError, match=r"The size of tensor a \(\d+\) must match the size of "
                                           r"tensor b \(\d+\) at non-singleton dimension \d+"):
        torch.ones(sa) + torch.ones(sb)


# ---- promotion ----------------------------------------------------------------------------------
@st.composite
def _operand(draw):
    """A dimensioned tensor, a 0-d tensor or a Python number, with a description."""
    kind = draw(st.sampled_from(["tensor", "zero_dim", "number"]))
    if kind == "number":
        return kind, draw(st.sampled_from([True, 3, -2, 2.5]))
    return kind, draw(st.sampled_from(DTYPE_NAMES))


def _make(operand):
    kind, what = operand
    if kind == "number":
        return what
    return to_tensor(exact(what, np.ones(() if kind == "zero_dim" else (2, 3))), what)


def _expected_dtype(x, y):
    """The table-driven answer for one pair of operands (at least one a tensor)."""
    (kx, vx), (ky, vy) = x, y
    if ky == "number" or (kx == "tensor" and ky == "zero_dim"):
        base = vx
        if ky == "number":
            number = True if vy is True else (3 if isinstance(vy, int) else 2.5)
            return SCALAR[base][number]
        return ZERO_DIM[vx][vy]
    if kx == "number" or (ky == "tensor" and kx == "zero_dim"):
        return _expected_dtype(y, x)
    return PROMOTE[vx][vy]


@given(a=st.sampled_from(DTYPE_NAMES), b=st.sampled_from(DTYPE_NAMES))
def test_promotion_of_tensors(a, b):
    ta, tb = to_tensor(exact(a, np.ones((2, 2))), a), to_tensor(exact(b, np.ones(2)), b)
    promoted = torch.promote_types(dt(a), dt(b))
    assert (ta + tb).dtype == promoted == torch.result_type(ta, tb)
    assert dtype_name(promoted) == PROMOTE[a][b]
    assert torch.promote_types(dt(b), dt(a)) == promoted


@given(x=_operand(), y=_operand())
def test_promotion_with_zero_dim_and_numbers(x, y):
    assume(not (x[0] == "number" and y[0] == "number"))
    tx, ty = _make(x), _make(y)
    out = tx * ty
    assert out.dtype == torch.result_type(tx, ty)
    assert dtype_name(out.dtype) == _expected_dtype(x, y)


@given(a=st.sampled_from(DTYPE_NAMES), b=st.sampled_from(DTYPE_NAMES))
def test_can_cast_is_category_order(a, b):
    order = {n: (2 if n in FLOAT_NAMES else 0 if n == "bool" else 1) for n in DTYPE_NAMES}
    assert torch.can_cast(dt(a), dt(b)) is (order[a] <= order[b])


# ---- chains of views ----------------------------------------------------------------------------
@st.composite
def _view_step(draw, shape):
    """One view op valid for `shape`: (name, torch function, numpy function, writable)."""
    nd = len(shape)
    choices = ["unsqueeze", "reshape"]
    if nd >= 1:
        choices += ["narrow", "select", "squeeze_dim", "flatten"]
    if nd >= 2:
        choices += ["permute", "transpose", "movedim", "t"]
    if any(s == 1 for s in shape):
        choices += ["expand", "squeeze"]
    name = draw(st.sampled_from(choices))
    if name == "permute":
        p = draw(st.permutations(range(nd)))
        return name, lambda t: t.permute(*p), lambda a: np.transpose(a, p), True
    if name == "transpose":
        d0, d1 = draw(st.integers(-nd, nd - 1)), draw(st.integers(-nd, nd - 1))
        return name, lambda t: t.transpose(d0, d1), lambda a: np.swapaxes(a, d0, d1), True
    if name == "t":
        return (name, lambda t: t.movedim(-1, -2) if nd > 2 else t.t(),
                lambda a: np.swapaxes(a, -1, -2), True)
    if name == "movedim":
        s, d = draw(st.integers(-nd, nd - 1)), draw(st.integers(-nd, nd - 1))
        return name, lambda t: t.movedim(s, d), lambda a: np.moveaxis(a, s, d), True
    if name == "narrow":
        d = draw(st.integers(0, nd - 1))
        start = draw(st.integers(0, shape[d]))
        length = draw(st.integers(0, shape[d] - start))
        idx = (slice(None),) * d + (slice(start, start + length),)
        return name, lambda t: t.narrow(d, start, length), lambda a: a[idx], True
    if name == "select":
        d = draw(st.integers(0, nd - 1))
        assume(shape[d] > 0)
        i = draw(st.integers(-shape[d], shape[d] - 1))
        idx = (slice(None),) * d + (i, Ellipsis)  # Ellipsis: a 0-d view, not a scalar
        return name, lambda t: t.select(d, i), lambda a: a[idx], True
    if name == "unsqueeze":
        d = draw(st.integers(-nd - 1, nd))
        return name, lambda t: t.unsqueeze(d), lambda a: np.expand_dims(a, d), True
    if name == "squeeze":
        return name, lambda t: t.squeeze(), lambda a: np.squeeze(a), True
    if name == "squeeze_dim":
        d = draw(st.integers(-nd, nd - 1))
        np_fn = (lambda a: np.squeeze(a, d)) if shape[d] == 1 else (lambda a: a)
        return name, lambda t: t.squeeze(d), np_fn, True
    if name == "expand":
        new = tuple(draw(st.integers(1, 3)) if s == 1 else s for s in shape)
        return name, lambda t: t.expand(*new), lambda a: np.broadcast_to(a, new), False
    if name == "flatten":
        return name, lambda t: t.reshape(-1), lambda a: a.reshape(-1), True
    # reshape into a random factorisation of numel (0 elements: keep a 0 somewhere)
    n = int(np.prod(shape))
    dims = []
    rest = n
    for _ in range(draw(st.integers(0, 2))):
        f = draw(st.sampled_from([d for d in (1, 2, 3, 4, 6) if rest % d == 0] or [1]))
        dims.append(f)
        rest //= f
    new = tuple(dims + [rest])
    return name, lambda t: t.reshape(new), lambda a: a.reshape(new), True


@st.composite
def _view_chain(draw):
    shape = tuple(draw(st.lists(st.integers(0 if draw(st.booleans()) else 1, 4), min_size=1,
                                max_size=3)))
    return shape, draw(st.integers(1, 5))


@given(chain=_view_chain(), data=st.data(),
       dtype=st.sampled_from(["float32", "float64", "int16", "uint8", "bfloat16"]))
def test_view_chains_match_numpy_and_share_memory(chain, data, dtype):
    shape, steps = chain
    base_np = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape) % 200
    base_np = exact(dtype, base_np)
    base = to_tensor(base_np, dtype)
    ref = np.array(base_np, copy=True)  # numpy twin of base, viewed the same way
    t, v, writable, shared = base, ref, True, True
    for _ in range(steps):
        name, t_fn, np_fn, can_write = data.draw(_view_step(tuple(t.shape)), label="step")
        v_next = np_fn(v)
        t = t_fn(t)
        if v_next.size and not np.shares_memory(v_next, ref):
            shared = False  # numpy had to copy (a reshape): so did torch, see below
        v = v_next
        writable = writable and can_write
        assert tuple(t.shape) == v.shape, name
        np.testing.assert_array_equal(to_np(t), np.asarray(v, dtype=np.float32)
                                      if dtype == "bfloat16" else v)
    if shared and t.numel():
        assert base.data_ptr() <= t.data_ptr() < base.data_ptr() + base.nbytes
    if writable and t.numel():
        t.add_(1)  # exact in every dtype used here (values < 255)
        v += v.dtype.type(1)  # typed: numpy 1.x promotes a 0-d array + int to int64
        expected_base = ref if shared else base_np
        assert_values(base, expected_base, dtype)


@given(shape=st.lists(st.integers(1, 4), min_size=2, max_size=4), data=st.data())
def test_view_succeeds_exactly_when_numpy_reshape_is_copy_free(shape, data):
    """`view` works iff the reshape needs no copy; numpy answers the same question."""
    base_np = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    perm = data.draw(st.permutations(range(len(shape))))
    v = np.transpose(base_np, perm)
    t = torch.from_numpy(base_np).permute(*perm)
    new = (-1,) if data.draw(st.booleans()) else (v.shape[0], -1)
    np_view = _reshape_without_copy(v, new)
    if np_view is not None:
        tv = t.view(*new)
        assert tv.data_ptr() == t.data_ptr()
        np.testing.assert_array_equal(to_np(tv), np_view)
    else:
        with pytest.raises(RuntimeError, match="view size is not compatible"):
            t.view(*new)
        np.testing.assert_array_equal(to_np(t.reshape(*new)), v.reshape(new))


def _reshape_without_copy(a, shape):
    """numpy's reshape as a view, or None where that needs a copy."""
    try:
        return a.reshape(shape, copy=False)  # numpy >= 2.1
    except ValueError:
        return None
    except TypeError:  # older numpy: no copy= argument; assigning .shape never copies
        view = a.view()
        try:
            view.shape = a.reshape(shape).shape
        except AttributeError:
            return None
        return view


@given(arr=hnp.arrays(np.float32, hnp.array_shapes(min_dims=0, max_dims=3, max_side=4),
                      elements=st.floats(-1e3, 1e3, width=32)),
       dtype=st.sampled_from(["float32", "float64", "float16", "int32", "int8", "bool"]))
def test_numpy_roundtrip(arr, dtype):
    """from_numpy / .numpy() / tolist agree with numpy for any shape, 0-d and empty included."""
    with np.errstate(all="ignore"):
        a = arr.astype(STORAGE_NP[dtype])
    t = torch.from_numpy(np.array(a, copy=True))
    assert tuple(t.shape) == a.shape and dtype_name(t.dtype) == dtype
    np.testing.assert_array_equal(t.numpy(), a)
    assert t.tolist() == a.tolist()
