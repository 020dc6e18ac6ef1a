"""Dropout: ``dropout`` (elements), ``dropout1d/2d/3d`` (whole channels), ``alpha_dropout`` and
``feature_alpha_dropout`` (SELU networks).

The kept elements are scaled by ``1 / (1 - p)`` so that the expectation is unchanged; the result is
``input * mask`` (a ``MulBackward0`` node, as in PyTorch), so the gradient is ``grad * mask``. The masks
come from the default generator (``rustorch.manual_seed`` makes them repeatable)."""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING

import rustorch as R

from ... import _dtype

if TYPE_CHECKING:
    from ..._tensor import Tensor

__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout"]

# SELU's negative saturation value, -scale * alpha: where alpha dropout sends the dropped elements.
_ALPHA = 1.7580993408473766


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _apply(input, p, train, inplace, feature, alpha):
    """PyTorch's ``_dropout_impl``: ``noise`` is a Bernoulli(1 - p) mask of the input's shape, or of shape
    ``(N, C, 1, ...)`` for the feature (channel) forms."""
    if p == 0 or not train or input.numel() == 0:
        return input
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{_dtype.TORCH_NAME[input.dtype.name]}")
    if p == 1:
        zero = R.zeros((), dtype=input.dtype, device=input.device)
        return input.mul_(zero) if inplace else input * zero
    if feature:
        if input.dim() < 2:
            raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
        shape = tuple(input.shape[:2]) + (1,) * (input.dim() - 2)
    else:
        shape = tuple(input.shape)
    noise = R.empty(shape, dtype=input.dtype, device=input.device).bernoulli_(1 - p)
    if alpha:
        a = 1.0 / math.sqrt((_ALPHA * _ALPHA * p + 1) * (1 - p))
        b = noise.add(-1).mul_(_ALPHA * a).add_(_ALPHA * a * p)
        noise.mul_(a)
        return input.mul_(noise).add_(b) if inplace else input * noise + b
    noise.div_(1 - p)
    return input.mul_(noise) if inplace else input * noise


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zeroes each element with probability ``p`` and scales the others by ``1 / (1 - p)`` (only when
    ``training``; otherwise ``input`` itself is returned).

    >>> x = rustorch.ones(1000)
    >>> y = rustorch.nn.functional.dropout(x, 0.2)
    >>> sorted(set(y.tolist()))
    [0.0, 1.25]
    >>> rustorch.nn.functional.dropout(x, 0.2, training=False) is x
    True
    """
    _check_p(p)
    return _apply(input, p, training, inplace, False, False)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Dropout for SELU networks: dropped elements take SELU's negative saturation value, and an affine
    map keeps the mean and variance of the input."""
    _check_p(p)
    return _apply(input, p, training, inplace, False, True)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """``alpha_dropout`` of whole channels (dim 1)."""
    _check_p(p)
    return _apply(input, p, training, inplace, True, True)


def _unbatched(input, p, training, inplace, batched):
    """Channel dropout of an input without a batch dim: as a batch of one."""
    if batched:
        return _apply(input, p, training, inplace, True, False)
    if inplace:
        _apply(input.unsqueeze(0), p, training, True, True, False)
        return input
    return _apply(input.unsqueeze(0), p, training, False, True, False).squeeze(0)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zeroes whole channels of ``(N, C, L)`` or ``(C, L)`` inputs with probability ``p``.

    >>> y = rustorch.nn.functional.dropout1d(rustorch.ones(1, 50, 3), 0.5)
    >>> bool(((y == 0).all(2) | (y == 2).all(2)).all())
    True
    """
    _check_p(p)
    if input.dim() not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {input.dim()}D input. Note that dropout1d exists "
            "to provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an "
            "optional batch dimension (i.e. 2D or 3D inputs).")
    return _unbatched(input, p, training, inplace, input.dim() == 3)


def _deprecated_rank(name, ndim, spatial):
    warnings.warn(
        f"{name}: Received a {ndim}-D input to {name}, which is deprecated and will result in an error in a "
        "future release. To retain the behavior and silence this warning, please use dropout instead. Note that "
        f"{name} exists to provide channel-wise dropout on inputs with {spatial} spatial dimensions, a channel "
        f"dimension, and an optional batch dimension (i.e. {spatial + 1}D or {spatial + 2}D inputs).", stacklevel=3)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zeroes whole channels of ``(N, C, H, W)`` inputs with probability ``p`` (a 3-D input is taken as
    ``(N, C, L)``, as PyTorch does, with a warning)."""
    _check_p(p)
    ndim = input.dim()
    if ndim not in (3, 4):
        _deprecated_rank("dropout2d", ndim, 2)
    if ndim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is "
            "desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will "
            "change in a future release to interpret the input as one without a batch dimension, i.e. shape "
            "(C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d "
            "instead.", stacklevel=2)
    return _apply(input, p, training, inplace, True, False)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zeroes whole channels of ``(N, C, D, H, W)`` or ``(C, D, H, W)`` inputs with probability ``p``."""
    _check_p(p)
    ndim = input.dim()
    if ndim not in (4, 5):
        _deprecated_rank("dropout3d", ndim, 3)
    return _unbatched(input, p, training, inplace, ndim == 5)
