"""The wgpu device model: availability, transfers of every dtype and layout, views on device
memory, creation with device=, printing, memory statistics, and the errors for mixing devices. (Every
op has wgpu kernels; the error for an op without one is tested in src/wgpu/map_tests.rs.)

A missing adapter skips these tests locally; RUSTORCH_REQUIRE_WGPU=1 (set by CI, which installs
lavapipe) turns that into a failure."""

import os

import numpy as np
import pytest

from _backend import torch
from _wgpu import require

DTYPES = ["float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool"]


@pytest.fixture(autouse=True)
def _wgpu():
    require()


def _values(dtype, shape, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.integers(-3, 4, size=shape)
    if dtype == "bool":
        return torch.from_numpy(np.asarray(a > 0))
    return torch.from_numpy(a.astype(np.float64)).to(getattr(torch, dtype))


def test_availability_and_properties():
    assert torch.wgpu.is_available() and torch.backends.wgpu.is_available()
    assert torch.wgpu.device_count() == 1
    assert torch.wgpu.unavailable_reason() is None
    name = torch.wgpu.get_device_name()
    assert isinstance(name, str) and name
    props = torch.wgpu.get_device_properties()
    assert props["name"] == name
    assert int(props["max_storage_buffer_binding_size"]) >= 128 << 20  # the adapter's limit, not wgpu's default
    assert str(torch.device("wgpu:0")) == "wgpu:0" and torch.device("wgpu").index is None
    # The per-adapter tuning (elements per invocation, reduction workgroups), or its override.
    cpu = props["device_type"] == "Cpu"
    assert props["unroll"] == os.environ.get("RUSTORCH_WGPU_UNROLL", "1" if cpu else "8")
    assert props["reduce_groups"] == os.environ.get("RUSTORCH_WGPU_REDUCE_GROUPS", "4096" if cpu else "1024")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(), (0,), (3,), (5, 7), (2, 3, 5)], ids=str)
def test_round_trip_every_dtype(dtype, shape):
    t = _values(dtype, shape)
    g = t.to("wgpu")
    assert g.device == torch.device("wgpu:0") and str(g.device) == "wgpu:0" and not g.is_cpu
    assert g.dtype == t.dtype and g.shape == t.shape
    back = g.cpu()
    assert back.device == torch.device("cpu")
    assert torch.equal(back, t)


@pytest.mark.parametrize("dtype", ["uint8", "float16", "float32", "int64"])
def test_non_contiguous_sources_and_device_views(dtype):
    base = _values(dtype, (6, 10), seed=1)
    ref = base.float().numpy()
    # A strided CPU view uploads its values.
    g = base.t().to("wgpu")
    np.testing.assert_array_equal(g.cpu().float().numpy(), ref.T)
    # Views of device tensors read back through their own layout, at unaligned offsets too.
    d = base.to("wgpu")
    cases = [
        (d.t(), ref.T),
        (d.narrow(1, 3, 5), ref[:, 3:8]),
        (d.select(0, 5), ref[5]),
        (d.as_strided((3, 3), (11, 1), 1), np.lib.stride_tricks.as_strided(ref.reshape(-1)[1:], (3, 3),
                                                                             (11 * ref.itemsize, ref.itemsize))),
        (d.reshape(60).narrow(0, 7, 3), ref.reshape(-1)[7:10]),
    ]
    for view, want in cases:
        assert view.device.type == "wgpu"
        np.testing.assert_array_equal(view.cpu().float().numpy(), want)


def test_creation_with_device():
    assert torch.zeros(2, 3, device="wgpu").device.type == "wgpu"
    assert torch.equal(torch.ones(4, device="wgpu").cpu(), torch.ones(4))
    assert torch.full((2,), 7, device=torch.device("wgpu")).cpu().tolist() == [7, 7]
    assert torch.arange(5, device="wgpu").cpu().tolist() == [0, 1, 2, 3, 4]
    assert torch.tensor([[1.5, 2.5]], device="wgpu").cpu().tolist() == [[1.5, 2.5]]
    torch.manual_seed(3)
    r = torch.rand(8, device="wgpu")
    torch.manual_seed(3)
    assert r.device.type == "wgpu" and torch.equal(r.cpu(), torch.rand(8))
    g = torch.ones(2, 2, device="wgpu")
    assert torch.zeros_like(g).device.type == "wgpu"
    assert torch.zeros_like(g, device="cpu").device.type == "cpu"
    assert torch.empty(3, device="wgpu").shape == (3,)


def test_printing_and_conversions_read_back():
    g = torch.tensor([1.0, 2.5], device="wgpu")
    assert repr(g) == "tensor([1.0000, 2.5000], device='wgpu:0')"
    assert repr(torch.tensor([1, 2], dtype=torch.int32, device="wgpu")) == \
        "tensor([1, 2], device='wgpu:0', dtype=rustorch.int32)"
    assert g.tolist() == [1.0, 2.5] and torch.tensor(3, device="wgpu").item() == 3
    with pytest.raises(TypeError, match=r"can't convert wgpu:0 device type tensor to numpy. Use Tensor.cpu\(\)"):
        g.numpy()
    assert g.numpy(force=True).tolist() == [1.0, 2.5]
    assert g.to("cpu").device.type == "cpu" and g.to("wgpu") is g
    c = torch.zeros(2)
    c.copy_(g)
    assert c.tolist() == [1.0, 2.5]


def test_mixing_devices_is_an_error():
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device, but found at least "
                                           "two devices, wgpu:0 and cpu!"):
        torch.ones(2, device="wgpu") + torch.ones(2)


def test_memory_statistics():
    torch.wgpu.synchronize()
    before = torch.wgpu.memory_allocated()
    g = torch.zeros(1 << 20, device="wgpu")
    assert torch.wgpu.memory_allocated() >= before + (4 << 20)
    assert torch.wgpu.max_memory_allocated() >= torch.wgpu.memory_allocated()
    del g
    assert torch.wgpu.memory_allocated() == before
    assert torch.wgpu.memory_reserved() >= 4 << 20  # kept for reuse
    torch.wgpu.empty_cache()
    assert torch.wgpu.memory_reserved() == torch.wgpu.memory_allocated()


def test_large_transfer():
    t = torch.randn(3, 1 << 20)
    assert torch.equal(t.to("wgpu").cpu(), t)


def test_cuda_points_to_wgpu_and_bad_indices_fail():
    with pytest.raises(RuntimeError, match="use device='wgpu'"):
        torch.zeros(1, device="cuda")
    with pytest.raises(RuntimeError, match="wgpu device 3 does not exist"):
        torch.zeros(1, device="wgpu:3")
