"""Shape assembly: cat/stack and their relatives, split/chunk/unbind, repeat/tile/repeat_interleave,
roll, flip, tril/triu, diag/diagonal/trace, Tensor.unfold.

Splitting ops return views; assembling ops allocate the result once and copy each piece into a view
of it (the copy kernel converts dtypes and reads strided pieces in place), so every op here runs on
every device that has the copy and where kernels. Errors are worded as PyTorch words them.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import overload

from ._functional import _method
from ._tensor import Tensor, _wrap_dim

_int = builtins.int


def _tensors(tensors, fn):
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{fn}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        f"{type(tensors).__name__}")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    return list(tensors)


def _result_dtype(tensors):
    from ._dtype import promote_types

    d = tensors[0].dtype
    for t in tensors[1:]:
        d = promote_types(d, t.dtype)
    return d


def cat(tensors: Sequence[Tensor], dim: _int = 0, *, out: Tensor | None = None) -> Tensor:
    """cat(tensors, dim=0, *, out=None) -> Tensor

    Concatenates along ``dim``; dtypes promote, 1-D empty tensors are skipped (as PyTorch does).

    >>> rustorch.cat([rustorch.ones(2, 3), rustorch.zeros(1, 3)]).shape
    rustorch.Size([3, 3])
    """
    tensors = _tensors(tensors, "cat")
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    devices = {t.device for t in tensors}
    if len(devices) > 1:
        a, b = sorted(str(d) for d in devices)[:2]
        raise RuntimeError(f"Expected all tensors to be on the same device, but found at least two devices, "
                           f"{a} and {b}!")
    dtype = _result_dtype(tensors)
    # (position in the list, tensor): the errors name the position.
    parts = [(i, t) for i, t in enumerate(tensors) if not (t.dim() == 1 and t.shape[0] == 0)]
    if not parts:
        result = _C_empty([0], dtype, tensors[0].device)
        return _into(result, out)
    ref = parts[0][1]
    for i, t in parts:
        if t.dim() == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    d = _wrap_dim(dim, ref.dim())
    for i, t in parts:
        if t.dim() != ref.dim():
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ref.dim()} and {t.dim()}")
        for j in range(ref.dim()):
            if j != d and t.shape[j] != ref.shape[j]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size "
                                   f"{ref.shape[j]} but got size {t.shape[j]} for tensor number {i} in the list.")
    shape = list(ref.shape)
    shape[d] = builtins.sum(t.shape[d] for _, t in parts)
    result = _C_empty(shape, dtype, ref.device)
    offset = 0
    for _, t in parts:
        n = t.shape[d]
        if n:
            result.narrow(d, offset, n).copy_(t)
        offset += n
    return _into(result, out)


concat = concatenate = cat


def _C_empty(shape, dtype, device):
    from ._creation import empty

    return empty(shape, dtype=dtype, device=device)


# PyTorch's names of a CPU tensor's type, as its expand() error prints them.
_TYPE_NAME = {"float32": "torch.FloatTensor", "float64": "torch.DoubleTensor", "float16": "torch.HalfTensor",
              "bfloat16": "CPUBFloat16Type", "int64": "torch.LongTensor", "int32": "torch.IntTensor",
              "int16": "torch.ShortTensor", "int8": "torch.CharTensor", "uint8": "torch.ByteTensor",
              "bool": "CPUBoolType"}


def _expand(t, target):
    """``t.expand(target)`` with PyTorch's errors (the innermost mismatching dim is the one named)."""
    target, shape = [_int(x) for x in target], list(t.shape)
    if len(target) < len(shape):
        raise RuntimeError(f"expand({_TYPE_NAME[t.dtype.name]}{{{shape}}}, size={target}): the number of sizes "
                           f"provided ({len(target)}) must be greater or equal to the number of dimensions in the "
                           f"tensor ({len(shape)})")
    for i in range(len(target) - 1, -1, -1):
        j = i - (len(target) - len(shape))
        size = shape[j] if j >= 0 else 1
        if size != target[i] and size != 1:
            raise RuntimeError(f"The expanded size of the tensor ({target[i]}) must match the existing size ({size}) "
                               f"at non-singleton dimension {i}.  Target sizes: {target}.  Tensor sizes: {shape}")
    return t if shape == target else t.expand(*target)


def _into(result, out):
    if out is None:
        return result
    if tuple(out.shape) != tuple(result.shape):
        raise RuntimeError(f"expected out to have shape {list(result.shape)}, but got {list(out.shape)}")
    return out.copy_(result)


def stack(tensors: Sequence[Tensor], dim: _int = 0, *, out: Tensor | None = None) -> Tensor:
    """stack(tensors, dim=0, *, out=None) -> Tensor

    Joins equally shaped tensors along a new dim.

    >>> rustorch.stack([rustorch.ones(2), rustorch.zeros(2)], dim=1).tolist()
    [[1.0, 0.0], [1.0, 0.0]]
    """
    tensors = _tensors(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    for i, t in enumerate(tensors):
        if tuple(t.shape) != tuple(tensors[0].shape):
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} at "
                               f"entry 0 and {list(t.shape)} at entry {i}")
    d = _wrap_dim(dim, tensors[0].dim() + 1)
    return cat([t.unsqueeze(d) for t in tensors], d, out=out)


@overload
def atleast_1d(tensor: Tensor, /) -> Tensor: ...
@overload
def atleast_1d(*tensors: Tensor | Sequence[Tensor]) -> tuple[Tensor, ...]: ...
def atleast_1d(*tensors):
    """atleast_1d(*tensors): 0-d tensors as 1-D views.

    >>> rustorch.atleast_1d(rustorch.tensor(1.0)).shape
    rustorch.Size([1])
    """
    r = [t.reshape(1) if t.dim() == 0 else t for t in _flat(tensors)]
    return r[0] if len(r) == 1 else tuple(r)


@overload
def atleast_2d(tensor: Tensor, /) -> Tensor: ...
@overload
def atleast_2d(*tensors: Tensor | Sequence[Tensor]) -> tuple[Tensor, ...]: ...
def atleast_2d(*tensors):
    """atleast_2d(*tensors): 0-d and 1-D tensors as 2-D views (a 1-D tensor becomes one row).

    >>> rustorch.atleast_2d(rustorch.ones(3)).shape
    rustorch.Size([1, 3])
    """
    r = [t.reshape(1, 1) if t.dim() == 0 else t.unsqueeze(0) if t.dim() == 1 else t for t in _flat(tensors)]
    return r[0] if len(r) == 1 else tuple(r)


@overload
def atleast_3d(tensor: Tensor, /) -> Tensor: ...
@overload
def atleast_3d(*tensors: Tensor | Sequence[Tensor]) -> tuple[Tensor, ...]: ...
def atleast_3d(*tensors):
    """atleast_3d(*tensors): as PyTorch: () -> (1, 1, 1), (n,) -> (1, n, 1), (m, n) -> (m, n, 1).

    >>> rustorch.atleast_3d(rustorch.ones(2, 3)).shape
    rustorch.Size([2, 3, 1])
    """
    def one(t):
        if t.dim() == 0:
            return t.reshape(1, 1, 1)
        if t.dim() == 1:
            return t.view(1, -1, 1)
        if t.dim() == 2:
            return t.unsqueeze(-1)
        return t

    r = [one(t) for t in _flat(tensors)]
    return r[0] if len(r) == 1 else tuple(r)


def _flat(tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return list(tensors[0])
    return list(tensors)


def hstack(tensors: Sequence[Tensor], *, out: Tensor | None = None) -> Tensor:
    """hstack(tensors, *, out=None) -> Tensor: columns side by side (1-D tensors end to end).

    >>> rustorch.hstack([rustorch.ones(2), rustorch.zeros(3)]).shape
    rustorch.Size([5])
    """
    ts = [atleast_1d(t) for t in _tensors(tensors, "hstack")]
    if not ts:
        raise RuntimeError("hstack expects a non-empty TensorList")
    return cat(ts, 0 if ts[0].dim() == 1 else 1, out=out)


def vstack(tensors: Sequence[Tensor], *, out: Tensor | None = None) -> Tensor:
    """vstack(tensors, *, out=None) -> Tensor: rows stacked (1-D tensors become rows).

    >>> rustorch.vstack([rustorch.ones(2), rustorch.zeros(2)]).shape
    rustorch.Size([2, 2])
    """
    ts = [atleast_2d(t) for t in _tensors(tensors, "vstack")]
    if not ts:
        raise RuntimeError("vstack expects a non-empty TensorList")
    return cat(ts, 0, out=out)


row_stack = vstack


def dstack(tensors: Sequence[Tensor], *, out: Tensor | None = None) -> Tensor:
    """dstack(tensors, *, out=None) -> Tensor: stacked along the third dim.

    >>> rustorch.dstack([rustorch.ones(2), rustorch.zeros(2)]).shape
    rustorch.Size([1, 2, 2])
    """
    ts = [atleast_3d(t) for t in _tensors(tensors, "dstack")]
    if not ts:
        raise RuntimeError("dstack expects a non-empty TensorList")
    return cat(ts, 2, out=out)


def split(tensor: Tensor, split_size_or_sections: _int | Sequence[_int], dim: _int = 0) -> tuple[Tensor, ...]:
    """split(tensor, split_size_or_sections, dim=0) -> tuple of views

    Pieces of ``split_size`` (the last may be smaller; a dim of size 0 gives one empty piece), or of
    the listed sizes.

    >>> [p.shape[0] for p in rustorch.split(rustorch.arange(5), 2)]
    [2, 2, 1]
    """
    if tensor.dim() == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = _wrap_dim(dim, tensor.dim())
    n = tensor.shape[d]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = [_int(s) for s in split_size_or_sections]
        if builtins.sum(sizes) != n or builtins.any(s < 0 for s in sizes):
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
                               f"dimension {d}), but got split_sizes={sizes}")
    else:
        size = _int(split_size_or_sections)
        if size < 0 or (size == 0 and n != 0):
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}"
                               if size == 0 else f"split expects split_size be non-negative, but got "
                               f"split_size={size}")
        # PyTorch: max(ceil(n / size), 1) pieces, so an empty dim still gives one (empty) piece.
        sizes = [size] * (n // size) + ([n % size] if n % size else []) if size and n else [0]
    out, start = [], 0
    for s in sizes:
        out.append(tensor.narrow(d, start, s))
        start += s
    return tuple(out)


def chunk(input: Tensor, chunks: _int, dim: _int = 0) -> tuple[Tensor, ...]:
    """chunk(input, chunks, dim=0) -> tuple of views: ``ceil(size / chunks)`` per piece, as PyTorch.

    >>> [p.shape[0] for p in rustorch.chunk(rustorch.arange(5), 3)]
    [2, 2, 1]
    """
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = _wrap_dim(dim, input.dim())
    n = input.shape[d]
    size = -(-n // chunks) if n else 0
    if size == 0:
        return tuple(input.narrow(d, 0, 0) for _ in range(builtins.min(chunks, 1) if n else chunks))
    return split(input, size, d)


def unbind(input: Tensor, dim: _int = 0) -> tuple[Tensor, ...]:
    """unbind(input, dim=0) -> tuple of views, one per index along ``dim``.

    >>> len(rustorch.unbind(rustorch.ones(3, 2)))
    3
    """
    d = _wrap_dim(dim, input.dim())
    return tuple(input.select(d, i) for i in range(input.shape[d]))


def _repeat(self, *sizes):
    """Tensor.repeat(*sizes): the tensor tiled ``sizes`` times along each dim (a copy).

    >>> rustorch.tensor([1, 2]).repeat(2, 2).tolist()
    [[1, 2, 1, 2], [1, 2, 1, 2]]
    """
    if len(sizes) == 1 and isinstance(sizes[0], (list, tuple)):
        sizes = tuple(sizes[0])
    sizes = [_int(s) for s in sizes]
    if len(sizes) < self.dim():
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of "
                           "tensor")
    shape = [1] * (len(sizes) - self.dim()) + list(self.shape)
    target = [r * s for r, s in zip(sizes, shape)]
    negative = [t for t in target if t < 0]
    if negative:  # PyTorch checks the result's sizes (a negative count of an empty dim gives 0)
        raise RuntimeError(f"Trying to create tensor with negative dimension {negative[0]}: {target}")
    if builtins.any(r < 0 for r in sizes):
        return _C_empty(target, self.dtype, self.device)
    x = self.reshape(*[v for s in shape for v in (1, s)])
    x = x.expand(*[v for r, s in zip(sizes, shape) for v in (r, s)])
    return x.reshape(*target)


def tile(input: Tensor, dims: _int | Sequence[_int]) -> Tensor:
    """tile(input, dims) -> Tensor: ``repeat`` with ``dims`` padded with leading ones.

    >>> rustorch.tile(rustorch.tensor([1, 2]), (2,)).tolist()
    [1, 2, 1, 2]
    """
    dims = [_int(d) for d in (dims if isinstance(dims, (list, tuple)) else [dims])]
    dims = [1] * (input.dim() - len(dims)) + dims
    return _repeat(input, *dims)


def repeat_interleave(input: Tensor, repeats: Tensor | _int | None = None, dim: _int | None = None, *,
                      output_size: _int | None = None) -> Tensor:
    """repeat_interleave(input, repeats, dim=None, *, output_size=None) -> Tensor

    Each element repeated ``repeats`` times (an int, or a 1-D tensor of counts per element);
    ``repeat_interleave(counts)`` alone gives ``0, 0, ..., 1, ...``.

    >>> rustorch.repeat_interleave(rustorch.tensor([1, 2]), 2).tolist()
    [1, 1, 2, 2]
    """
    if repeats is None:
        counts = input
        from ._creation import arange

        return repeat_interleave(arange(counts.shape[0], device=counts.device), counts, 0)
    x = input
    if dim is None:
        x, d = x.reshape(-1), 0
    else:
        d = _wrap_dim(dim, x.dim())
    n = x.shape[d]
    if isinstance(repeats, Tensor) and repeats.dim() == 1 and repeats.shape[0] != 1:
        counts = [_int(c) for c in repeats.tolist()]
        if len(counts) != n:
            raise RuntimeError("repeats must have the same size as input along dim, but got repeats.size(0) = "
                               f"{len(counts)} and input.size({d}) = {n}")
        if builtins.any(c < 0 for c in counts):
            raise RuntimeError("repeats can not be negative")
        shape = list(x.shape)
        shape[d] = builtins.sum(counts)
        result = _C_empty(shape, x.dtype, x.device)
        offset = 0
        for i, c in enumerate(counts):
            if c:
                piece = x.narrow(d, i, 1)
                result.narrow(d, offset, c).copy_(piece.expand(*[c if j == d else s for j, s in enumerate(piece.shape)]))
            offset += c
        return result
    r = _int(repeats.item() if isinstance(repeats, Tensor) else repeats)
    if r < 0:
        raise RuntimeError("repeats can not be negative")
    y = x.unsqueeze(d + 1)
    y = y.expand(*[r if j == d + 1 else s for j, s in enumerate(y.shape)])
    return y.reshape(*[s * r if j == d else s for j, s in enumerate(x.shape)])


def roll(input: Tensor, shifts: _int | Sequence[_int], dims: _int | Sequence[_int] | None = None) -> Tensor:
    """roll(input, shifts, dims=None) -> Tensor: elements shifted cyclically (flattened when no dims).

    >>> rustorch.roll(rustorch.arange(4), 1).tolist()
    [3, 0, 1, 2]
    """
    shifts = list(shifts) if isinstance(shifts, (list, tuple)) else [shifts]
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        return roll(input.reshape(-1), shifts, 0).view(input.shape)
    dims = list(dims) if isinstance(dims, (list, tuple)) else [dims]
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    x = input
    for s, dm in zip(shifts, dims):
        d = _wrap_dim(dm, x.dim())
        n = x.shape[d]
        if n == 0:
            continue
        s = _int(s) % n
        if s:
            x = cat([x.narrow(d, n - s, s), x.narrow(d, 0, n - s)], d)
    return x if x is not input else input.clone()


def _triangle(input, diagonal, lower, name):
    if input.dim() < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
    from ._creation import arange, zeros
    from ._functional import where

    n, m = input.shape[-2], input.shape[-1]
    rows = arange(n, device=input.device).view(-1, 1)
    cols = arange(m, device=input.device).view(1, -1)
    keep = (cols - rows <= diagonal) if lower else (cols - rows >= diagonal)
    return where(keep, input, zeros((), dtype=input.dtype, device=input.device))


def tril(input: Tensor, diagonal: _int = 0, *, out: Tensor | None = None) -> Tensor:
    """tril(input, diagonal=0, *, out=None) -> Tensor: the lower triangle (the rest zeroed).

    >>> rustorch.tril(rustorch.ones(2, 2)).tolist()
    [[1.0, 0.0], [1.0, 1.0]]
    """
    return _into(_triangle(input, _int(diagonal), True, "tril"), out)


def triu(input: Tensor, diagonal: _int = 0, *, out: Tensor | None = None) -> Tensor:
    """triu(input, diagonal=0, *, out=None) -> Tensor: the upper triangle (the rest zeroed).

    >>> rustorch.triu(rustorch.ones(2, 2)).tolist()
    [[1.0, 1.0], [0.0, 1.0]]
    """
    return _into(_triangle(input, _int(diagonal), False, "triu"), out)


def diagonal(input: Tensor, offset: _int = 0, dim1: _int = 0, dim2: _int = 1) -> Tensor:
    """diagonal(input, offset=0, dim1=0, dim2=1) -> Tensor: a view of the diagonal (last dim).

    >>> rustorch.diagonal(rustorch.arange(9).view(3, 3)).tolist()
    [0, 4, 8]
    """
    nd = input.dim()
    d1, d2 = _wrap_dim(dim1, nd), _wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    offset = _int(offset)
    size, stride = list(input.shape), list(input.stride())
    if offset >= 0:
        length = builtins.max(0, builtins.min(size[d1], size[d2] - offset))
        start = offset * stride[d2]
    else:
        length = builtins.max(0, builtins.min(size[d1] + offset, size[d2]))
        start = -offset * stride[d1]
    if length == 0:
        start = 0
    keep = [d for d in range(nd) if d not in (d1, d2)]
    return input.as_strided([size[d] for d in keep] + [length], [stride[d] for d in keep] + [stride[d1] + stride[d2]],
                            input.storage_offset() + start)


_diagonal_view = diagonal  # `diag` and `trace` take an argument named diagonal


def diag(input: Tensor, diagonal: _int = 0, *, out: Tensor | None = None) -> Tensor:
    """diag(input, diagonal=0, *, out=None) -> Tensor

    A 1-D input becomes a square matrix with it on the ``diagonal``-th diagonal; a 2-D input gives
    a copy of that diagonal.

    >>> rustorch.diag(rustorch.tensor([1, 2])).tolist()
    [[1, 0], [0, 2]]
    """
    d = _int(diagonal)
    if input.dim() == 1:
        n = input.shape[0] + builtins.abs(d)
        from ._creation import zeros

        result = zeros(n, n, dtype=input.dtype, device=input.device)
        _diagonal_view(result, d).copy_(input)
        return _into(result, out)
    if input.dim() == 2:
        return _into(_diagonal_view(input, d).clone(), out)
    raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " + f"{input.dim()}D")


def trace(input: Tensor) -> Tensor:
    """trace(input) -> Tensor: the sum of a matrix's main diagonal.

    >>> rustorch.trace(rustorch.arange(9).view(3, 3)).item()
    12
    """
    from ._dtype import bool_

    if input.dtype is bool_:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    if input.dim() != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.dim()}")
    return _diagonal_view(input).sum()


def flip(input: Tensor, dims: _int | Sequence[_int]) -> Tensor:
    """flip(input, dims) -> Tensor: a copy with the order of ``dims`` reversed (one gather per dim).

    >>> rustorch.flip(rustorch.arange(4).view(2, 2), [0, 1]).tolist()
    [[3, 2], [1, 0]]
    """
    from ._creation import arange
    from ._index_ops import index_select

    dims = list(dims) if isinstance(dims, (list, tuple)) else [dims]
    wrapped = [_wrap_dim(_int(d), input.dim()) for d in dims]
    for j, d in enumerate(wrapped):
        if d in wrapped[:j]:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    x = input
    for d in wrapped:
        n = x.shape[d] if x.dim() else 1
        if x.dim() and n > 1:
            x = index_select(x, d, arange(n - 1, -1, -1, device=x.device))
    return x.clone() if x is input else x


def fliplr(input: Tensor) -> Tensor:
    """fliplr(input) -> Tensor: columns reversed (dim 1).

    >>> rustorch.fliplr(rustorch.tensor([[1, 2]])).tolist()
    [[2, 1]]
    """
    if input.dim() < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, [1])


def flipud(input: Tensor) -> Tensor:
    """flipud(input) -> Tensor: rows reversed (dim 0).

    >>> rustorch.flipud(rustorch.tensor([1, 2])).tolist()
    [2, 1]
    """
    if input.dim() < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, [0])


def _unfold(self, dimension, size, step):
    """Tensor.unfold(dimension, size, step): a view of every ``size``-long window, ``step`` apart.

    >>> rustorch.arange(5).unfold(0, 2, 2).tolist()
    [[0, 1], [2, 3]]
    """
    nd = self.dim()
    d = _wrap_dim(dimension, nd) if nd else 0
    n = self.shape[d] if nd else 1
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    shape, stride = list(self.shape), list(self.stride())
    if nd == 0:
        return self.as_strided([size], [1], self.storage_offset())
    shape[d] = (n - size) // step + 1
    st = stride[d]
    stride[d] = st * step
    return self.as_strided(shape + [size], stride + [st], self.storage_offset())


for _name, _fn in (("split", split), ("chunk", chunk), ("unbind", unbind), ("tile", tile),
                   ("repeat_interleave", repeat_interleave), ("roll", roll), ("tril", tril), ("triu", triu),
                   ("diagonal", diagonal), ("diag", diag), ("trace", trace), ("fliplr", fliplr), ("flipud", flipud)):
    setattr(Tensor, _name, _method(_fn))
Tensor.repeat = _repeat


def _flip_method(self, *dims):
    return flip(self, dims[0] if len(dims) == 1 and isinstance(dims[0], (list, tuple)) else list(dims))


Tensor.flip = _flip_method
Tensor.unfold = _unfold


def _tri_(lower):
    def method(self, diagonal=0):
        return self.copy_(_triangle(self, _int(diagonal), lower, "tril_" if lower else "triu_"))

    method.__name__ = "tril_" if lower else "triu_"
    return method


Tensor.tril_ = _tri_(True)
Tensor.triu_ = _tri_(False)
del _name, _fn

__all__ = ["cat", "concat", "concatenate", "stack", "hstack", "vstack", "row_stack", "dstack", "atleast_1d",
           "atleast_2d", "atleast_3d", "split", "chunk", "unbind", "tile", "repeat_interleave", "roll", "tril", "triu",
           "diagonal", "diag", "trace", "flip", "fliplr", "flipud"]
