"""Elementwise ops with wgpu kernels, driven by op_db: on every float dtype the adapter supports,
with contiguous, transposed, broadcast, 0-d, empty and Python-number operands, compared with the
CPU result on the same inputs. Ops without a kernel for a dtype must say so (NotImplementedError).
Skips locally without an adapter; fails with RUSTORCH_REQUIRE_WGPU=1 (CI, on lavapipe)."""
import os
import zlib

import numpy as np
import pytest

import op_db
from _backend import IS_REFERENCE, torch
from _util import dt, sample

SHAPES = {"contiguous": ((3, 5), (3, 5)), "broadcast": ((4, 1, 3), (2, 3)), "zero_d": ((), ()),
          "empty": ((0, 3), (0, 3))}


def _available():
    if IS_REFERENCE:
        pytest.skip("PyTorch has no wgpu device")
    if not torch.wgpu.is_available():
        if os.environ.get("RUSTORCH_REQUIRE_WGPU") == "1":
            pytest.fail(f"RUSTORCH_REQUIRE_WGPU=1 but no wgpu adapter: {torch.wgpu.unavailable_reason()}")
        pytest.skip(f"no wgpu adapter: {torch.wgpu.unavailable_reason()}")
    props = torch.wgpu.get_device_properties()
    return {"float32": True, "float16": props["shader_f16"] == "true", "float64": props["shader_f64"] == "true"}


def _kernels():
    if IS_REFERENCE:
        return {}, {}
    unary, binary = torch._C.wgpu_ops()
    return dict(unary), dict(binary)


UNARY, BINARY = _kernels()
# Plain elementwise specs (no kwargs such as rounding modes) for ops with a kernel.
SPECS = [s for s in op_db.OPS
         if not s.kwargs and ((s.arity == 1 and s.name in UNARY) or (s.arity == 2 and s.name in BINARY))]
TOL = {"float32": (2e-5, 1e-5), "float16": (5e-3, 2e-3), "float64": (1e-12, 1e-12)}


def _has_f64(spec):
    return (UNARY if spec.arity == 1 else BINARY)[spec.name]


@pytest.mark.parametrize("layout", list(SHAPES))
@pytest.mark.parametrize("dtype", ["float32", "float16", "float64"])
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_matches_cpu(spec, dtype, layout):
    supported = _available()
    if not supported[dtype] or dtype not in spec.dtypes:
        pytest.skip(f"{dtype} not computed on this adapter / by this op")
    # A stable seed (str hashes change between processes): the same inputs on every run.
    rng = np.random.default_rng(zlib.crc32(f"{spec.id}-{dtype}-{layout}".encode()))
    shapes = SHAPES[layout][: spec.arity]
    cpu = [torch.from_numpy(sample(op_db.DOMAINS[d], dtype if dtype != "float16" else "float16", s, rng).astype(
        np.float64)).to(dt(dtype)) for d, s in zip(spec.domain, shapes)]
    fn = getattr(torch, spec.name)
    gpu = [t.to("wgpu") for t in cpu]
    if dtype == "float64" and not _has_f64(spec):
        with pytest.raises(NotImplementedError, match="not currently implemented for the wgpu device"):
            fn(*gpu)
        return
    want = fn(*cpu)
    got = fn(*gpu)
    assert got.device.type == "wgpu" and got.dtype == want.dtype and got.shape == want.shape
    rtol, atol = TOL[dtype]
    np.testing.assert_allclose(got.cpu().double().numpy(), want.double().numpy(), rtol=rtol, atol=atol,
                               equal_nan=True)


@pytest.mark.parametrize("name", ["add", "mul", "maximum", "pow"])
def test_transposed_operands_and_python_numbers(name):
    _available()
    x = torch.randn(4, 6).abs() + 0.5
    y = torch.randn(6, 4).abs() + 0.5
    fn = getattr(torch, name)
    want = fn(x.t(), y)
    got = fn(x.to("wgpu").t(), y.to("wgpu")).cpu()
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=2e-5, atol=1e-6)
    if name != "maximum":  # torch.maximum takes tensors only
        np.testing.assert_allclose(fn(x.to("wgpu"), 2.0).cpu().numpy(), fn(x, 2.0).numpy(), rtol=2e-5)
        np.testing.assert_allclose(fn(3.0, x.to("wgpu")).cpu().numpy(), fn(3.0, x).numpy(), rtol=2e-5)


def test_in_place_and_operators():
    _available()
    x = torch.randn(3, 4)
    g = x.to("wgpu")
    g += 1
    g.mul_(torch.full((4,), 2.0, device="wgpu"))
    g = -g
    np.testing.assert_allclose(g.cpu().numpy(), (-(x + 1) * 2).numpy(), rtol=1e-6)
    v = g.t()  # writing into a non-contiguous view has no kernel yet: it must say so
    with pytest.raises(NotImplementedError, match="wgpu"):
        v.add_(1)


def test_more_than_65535_workgroups():
    _available()
    n = 65535 * 256 + 1000  # beyond one grid dimension at 256 invocations per workgroup
    x = torch.arange(n, dtype=torch.float32)
    got = (x.to("wgpu") * 2 + 1).cpu()
    assert torch.equal(got, x * 2 + 1)


def test_unsupported_ops_and_mixed_dtypes_say_so():
    _available()
    g = torch.ones(3, device="wgpu")
    with pytest.raises(NotImplementedError, match="The operator 'eq' is not currently implemented for the wgpu"):
        g == g
    with pytest.raises(NotImplementedError, match="wgpu"):
        g + torch.ones(3, dtype=torch.float64, device="wgpu")  # needs a cast kernel
