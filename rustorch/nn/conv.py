"""Convolution layers: ``Conv1d``, ``Conv2d``, ``Conv3d``, ``ConvTranspose1d``, ``ConvTranspose2d``,
``ConvTranspose3d``, with PyTorch's attributes, initialisation, padding modes and printed form."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .. import empty
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .._tensor import Tensor
    from .._typing import DeviceLike, DTypeLike, _size_arg

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]


def _ntuple(v, n):
    if isinstance(v, (list, tuple)):
        return tuple(v)
    return (v,) * n


class _ConvNd(Module):
    __constants__ = ["stride", "padding", "dilation", "groups", "padding_mode", "output_padding", "in_channels",
                     "out_channels", "kernel_size"]

    def __init__(self, in_channels: int, out_channels: int, kernel_size: _size_arg, stride: _size_arg,
                 padding: _size_arg, dilation: _size_arg, transposed: bool, output_padding: _size_arg, groups: int,
                 bias: bool, padding_mode: str, device: DeviceLike | None = None,
                 dtype: DTypeLike | None = None) -> None:
        super().__init__()
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        valid_padding_strings = {"same", "valid"}
        if isinstance(padding, str):
            if padding not in valid_padding_strings:
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {valid_padding_strings}")
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        valid_padding_modes = {"zeros", "reflect", "replicate", "circular"}
        if padding_mode not in valid_padding_modes:
            raise ValueError(f"padding_mode must be one of {valid_padding_modes}, but got "
                             f"padding_mode='{padding_mode}'")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = transposed
        self.output_padding = output_padding
        self.groups = groups
        self.padding_mode = padding_mode
        # F.pad's order (last dim first, before and after), for the non-zero padding modes
        if isinstance(padding, str):
            twice = [0, 0] * len(kernel_size)
            if padding == "same":
                for d, k, i in zip(dilation, kernel_size, range(len(kernel_size) - 1, -1, -1)):
                    total = d * (k - 1)
                    twice[2 * i] = total // 2
                    twice[2 * i + 1] = total - total // 2
            self._reversed_padding_repeated_twice = twice
        else:
            self._reversed_padding_repeated_twice = tuple(p for p in reversed(padding) for _ in range(2))
        shape = (in_channels, out_channels // groups) if transposed else (out_channels, in_channels // groups)
        self.weight = Parameter(empty(shape + tuple(kernel_size), device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Draws the weight (kaiming uniform with ``a = sqrt(5)``) and the bias (U(-1/sqrt(fan_in),
        1/sqrt(fan_in))) again, as in ``__init__``."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self):
        s = "{in_channels}, {out_channels}, kernel_size={kernel_size}, stride={stride}"
        if self.padding != (0,) * len(self.padding):
            s += ", padding={padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += ", dilation={dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += ", output_padding={output_padding}"
        if self.groups != 1:
            s += ", groups={groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += ", padding_mode={padding_mode}"
        return s.format(**self.__dict__)

    def _conv_forward(self, fn, input, weight, bias):
        if self.padding_mode != "zeros":
            padded = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return fn(padded, weight, bias, self.stride, 0, self.dilation, self.groups)
        return fn(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)


def _conv_args(n, kernel_size, stride, padding, dilation):
    return (_ntuple(kernel_size, n), _ntuple(stride, n), padding if isinstance(padding, str) else _ntuple(padding, n),
            _ntuple(dilation, n))


class Conv1d(_ConvNd):
    """1-D convolution over ``(N, C_in, L)`` or ``(C_in, L)``: weight ``(out_channels, in_channels / groups,
    kernel_size)``.

    >>> rustorch.nn.Conv1d(2, 4, 3, padding=1)
    Conv1d(2, 4, kernel_size=(3,), stride=(1,), padding=(1,))
    >>> rustorch.nn.Conv1d(2, 4, 3)(rustorch.ones(5, 2, 10)).shape
    rustorch.Size([5, 4, 8])
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: _size_arg, stride: _size_arg = 1,
                 padding: _size_arg = 0, dilation: _size_arg = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: DeviceLike | None = None, dtype: DTypeLike | None = None) -> None:
        k, s, p, d = _conv_args(1, kernel_size, stride, padding, dilation)
        super().__init__(in_channels, out_channels, k, s, p, d, False, (0,), groups, bias, padding_mode, device, dtype)

    def forward(self, input: Tensor) -> Tensor:
        return self._conv_forward(F.conv1d, input, self.weight, self.bias)


class Conv2d(_ConvNd):
    """2-D convolution over ``(N, C_in, H, W)`` or ``(C_in, H, W)``: weight ``(out_channels,
    in_channels / groups, kH, kW)``.

    >>> rustorch.nn.Conv2d(1, 8, 3, padding=1)
    Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    >>> rustorch.nn.Conv2d(1, 8, 3, padding=1)(rustorch.ones(2, 1, 5, 5)).shape
    rustorch.Size([2, 8, 5, 5])
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: _size_arg, stride: _size_arg = 1,
                 padding: _size_arg = 0, dilation: _size_arg = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: DeviceLike | None = None, dtype: DTypeLike | None = None) -> None:
        k, s, p, d = _conv_args(2, kernel_size, stride, padding, dilation)
        super().__init__(in_channels, out_channels, k, s, p, d, False, (0, 0), groups, bias, padding_mode, device,
                         dtype)

    def forward(self, input: Tensor) -> Tensor:
        return self._conv_forward(F.conv2d, input, self.weight, self.bias)


class Conv3d(_ConvNd):
    """3-D convolution over ``(N, C_in, D, H, W)`` or ``(C_in, D, H, W)``: weight ``(out_channels,
    in_channels / groups, kD, kH, kW)``.

    >>> rustorch.nn.Conv3d(1, 2, 2)(rustorch.ones(1, 1, 3, 3, 3)).shape
    rustorch.Size([1, 2, 2, 2, 2])
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: _size_arg, stride: _size_arg = 1,
                 padding: _size_arg = 0, dilation: _size_arg = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: DeviceLike | None = None, dtype: DTypeLike | None = None) -> None:
        k, s, p, d = _conv_args(3, kernel_size, stride, padding, dilation)
        super().__init__(in_channels, out_channels, k, s, p, d, False, (0, 0, 0), groups, bias, padding_mode, device,
                         dtype)

    def forward(self, input: Tensor) -> Tensor:
        return self._conv_forward(F.conv3d, input, self.weight, self.bias)


class _ConvTransposeNd(_ConvNd):
    _dims = 0
    _fn = None

    def __init__(self, in_channels: int, out_channels: int, kernel_size: _size_arg, stride: _size_arg = 1,
                 padding: _size_arg = 0, output_padding: _size_arg = 0, groups: int = 1, bias: bool = True,
                 dilation: _size_arg = 1, padding_mode: str = "zeros", device: DeviceLike | None = None,
                 dtype: DTypeLike | None = None) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {self.__class__.__name__}')
        n = self._dims
        k, s, p, d = _conv_args(n, kernel_size, stride, padding, dilation)
        super().__init__(in_channels, out_channels, k, s, p, d, True, _ntuple(output_padding, n), groups, bias,
                         padding_mode, device, dtype)

    def _output_padding(self, input, output_size):
        """The output padding that gives ``output_size`` (PyTorch's rule and errors)."""
        if output_size is None:
            return self.output_padding
        n = self._dims
        lead = 2 if input.dim() == n + 2 else 1
        output_size = list(output_size)
        if len(output_size) == lead + n:
            output_size = output_size[lead:]
        if len(output_size) != n:
            raise ValueError(f"ConvTranspose{n}D: for {input.dim()}D input, output_size must have {n} or {lead + n} "
                             f"elements (got {len(output_size)})")
        mins = [(input.shape[d + lead] - 1) * self.stride[d] - 2 * self.padding[d] +
                self.dilation[d] * (self.kernel_size[d] - 1) + 1 for d in range(n)]
        maxs = [m + s - 1 for m, s in zip(mins, self.stride)]
        for size, lo, hi in zip(output_size, mins, maxs):
            if size < lo or size > hi:
                raise ValueError(f"requested an output size of {output_size}, but valid sizes range from {mins} to "
                                 f"{maxs} (for an input of {input.shape[2:]})")
        return tuple(size - lo for size, lo in zip(output_size, mins))

    def forward(self, input: Tensor, output_size: Sequence[int] | None = None) -> Tensor:
        if self.padding_mode != "zeros":
            raise ValueError(f"Only `zeros` padding mode is supported for {self.__class__.__name__}")
        op = self._output_padding(input, output_size)
        return type(self)._fn(input, self.weight, self.bias, self.stride, self.padding, op, self.groups, self.dilation)


class ConvTranspose1d(_ConvTransposeNd):
    """1-D transposed convolution (the gradient of ``Conv1d`` with respect to its input): weight
    ``(in_channels, out_channels / groups, kernel_size)``.

    >>> rustorch.nn.ConvTranspose1d(2, 4, 3, stride=2)(rustorch.ones(1, 2, 5)).shape
    rustorch.Size([1, 4, 11])
    """

    _dims = 1
    _fn = staticmethod(F.conv_transpose1d)


class ConvTranspose2d(_ConvTransposeNd):
    """2-D transposed convolution (the gradient of ``Conv2d`` with respect to its input): weight
    ``(in_channels, out_channels / groups, kH, kW)``; ``forward(input, output_size)`` picks the output
    padding that gives ``output_size``.

    >>> m = rustorch.nn.ConvTranspose2d(3, 4, 3, stride=2)
    >>> m
    ConvTranspose2d(3, 4, kernel_size=(3, 3), stride=(2, 2))
    >>> m(rustorch.ones(1, 3, 5, 5), output_size=(12, 12)).shape
    rustorch.Size([1, 4, 12, 12])
    """

    _dims = 2
    _fn = staticmethod(F.conv_transpose2d)


class ConvTranspose3d(_ConvTransposeNd):
    """3-D transposed convolution (the gradient of ``Conv3d`` with respect to its input): weight
    ``(in_channels, out_channels / groups, kD, kH, kW)``.

    >>> rustorch.nn.ConvTranspose3d(1, 2, 2)(rustorch.ones(1, 1, 2, 2, 2)).shape
    rustorch.Size([1, 2, 3, 3, 3])
    """

    _dims = 3
    _fn = staticmethod(F.conv_transpose3d)
