"""Helpers for the wgpu test files: adapter detection, stable seeds, twin inputs (the same values
and the same memory layout on the CPU and on wgpu), the float64 rules and the comparison of a wgpu
result with the CPU result of the same op on the same inputs.

The CPU is the reference: every wgpu result must have the CPU result's dtype and shape, live on
the wgpu device, and hold the same values (exactly for integers and bool, within TOL for floats).
An op that raises on the CPU must raise the same exception, with the same message, on wgpu."""
import contextlib
import os
import re
import zlib

import numpy as np
import pytest

from _backend import IS_REFERENCE, torch
from _util import STORAGE_NP, dtype_name, is_float, to_np, to_tensor

# (rtol, atol) between the wgpu and the CPU result. Half dtypes are computed in float32 and
# rounded on both devices; GPU transcendentals differ from libm by a few float32 ulps, which can
# flip the final rounding by one half ulp.
TOL = {"float32": (2e-5, 1e-5), "float64": (1e-12, 1e-12), "float16": (1e-2, 1e-3),
       "bfloat16": (1e-2, 1e-3)}
F64_MISSING = "not currently implemented for the wgpu device"


def require():
    """The adapter's properties; skips without an adapter (fails with RUSTORCH_REQUIRE_WGPU=1)."""
    if IS_REFERENCE:
        pytest.skip("PyTorch has no wgpu device")
    if not torch.wgpu.is_available():
        reason = torch.wgpu.unavailable_reason()
        if os.environ.get("RUSTORCH_REQUIRE_WGPU") == "1":
            pytest.fail(f"RUSTORCH_REQUIRE_WGPU=1 but no wgpu adapter: {reason}")
        pytest.skip(f"no wgpu adapter: {reason}")
    return torch.wgpu.get_device_properties()


def deferred(device, op, msg):
    """An index error's message as ``device`` words it: wgpu raises it at the next synchronisation
    point, led by ``op()`` (unless the message already starts with it)."""
    return msg if device != "wgpu" or msg.startswith(f"{op}(") else f"{op}(): {msg}"


@contextlib.contextmanager
def raises_by_sync(device, exc, **kw):
    """``pytest.raises`` whose block ends with a synchronisation point on wgpu, where a failed index
    check is raised (as CUDA's device-side asserts are)."""
    with pytest.raises(exc, **kw) as e:
        yield e
        if device == "wgpu" and not IS_REFERENCE:
            torch.wgpu.synchronize()


def seed(*parts):
    """A stable seed (str hashes change between processes): the same inputs on every run."""
    return zlib.crc32("-".join(map(str, parts)).encode())


def _f64_table():
    if IS_REFERENCE or not hasattr(torch, "_C") or not hasattr(torch._C, "wgpu_ops"):
        return {}
    table = {}
    for family in torch._C.wgpu_ops():
        table.update(dict(family))
    return table


F64_KERNEL = _f64_table()


def has_f64_kernel(*names):
    """Whether the op (looked up by each name in turn: spec id, then torch name) has a WGSL
    float64 kernel. Ops not listed by torch._C.wgpu_ops() compute in float64."""
    for n in names:
        if n in F64_KERNEL:
            return F64_KERNEL[n]
    return True


def f64_error(props, dtype, *names):
    """(exception, message regex) that a float64 case must raise on wgpu, or None if it computes:
    TypeError naming float64 without SHADER_F64, NotImplementedError for a transcendental op
    that has no float64 WGSL implementation."""
    if dtype != "float64":
        return None
    if props.get("shader_f64") != "true":
        return TypeError, "float64"
    if names and not has_f64_kernel(*names):
        return NotImplementedError, F64_MISSING
    return None


class Operand:
    """Values `arr` of dtype `name` in a layout, materialised on either device as a view of a
    freshly uploaded base tensor (so the wgpu kernel sees the non-contiguous layout itself).

    layouts: contiguous; transposed (x.t() of the transposed values); sliced (x[::2, 1::2] of a
    bigger tensor, through as_strided, with a storage offset); expanded (stride 0 along dim 0:
    the first row of arr broadcast)."""

    def __init__(self, arr, name, layout="contiguous"):
        arr = np.asarray(arr, dtype=STORAGE_NP[name])
        self.name, self.layout = name, layout
        if layout == "contiguous":
            self.base, self.view = arr, (lambda t: t)
        elif layout == "transposed":
            self.base, self.view = np.ascontiguousarray(arr.T), (lambda t: t.t())
        elif layout == "sliced":
            r, c = arr.shape
            base = np.zeros((2 * r, 2 * c + 1), dtype=arr.dtype)
            base[::2, 1::2] = arr
            self.base = base
            self.view = lambda t: t.as_strided((r, c), (2 * (2 * c + 1), 2), 1)
        elif layout == "expanded":
            shape = arr.shape
            self.base, self.view = np.array(arr[:1]), (lambda t: t.expand(*shape))
        else:
            raise ValueError(layout)

    def on(self, device):
        """(base, view) on `device`."""
        base = to_tensor(self.base, self.name)
        if device != "cpu":
            base = base.to(device)
        return base, self.view(base)


def run_both(cpu_fn, gpu_fn):
    """cpu_fn() as the reference; if it raises, gpu_fn() must raise the same type with the same
    message and (None, None) is returned. Otherwise (cpu result, wgpu result)."""
    try:
        want = cpu_fn()
    except Exception as e:  # noqa: BLE001 - any CPU error is the reference behaviour
        with pytest.raises(type(e), match=re.escape(str(e))):
            gpu_fn()
        return None, None
    return want, gpu_fn()


def merge_tol(name, override=None):
    rtol, atol = TOL[name]
    if override:
        rtol, atol = max(rtol, override[0]), max(atol, override[1])
    return rtol, atol


def assert_matches(got, want, tol=None, check_device=True):
    """`got` (a wgpu tensor) equals `want` (the CPU tensor): dtype, shape and values."""
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want):
            assert_matches(g, w, tol, check_device)
        return
    if check_device:
        assert got.device.type == "wgpu", f"result on {got.device}, expected wgpu"
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert tuple(got.shape) == tuple(want.shape), (tuple(got.shape), tuple(want.shape))
    name = dtype_name(want.dtype)
    g, w = to_np(got.cpu()), to_np(want.cpu())
    if is_float(name):
        rtol, atol = tol or TOL[name]
        np.testing.assert_allclose(g.astype(np.float64), w.astype(np.float64), rtol=rtol, atol=atol,
                                   equal_nan=True)
    else:
        np.testing.assert_array_equal(g, w)
