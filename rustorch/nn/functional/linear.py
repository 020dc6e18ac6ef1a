"""Linear maps: ``linear`` (``input @ weight.T + bias``) and ``bilinear``, composed of recorded ops
(addmm, matmul, reshape, ``*``, sum) so autograd differentiates them."""

from __future__ import annotations

from ... import _dtype
from ... import addmm, matmul
from ..._tensor import Tensor

__all__ = ["linear", "bilinear"]


def _check_tensor(x, fn, name, pos):
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be Tensor, not {type(x).__name__}")


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``: input ``(*, in_features)``, weight ``(out_features, in_features)``,
    bias ``(out_features)``; the result is ``(*, out_features)``.

    >>> x = rustorch.tensor([[1., 2.]])
    >>> w = rustorch.tensor([[1., 0.], [0., 1.], [1., 1.]])
    >>> rustorch.nn.functional.linear(x, w, rustorch.tensor([0., 0., 10.]))
    tensor([[ 1.,  2., 13.]])
    """
    _check_tensor(input, "linear", "input", 1)
    _check_tensor(weight, "linear", "weight", 2)
    if bias is not None:
        _check_tensor(bias, "linear", "bias", 3)
    input_dim, weight_dim = input.dim(), weight.dim()
    if input_dim == 0 or weight_dim == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are {input_dim}D and "
                           f"{weight_dim}D")
    if bias is not None:
        if input_dim == 2:
            return addmm(bias, input, weight.t())
        if input.is_contiguous() and (input_dim == 3 or bias.dim() == 1):
            # (*, in) as one matrix: a single addmm, then the batch dims back
            sizes = tuple(input.shape)
            rows = 1
            for s in sizes[:-1]:
                rows *= s
            out = addmm(bias, input.reshape(rows, sizes[-1]), weight.t())
            return out.view(*sizes[:-1], out.shape[1])
    output = matmul(input, weight.t())
    if bias is not None:
        output = output + bias
    return output


def _ctype(t):
    return _dtype.C_NAME[t.dtype.name]


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``y[..., o] = sum_ij input1[..., i] * weight[o, i, j] * input2[..., j] + bias[o]``.

    >>> x1, x2 = rustorch.ones(4, 2), rustorch.ones(4, 3)
    >>> rustorch.nn.functional.bilinear(x1, x2, rustorch.ones(5, 2, 3)).shape
    rustorch.Size([4, 5])
    """
    for x, name, pos in ((input1, "input1", 1), (input2, "input2", 2), (weight, "weight", 3)):
        _check_tensor(x, "bilinear", name, pos)
    if bias is not None:
        _check_tensor(bias, "bilinear", "bias", 4)
    if input1.dim() != input2.dim():
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.dim()} and {input2.dim()}")
    for i in range(input1.dim() - 1):
        if input1.shape[i] != input2.shape[i]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {i}: got {input1.shape[i]} and "
                               f"{input2.shape[i]}")
    if input1.shape[-1] != weight.size(1):
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got {input1.shape[-1]} but "
                           f"expected {weight.size(1)}")
    if input2.shape[-1] != weight.size(2):
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got {input2.shape[-1]} but "
                           f"expected {weight.size(2)}")
    if bias is not None and bias.size(0) != weight.size(0):
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got {bias.size(0)} but expected "
                           f"{weight.size(0)}")
    tensors = [input1, input2, weight] + ([bias] if bias is not None else [])
    if len({t.dtype for t in tensors}) > 1:
        got = f"input1: {_ctype(input1)}, input2: {_ctype(input2)}, weight: {_ctype(weight)}"
        raise RuntimeError("All tensors must have the same dtype, got " + got
                           + (f", bias: {_ctype(bias)}" if bias is not None else ""))
    batch = tuple(input1.shape[:-1])
    n = 1
    for s in batch:
        n *= s
    out_features, in1, in2 = weight.shape
    x1 = input1.reshape(n, in1)
    x2 = input2.reshape(n, 1, in2)
    # (n, in1) @ (in1, out * in2): each sample's x1^T W_o for every o, then the dot with x2
    t = matmul(x1, weight.permute(1, 0, 2).reshape(in1, out_features * in2)).reshape(n, out_features, in2)
    out = (t * x2).sum(-1)
    if bias is not None:
        out = out + bias
    return out.reshape(*batch, out_features)
