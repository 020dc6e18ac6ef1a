"""Distances: ``cosine_similarity`` and ``pairwise_distance``, compositions of recorded ops."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rustorch as R

from ... import _dtype

if TYPE_CHECKING:
    from ..._tensor import Tensor

__all__ = ["cosine_similarity", "pairwise_distance"]


def _broadcast_shape(a, b):
    """The broadcast shape of tensors ``a`` and ``b`` (PyTorch's message when they do not broadcast)."""
    sa, sb = list(a.shape), list(b.shape)
    n = max(len(sa), len(sb))
    sa, sb = [1] * (n - len(sa)) + sa, [1] * (n - len(sb)) + sb
    out = []
    for i, (x, y) in enumerate(zip(sa, sb)):
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton "
                               f"dimension {i}")
        out.append(y if x == 1 else x)
    return out


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """``x1 . x2 / (max(|x1|, eps) * max(|x2|, eps))`` along ``dim`` (the inputs broadcast): each input is
    divided by its norm first, which keeps the result within [-1, 1].

    >>> rustorch.nn.functional.cosine_similarity(rustorch.tensor([[1., 0.]]), rustorch.tensor([[1., 1.]]))
    tensor([0.7071])
    """
    common = R.promote_types(x1.dtype, x2.dtype)
    if not common.is_floating_point:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is "
                           f"{_dtype.TORCH_NAME[common.name]}")
    shape = _broadcast_shape(x1, x2)
    x1 = x1.to(common).expand(shape)
    x2 = x2.to(common).expand(shape)
    n1 = x1.norm(2, dim, keepdim=True)
    n2 = x2.norm(2, dim, keepdim=True)
    with R.no_grad():
        # PyTorch clamps the norms in place outside the graph: the value is clamped, the gradient is the
        # unclamped norm's
        lift1, lift2 = n1.clamp_min(eps) - n1, n2.clamp_min(eps) - n2
    return ((x1 / (n1 + lift1)) * (x2 / (n2 + lift2))).sum(dim)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """The p-norm of ``x1 - x2 + eps`` along the last dim.

    >>> rustorch.nn.functional.pairwise_distance(rustorch.tensor([[0., 0.]]), rustorch.tensor([[3., 4.]]), eps=0.0)
    tensor([5.])
    """
    dim = max(x1.dim(), x2.dim()) - 1
    return (x1 - x2 + eps).norm(p, dim, keepdim)
