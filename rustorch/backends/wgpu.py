"""``rustorch.backends.wgpu``."""


def is_available() -> bool:
    """True when a WebGPU adapter could be opened."""
    from .. import wgpu

    return wgpu.is_available()
