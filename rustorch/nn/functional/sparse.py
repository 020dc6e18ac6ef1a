"""Lookup tables: ``embedding`` and ``one_hot``.

``embedding`` is one recorded node (``EmbeddingBackward0``): rows of the weight picked by index; its
gradient adds each output row's gradient into the row it came from (repeats add up), except into
``padding_idx``'s row."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rustorch as R

from ...autograd.derivatives import _flat_add
from ...autograd.record import recorded

if TYPE_CHECKING:
    from ..._tensor import Tensor

__all__ = ["embedding", "one_hot"]

_INDEX_TYPES = {"float32": "torch.FloatTensor", "float64": "torch.DoubleTensor", "float16": "torch.HalfTensor",
                "bfloat16": "torch.BFloat16Tensor", "int16": "torch.ShortTensor", "int8": "torch.CharTensor",
                "uint8": "torch.ByteTensor", "bool": "torch.BoolTensor"}


def _embedding_forward(weight, indices, padding_idx, scale_grad_by_freq):
    rows = weight.index_select(0, indices.reshape(-1))
    return rows.reshape(tuple(indices.shape) + (weight.shape[1],))


def _embedding_grad(c, g):
    shape = c.extra["in"][0][0]
    indices, padding_idx, scale = c.saved(1).reshape(-1).long(), c.args[2], c.args[3]
    rows = g.reshape(indices.shape[0], shape[1])
    if padding_idx >= 0:
        rows = rows.masked_fill((indices == padding_idx).unsqueeze(1), 0.0)
    if scale:  # each row's gradient divided by how often its index occurs in the batch
        counts = R.bincount(indices, minlength=shape[0]).index_select(0, indices)
        rows = rows / counts.unsqueeze(1).to(rows.dtype)
    if rows.dtype is R.float64 and rows.device.type == "wgpu":
        # no 64-bit atomics in WGSL: a sort-based sum of the rows at their flat positions
        cols = R.arange(shape[1], device=rows.device)
        positions = (indices.unsqueeze(1) * shape[1] + cols).reshape(-1)
        gw = _flat_add(shape[0] * shape[1], positions, rows.reshape(-1)).reshape(shape)
    else:
        gw = R.zeros(shape, dtype=rows.dtype, device=rows.device).index_add(0, indices, rows)
    return (gw, None)


_embedding = recorded("EmbeddingBackward0", _embedding_forward, _embedding_grad, (1,))


def _renorm(weight, indices, max_norm, norm_type):
    """The rows ``indices`` reads rescaled in place to norms of at most ``max_norm`` (outside the graph)."""
    with R.no_grad():
        idx = indices.reshape(-1)
        rows = weight.index_select(0, idx)
        norms = rows.norm(norm_type, 1, keepdim=True)
        scale = R.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
        weight.index_copy_(0, idx, rows * scale)


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """The rows of ``weight`` (num_embeddings, embedding_dim) at the indices ``input``: a result of shape
    ``input.shape + (embedding_dim,)``. No gradient reaches row ``padding_idx``; ``max_norm`` first
    rescales the rows read (in place) to norms of at most ``max_norm``.

    >>> w = rustorch.tensor([[0., 0.], [1., 2.], [3., 4.]])
    >>> rustorch.nn.functional.embedding(rustorch.tensor([[2, 1]]), w)
    tensor([[[3., 4.],
             [1., 2.]]])
    """
    if padding_idx is not None:
        if padding_idx > 0 and padding_idx >= weight.shape[0]:
            raise AssertionError("Padding_idx must be within num_embeddings")
        if padding_idx < 0:
            if padding_idx < -weight.shape[0]:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = weight.shape[0] + padding_idx
    else:
        padding_idx = -1
    if input.dtype is not R.int64 and input.dtype is not R.int32:
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {_INDEX_TYPES[input.dtype.name]} instead (while checking arguments "
                           "for embedding)")
    if weight.dim() != 2:
        raise RuntimeError("'weight' must be 2-D")
    if sparse:
        raise NotImplementedError("embedding(): sparse gradients need sparse tensors, which rustorch does not have; "
                                  "use sparse=False")
    if max_norm is not None:
        _renorm(weight, input.contiguous(), max_norm, norm_type)
    return _embedding(weight, input, padding_idx, bool(scale_grad_by_freq))


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """``(N, ...)`` class indices as ``(N, ..., num_classes)`` int64 rows with a single 1 (``num_classes``
    -1: one more than the largest index).

    >>> rustorch.nn.functional.one_hot(rustorch.tensor([0, 2]))
    tensor([[1, 0, 0],
            [0, 0, 1]])
    """
    if tensor.dtype is not R.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if tensor.numel() == 0:
        if num_classes <= 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        return R.zeros(tuple(tensor.shape) + (num_classes,), dtype=R.int64, device=tensor.device)
    if int(tensor.min()) < 0:
        raise RuntimeError("Class values must be non-negative.")
    top = int(tensor.max())
    if num_classes == -1:
        num_classes = top + 1
    elif top >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return (tensor.unsqueeze(-1) == R.arange(num_classes, device=tensor.device)).long()
