"""``rustorch.backends``: availability of the compute backends."""

from . import wgpu  # noqa: F401
