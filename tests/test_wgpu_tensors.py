"""Tensors on the wgpu device, compared with the CPU: casts between every pair of dtypes, clone,
contiguous, copy_ into strided views, fill_/zero_, creation with device="wgpu", random numbers
(the same counter-based generator as the CPU), int64 without SHADER_INT64 (emulated, in a
subprocess), and tensors so large that one grid dimension cannot hold their workgroups."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import op_db
from _backend import torch
from _util import DTYPE_NAMES, dt, is_float, kind, sample
from _wgpu import TOL, Operand, assert_matches, f64_error, require, run_both, seed

LAYOUTS = ["contiguous", "transposed"]


def _skip_f64(props, *dtypes):
    if "float64" in dtypes and f64_error(props, "float64"):
        pytest.skip("no SHADER_F64 on this adapter")


# ---- casts ----------------------------------------------------------------------------------------
def _cast_values(src, dst):
    """15 values of dtype `src` whose cast to `dst` is exact or a plain truncation (2.5 -> 2), in
    range for the destination (no negative floats into uint8), and with zeros for bool."""
    if kind(src) == "b":
        vals = np.array([True, False, True, True, False] * 3)
    elif kind(src) == "f":
        vals = np.array([0, 1, -1, 2.5, -2.5, 3.75, 100, -7, 0.5, 64, -0.75, 0, 12.25, -100, 1.5])
        if dst == "uint8":
            vals = np.abs(vals)
    else:
        vals = np.array([0, 1, -1, 5, -100, 100, 7, -7, 64, 127, 0, -128, 3, 42, -1])
        if src == "uint8":
            vals = np.abs(vals) + 60
    return vals.reshape(3, 5)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dst", DTYPE_NAMES)
@pytest.mark.parametrize("src", DTYPE_NAMES)
def test_cast_every_pair(src, dst, layout):
    props = require()
    x = Operand(_cast_values(src, dst), src, layout)
    if f64_error(props, "float64") and "float64" in (src, dst):
        with pytest.raises(TypeError, match="float64"):
            x.on("wgpu")[1].to(dt(dst))
        return
    want, got = run_both(lambda: x.on("cpu")[1].to(dt(dst)), lambda: x.on("wgpu")[1].to(dt(dst)))
    assert_matches(got, want, tol=(0, 0))


ULP = {"float16": 2.0 ** -10, "bfloat16": 2.0 ** -7, "float32": 2.0 ** -23}


@pytest.mark.parametrize("src,dst", [("float32", "float16"), ("float32", "bfloat16"),
                                     ("float64", "float32"), ("float64", "float16"),
                                     ("float16", "bfloat16"), ("int32", "float16")])
def test_cast_rounding(src, dst):
    """Values that need rounding: to the nearest (within one ulp of the destination)."""
    props = require()
    _skip_f64(props, src, dst)
    rng = np.random.default_rng(seed("round", src, dst))
    vals = rng.uniform(-3, 3, (40, 50)) if is_float(src) else rng.integers(-5000, 5000, (40, 50))
    x = Operand(vals, src, "transposed")
    assert_matches(x.on("wgpu")[1].to(dt(dst)), x.on("cpu")[1].to(dt(dst)), tol=(ULP[dst], 0))


# ---- clone, contiguous, copy_, fill_, zero_ -------------------------------------------------------
def _values(dtype, shape, rng_seed):
    return sample(op_db.DOMAINS["real"], dtype, shape, np.random.default_rng(rng_seed))


@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_clone_and_contiguous(dtype):
    _skip_f64(require(), dtype)
    x = Operand(_values(dtype, (3, 5), seed("clone", dtype)), dtype, "transposed")
    cpu, gpu = x.on("cpu")[1], x.on("wgpu")[1]
    c = gpu.clone()
    assert_matches(c, cpu.clone())
    assert tuple(c.stride()) == tuple(cpu.clone().stride())  # preserve_format, as on the CPU
    k = gpu.contiguous()
    assert k.is_contiguous() and not gpu.is_contiguous()
    assert_matches(k, cpu.contiguous())
    assert k.contiguous() is k
    c.zero_()  # the clone has its own memory
    k.zero_()
    assert_matches(gpu, cpu)


@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_copy_into_strided_view(dtype):
    """x.copy_(y): x a sliced view of a wgpu tensor, y broadcast (same dtype, another dtype, and
    a CPU tensor); the base changes exactly where the view is."""
    props = require()
    _skip_f64(props, dtype)
    other = "int32" if dtype == "float32" else "float32"
    rng_seed = seed("copy", dtype)
    dst = Operand(_values(dtype, (3, 5), rng_seed), dtype, "sliced")
    sources = [Operand(_values(dtype, (1, 5), rng_seed + 1), dtype),
               Operand(_values(other, (3, 1), rng_seed + 2), other),
               Operand(_values(dtype, (5,), rng_seed + 3), dtype)]
    for i, src in enumerate(sources):
        (cb, cv), (gb, gv) = dst.on("cpu"), dst.on("wgpu")
        cv.copy_(src.on("cpu")[1])
        g_src = src.on("cpu" if i == 2 else "wgpu")[1]  # the last one: a CPU source
        assert gv.copy_(g_src) is gv
        assert_matches(gb, cb)


@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_fill_and_zero_strided_view(dtype):
    _skip_f64(require(), dtype)
    value = {"b": True, "f": 2.5}.get(kind(dtype), 3)
    x = Operand(_values(dtype, (3, 5), seed("fill", dtype)), dtype, "sliced")
    (cb, cv), (gb, gv) = x.on("cpu"), x.on("wgpu")
    assert gv.fill_(value) is gv
    cv.fill_(value)
    assert_matches(gb, cb)
    gv.t().zero_()
    cv.t().zero_()
    assert_matches(gb, cb)


# ---- creation ---------------------------------------------------------------------------------------
def _fill_value(dtype):
    return {"b": True, "f": -2.5, "u": 200}.get(kind(dtype), -7)


CREATION = [
    ("zeros", lambda d, **k: torch.zeros(2, 3, dtype=d, **k)),
    ("ones", lambda d, **k: torch.ones(4, dtype=d, **k)),
    ("full", lambda d, **k: torch.full((3, 2), _fill_value(str(d).rsplit(".", 1)[-1]), dtype=d, **k)),
    ("arange_int", lambda d, **k: torch.arange(0, 20, 3, dtype=d, **k)),
    ("arange_neg_step", lambda d, **k: torch.arange(10, 1, -2, dtype=d, **k)),
    ("arange_float", lambda d, **k: torch.arange(-1.5, 2.0, 0.25, dtype=d, **k)),
    ("linspace", lambda d, **k: torch.linspace(-2, 3, 7, dtype=d, **k)),
    ("linspace_one", lambda d, **k: torch.linspace(1, 5, 1, dtype=d, **k)),
    ("eye", lambda d, **k: torch.eye(4, dtype=d, **k)),
    ("eye_n_m", lambda d, **k: torch.eye(3, 5, dtype=d, **k)),
    ("tensor", lambda d, **k: torch.tensor([[1, 0, 2], [3, 4, 5]], dtype=d, **k)),
]


# Negative or fractional ranges are not meaningful for bool and uint8: those pairs are left out.
_CREATION_CASES = [pytest.param(name, fn, dtype, id=f"{name}-{dtype}") for name, fn in CREATION for dtype in DTYPE_NAMES
                   if not (name in ("arange_float", "linspace", "linspace_one") and dtype in ("bool", "uint8"))]


@pytest.mark.parametrize("name,fn,dtype", _CREATION_CASES)
def test_creation_on_device(name, fn, dtype):
    props = require()
    if f64_error(props, dtype):
        with pytest.raises(TypeError, match="float64"):
            fn(dt(dtype), device="wgpu")
        return
    want, got = run_both(lambda: fn(dt(dtype)), lambda: fn(dt(dtype), device="wgpu"))
    if want is not None:
        assert_matches(got, want)


DEFAULT_DTYPE_CREATION = [
    ("arange", lambda **k: torch.arange(5, **k)), ("arange_neg", lambda **k: torch.arange(3, -8, -3, **k)),
    ("arange_float", lambda **k: torch.arange(0, 1, 0.1, **k)),
    ("arange_float_neg", lambda **k: torch.arange(2.5, -1, -0.5, **k)),
    ("arange_int64_big", lambda **k: torch.arange(2 ** 33, 2 ** 33 + 50, 7, **k)),
    ("arange_large", lambda **k: torch.arange(300_000, **k)),
    ("linspace_long", lambda **k: torch.linspace(0, 1, 1000, **k)),
    ("tensor_float", lambda **k: torch.tensor([[1.5, -2.0], [0.25, 3.0]], **k)),
    ("tensor_int", lambda **k: torch.tensor([2 ** 40 + 5, -(2 ** 35), 7], **k)),
    ("tensor_bool", lambda **k: torch.tensor([True, False], **k)),
    ("tensor_scalar", lambda **k: torch.tensor(3.5, **k)),
    ("full_int", lambda **k: torch.full((2, 2), 7, **k)), ("full_bool", lambda **k: torch.full((3,), True, **k)),
    ("eye_empty", lambda **k: torch.eye(0, 3, **k)),
]


@pytest.mark.parametrize("name,fn", DEFAULT_DTYPE_CREATION, ids=[c[0] for c in DEFAULT_DTYPE_CREATION])
def test_creation_default_dtypes(name, fn):
    require()
    assert_matches(fn(device="wgpu"), fn())


@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_empty_and_like_functions(dtype):
    _skip_f64(require(), dtype)
    e = torch.empty(2, 5, dtype=dt(dtype), device="wgpu")
    assert e.device.type == "wgpu" and e.dtype == dt(dtype) and tuple(e.shape) == (2, 5)
    x = Operand(_values(dtype, (3, 5), seed("like", dtype)), dtype, "transposed")
    cpu, gpu = x.on("cpu")[1], x.on("wgpu")[1]
    for fn in (torch.zeros_like, torch.ones_like, lambda t: torch.full_like(t, _fill_value(dtype)),
               lambda t: torch.zeros_like(t, dtype=torch.int32), lambda t: torch.ones_like(t, dtype=torch.float32)):
        assert_matches(fn(gpu), fn(cpu))
    el = torch.empty_like(gpu)
    assert el.device.type == "wgpu" and el.dtype == gpu.dtype and el.shape == gpu.shape


# ---- random ---------------------------------------------------------------------------------------
def _both(seed_value, draw):
    """draw(device) after manual_seed on each device: (cpu result, wgpu result)."""
    torch.manual_seed(seed_value)
    want = draw("cpu")
    torch.manual_seed(seed_value)
    return want, draw("wgpu")


@pytest.mark.parametrize("n", [1, 5, 1001])
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
def test_rand_is_the_cpu_generator(dtype, n):
    """The same counter-based generator on both devices: identical values."""
    _skip_f64(require(), dtype)
    want, got = _both(n, lambda dev: torch.rand(n, dtype=dt(dtype), device=dev))
    assert_matches(got, want, tol=(0, 0))


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16", "float64"])
def test_randn_matches_cpu(dtype):
    props = require()
    _skip_f64(props, dtype)
    tol = (1e-5, 1e-5) if dtype in ("float32", "float64") else TOL[dtype]
    try:
        want, got = _both(11, lambda dev: torch.randn(3, 333, dtype=dt(dtype), device=dev))
    except NotImplementedError as e:  # float64 normals need log/cos in float64
        assert dtype == "float64" and "not currently implemented for the wgpu device" in str(e)
        torch.randn(3, device="wgpu")  # only float64 may be missing
        return
    assert_matches(got, want, tol=tol)


@pytest.mark.parametrize("lo,hi,n,dtype", [(0, 10, 1000, "int64"), (-5, 17, 1001, "int32"),
                                           (0, 256, 500, "uint8"), (-(2 ** 40), 2 ** 40, 300, "int64"),
                                           (-3, 3, 100, "float32"), (-100, 100, 77, "int8")])
def test_randint_matches_cpu(lo, hi, n, dtype):
    require()
    want, got = _both(lo + hi + n, lambda dev: torch.randint(lo, hi, (n,), dtype=dt(dtype), device=dev))
    assert_matches(got, want)


IN_PLACE_DRAWS = [
    ("uniform", ["float32", "float16", "bfloat16", "float64"], lambda t: t.uniform_(-2, 3)),
    ("normal", ["float32", "float16"], lambda t: t.normal_(2.0, 3.0)),
    ("random_range", ["int32", "int64", "uint8", "float32", "int16"],
     lambda t: t.random_(-3 if t.dtype != torch.uint8 else 0, 50)),
    ("random_to", ["int64", "float32"], lambda t: t.random_(10)),
    ("bernoulli_p", ["float32", "int64", "bool", "float16"], lambda t: t.bernoulli_(0.3)),
    ("bernoulli_tensor", ["float32", "float64"], lambda t: torch.bernoulli(t.abs() / 10)),
]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name,dtype,draw", [(n, d, f) for n, ds, f in IN_PLACE_DRAWS for d in ds],
                         ids=[f"{n}-{d}" for n, ds, _ in IN_PLACE_DRAWS for d in ds])
def test_in_place_draws_match_cpu(name, dtype, draw, layout):
    props = require()
    _skip_f64(props, dtype)
    x = Operand(_values(dtype, (7, 9), seed("draw", name, dtype)), dtype, layout)
    want, got = _both(5, lambda dev: draw(x.on(dev)[1]))
    ulp = {"float32": (1e-6, 1e-6), "float64": (1e-12, 1e-12)}
    assert_matches(got, want, tol=(3e-5, 3e-5) if name == "normal" and dtype == "float32"
                   else ulp.get(dtype, TOL.get(dtype)))


def test_draw_sequences_advance_the_generator_alike():
    require()
    draws = [lambda d: torch.rand(5, device=d), lambda d: torch.randn(7, device=d),
             lambda d: torch.randint(0, 9, (3,), device=d), lambda d: torch.rand(2, 2, device=d)]
    torch.manual_seed(123)
    want = [f("cpu") for f in draws]
    torch.manual_seed(123)
    got = [f("wgpu") for f in draws]
    for g, w in zip(got, want):
        assert_matches(g, w, tol=(1e-5, 1e-5))
    # interleaved devices: one generator
    torch.manual_seed(9)
    mixed = [torch.rand(4, device="wgpu").cpu(), torch.rand(4), torch.rand(3, device="wgpu").cpu()]
    torch.manual_seed(9)
    assert all(torch.equal(m, torch.rand(len(m))) for m in mixed)


# ---- more than 65,535 workgroups ------------------------------------------------------------------
# 256 * 65535 + 1000 float32 elements (64 MiB): at 256 invocations per workgroup the grid needs
# more than 65,535 workgroups in one dimension, the limit of every WebGPU adapter. These cases
# exist to test the dispatch splitting; lavapipe is slow, so there are only a handful.
BIG = 256 * 65535 + 1000


@pytest.fixture(scope="module")
def big():
    require()
    x = (torch.arange(BIG, dtype=torch.float32) % 2048) * 0.25 - 256  # exact in float16 too
    y = (torch.arange(BIG, dtype=torch.float32) % 7) - 3
    return x, y, x.to("wgpu"), y.to("wgpu")


@pytest.mark.parametrize("case", ["add", "mul_add", "exp", "to_float16", "sum", "sum_dim1", "where"])
def test_more_than_65535_workgroups(big, case):
    x, y, gx, gy = big
    fns = {"add": lambda a, b: a + b, "mul_add": lambda a, b: a * 2 + 1,
           "exp": lambda a, b: torch.exp(b), "to_float16": lambda a, b: a.to(torch.float16),
           "sum": lambda a, b: a.sum(), "sum_dim1": lambda a, b: a.reshape(BIG // 4, 4).sum(1),
           "where": lambda a, b: torch.where(a > 0, a, b)}
    fn = fns[case]
    want, got = fn(x, y), fn(gx, gy)
    if case == "sum":  # summation order: relative to the sum of magnitudes
        assert_matches(got, want, tol=(0, 1e-6 * float(x.abs().sum().item())))
    else:
        assert_matches(got, want, tol=(2e-6, 0) if case == "exp" else (0, 0))


# ---- int64 without SHADER_INT64 -----------------------------------------------------------------
INT64_SCRIPT = textwrap.dedent("""
    import numpy as np
    import rustorch as torch
    failures = []
    def same(name, fn, may_refuse=False):
        try:
            want = fn("cpu")
        except Exception as e:
            want = e
        try:
            got = fn("wgpu")
        except TypeError as e:
            if not (may_refuse and "int64" in str(e)):
                failures.append(f"{name}: TypeError: {e}")
            return
        except Exception as e:
            failures.append(f"{name}: {type(e).__name__}: {e}")
            return
        if isinstance(want, Exception):
            failures.append(f"{name}: the CPU raised {want!r}, wgpu did not")
            return
        pairs = list(zip(got, want)) if isinstance(want, tuple) else [(got, want)]
        for g, w in pairs:
            if g.device.type != "wgpu" or g.dtype != w.dtype or g.shape != w.shape:
                failures.append(f"{name}: {g.device} {g.dtype} {tuple(g.shape)} vs {w.dtype} {tuple(w.shape)}")
            elif not torch.equal(g.cpu(), w):
                failures.append(f"{name}: {g.cpu().tolist()} != {w.tolist()}")
    props = torch.wgpu.get_device_properties()
    assert props["shader_int64"] == "false", props
    V = [2**40 + 5, -2**35, 0, -1, 1, 2**32 - 1, 2**32, -2**32, 2**63 - 1, -2**63, 123456789012, 7]
    W = [3, 2**35 + 1, -1, 1, -1, 1, -1, 2**31, 0, 0, -123456789012, 2**33]
    def t(dev, vals=V, dtype=torch.int64):
        return torch.tensor(vals, dtype=dtype).to(dev)
    same("round_trip", lambda d: t(d))
    same("round_trip_view", lambda d: t(d).reshape(3, 4).t().contiguous())
    same("transposed_view", lambda d: t(d).reshape(3, 4).t())
    for name, dt in [("float32", torch.float32), ("int32", torch.int32), ("bool", torch.bool)]:
        same(f"int64_to_{name}", lambda d: t(d).to(dt))
        same(f"{name}_to_int64", lambda d: torch.tensor([0, 1, -3, 100, 7, -128]).to(dt).to(d).to(torch.int64))
    same("float32_big_to_int64", lambda d: torch.tensor([2.0**33, -2.5, 2.0**40, -2.0**50]).to(d).to(torch.int64))
    binary = {"add": torch.add, "sub": torch.sub, "maximum": torch.maximum, "minimum": torch.minimum,
              "eq": torch.eq, "ne": torch.ne, "lt": torch.lt, "le": torch.le, "gt": torch.gt, "ge": torch.ge}
    for name, fn in binary.items():
        same(name, lambda d: fn(t(d, V[:9]), t(d, W[:9])))
        same(name + "_transposed", lambda d: fn(t(d).reshape(3, 4).t(), t(d, W).reshape(4, 3)))
    same("add_scalar", lambda d: t(d) + 2**33)
    same("neg", lambda d: -t(d, V[:9]))
    same("abs", lambda d: torch.abs(t(d, V[:9])))
    same("sum", lambda d: t(d, V[:8]).sum())
    same("sum_dim", lambda d: t(d).reshape(3, 4).sum(0))
    same("sum_int32_is_int64", lambda d: torch.full((100000,), 50000, dtype=torch.int32).to(d).sum())
    same("amax", lambda d: t(d).amax())
    same("amin", lambda d: t(d).amin())
    same("amax_dim", lambda d: t(d).reshape(3, 4).amax(1))
    same("argmax", lambda d: t(d).argmax())
    same("argmin_dim", lambda d: t(d).reshape(3, 4).argmin(0))
    same("argmax_float32", lambda d: torch.tensor([1.0, 5.0, 5.0, -2.0]).to(d).argmax())
    same("max_dim", lambda d: torch.max(t(d).reshape(4, 3), 1))
    same("arange", lambda d: torch.arange(2**33, 2**33 + 20, 3, device=d))
    same("arange_neg", lambda d: torch.arange(10, -10, -3, device=d))
    def rnd(d, lo, hi):
        torch.manual_seed(4)
        return torch.randint(lo, hi, (100,), device=d)
    same("randint", lambda d: rnd(d, 0, 1000))
    same("randint_wide", lambda d: rnd(d, -2**40, 2**40))
    others = {"mul": lambda x, y: x * y, "floor_divide": lambda x, y: torch.floor_divide(x, y),
              "remainder": lambda x, y: x % y, "fmod": torch.fmod, "bitwise_and": lambda x, y: x & y,
              "bitwise_xor": lambda x, y: x ^ y, "left_shift": lambda x, y: x << 3, "pow": lambda x, y: x ** 2,
              "sign": lambda x, y: torch.sign(x), "square": lambda x, y: torch.square(x),
              "clamp": lambda x, y: torch.clamp(x, -5, 2**36), "where": lambda x, y: torch.where(x > y, x, y),
              "prod": lambda x, y: torch.prod(x), "div": lambda x, y: x / y,
              "count_nonzero": lambda x, y: torch.count_nonzero(x), "any": lambda x, y: (x > 0).any()}
    for name, fn in others.items():
        same("other_" + name, lambda d: fn(t(d, [5, -3, 2**33, 7]), t(d, [2, 2, -3, 5])), may_refuse=True)
    print("\\n".join(failures) if failures else "OK")
""")


def test_int64_emulated_without_shader_int64():
    """RUSTORCH_WGPU_NO_INT64=1 opens the device without SHADER_INT64: int64 tensors are u32 pairs.
    Run in a subprocess (the device is created once per process). Every listed op matches the
    CPU; the `other_*` ops either match or refuse with a TypeError that names int64."""
    require()
    env = dict(os.environ, RUSTORCH_WGPU_NO_INT64="1")
    root = os.path.dirname(os.path.dirname(os.path.abspath(torch.__file__)))
    env["PYTHONPATH"] = os.pathsep.join([root] + [p for p in [env.get("PYTHONPATH")] if p])
    r = subprocess.run([sys.executable, "-c", INT64_SCRIPT], env=env, cwd=root, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0 and r.stdout.strip().endswith("OK"), f"{r.stdout}\n{r.stderr[-3000:]}"


def test_tensors_larger_than_one_binding():
    """Kernels run over tensors larger than one storage binding (128 MiB on lavapipe) in windows;
    a view that starts past the first binding window reads the right elements."""
    props = require()
    limit = int(props["max_storage_buffer_binding_size"])
    if limit > 512 << 20:
        pytest.skip(f"this adapter binds {limit} bytes at once: a larger tensor would not fit a test run")
    n = limit // 4 + (3 << 20) + 7  # float32 elements: past one binding, not a multiple of anything
    x = torch.arange(n, dtype=torch.int32, device="wgpu")  # a kernel writes every element
    y = x * 2 + 1  # mul and add over the whole tensor (int32: exact)
    assert y.narrow(0, n - 5, 5).cpu().tolist() == [2 * i + 1 for i in range(n - 5, n)]
    assert y.narrow(0, 0, 3).cpu().tolist() == [1, 3, 5]
    z = (x % 1000).to(torch.float16)  # a cast into a packed dtype, across the windows
    assert z.narrow(0, n - 3, 3).cpu().tolist() == [float(i % 1000) for i in range(n - 3, n)]
    y.as_strided(((n + 1) // 2,), (2,)).fill_(0)  # a strided write into the big tensor
    y.add_(1)  # in place, through the output's own binding window
    mid = n // 2 + 1
    assert y.narrow(0, mid - 1, 3).cpu().tolist() == [2 * mid, 1, 2 * mid + 4]  # mid is even
    evens = (n + 1) // 2
    odds = n - evens  # odd i = 2k + 1 holds 2i + 2 = 4k + 4, for k < odds
    assert y.sum().item() == evens + 4 * odds * (odds - 1) // 2 + 4 * odds  # in binding-sized slices
    # Random fills window by window continue one stream: the CPU's numbers, the last ones included.
    torch.manual_seed(11)
    want = torch.rand(n).narrow(0, n - 4, 4)
    torch.manual_seed(11)
    assert torch.equal(torch.rand(n, device="wgpu").narrow(0, n - 4, 4).cpu(), want)
    # 2-D: reductions keeping dim 0 fill their outputs slice by slice; over dim 0 they combine slices.
    rows, cols = limit // 4096 + 100, 1024
    b = torch.ones(rows, cols, device="wgpu")
    b.narrow(0, rows - 1, 1).fill_(3)
    assert torch.equal(b.sum(dim=0).cpu(), torch.full((cols,), rows + 2.0))
    assert torch.equal(b.sum(dim=1).narrow(0, rows - 2, 2).cpu(), torch.tensor([1024.0, 3072.0]))
    assert b.amax().item() == 3 and b.amin(dim=0).cpu().tolist() == [1.0] * cols
    assert (b > 0).all().item() and b.mean(dim=1).narrow(0, rows - 1, 1).item() == 3
    assert b.argmax(dim=1).narrow(0, 0, 2).cpu().tolist() == [0, 0]
    # Arg reductions across slices: the later slice's 3s win; ties keep the first index.
    assert b.argmax(dim=0).cpu().tolist() == [rows - 1] * cols
    assert b.argmin(dim=0).narrow(0, 0, 3).cpu().tolist() == [0, 0, 0]
    assert b.argmax().item() == (rows - 1) * cols
    b.narrow(0, 5, 1).narrow(1, 7, 1).fill_(float("nan"))  # NaN is the maximum, in the first slice
    values, where = b.max(dim=0)
    assert where.narrow(0, 6, 3).cpu().tolist() == [rows - 1, 5, rows - 1]
    assert values.narrow(0, 7, 1).cpu().isnan().item()


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16", "float64"])
def test_nan_is_nonzero_and_unequal_on_the_device(dtype):
    """Drivers may compile float compares assuming no NaN (lavapipe: NaN != 0 was false): casts to bool,
    !=, logical ops, count_nonzero, any/all and nonzero must still treat NaN as PyTorch does."""
    props = require()
    if dtype == "float64" and props["shader_f64"] != "true":
        pytest.skip("no SHADER_F64")
    nan, inf = float("nan"), float("inf")
    x = torch.tensor([nan, 0.0, -0.0, 1.0, inf, nan]).to(getattr(torch, dtype))
    y = torch.tensor([0.0, nan, -0.0, 1.0, nan, nan]).to(getattr(torch, dtype))
    g, h = x.to("wgpu"), y.to("wgpu")
    assert g.bool().cpu().tolist() == x.bool().tolist() == [True, False, False, True, True, True]
    assert (g != h).cpu().tolist() == (x != y).tolist() == [True, True, False, False, True, True]
    assert (g == h).cpu().tolist() == (x == y).tolist()
    assert (g != 0).cpu().tolist() == (x != 0).tolist()
    assert torch.logical_or(g, h).cpu().tolist() == torch.logical_or(x, y).tolist()
    assert torch.count_nonzero(g).item() == torch.count_nonzero(x).item() == 4
    assert g.all().item() is False and g.narrow(0, 3, 3).all().item() is True
    assert torch.nonzero(g).cpu().tolist() == torch.nonzero(x).tolist()
