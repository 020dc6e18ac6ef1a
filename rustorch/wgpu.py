"""``rustorch.wgpu``: the WebGPU device (any GPU vendor through Vulkan, Metal or DX12).

>>> isinstance(rustorch.wgpu.is_available(), bool)
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import _C

if TYPE_CHECKING:
    from ._typing import DeviceLike


_status: tuple[bool, str] | None = None


def _wgpu_status() -> tuple[bool, str]:
    """(available, adapter name or why not): settled once per process (the engine opens the adapter
    at most once), so asked once: device resolution calls this for every op given a device."""
    global _status
    if _status is None:
        _status = _C.wgpu_status()
    return _status


def is_available() -> bool:
    """True when a WebGPU adapter could be opened (see ``unavailable_reason()`` when not)."""
    return _wgpu_status()[0]


def unavailable_reason() -> str | None:
    """Why no adapter could be used (None when one is available)."""
    ok, text = _wgpu_status()
    return None if ok else text


def device_count() -> int:
    """Number of usable WebGPU adapters (the best one is used)."""
    return 1 if is_available() else 0


def get_device_name(device: DeviceLike | None = None) -> str:
    """The adapter's name, e.g. ``'llvmpipe (LLVM 15.0.6, 256 bits)'``."""
    ok, text = _wgpu_status()
    if not ok:
        raise RuntimeError(f"the wgpu device is not available: {text}")
    return text


def get_device_properties(device: DeviceLike | None = None) -> dict[str, str]:
    """Adapter facts: backend, device type, driver, the shader features used and key limits."""
    return dict(_C.wgpu_info())


def synchronize(device: DeviceLike | None = None) -> None:
    """Waits until all queued work on the device is done."""
    _C.wgpu_synchronize()


def counters() -> dict[str, int]:
    """Work counted since the device was opened: ``dispatches`` (kernels recorded), ``submits``
    (command buffers handed to the queue) and ``waits`` (times the host waited for the device: reads
    back and ``synchronize()``). A training step that only records work adds no wait."""
    dispatches, submits, waits = _C.wgpu_counters()
    return {"dispatches": dispatches, "submits": submits, "waits": waits}


def memory_allocated(device: DeviceLike | None = None) -> int:
    """Bytes held by live wgpu tensors."""
    return _C.wgpu_memory_stats()[0]


def max_memory_allocated(device: DeviceLike | None = None) -> int:
    """Peak of ``memory_allocated()`` since start or ``reset_peak_memory_stats()``."""
    return _C.wgpu_memory_stats()[1]


def memory_reserved(device: DeviceLike | None = None) -> int:
    """Bytes held by live tensors plus the buffers cached for reuse."""
    allocated, _, cached = _C.wgpu_memory_stats()
    return allocated + cached


def reset_peak_memory_stats(device: DeviceLike | None = None) -> None:
    _C.wgpu_reset_peak_memory_stats()


def empty_cache() -> None:
    """Returns cached device buffers to the driver."""
    _C.wgpu_empty_cache()
