"""``torch.utils.dlpack``: ``to_dlpack`` (a legacy DLPack capsule of a CPU tensor) and ``from_dlpack``."""

from __future__ import annotations

from typing import Any

from .._dlpack import from_dlpack
from .._tensor import Tensor

__all__ = ["to_dlpack", "from_dlpack"]


def to_dlpack(tensor: Tensor) -> Any:
    """A legacy DLPack capsule ("dltensor") viewing ``tensor``'s memory (CPU tensors)."""
    return tensor.__dlpack__()
