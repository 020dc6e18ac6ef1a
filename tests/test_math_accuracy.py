"""Accuracy of the float32 transcendental kernels in ulps, against float64 references (numpy,
math.erf), over dense sweeps: every 4099th float32 of both signs (zero, subnormals, normals up
to the largest finite value), a fine linear sweep of the range where the function varies, and
the special values (NaN, +-inf, +-0, the smallest subnormal, the largest finite values). The
largest error per op is printed (`pytest -s`) and must stay within the op's bound.

Then: in-place and strided forms give the bits of the contiguous out-of-place kernel, and the
vectorised reductions (amax/amin/max(dim), var/std) match numpy on values, NaN propagation and
first-index ties, over the last dim, dim 0, the whole tensor and one long row."""
import math

import numpy as np
import pytest

from _backend import torch

F32_MAX = float(np.finfo(np.float32).max)


def _bit_sweep(step=4099):
    bits = np.arange(0, 0x7F800000, step, dtype=np.uint32)
    pos = bits.view(np.float32)
    return np.concatenate([pos, -pos])


SPECIALS = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, -1e-45, 1.1754942e-38, F32_MAX, -F32_MAX,
                     1.0, -1.0, 0.5, 2.0, 1e-30, -1e-30, 1e30, -1e30], dtype=np.float32)


def _inputs(lo, hi, n=400_001):
    return np.concatenate([_bit_sweep(), np.linspace(lo, hi, n, dtype=np.float32), SPECIALS])


def _erf64(x):
    return np.frompyfunc(math.erf, 1, 1)(x).astype(np.float64)


def _sigmoid64(x):
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


def ulp_errors(got, ref):
    """|got - ref| in units of the float32 spacing at ref. NaN must meet NaN, and a reference
    beyond float32's range must give inf of its sign (anything else scores inf)."""
    got = got.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        e = np.frexp(np.where(np.isfinite(ref), ref, 1.0))[1].astype(np.int64) - 1
        e = np.where(ref == 0, -126, np.maximum(e, -126))
        err = np.abs(got - ref) / np.ldexp(1.0, e - 23)
        overflow = np.abs(ref) > F32_MAX * (1 + 2.0 ** -25)
        err = np.where(overflow, np.where(got == np.sign(ref) * np.inf, 0.0, np.inf), err)
        both_nan = np.isnan(got) & np.isnan(ref)
        err = np.where(both_nan, 0.0, np.where(np.isnan(got) | np.isnan(ref), np.inf, err))
    return err


# name -> (float64 reference, sweep range, max ulp allowed)
OPS = {
    "exp": (np.exp, (-110, 90), 1.5),
    "expm1": (np.expm1, (-20, 90), 2.0),
    "tanh": (np.tanh, (-12, 12), 2.0),
    "erf": (_erf64, (-6, 6), 2.0),
    "sigmoid": (_sigmoid64, (-110, 110), 3.0),
    "log": (np.log, (0, 10), 1.5),
    "log1p": (np.log1p, (-1, 10), 2.0),
    "sin": (np.sin, (-40, 40), 1.0),
    "cos": (np.cos, (-40, 40), 1.0),
    "tan": (np.tan, (-40, 40), 1.0),
}


@pytest.mark.parametrize("name", list(OPS))
def test_float32_max_ulp(name):
    ref_fn, (lo, hi), bound = OPS[name]
    x = _inputs(lo, hi)
    got = getattr(torch, name)(torch.from_numpy(x)).numpy()
    with np.errstate(all="ignore"):
        ref = ref_fn(x.astype(np.float64))
    err = ulp_errors(got, ref)
    worst = int(np.argmax(err))
    print(f"\n{name} float32: max {err[worst]:.3f} ulp at x={x[worst]!r} over {x.size} inputs")
    assert err[worst] <= bound, f"{name}: {err[worst]:.3f} ulp at x={x[worst]!r} (got {got[worst]!r}, want {ref[worst]!r})"


@pytest.mark.parametrize("name", ["exp", "expm1", "tanh", "erf", "log", "log1p", "sin", "cos", "tan"])
def test_signed_zero_and_specials(name):
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, -1e-45], dtype=np.float32)
    got = getattr(torch, name)(torch.from_numpy(x)).numpy()
    with np.errstate(all="ignore"):
        ref = OPS[name][0](x.astype(np.float64)).astype(np.float32)
    np.testing.assert_array_equal(got, ref)  # NaN == NaN here
    zero = ref == 0
    np.testing.assert_array_equal(np.signbit(got[zero]), np.signbit(ref[zero]), err_msg="sign of zero")


def test_saturation_is_exact():
    x = torch.tensor([9.1, 15.0, 100.0, -9.1, -100.0, 4.0, 10.0, -4.0, -10.0])  # tanh rounds to 1 from 9.01
    assert torch.tanh(x[:5]).tolist() == [1.0, 1.0, 1.0, -1.0, -1.0]
    assert torch.erf(x[5:]).tolist() == [1.0, 1.0, -1.0, -1.0]
    assert torch.expm1(torch.tensor([-30.0, -100.0])).tolist() == [-1.0, -1.0]


def test_trig_of_huge_arguments_matches_float64():
    # Beyond the fast range the kernels fall back to libm, block by block: mix both kinds.
    x = np.concatenate([np.linspace(-3e6, 3e6, 5001, dtype=np.float32), np.float32([1e20, -3e38, 7.5e5])])
    for name in ("sin", "cos", "tan"):
        got = getattr(torch, name)(torch.from_numpy(x)).numpy()
        err = ulp_errors(got, getattr(np, name)(x.astype(np.float64)))
        assert err.max() <= 1.0, (name, err.max(), x[np.argmax(err)])


@pytest.mark.parametrize("name", ["exp", "expm1", "tanh", "erf", "sigmoid", "log", "log1p", "sin", "cos", "tan",
                                  "rsqrt", "sqrt", "neg"])
def test_in_place_and_strided_match_contiguous_bits(name):
    rng = np.random.default_rng(7)
    x = (rng.standard_normal((64, 301)) * 4).astype(np.float32)
    if name in ("log", "rsqrt", "sqrt"):
        x = np.abs(x)
    x[3, 5], x[7, 300] = np.nan, np.inf
    if name in ("sin", "cos", "tan"):
        x[10, 10:20] = 1e7  # the libm fallback inside a block
    want = getattr(torch, name)(torch.from_numpy(x)).numpy()
    t = torch.from_numpy(x.copy())
    assert getattr(t, name + "_")() is t
    np.testing.assert_array_equal(t.numpy(), want)
    strided = getattr(torch, name)(torch.from_numpy(x).t()).numpy()
    np.testing.assert_array_equal(strided, want.T)
    out = torch.empty(64, 301)
    getattr(torch, name)(torch.from_numpy(x), out=out)
    np.testing.assert_array_equal(out.numpy(), want)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_binary_in_place_with_broadcast_matches_out_of_place(dtype):
    rng = np.random.default_rng(3)
    a = (rng.standard_normal((128, 515)) * 10).astype(dtype)
    b = (rng.integers(1, 9, 515) * np.where(rng.random(515) < 0.5, -1, 1)).astype(dtype)
    ops = ["add", "sub", "mul"] + (["div"] if dtype != "int64" else [])
    for op in ops:
        want = getattr(torch, op)(torch.from_numpy(a), torch.from_numpy(b)).numpy()
        t = torch.from_numpy(a.copy())
        getattr(t, op + "_")(torch.from_numpy(b))
        np.testing.assert_array_equal(t.numpy(), want, err_msg=op)
        s = torch.from_numpy(a.copy())
        getattr(s, op + "_")(3)
        np.testing.assert_array_equal(s.numpy(), getattr(torch, op)(torch.from_numpy(a), 3).numpy(), err_msg=op)
    # The other operand as the output: b_full = a - b_full.
    bf = np.broadcast_to(b, a.shape).copy()
    tb = torch.from_numpy(bf.copy())
    torch.sub(torch.from_numpy(a), tb, out=tb)
    np.testing.assert_array_equal(tb.numpy(), a - bf)


# ---- reductions ---------------------------------------------------------------------------

def _with_nans(shape, rng, dtype=np.float32):
    x = (rng.standard_normal(shape) * 3).astype(dtype)
    if x.ndim == 2:
        for r in range(1, x.shape[0], 7):  # NaN in lane positions, the tail, first and last
            x[r, (r * 53) % x.shape[1]] = np.nan
        x[2, -1], x[4, 0] = np.nan, np.nan
    return x


@pytest.mark.parametrize("shape", [(256, 1000), (33, 67), (5, 130), (300_000,)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_amax_amin_propagate_nan(shape, dtype):
    rng = np.random.default_rng(11)
    x = _with_nans(shape, rng, dtype)
    t = torch.from_numpy(x)
    dims = [None] + list(range(x.ndim))
    for dim in dims:
        for name, ref in (("amax", np.max), ("amin", np.min)):
            got = (getattr(t, name)() if dim is None else getattr(t, name)(dim)).numpy()
            want = ref(x) if dim is None else ref(x, axis=dim)
            np.testing.assert_array_equal(got, want, err_msg=f"{name} dim={dim}")
    clean = (rng.standard_normal(shape) * 3).astype(dtype)
    ct = torch.from_numpy(clean)
    for dim in range(x.ndim):
        np.testing.assert_array_equal(ct.amax(dim).numpy(), clean.max(axis=dim))


@pytest.mark.parametrize("shape", [(256, 1000), (9, 70_001)])
def test_max_with_indices_first_occurrence_and_nan(shape):
    rng = np.random.default_rng(5)
    x = rng.integers(-5, 6, shape).astype(np.float32)  # many ties
    x[1, 17] = np.nan
    x[1, 40] = np.nan
    for dim in (1, 0):
        for name, ref in (("max", np.argmax), ("min", np.argmin)):
            values, indices = getattr(torch.from_numpy(x), name)(dim)
            want = ref(x, axis=dim)  # first occurrence; the first NaN when there is one
            np.testing.assert_array_equal(indices.numpy(), want, err_msg=f"{name} dim={dim}")
            np.testing.assert_array_equal(values.numpy(), np.take_along_axis(x, np.expand_dims(want, dim), dim).squeeze(dim))
    flat = x.reshape(-1)
    assert torch.from_numpy(flat).argmax().item() == np.argmax(flat)


def _f32_ulps(got, want):
    return ulp_errors(np.asarray(got, np.float32), np.asarray(want, np.float64))


@pytest.mark.parametrize("offset", [0.0, 1e4])
@pytest.mark.parametrize("shape", [(256, 1000), (7, 4099), (300_000,)])
def test_var_std_float32_within_float32_rounding(shape, offset):
    rng = np.random.default_rng(2)
    x = (offset + rng.standard_normal(shape) * 0.5).astype(np.float32)
    x64 = x.astype(np.float64)
    t = torch.from_numpy(x)
    for dim in [None] + list(range(x.ndim)):
        for correction in (1, 0):
            kw = {} if correction == 1 else {"correction": 0}
            v = t.var(**kw) if dim is None else t.var(dim, **kw)
            s = t.std(**kw) if dim is None else t.std(dim, **kw)
            want_v = x64.var(axis=dim, ddof=correction)
            err_v = _f32_ulps(v.numpy(), want_v).max()
            err_s = _f32_ulps(s.numpy(), np.sqrt(want_v)).max()
            assert err_v <= 2 and err_s <= 2, (dim, correction, err_v, err_s)


def test_var_special_values():
    x = torch.tensor([[1.0, float("nan"), 3.0], [float("inf"), 1.0, 2.0], [5.0, 5.0, 5.0]])
    v = x.var(1).tolist()
    assert math.isnan(v[0]) and math.isnan(v[1]) and v[2] == 0.0
    assert math.isnan(x.var(0).tolist()[0])
    big = torch.tensor([3e19, -3e19, 3e19, -3e19])  # squares overflow float32, not float64
    assert math.isclose(big.std(correction=0).item(), 3e19, rel_tol=1e-6)


@pytest.mark.parametrize("dim", [1, 0, None])
def test_var_float64_matches_numpy(dim):
    rng = np.random.default_rng(4)
    x = 1e3 + rng.standard_normal((129, 1031))
    got = (torch.from_numpy(x).var() if dim is None else torch.from_numpy(x).var(dim)).numpy()
    np.testing.assert_allclose(got, x.var(axis=dim, ddof=1), rtol=1e-12)
