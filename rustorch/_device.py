"""``rustorch.device``: where a tensor lives."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._typing import DeviceLike

_KNOWN = ("cpu", "wgpu")


class device:
    """A device, as ``torch.device``: ``device('cpu')``, ``device('wgpu', 0)``, ``device('wgpu:0')``."""

    __slots__ = ("type", "index")

    type: str
    index: int | None

    def __init__(self, type: str | device, index: int | None = None) -> None:
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments - got ({type.__class__.__name__})")
        name, sep, idx = type.partition(":")
        if sep:
            if index is not None:
                raise RuntimeError(f"type (string) must not include an index because index was passed explicitly: {type}")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}'")
            index = int(idx)
        if name == "cuda":
            raise RuntimeError(
                "rustorch has no CUDA backend: use device='wgpu' to run on any GPU (NVIDIA, AMD, Intel, Apple) through WebGPU"
            )
        if name not in _KNOWN:
            raise RuntimeError(
                f"Expected one of cpu, cuda, wgpu device type at start of device string: {type}"
            )
        if index is not None and index < 0:
            raise RuntimeError("Device index must not be negative")
        self.type, self.index = name, index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and self.type == other.type and self.index == other.index

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))


CPU = device("cpu")
WGPU = device("wgpu", 0)
_BY_NATIVE = {"cpu": CPU, "wgpu:0": WGPU}


def resolve(d: DeviceLike | None) -> device:
    """A device from a string, a device, an int (wgpu ordinal) or None (-> cpu); checks availability."""
    if d is None:
        return CPU
    if isinstance(d, device):
        dev = d
    elif isinstance(d, str):
        dev = device(d)
    elif isinstance(d, int) and not isinstance(d, bool):
        dev = device("wgpu", d)
    else:
        raise TypeError(f"expected a device, got {type(d).__name__}")
    if dev.type == "cpu":
        return CPU
    from . import wgpu

    if not wgpu.is_available():
        raise RuntimeError(f"the wgpu device is not available: {wgpu.unavailable_reason()}")
    if dev.index not in (None, 0):
        raise RuntimeError(f"wgpu device {dev.index} does not exist: {wgpu.device_count()} wgpu device(s) available")
    return WGPU


def native_name(dev: device) -> str:
    """The engine's name for a resolved device."""
    return "cpu" if dev.type == "cpu" else "wgpu:0"
