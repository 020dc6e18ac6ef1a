"""Every reduction of op_db.REDUCTIONS on the wgpu device, for every dtype it accepts, compared
with the CPU result on the same inputs: all dims, one dim (negative too), a tuple of dims, keepdim,
on contiguous, transposed, sliced, 0-d and empty inputs; large inputs that need several passes;
max/min with a dim ((values, indices) on wgpu), argmax/argmin ties (the first index wins), NaN,
dtype= and the CPU's errors for rejected dtypes.

Float sums use op_db's "dyadic" domain where the spec says so: then every order of summation
gives the same float32 value, and the tolerance only covers the other reductions."""
import os
import subprocess
import sys

import numpy as np
import pytest

import op_db
from _backend import torch
from _util import CPP_NAMES, call_reduction, dt, sample
from _wgpu import (F64_MISSING, TOL, Operand, assert_matches, f64_error, require, run_both,
                   seed)

C, T, S = "contiguous", "transposed", "sliced"
ALL = ("all", None, False)
DIMS = {  # (id, dim, keepdim); dim None = the all-dims form
    "contiguous": ((3, 4, 5), C, [ALL, ("dim0", 0, False), ("dim0_keep", 0, True),
                                  ("dim_neg1", -1, False), ("dim_neg1_keep", -1, True),
                                  ("tuple", (0, -1), False), ("tuple_keep", (2, 0), True)]),
    "transposed": ((6, 7), T, [ALL, ("dim0", 0, False), ("dim_neg1_keep", -1, True),
                               ("tuple", (0, 1), False)]),
    "sliced": ((3, 5), S, [ALL, ("dim0_keep", 0, True), ("dim_neg1", -1, False)]),
    "zero_d": ((), C, [ALL, ("dim0", 0, False), ("dim_neg1_keep", -1, True)]),
    "empty": ((0, 3), C, [ALL, ("dim0", 0, False), ("dim1_keep", 1, True)]),
}


def _applies(spec, layout, dim, keep):
    if dim is None and spec.needs_dim:
        return False
    if isinstance(dim, tuple) and not spec.multi_dim:
        return False
    if keep and spec.name == "count_nonzero":
        return False  # no keepdim argument
    dof_le_0 = spec.name in ("var", "std") and spec.kwargs.get("correction", 1) != 0 \
        and spec.kwargs.get("unbiased", True)
    if layout == "zero_d" and dof_le_0:
        return False  # the CPU warns (degrees of freedom <= 0); warnings are errors here
    if layout == "empty" and spec.empty_value is None and spec.name != "logsumexp":
        return False  # var/std/norm variants of nothing: warnings, covered on the CPU side
    return True


def _cases():
    for spec in op_db.REDUCTIONS:
        for dtype in spec.dtypes:
            for layout, (_, _, dims) in DIMS.items():
                for dim_id, dim, keep in dims:
                    if _applies(spec, layout, dim, keep):
                        yield pytest.param(spec, dtype, layout, dim, keep,
                                           id=f"{spec.id}-{dtype}-{layout}-{dim_id}")


def _tol(spec, dtype, values, n):
    """float32: rtol 1e-5 plus sqrt(n) float32 ulps of the largest input for summation order."""
    res = op_db.reduction_result_dtype(spec, dtype)
    if res not in op_db.FLOATS:
        return None
    rtol, atol = TOL[res]
    if res == "float32":
        scale = float(np.max(np.abs(values.astype(np.float64)), initial=0.0))
        rtol, atol = max(rtol, 1e-5), atol + 1.2e-7 * scale * np.sqrt(max(n, 1))
    return rtol, atol


def _check(props, spec, dtype, x, dim, keep, n):
    """Runs the reduction of Operand x on both devices and compares (or the same error)."""
    err = f64_error(props, dtype)
    if err:
        with pytest.raises(err[0], match=err[1]):
            call_reduction(spec, x.on("wgpu")[1], dim, keep)
        return
    cpu_fn = lambda: call_reduction(spec, x.on("cpu")[1], dim, keep)  # noqa: E731
    gpu_fn = lambda: call_reduction(spec, x.on("wgpu")[1], dim, keep)  # noqa: E731
    if spec.name == "logsumexp" and dtype == "float64":
        # exp/log have no WGSL float64: either computed (some other way) or refused with the
        # wgpu message, never a wrong value.
        try:
            gpu_fn()
        except NotImplementedError as e:
            assert F64_MISSING in str(e)
            torch.logsumexp(torch.ones(2, 3).to("wgpu"), 1)  # only float64 may be missing
            return
    want, got = run_both(cpu_fn, gpu_fn)
    if want is not None:
        assert_matches(got, want, _tol(spec, dtype, x.base, n))


@pytest.mark.parametrize("spec,dtype,layout,dim,keep", list(_cases()))
def test_reduction(spec, dtype, layout, dim, keep):
    props = require()
    shape, how, _ = DIMS[layout]
    rng = np.random.default_rng(seed(spec.id, dtype, layout))
    arr = sample(op_db.DOMAINS[spec.domain], dtype, shape, rng)
    _check(props, spec, dtype, Operand(arr, dtype, how), dim, keep, arr.size)


# Large inputs: several workgroups per output, several passes for a single value, and an
# output dim of 100,000 (more outputs than one workgroup row). float32 for every reduction, and a
# few other dtypes for the integer/bool/half accumulators.
LARGE = {"flat": ((300_000,), None), "rows": ((3, 100_000), 1), "cols": ((3, 100_000), 0)}
LARGE_EXTRA = [("sum", "int32"), ("sum", "float16"), ("sum", "bool"), ("amax", "int32"),
               ("amin", "uint8"), ("argmax", "int32"), ("argmin", "float16"), ("mean", "bfloat16"),
               ("any", "bool"), ("all", "uint8"), ("count_nonzero", "int8"), ("prod", "int64"),
               ("sum", "float64"), ("var", "float64")]
SPECS = {s.id: s for s in op_db.REDUCTIONS}


def _large_cases():
    pairs = [(s.id, "float32") for s in op_db.REDUCTIONS] + LARGE_EXTRA
    for sid, dtype in pairs:
        for name in LARGE:
            yield pytest.param(SPECS[sid], dtype, name, id=f"{sid}-{dtype}-{name}")


@pytest.mark.parametrize("spec,dtype,shape_id", list(_large_cases()))
def test_large_reduction(spec, dtype, shape_id):
    props = require()
    shape, dim = LARGE[shape_id]
    if dim is None and spec.needs_dim:
        dim = 0
    rng = np.random.default_rng(seed("L", spec.id, dtype, shape_id))
    arr = sample(op_db.DOMAINS[spec.domain], dtype, shape, rng)
    n = arr.size if dim is None else shape[dim]
    _check(props, spec, dtype, Operand(arr, dtype), dim, False, n)


@pytest.mark.parametrize("spec,dtype", [pytest.param(s, d, id=f"{s.id}-{d}")
                                        for s in op_db.REDUCTIONS for d in s.rejects])
def test_rejected_dtype(spec, dtype):
    require()
    g = torch.ones(2, 3, dtype=dt(dtype)).to("wgpu")
    exc, pattern = spec.error
    for dim in (None if not spec.needs_dim else 0, 1):
        with pytest.raises(exc, match=pattern.replace("{T}", CPP_NAMES[dtype])):
            call_reduction(spec, g, dim, False)


# ---- max / min with a dim, argmax / argmin ------------------------------------------------------
@pytest.mark.parametrize("layout", ["contiguous", "transposed"])
@pytest.mark.parametrize("dtype", op_db.ALL)
@pytest.mark.parametrize("name", ["max", "min"])
def test_max_min_values_and_indices(name, dtype, layout):
    props = require()
    shape, how, _ = DIMS[layout]
    arr = sample(op_db.DOMAINS["real"], dtype, shape, np.random.default_rng(seed("mm", name, dtype, layout)))
    x = Operand(arr, dtype, how)
    if f64_error(props, dtype):
        with pytest.raises(TypeError, match="float64"):
            getattr(torch, name)(x.on("wgpu")[1], 0)
        return
    fn = getattr(torch, name)
    for args in [(0,), (-1,), (1, True)]:
        want, got = run_both(lambda: fn(x.on("cpu")[1], *args), lambda: fn(x.on("wgpu")[1], *args))
        assert isinstance(got, tuple) and len(got) == 2
        assert got.values.device.type == "wgpu" and got.indices.device.type == "wgpu"
        assert_matches(got.values, want.values)
        assert_matches(got.indices, want.indices)
    want, got = run_both(lambda: fn(x.on("cpu")[1]), lambda: fn(x.on("wgpu")[1]))
    assert_matches(got, want)  # no dim: the value alone, a 0-d tensor


def _ties(dtype, shape, at, rng_seed):
    """Values with many equal maxima/minima: coarse values, and the extremes at indices `at`."""
    arr = sample(op_db.DOMAINS["coarse"], dtype, shape, np.random.default_rng(rng_seed))
    if dtype == "uint8":
        arr = arr + np.uint8(2)  # 2..4, so that 0 is the unique minimum
    flat = arr.reshape(-1)
    flat[list(at)] = 5
    flat[[i + 1 for i in at]] = 0 if dtype == "uint8" else -5
    return arr


@pytest.mark.parametrize("dtype", ["float32", "float16", "int32", "int64", "uint8", "int8"])
def test_argmax_argmin_ties_pick_the_first_index(dtype):
    props = require()
    if f64_error(props, dtype):
        pytest.skip("no SHADER_F64")
    small = Operand(_ties(dtype, (4, 6), (7, 13, 20), seed("ties", dtype)), dtype, T)
    # 300,000 values with the maximum three times, far apart: the first must win across
    # workgroups and passes, as on the CPU.
    big = Operand(_ties(dtype, (300_000,), (123_456, 200_000, 299_000), seed("big", dtype)), dtype)
    wide = Operand(_ties(dtype, (3, 100_000), (70_000, 170_000, 250_000), seed("w", dtype)), dtype)
    for x, dims in [(small, (None, 0, 1)), (big, (None, 0)), (wide, (None, 0, 1))]:
        for fn in (torch.argmax, torch.argmin):
            for dim in dims:
                want, got = run_both(lambda: fn(x.on("cpu")[1], dim), lambda: fn(x.on("wgpu")[1], dim))
                assert_matches(got, want)
        for fn in (torch.max, torch.min):
            want, got = run_both(lambda: fn(x.on("cpu")[1], 0), lambda: fn(x.on("wgpu")[1], 0))
            assert_matches(got, want)
    g = big.on("wgpu")[1]
    assert torch.argmax(g).item() == 123_456 and torch.argmin(g).item() == 123_457


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
def test_nan_propagates_as_on_cpu(dtype):
    require()
    arr = sample(op_db.DOMAINS["real"], dtype, (3, 1000), np.random.default_rng(seed("nan", dtype)))
    arr[1, 517] = np.nan
    arr[2, 3] = np.nan
    arr[2, 900] = np.nan
    x = Operand(arr, dtype)
    calls = [lambda t: torch.max(t), lambda t: torch.max(t, 1), lambda t: torch.min(t, 0),
             lambda t: torch.amax(t, 1), lambda t: torch.amin(t), lambda t: torch.argmax(t),
             lambda t: torch.argmin(t, 1), lambda t: torch.sum(t, 1), lambda t: torch.mean(t),
             lambda t: torch.sum(t), lambda t: torch.logsumexp(t, 1)]
    for fn in calls:
        want, got = run_both(lambda: fn(x.on("cpu")[1]), lambda: fn(x.on("wgpu")[1]))
        assert_matches(got, want)


DTYPE_ARG = [
    ("sum_int32_as_float32", "int32", lambda t: torch.sum(t, dtype=torch.float32)),
    ("sum_int8_wraps", "int8", lambda t: t.sum(dtype=torch.int8)),
    ("sum_float_as_int32", "float32", lambda t: torch.sum(t, 1, dtype=torch.int32)),
    ("sum_half_as_float32", "float16", lambda t: torch.sum(t, 0, dtype=torch.float32)),
    ("mean_as_float64", "float32", lambda t: torch.mean(t, dtype=torch.float64)),
    ("mean_int_as_float32", "int64", lambda t: torch.mean(t, 1, dtype=torch.float32)),
    ("prod_int8_as_float16", "int8", lambda t: torch.prod(t, 1, dtype=torch.float16)),
    ("sum_bool", "bool", lambda t: t.sum(0)),
    ("sum_empty_dims", "float32", lambda t: torch.sum(t, ())),
]


@pytest.mark.parametrize("dtype,fn", [d[1:] for d in DTYPE_ARG], ids=[d[0] for d in DTYPE_ARG])
def test_dtype_argument(dtype, fn):
    props = require()
    if props.get("shader_f64") != "true" and "float64" in str(fn.__code__.co_names):
        pytest.skip("no SHADER_F64")
    arr = sample(op_db.DOMAINS["coarse"], dtype, (4, 50), np.random.default_rng(seed("dt", dtype)))
    arr = (arr * 100).astype(arr.dtype) if dtype == "int8" else arr  # int8 sums overflow
    x = Operand(arr, dtype, T if dtype != "int8" else C)
    want, got = run_both(lambda: fn(x.on("cpu")[1]), lambda: fn(x.on("wgpu")[1]))
    if want is not None:
        assert_matches(got, want)


SUBGROUP_SCRIPT = """
import numpy as np
import rustorch as torch
rng = np.random.default_rng(7)
x = torch.from_numpy((rng.integers(-64, 64, (37, 3001)) / 8).astype(np.float32))
i = torch.from_numpy(rng.integers(-1000, 1000, (37, 3001)).astype(np.int32))
g, gi = x.to("wgpu"), i.to("wgpu")
checks = [(g.sum(), x.sum()), (g.sum(dim=1), x.sum(dim=1)), (g.t().sum(dim=0), x.t().sum(dim=0)),
          (g.mean(dim=0), x.mean(dim=0)), (g.var(dim=1), x.var(dim=1)), (gi.amax(dim=1), i.amax(dim=1)),
          (gi.amin(), i.amin()), ((g > 0).all(dim=1), (x > 0).all(dim=1)), ((g > 2).any(dim=0), (x > 2).any(dim=0))]
for k, (got, want) in enumerate(checks):
    assert np.allclose(got.cpu().double().numpy(), want.double().numpy(), rtol=1e-5, atol=1e-5), k
print("ok")
"""


@pytest.mark.parametrize("mode", ["subgroups", "tree"])
def test_subgroup_and_tree_reductions_agree_with_the_cpu(mode):
    """The reductions that use subgroup operations where the adapter has them (float sums, int32
    extrema, all/any), and the plain workgroup tree that RUSTORCH_WGPU_NO_SUBGROUPS=1 forces (a
    subprocess: the setting is read once per process)."""
    props = require()
    if mode == "subgroups" and props["subgroup"] != "true":
        pytest.skip("this adapter has no subgroup operations")
    # the package under test (the installed wheel, or the checkout), first on the child's path
    root = os.path.dirname(os.path.dirname(os.path.abspath(torch.__file__)))
    env = dict(os.environ)
    if mode == "tree":
        env["RUSTORCH_WGPU_NO_SUBGROUPS"] = "1"
    env["PYTHONPATH"] = os.pathsep.join([root] + [p for p in [env.get("PYTHONPATH")] if p])
    r = subprocess.run([sys.executable, "-c", SUBGROUP_SCRIPT], env=env, cwd=root, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stderr[-3000:]
