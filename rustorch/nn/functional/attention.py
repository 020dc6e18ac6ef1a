"""``scaled_dot_product_attention``: ``softmax(q @ k.T * scale + mask) @ v``, composed of recorded ops
(matmul, the softmax node, masked_fill), as PyTorch's reference ("math") implementation."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import rustorch as R

from ... import _dtype
from .activation import softmax
from .dropout import dropout

if TYPE_CHECKING:
    from ..._tensor import Tensor

__all__ = ["scaled_dot_product_attention"]

_C = _dtype.C_NAME


def _check(query, key, value, attn_mask, is_causal):
    if query.dim() < 2 or key.dim() < 2 or value.dim() < 2:
        raise RuntimeError(f"Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: "
                           f"{query.dim()} key.dim: {key.dim()} and value.dim: {value.dim()} instead.")
    if not (query.dtype is key.dtype is value.dtype):
        raise RuntimeError(f"Expected query, key, and value to have the same dtype, but got query.dtype: "
                           f"{_C[query.dtype.name]} key.dtype: {_C[key.dtype.name]} and value.dtype: "
                           f"{_C[value.dtype.name]} instead.")
    if not query.dtype.is_floating_point:
        raise RuntimeError(f"expected scalar type Float but found {_dtype.TORCH_NAME[query.dtype.name]}")
    if attn_mask is not None:
        if is_causal:
            raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True")
        if attn_mask.dtype not in (R.bool, R.float32, query.dtype):
            raise RuntimeError(f"Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                               f"attn_mask.dtype: {_C[attn_mask.dtype.name]} and  query.dtype: "
                               f"{_C[query.dtype.name]} instead.")


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None = None,
                                 dropout_p: float = 0.0, is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """Attention of ``query`` (..., L, E) over ``key`` (..., S, E) and ``value`` (..., S, Ev):
    ``softmax(query @ key.T * scale + bias) @ value`` with ``scale`` = 1/sqrt(E) by default. ``attn_mask``:
    a bool mask (True: attend) or a float bias, broadcast to (..., L, S); ``is_causal``: the lower-triangular
    mask; rows that attend to nothing give zeros. ``enable_gqa``: key and value heads (dim -3) are shared by
    groups of query heads.

    >>> q = k = rustorch.tensor([[1., 0.], [0., 1.]])
    >>> v = rustorch.tensor([[1., 2.], [3., 4.]])
    >>> rustorch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
    tensor([[1.0000, 2.0000],
            [2.3395, 3.3395]])
    """
    _check(query, key, value, attn_mask, is_causal)
    if enable_gqa and query.dim() >= 3 and key.shape[-3] != query.shape[-3]:
        heads = query.shape[-3]
        if heads % key.shape[-3] or heads % value.shape[-3]:
            raise RuntimeError("Number of heads in key and value must divide the number of heads in query")
        key = key.repeat_interleave(heads // key.shape[-3], -3)
        value = value.repeat_interleave(heads // value.shape[-3], -3)
    length, source = query.shape[-2], key.shape[-2]
    factor = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = (query * factor) @ key.transpose(-2, -1)
    masked = False
    if is_causal:
        keep = R.ones(length, source, dtype=R.bool, device=query.device).tril()
        scores = scores.masked_fill(keep.logical_not(), -math.inf)
    elif attn_mask is not None:
        if attn_mask.dtype is R.bool:
            scores = scores.masked_fill(attn_mask.logical_not(), -math.inf)
        else:
            scores = scores + attn_mask
        masked = True
    if masked:
        # a row with nothing to attend to gives zeros (not the NaN of a softmax of -inf everywhere)
        dead = (scores == -math.inf).all(-1, keepdim=True)
        weights = softmax(scores.masked_fill(dead, 0.0), -1).masked_fill(dead, 0.0)
    else:
        weights = softmax(scores, -1)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p)
    return weights @ value
