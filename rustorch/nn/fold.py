"""``Fold`` and ``Unfold``: sliding blocks to a tensor and back (``F.fold``, ``F.unfold``) as layers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import functional as F
from .module import Module

if TYPE_CHECKING:
    from .._tensor import Tensor
    from .._typing import _size_arg

__all__ = ["Fold", "Unfold"]


class Fold(Module):
    """Combines sliding blocks ``(N, C * prod(kernel_size), L)`` into ``(N, C, *output_size)``, adding
    overlaps.

    >>> rustorch.nn.Fold((3, 3), 2)
    Fold(output_size=(3, 3), kernel_size=2, dilation=1, padding=0, stride=1)
    >>> rustorch.nn.Fold((3, 3), 2)(rustorch.ones(1, 4, 4)).sum().item()
    16.0
    """

    __constants__ = ["output_size", "kernel_size", "dilation", "padding", "stride"]

    def __init__(self, output_size: _size_arg, kernel_size: _size_arg, dilation: _size_arg = 1, padding: _size_arg = 0,
                 stride: _size_arg = 1) -> None:
        super().__init__()
        self.output_size = output_size
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input: Tensor) -> Tensor:
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")


class Unfold(Module):
    """Extracts sliding blocks: ``(N, C, H, W)`` -> ``(N, C * prod(kernel_size), L)``.

    >>> rustorch.nn.Unfold(2)(rustorch.ones(1, 3, 4, 4)).shape
    rustorch.Size([1, 12, 9])
    """

    __constants__ = ["kernel_size", "dilation", "padding", "stride"]

    def __init__(self, kernel_size: _size_arg, dilation: _size_arg = 1, padding: _size_arg = 0,
                 stride: _size_arg = 1) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input: Tensor) -> Tensor:
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}, stride={self.stride}"
