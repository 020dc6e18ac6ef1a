"""DLPack: ``Tensor.__dlpack__`` / ``__dlpack_device__`` and ``rustorch.from_dlpack``, so that
``torch.from_dlpack(t)``, ``np.from_dlpack(t)`` and ``jax.dlpack.from_dlpack(t)`` read rustorch CPU tensors
without a copy, and rustorch reads theirs (``rustorch.from_dlpack(x)``). Capsules are made and consumed
natively (src/py/dlpack.rs): protocol 1.x ("dltensor_versioned") when the consumer asks with
``max_version``, the legacy capsule otherwise. A wgpu tensor reports its device (kDLWebGPU, 15) and is
exported only as a CPU copy, when the consumer asks for the CPU (``dl_device=(1, 0)``) and allows a copy."""

from __future__ import annotations

from typing import Any

from . import _C
from ._tensor import Tensor, _wrap

__all__ = ["from_dlpack"]

_CPU = (_C.DLPACK_DEVICE_CPU, 0)


def _dlpack_device(self: Tensor) -> tuple[int, int]:
    """``(device type, index)``: (1, 0) for the CPU (kDLCPU), (15, index) for wgpu (kDLWebGPU)."""
    if self.device.type == "cpu":
        return _CPU
    return (_C.DLPACK_DEVICE_WEBGPU, self.device.index or 0)


def _dlpack(self: Tensor, *, stream: Any = None, max_version: tuple[int, int] | None = None,
            dl_device: tuple[int, int] | None = None, copy: bool | None = None) -> Any:
    """A DLPack capsule of this tensor (the producer's side of the protocol)."""
    if self.requires_grad:
        raise RuntimeError("Can't export tensors that require gradient, use tensor.detach()")
    if stream is not None and stream != -1 and self.device.type == "cpu":
        raise BufferError("stream must be None (or -1) for a CPU tensor")
    t = self
    if dl_device is not None and tuple(dl_device) != _dlpack_device(self):
        if tuple(dl_device) != _CPU:
            raise BufferError(f"DLPack export to device {tuple(dl_device)} is not supported: rustorch exports to the "
                              "CPU (1, 0)")
        if copy is False:
            raise BufferError(f"a tensor on {self.device} can reach the CPU only by a copy, and copy=False forbids it")
        t = self.cpu()
    elif t.device.type != "cpu":
        raise BufferError(f"DLPack export of a tensor on {self.device} is not supported: move it to the CPU first "
                          "(tensor.cpu()), or ask for a CPU copy (dl_device=(1, 0))")
    elif copy:
        t = self.clone()
    versioned = max_version is not None and tuple(max_version)[0] >= 1
    return _C.to_dlpack(t._c, versioned)


def from_dlpack(ext_tensor: Any) -> Tensor:
    """A tensor sharing memory with ``ext_tensor`` (any object with ``__dlpack__``, or a DLPack capsule).

    >>> import numpy as np
    >>> a = np.arange(3.0); t = rustorch.from_dlpack(a); _ = t.add_(1); a.tolist()
    [1.0, 2.0, 3.0]
    """
    if hasattr(ext_tensor, "__dlpack__"):
        device = tuple(ext_tensor.__dlpack_device__())
        if device[0] != _C.DLPACK_DEVICE_CPU:
            raise BufferError(f"from_dlpack: the tensor is on DLPack device {device}; rustorch reads CPU memory "
                              "(device type 1): move it to the CPU first")
        try:
            capsule = ext_tensor.__dlpack__(max_version=(1, 1))
        except TypeError:  # a producer of the legacy protocol: no keyword arguments
            capsule = ext_tensor.__dlpack__()
    else:
        capsule = ext_tensor
    return _wrap(_C.from_dlpack(capsule))


Tensor.__dlpack__ = _dlpack
Tensor.__dlpack_device__ = _dlpack_device
