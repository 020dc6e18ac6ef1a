"""``rustorch.wgpu``: the WebGPU device (any GPU vendor through Vulkan, Metal or DX12).

>>> isinstance(rustorch.wgpu.is_available(), bool)
True
"""

from . import _C


def is_available():
    """True when a WebGPU adapter could be opened (see ``unavailable_reason()`` when not)."""
    return _C.wgpu_status()[0]


def unavailable_reason():
    """Why no adapter could be used (None when one is available)."""
    ok, text = _C.wgpu_status()
    return None if ok else text


def device_count():
    """Number of usable WebGPU adapters (the best one is used)."""
    return 1 if is_available() else 0


def get_device_name(device=None):
    """The adapter's name, e.g. ``'llvmpipe (LLVM 15.0.6, 256 bits)'``."""
    ok, text = _C.wgpu_status()
    if not ok:
        raise RuntimeError(f"the wgpu device is not available: {text}")
    return text


def get_device_properties(device=None):
    """Adapter facts: backend, device type, driver, the shader features used and key limits."""
    return dict(_C.wgpu_info())


def synchronize(device=None):
    """Waits until all queued work on the device is done."""
    _C.wgpu_synchronize()


def memory_allocated(device=None):
    """Bytes held by live wgpu tensors."""
    return _C.wgpu_memory_stats()[0]


def max_memory_allocated(device=None):
    """Peak of ``memory_allocated()`` since start or ``reset_peak_memory_stats()``."""
    return _C.wgpu_memory_stats()[1]


def memory_reserved(device=None):
    """Bytes held by live tensors plus the buffers cached for reuse."""
    allocated, _, cached = _C.wgpu_memory_stats()
    return allocated + cached


def reset_peak_memory_stats(device=None):
    _C.wgpu_reset_peak_memory_stats()


def empty_cache():
    """Returns cached device buffers to the driver."""
    _C.wgpu_empty_cache()
