"""Gradient clipping: ``clip_grad_norm_``, ``clip_grad_value_`` and their parts ``get_total_norm`` and
``clip_grads_with_norm_``."""

from __future__ import annotations

import functools
import types
import warnings
from typing import TYPE_CHECKING

from ... import clamp, logical_or, norm, stack, tensor as _tensor
from ..._tensor import Tensor
from ...autograd import no_grad

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any, TypeVar

    _F = TypeVar("_F", bound=Callable[..., Any])

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_"]


def _no_grad(func: _F) -> _F:
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with no_grad():
            return func(*args, **kwargs)

    return wrapper


def _check_foreach(foreach, tensors):
    # The per-tensor loop is the only implementation; foreach=True asks for a fused one PyTorch has only
    # on CUDA and CPU, so it is accepted on the CPU and refused elsewhere, as PyTorch refuses it.
    if foreach:
        for t in tensors:
            if t.device.type != "cpu":
                raise RuntimeError(f"foreach=True was passed, but can't use the foreach API on {t.device.type} tensors")


@_no_grad
def get_total_norm(tensors: Tensor | Iterable[Tensor], norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach: bool | None = None) -> Tensor:
    """The ``norm_type``-norm of all ``tensors`` together, as if concatenated into one vector.

    >>> rustorch.nn.utils.get_total_norm([rustorch.tensor([3.]), rustorch.tensor([4.])])
    tensor(5.)
    """
    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return _tensor(0.0)
    _check_foreach(foreach, tensors)
    first_device = tensors[0].device
    norms = [norm(t, norm_type).to(first_device) for t in tensors]
    total_norm = norm(stack(norms), norm_type)
    if error_if_nonfinite and logical_or(total_norm.isnan(), total_norm.isinf()):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it "
                           "cannot be clipped. To disable this error and scale the gradients by the non-finite norm "
                           "anyway, set `error_if_nonfinite=False`")
    return total_norm


@_no_grad
def clip_grads_with_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float, total_norm: Tensor,
                          foreach: bool | None = None) -> None:
    """Scales the gradients in place by ``min(max_norm / (total_norm + 1e-6), 1)``."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    max_norm = float(max_norm)
    if not grads:
        return
    _check_foreach(foreach, grads)
    # multiplying by a coefficient clamped to 1 (rather than testing it) keeps the values on the device
    clip_coef_clamped = clamp(max_norm / (total_norm + 1e-6), max=1.0)
    for g in grads:
        g.mul_(clip_coef_clamped.to(g.device))


@_no_grad
def clip_grad_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """Rescales the gradients of ``parameters`` in place so that their total ``norm_type``-norm is at most
    ``max_norm`` (``norm_type`` may be ``inf``); returns the total norm before clipping.

    >>> p = rustorch.nn.Parameter(rustorch.zeros(2))
    >>> p.grad = rustorch.tensor([3., 4.])
    >>> rustorch.nn.utils.clip_grad_norm_([p], max_norm=1.0)
    tensor(5.)
    >>> p.grad
    tensor([0.6000, 0.8000])
    """
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    else:
        is_generator = isinstance(parameters, types.GeneratorType)
        parameters = list(parameters)
        if is_generator and not parameters:
            warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.", stacklevel=3)
    grads = [p.grad for p in parameters if p.grad is not None]
    total_norm = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total_norm, foreach)
    return total_norm


def clip_grad_norm(parameters: Tensor | Iterable[Tensor], max_norm: float, norm_type: float = 2.0,
                   error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """Deprecated alias of ``clip_grad_norm_``."""
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.",
                  FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


@_no_grad
def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float, foreach: bool | None = None) -> None:
    """Clamps the gradients of ``parameters`` in place to [-clip_value, clip_value].

    >>> p = rustorch.nn.Parameter(rustorch.zeros(3))
    >>> p.grad = rustorch.tensor([-2., 0.5, 3.])
    >>> rustorch.nn.utils.clip_grad_value_(p, 1.0); p.grad
    tensor([-1.0000,  0.5000,  1.0000])
    """
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    clip_value = float(clip_value)
    grads = [p.grad for p in parameters if p.grad is not None]
    _check_foreach(foreach, grads)
    for grad in grads:
        grad.clamp_(min=-clip_value, max=clip_value)

