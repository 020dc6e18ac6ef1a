"""Normalization: ``batch_norm``, ``instance_norm``, ``layer_norm``, ``group_norm``, ``rms_norm``,
``normalize``.

``layer_norm`` is one recorded node (``NativeLayerNormBackward0``) with PyTorch's direct formula; its
statistics are computed once, outside the graph, and a backward that is itself recorded
(``create_graph=True``) recomputes them from the input so that second derivatives see their dependence
on it. The others are compositions of recorded ops (mean, var, rsqrt, ``*``, ``+``). Running statistics
are updated in place, outside the graph, as PyTorch does."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rustorch as R

from ... import _dtype
from ...autograd.record import recorded

if TYPE_CHECKING:
    from ..._tensor import Tensor
    from ..._typing import _dims, _size_arg

__all__ = ["batch_norm", "instance_norm", "layer_norm", "group_norm", "rms_norm", "normalize"]

_T = _dtype.TORCH_NAME


def _verify_batch_size(size):
    n = size[0]
    for s in size[2:]:
        n *= s
    if n == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {size}")


def _verify_spatial_size(size):
    n = 1
    for s in size[2:]:
        n *= s
    if n == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size {size}")


def _channel_shape(input):
    """(1, C, 1, ...): a per-channel vector broadcast over ``input``."""
    return [1, input.shape[1]] + [1] * (input.dim() - 2)


def _affine(y, weight, bias, shape):
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y


def _update_running(running, value, momentum):
    """``running = (1 - momentum) * running + momentum * value``, in place and outside the graph."""
    with R.no_grad():
        running.mul_(1 - momentum).add_(value.detach().to(running.dtype) * momentum)


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None, weight: Tensor | None = None,
               bias: Tensor | None = None, training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalizes each channel (dim 1) over the batch and spatial dims: with the batch's statistics when
    ``training`` (``running_mean``/``running_var`` then move towards them by ``momentum``, the variance
    unbiased), with the running statistics otherwise; then ``* weight + bias``.

    >>> x = rustorch.tensor([[1.], [3.]])
    >>> rm, rv = rustorch.zeros(1), rustorch.ones(1)
    >>> rustorch.nn.functional.batch_norm(x, rm, rv, training=True)
    tensor([[-1.0000],
            [ 1.0000]])
    >>> rm, rv
    (tensor([0.2000]), tensor([1.1000]))
    """
    if isinstance(momentum, bool) or not isinstance(momentum, (int, float)):
        raise TypeError(f"batch_norm(): argument 'momentum' (position 7) must be float, not {type(momentum).__name__}")
    if training:
        _verify_batch_size(input.size())
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    if eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    channels = input.shape[1] if input.dim() > 1 else 0
    for name, t in (("weight", weight), ("bias", bias), ("running_mean", running_mean), ("running_var", running_var)):
        if t is not None and t.numel() != channels:
            raise RuntimeError(f"{name} should contain {channels} elements not {t.numel()}")
    if not training:
        for name, t in (("running_mean", running_mean), ("running_var", running_var)):
            if t is None:
                raise RuntimeError(f"{name} must be defined in evaluation mode")
    shape = _channel_shape(input)
    if training:
        dims = [0] + list(range(2, input.dim()))
        mean = input.mean(dims, keepdim=True)
        var = input.var(dims, keepdim=True, correction=0)
        n = input.numel() // channels
        if running_mean is not None:
            _update_running(running_mean, mean.reshape(channels), momentum)
        if running_var is not None:
            _update_running(running_var, var.reshape(channels) * (n / (n - 1)), momentum)
    else:
        mean, var = running_mean.reshape(shape), running_var.reshape(shape)
    scale = (var + eps).rsqrt()
    if weight is not None:
        scale = scale * weight.reshape(shape)
    y = (input - mean) * scale
    return y + bias.reshape(shape) if bias is not None else y


def instance_norm(input: Tensor, running_mean: Tensor | None = None, running_var: Tensor | None = None,
                  weight: Tensor | None = None, bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalizes each channel of each sample over its spatial dims (with the running statistics instead
    when ``use_input_stats`` is False); running statistics, when given, move towards the batch's mean of
    the per-sample statistics.

    >>> rustorch.nn.functional.instance_norm(rustorch.tensor([[[1., 3.]]]))
    tensor([[[-1.0000,  1.0000]]])
    """
    if use_input_stats:
        _verify_spatial_size(input.size())
    n, channels = input.shape[0], input.shape[1]
    for name, t in (("weight", weight), ("bias", bias), ("running_mean", running_mean), ("running_var", running_var)):
        if t is not None and t.numel() != channels:
            raise RuntimeError(f"{name} should contain {n * channels} elements not {n * t.numel()}")
    if not use_input_stats and (running_mean is None or running_var is None):
        raise RuntimeError("Expected running_mean and running_var to be defined when use_input_stats is false")
    shape = _channel_shape(input)
    if use_input_stats:
        dims = list(range(2, input.dim()))
        mean = input.mean(dims, keepdim=True)
        var = input.var(dims, keepdim=True, correction=0)
        count = input.numel() // max(n * channels, 1)
        if running_mean is not None:
            _update_running(running_mean, mean.reshape(n, channels).mean(0), momentum)
        if running_var is not None:
            _update_running(running_var, (var * (count / (count - 1))).reshape(n, channels).mean(0), momentum)
    else:
        mean, var = running_mean.reshape(shape), running_var.reshape(shape)
    return _affine((input - mean) * (var + eps).rsqrt(), weight, bias, shape)


def _by_position(c, grads):
    """One gradient per tensor argument of the node (None where not needed): ``grads`` maps argument
    positions to functions computing theirs."""
    out = []
    for i, is_tensor in enumerate(c.extra["tensor_args"]):
        if is_tensor:
            fn = grads.get(i)
            out.append(fn() if fn is not None and c.needs[len(out)] else None)
    return tuple(out)


def _layer_norm_forward(x, weight, bias, mean, rstd, k, eps):
    y = (x - mean) * rstd
    if weight is not None:
        y = y * weight
    return y + bias if bias is not None else y


def _layer_norm_grad(c, g):
    x, weight, k, eps = c.saved(0), c.args[1], c.args[5], c.args[6]
    if weight is not None:
        weight = c.saved(1)
    dims = list(range(x.dim() - k, x.dim()))
    lead = list(range(x.dim() - k))
    if R.is_grad_enabled():  # a recorded backward: the statistics as functions of x
        mean = x.mean(dims, keepdim=True)
        rstd = (x.var(dims, keepdim=True, correction=0) + eps).rsqrt()
    else:
        mean, rstd = c.saved(3), c.saved(4)
    xhat = (x - mean) * rstd
    gxhat = g * weight if weight is not None else g

    def gx():
        return (gxhat - gxhat.mean(dims, keepdim=True) - xhat * (gxhat * xhat).mean(dims, keepdim=True)) * rstd

    def gw():
        return (g * xhat).sum(lead) if lead else g * xhat

    def gb():
        return g.sum(lead) if lead else g

    return _by_position(c, {0: gx, 1: gw, 2: gb})


_layer_norm = recorded("NativeLayerNormBackward0", _layer_norm_forward, _layer_norm_grad, (0, 1, 3, 4))


def _check_normalized(fn, input, normalized_shape, weight, bias, sep):
    if isinstance(normalized_shape, int):
        raise TypeError(f"{fn}(): argument 'normalized_shape' (position 2) must be tuple of ints, not int")
    shape = [int(s) for s in normalized_shape]
    k = len(shape)
    if k == 0:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one "
                           f"element, but got normalized_shape = {shape}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and list(t.shape) != shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                               f"{list(t.shape)} and normalized_shape = {shape}")
    if input.dim() < k or list(input.shape[input.dim() - k:]) != shape:
        raise RuntimeError(f"Given normalized_shape={shape}, expected input with shape [*{sep}"
                           f"{', '.join(map(str, shape))}], but got input of size{list(input.shape)}")
    return shape


def layer_norm(input: Tensor, normalized_shape: _size_arg, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Normalizes over the last ``len(normalized_shape)`` dims (mean 0, biased variance 1), then
    ``* weight + bias`` (each of ``normalized_shape``).

    >>> rustorch.nn.functional.layer_norm(rustorch.tensor([[1., 3.], [2., 2.]]), (2,))
    tensor([[-1.0000,  1.0000],
            [ 0.0000,  0.0000]])
    """
    shape = _check_normalized("layer_norm", input, normalized_shape, weight, bias, ", ")
    for t in (weight, bias):
        if t is not None and t.dtype is not input.dtype:
            raise RuntimeError(f"mixed dtype (CPU): expect parameter to have scalar type of {_T[input.dtype.name]}")
    if input.dtype.itemsize == 2:  # float16/bfloat16: statistics and result in float32, rounded once
        as_float = [t.float() if t is not None else None for t in (input, weight, bias)]
        return layer_norm(*as_float[:1], shape, *as_float[1:], eps=eps).to(input.dtype)
    k = len(shape)
    dims = list(range(input.dim() - k, input.dim()))
    x = input.detach()
    mean = x.mean(dims, keepdim=True)
    rstd = (x.var(dims, keepdim=True, correction=0) + eps).rsqrt()
    return _layer_norm(input, weight, bias, mean, rstd, k, float(eps))


def rms_norm(input: Tensor, normalized_shape: _size_arg, weight: Tensor | None = None,
             eps: float | None = None) -> Tensor:
    """``input / sqrt(mean(input ** 2) + eps) * weight`` over the last ``len(normalized_shape)`` dims
    (``eps`` defaults to the machine epsilon of the computation's dtype).

    >>> rustorch.nn.functional.rms_norm(rustorch.tensor([[3., 4.]]), (2,))
    tensor([[0.8485, 1.1314]])
    """
    shape = _check_normalized("rms_norm", input, normalized_shape, weight, None, "")
    x = input.float() if input.dtype.itemsize == 2 else input
    if eps is None:
        eps = 2.220446049250313e-16 if x.dtype is R.float64 else 1.1920928955078125e-07
    dims = list(range(input.dim() - len(shape), input.dim()))
    y = x * (x.square().mean(dims, keepdim=True) + eps).rsqrt()
    if y.dtype is not input.dtype:
        y = y.to(input.dtype)
    return y * weight if weight is not None else y


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Normalizes each of ``num_groups`` groups of channels of each sample, then ``* weight + bias``
    (per channel).

    >>> rustorch.nn.functional.group_norm(rustorch.tensor([[[1.], [3.], [5.], [5.]]]), 2).reshape(-1)
    tensor([-1.0000,  1.0000,  0.0000,  0.0000])
    """
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.dim()}")
    n, channels = input.shape[0], input.shape[1]
    _verify_batch_size([n * channels // num_groups, num_groups] + list(input.shape[2:]))
    if channels % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {list(input.shape)} and num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.dim() != 1 or t.numel() != channels):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in input, "
                               f"but got {name} of shape {list(t.shape)} and input of shape {list(input.shape)}")
    groups = input.reshape(n, num_groups, input.numel() // max(n * num_groups, 1))
    mean = groups.mean(-1, keepdim=True)
    var = groups.var(-1, keepdim=True, correction=0)
    y = ((groups - mean) * (var + eps).rsqrt()).reshape(input.shape)
    return _affine(y, weight, bias, _channel_shape(input))


def normalize(input: Tensor, p: float = 2.0, dim: _dims = 1, eps: float = 1e-12, out: Tensor | None = None) -> Tensor:
    """``input / max(norm(input, p, dim), eps)``.

    >>> rustorch.nn.functional.normalize(rustorch.tensor([[3., 4.]]))
    tensor([[0.6000, 0.8000]])
    """
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    if out is None:
        return input / denom
    return R.div(input, denom, out=out)
