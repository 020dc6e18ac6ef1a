"""Cumulative ops: cumsum and cumprod (and the in-place ``cumsum_`` / ``cumprod_``), on cpu and wgpu.

One native kernel (``_C.cumulative``) serves both: the input is cast to the result dtype first
(integers and bool default to int64), float16/bfloat16 accumulate in float32 and round each
output, integers wrap."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import _C
from ._dtype import int64, resolve
from ._functional import _method
from ._index_ops import _c_type
from ._tensor import Tensor, _wrap, _wrap_dim

if TYPE_CHECKING:
    from ._typing import DTypeLike, _int

def _result_dtype(input, dtype):
    d = resolve(dtype)
    if d is not None:
        return d
    return input.dtype if input.dtype.is_floating_point else int64


def _cumulative(op, input, dim, dtype, out):
    if not isinstance(input, Tensor):
        raise TypeError(f"cum{op}(): argument 'input' must be Tensor, not {type(input).__name__}")
    d = _wrap_dim(dim, input.dim())
    res = _wrap(_C.cumulative(input._c, d, op, _result_dtype(input, dtype).name))
    if out is None:
        return res
    if out.shape != res.shape:
        raise RuntimeError(f"cum{op}(): out has shape {list(out.shape)}, expected {list(res.shape)}")
    out.copy_(res)
    return out


def cumsum(input: Tensor, dim: _int, *, dtype: DTypeLike | None = None, out: Tensor | None = None) -> Tensor:
    """cumsum(input, dim, *, dtype=None, out=None) -> Tensor

    Cumulative sum along ``dim``: ``out[i] = input[0] + ... + input[i]``. Integer and bool
    inputs give int64 unless ``dtype`` is given (the input is cast to it first).

    >>> rustorch.cumsum(rustorch.tensor([1, 2, 3]), 0)
    tensor([1, 3, 6])
    """
    return _cumulative("sum", input, dim, dtype, out)


def cumprod(input: Tensor, dim: _int, *, dtype: DTypeLike | None = None, out: Tensor | None = None) -> Tensor:
    """cumprod(input, dim, *, dtype=None, out=None) -> Tensor

    Cumulative product along ``dim``: ``out[i] = input[0] * ... * input[i]``.

    >>> rustorch.cumprod(rustorch.tensor([1, 2, 3]), 0)
    tensor([1, 2, 6])
    """
    return _cumulative("prod", input, dim, dtype, out)


def _in_place(op, self, dim, dtype):
    d = resolve(dtype, self.dtype)
    if d is not self.dtype:
        raise RuntimeError(f"Bad in-place call: input tensor dtype {_c_type(self.dtype)} and output tensor dtype "
                           f"{_c_type(d)} should match")
    self.copy_(_cumulative(op, self, dim, d, None))
    return self


def _cumsum_(self, dim, *, dtype=None):
    """In-place cumsum (``dtype``, when given, must be self's)."""
    return _in_place("sum", self, dim, dtype)


def _cumprod_(self, dim, *, dtype=None):
    """In-place cumprod (``dtype``, when given, must be self's)."""
    return _in_place("prod", self, dim, dtype)


Tensor.cumsum = _method(cumsum)
Tensor.cumprod = _method(cumprod)
Tensor.cumsum_ = _cumsum_
Tensor.cumprod_ = _cumprod_

__all__ = ["cumsum", "cumprod"]
