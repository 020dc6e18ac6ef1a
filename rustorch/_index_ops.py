"""Index ops: gather, scatter (+add, +reduce), index_select/add/copy/fill, take, masked_fill/select/
scatter, nonzero/argwhere, where(condition).

Three native kernels carry them all (``_C.gather``, ``_C.scatter_``, ``_C.nonzero``, each on cpu and
wgpu); the rest are views of the index (a 1-D index expanded with stride 0 to a gather/scatter
index) and masks turned into positions. Index bounds are checked with the exception type and words
PyTorch uses for each op: before a kernel runs on the CPU; on wgpu, without waiting, at the next
synchronisation point (``_C.check_range``; kernels skip an index outside its dimension meanwhile)."""

from __future__ import annotations

import builtins
import os
import sys
import warnings
from typing import TYPE_CHECKING, overload

from . import _C
from ._dtype import TORCH_NAME, bool_, int32, int64, uint8
from ._functional import _method
from ._tensor import Tensor, _wrap, _wrap_dim

if TYPE_CHECKING:
    from typing import Literal

    from ._typing import Number, NumberLike, TensorOrNumber, _bool, _int

# (PyTorch 2 also takes "max" and "min" for amax and amin, though its error lists only the five)
_REDUCE = {"sum": "sum", "prod": "prod", "mean": "mean", "amax": "amax", "amin": "amin", "max": "amax",
           "min": "amin"}
_LEGACY = {"add": "sum", "multiply": "prod"}


# Which index dtypes each op takes (PyTorch 2's rules) and its words for the others: gather and
# the scatters take int32 too (converted to int64 for the kernels), as do index_select and
# index_add; index_copy, index_fill and take want int64.
_INDEX_RULES = {
    "gather": (True, RuntimeError, "gather(): Expected dtype int32/int64 for index"),
    "scatter": (True, RuntimeError, "scatter(): Expected dtype int32/int64 for index"),
    "scatter_add": (True, RuntimeError, "scatter(): Expected dtype int32/int64 for index"),
    "scatter_reduce": (True, RuntimeError, "scatter(): Expected dtype int32/int64 for index"),
    "index_select": (True, RuntimeError, "index_select(): Expected dtype int32 or int64 for index"),
    "index_add": (True, RuntimeError, "index_add_(): Expected dtype int32/int64 for index but got: {T}"),
    "index_copy": (False, RuntimeError, "index_copy_(): Expected a long tensor for index, but got {T}"),
    "index_fill": (False, IndexError, "index_fill_(): Expected dtype int64 for index."),
    "take": (False, RuntimeError, "take(): Expected a long tensor for index, but got {T}"),
}


def _check_index(index, fn):
    """``index`` as int64, or PyTorch's error for a dtype ``fn`` does not take."""
    if not isinstance(index, Tensor):
        raise TypeError(f"{fn}(): argument 'index' must be Tensor, not {type(index).__name__}")
    takes_int32, exc, msg = _INDEX_RULES[fn]
    if index.dtype is int64:
        return index
    if index.dtype is int32 and takes_int32:
        return index.to(int64)
    raise exc(msg.replace("{T}", TORCH_NAME[index.dtype.name]))


def _check_range(index, low, high, fn, exc, message):
    """Every value of ``index`` in ``[low, high)``, else ``exc`` ("index" or "runtime") with ``message``,
    its ``{}`` the smallest value below or else the largest above. Raised here on the CPU; on a device at
    the next synchronisation point (no read-back stalls the queue here), as CUDA's device-side asserts."""
    _C.check_range(index._c, low, high, fn, exc, message)


def _size(t, d):
    return t.shape[d] if t.dim() else 1


def gather(input: Tensor, dim: _int, index: Tensor, *, sparse_grad: _bool = False, out: Tensor | None = None) -> Tensor:
    """gather(input, dim, index, *, sparse_grad=False, out=None) -> Tensor

    ``out[i][j] = input[index[i][j]][j]`` for dim 0 (and likewise for other dims).

    >>> rustorch.gather(rustorch.tensor([[1, 2], [3, 4]]), 1, rustorch.tensor([[0, 0], [1, 0]])).tolist()
    [[1, 1], [4, 3]]
    """
    index = _check_index(index, "gather")
    d = _wrap_dim(dim, input.dim())
    r = _wrap(_C.gather(input._c, d, index._c))
    return r if out is None else out.copy_(r)


def _scatter_into(self, dim, index, src, reduce, include_self, fn):
    index = _check_index(index, fn)
    d = _wrap_dim(dim, self.dim())
    if reduce == "mean" and self.dtype is bool_:
        # PyTorch's scatter kernel refuses bool; with nothing to scatter, the division by the counts does
        kernel = "scatter_gather_tensor_cpu_reduce_mean" if index.numel() else "div_floor_cpu"
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")
    value = src._c if isinstance(src, Tensor) else src
    _C.scatter_(self._c, d, index._c, value, reduce, include_self)
    return self


_warned = []


def _user_warning(msg):
    """A UserWarning attributed to the first calling line outside rustorch."""
    here, level, f = os.path.dirname(__file__), 2, sys._getframe(1)
    while f is not None and f.f_code.co_filename.startswith(here):
        f, level = f.f_back, level + 1
    warnings.warn(msg, UserWarning, stacklevel=level)


def _scatter_(self, dim, index, src=None, value=None, *, reduce=None):
    if src is None:
        src = value
    if reduce is not None and reduce not in _LEGACY:
        raise RuntimeError(f"reduce argument must be either add or multiply. Got {reduce}")
    if reduce is not None and isinstance(src, Tensor) and not _warned:
        _warned.append(True)  # PyTorch warns once per process
        _user_warning("The reduce argument of torch.scatter with Tensor src is deprecated and will be removed in a "
                      "future PyTorch release. Use torch.scatter_reduce instead for more reduction options.")
    return _scatter_into(self, dim, index, src, _LEGACY.get(reduce, "none"), True, "scatter")


def scatter(input: Tensor, dim: _int, index: Tensor, src: TensorOrNumber | None = None, value: NumberLike | None = None,
            *, reduce: str | None = None) -> Tensor:
    """scatter(input, dim, index, src, *, reduce=None) -> Tensor

    A copy of ``input`` with ``src`` (a tensor or a number) written at ``index`` along ``dim``.

    >>> rustorch.scatter(rustorch.zeros(3), 0, rustorch.tensor([2, 0]), rustorch.tensor([5.0, 7.0])).tolist()
    [7.0, 0.0, 5.0]
    """
    return _scatter_(input.clone(), dim, index, src, value, reduce=reduce)


def _scatter_add_(self, dim, index, src):
    return _scatter_into(self, dim, index, src, "sum", True, "scatter_add")


def scatter_add(input: Tensor, dim: _int, index: Tensor, src: Tensor) -> Tensor:
    """scatter_add(input, dim, index, src) -> Tensor: ``src`` summed into a copy of ``input`` at ``index``.

    >>> rustorch.scatter_add(rustorch.zeros(2), 0, rustorch.tensor([1, 1, 0]), rustorch.ones(3)).tolist()
    [1.0, 2.0]
    """
    return _scatter_add_(input.clone(), dim, index, src)


def _scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
    if reduce not in _REDUCE:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    return _scatter_into(self, dim, index, src, _REDUCE[reduce], builtins.bool(include_self), "scatter_reduce")


def scatter_reduce(input: Tensor, dim: _int, index: Tensor, src: Tensor, reduce: str, *,
                   include_self: _bool = True) -> Tensor:
    """scatter_reduce(input, dim, index, src, reduce, *, include_self=True) -> Tensor

    ``src`` reduced ("sum", "prod", "mean", "amax", "amin") into a copy of ``input`` at ``index``.

    >>> x = rustorch.tensor([1.0, 2.0])
    >>> rustorch.scatter_reduce(x, 0, rustorch.tensor([0, 0]), rustorch.tensor([5.0, 3.0]), "amax").tolist()
    [5.0, 2.0]
    """
    return _scatter_reduce_(input.clone(), dim, index, src, reduce, include_self=include_self)


def _vector_index(index, fn):
    """A 0-d or 1-D index as 1-D int64, checked in PyTorch's order with its words for ``fn``."""
    if not isinstance(index, Tensor):
        raise TypeError(f"{fn}(): argument 'index' must be Tensor, not {type(index).__name__}")
    if fn == "index_fill":  # the dtype first, then the rank
        index = _check_index(index, fn)
        if index.dim() > 1:
            raise RuntimeError("Index has to be a vector/scalar")
    elif index.dim() > 1:
        raise IndexError({"index_add": f"index_add_(): Index is supposed to be a vector, but got dim: "
                                       f"{index.dim()} with type: {TORCH_NAME[index.dtype.name]} and size: "
                                       f"{list(index.shape)}",
                          "index_copy": f"index_copy_(): Index should have dimension 1 or 0 (got {index.dim()})"}
                         .get(fn, f"{fn}(): Index is supposed to be a vector"))
    return index.reshape(-1)


def _slice_shape(shape, d):
    return [s for j, s in enumerate(shape) if j != d]


def _check_index_put(self, d, index, source, fn):
    """index_add / index_copy: PyTorch's checks of the index and the source (shapes, dtypes), in its
    order; the index as 1-D int64."""
    if not isinstance(source, Tensor):
        raise TypeError(f"{fn}(): argument 'source' must be Tensor, not {type(source).__name__}")
    index = _vector_index(index, fn)
    n_index = index.numel()
    s_name, t_name = TORCH_NAME[self.dtype.name], TORCH_NAME[source.dtype.name]
    if fn == "index_copy":
        if source.dim() == 0 and n_index != 1:
            raise IndexError(f"index_copy_(): When source is scalar, index should have one element (got {n_index})")
        if source.dim() != self.dim() and source.dim() and self.dim():
            raise IndexError(f"index_copy_(): When source and destination are not scalars, their dimensionality must "
                             f"match. Source dimensionality ({source.dim()}), destination dimensionality "
                             f"({self.dim()})")
        index = _check_index(index, fn)
        if self.dtype != source.dtype:
            raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, but got (self) "
                               f"{s_name} and (source) {t_name}")
        dst, src = _slice_shape(self.shape, d), _slice_shape(source.shape, d)
        if dst != src:
            raise RuntimeError(f"index_copy_(): Source/destination tensor must have same slice shapes. Destination "
                               f"slice shape: {' '.join(map(str, dst))} at dimension {d} and source slice shape: "
                               f"{' '.join(map(str, src))} at dimension 0.")
        if source.dim() and n_index != source.shape[d]:
            raise IndexError(f"index_copy_(): Number of indices ({n_index}) should be equal to source.size(dim) "
                             f"({source.shape[d]})")
    else:
        index = _check_index(index, fn)
        if self.dtype != source.dtype:
            raise RuntimeError(f"index_add_(): self ({s_name}) and source ({t_name}) must have the same scalar type")
        if d != 0 and d >= source.dim():
            raise RuntimeError(f"index_add_(): Indexing dim {d} is out of bounds of the source tensor with dim "
                               f"{source.dim()}")
        size = source.shape[d] if source.dim() else 1
        if n_index != size:
            raise RuntimeError(f"index_add_(): Number of indices ({n_index}) should be equal to source.size(dim): "
                               f"({size}), for dim: {d}")
        both = source.dim() and self.dim()
        if (_slice_shape(self.shape, d) if both else list(self.shape)) != (
                _slice_shape(source.shape, d) if both else list(source.shape)):
            raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the specified dimension. "
                               f"Got self.shape = {list(self.shape)} source.shape = {list(source.shape)}")
    return index


def _along(index, shape, d):
    """A 1-D index as a gather/scatter index of ``shape``: a view with stride 0 off ``d``."""
    view = [1] * len(shape)
    view[d] = index.shape[0]
    return index.view(*view).expand(*shape) if shape else index.view(())


def index_select(input: Tensor, dim: _int, index: Tensor, *, out: Tensor | None = None) -> Tensor:
    """index_select(input, dim, index, *, out=None) -> Tensor: the entries ``index`` along ``dim``.

    >>> rustorch.index_select(rustorch.tensor([[1, 2], [3, 4]]), 0, rustorch.tensor([1])).tolist()
    [[3, 4]]
    """
    d = _wrap_dim(dim, input.dim())
    index = _check_index(_vector_index(index, "index_select"), "index_select")
    _check_range(index, 0, _size(input, d), "index_select", "index", "index out of range in self")
    if input.dim() == 0:
        r = input.clone() if index.numel() else input.reshape(1)[0:0]
        return r if out is None else out.copy_(r)
    shape = list(input.shape)
    shape[d] = index.shape[0]
    r = _wrap(_C.gather(input._c, d, _along(index, shape, d)._c))
    return r if out is None else out.copy_(r)


def _index_write(self, dim, index, source, reduce, fn, alpha=1):
    d = _wrap_dim(dim, self.dim())
    if fn == "index_fill":
        index = _vector_index(index, fn)
    else:
        index = _check_index_put(self, d, index, source, fn)
    n = _size(self, d)
    msg = f"index {{}} is out of bounds for dimension {d} with size {n}"
    if fn == "index_fill":  # index_fill alone counts negative indices from the end
        _check_range(index, -n, n, "index_fill_", "index", msg)
        index = index + (index < 0).to(int64) * n
    elif fn == "index_add":
        _check_range(index, 0, n, "index_add_", "runtime", msg)
    else:
        _check_range(index, 0, n, "index_copy_", "index", f"index_copy_(): {msg}")
    if isinstance(source, Tensor):
        shape = list(source.shape)
        if alpha != 1:  # alpha in self's dtype, as PyTorch's kernel takes it
            source = source * (alpha if self.is_floating_point() else builtins.int(alpha)
                               if self.dtype is not bool_ else builtins.bool(alpha))
        if source.dtype != self.dtype:
            source = source.to(self.dtype)
        idx = _along(index, shape, d) if shape else index.view(())
    else:
        shape = list(self.shape)
        shape[d] = index.shape[0]
        idx = _along(index, shape, d)
    _C.scatter_(self._c, d, idx._c, source._c if isinstance(source, Tensor) else source, reduce, True)
    return self


def _index_add_(self, dim, index, source, *, alpha=1):
    return _index_write(self, dim, index, source, "sum", "index_add", alpha)


def _index_copy_(self, dim, index, source):
    return _index_write(self, dim, index, source, "none", "index_copy")


def _index_fill_(self, dim, index, value):
    if isinstance(value, Tensor):
        value = value.item()
    return _index_write(self, dim, index, value, "none", "index_fill")


def index_add(input: Tensor, dim: _int, index: Tensor, source: Tensor, *, alpha: Number = 1) -> Tensor:
    """index_add(input, dim, index, source, *, alpha=1) -> Tensor: ``alpha * source`` added at ``index``.

    >>> rustorch.index_add(rustorch.zeros(3), 0, rustorch.tensor([0, 0, 2]), rustorch.ones(3)).tolist()
    [2.0, 0.0, 1.0]
    """
    return _index_add_(input.clone(), dim, index, source, alpha=alpha)


def index_copy(input: Tensor, dim: _int, index: Tensor, source: Tensor) -> Tensor:
    """index_copy(input, dim, index, source) -> Tensor: ``source``'s slices written at ``index``.

    >>> rustorch.index_copy(rustorch.zeros(3), 0, rustorch.tensor([2]), rustorch.ones(1)).tolist()
    [0.0, 0.0, 1.0]
    """
    return _index_copy_(input.clone(), dim, index, source)


def index_fill(input: Tensor, dim: _int, index: Tensor, value: TensorOrNumber) -> Tensor:
    """index_fill(input, dim, index, value) -> Tensor: the slices at ``index`` set to ``value``.

    >>> rustorch.index_fill(rustorch.zeros(3), 0, rustorch.tensor([1]), 5.0).tolist()
    [0.0, 5.0, 0.0]
    """
    return _index_fill_(input.clone(), dim, index, value)


def take(input: Tensor, index: Tensor) -> Tensor:
    """take(input, index) -> Tensor: ``input`` read as 1-D at ``index`` (negative counts from the end).

    >>> rustorch.take(rustorch.tensor([[1, 2], [3, 4]]), rustorch.tensor([0, -1])).tolist()
    [1, 4]
    """
    index = _check_index(index, "take")
    n = input.numel()
    _check_range(index, -n, n, "take", "index", f"out of range: tried to access index {{}} on a tensor of {n} elements.")
    flat = index.reshape(-1)
    flat = flat + (flat < 0).to(int64) * n
    return _wrap(_C.gather(input.reshape(-1)._c, 0, flat._c)).view(index.shape)


def _check_mask(mask, fn):
    if not isinstance(mask, Tensor):
        raise TypeError(f"{fn}(): argument 'mask' must be Tensor, not {type(mask).__name__}")
    if mask.dtype != bool_:
        raise RuntimeError(f"{fn} only supports boolean masks, but got mask with dtype {_c_type(mask.dtype)}")
    return mask


def _c_type(dtype):
    return {"int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
            "uint8": "unsigned char", "bool": "bool", "float32": "float", "float64": "double", "float16": "c10::Half",
            "bfloat16": "c10::BFloat16"}.get(str(dtype).split(".")[-1], str(dtype))


def _check_fill_value(value):
    if isinstance(value, Tensor) and value.dim():
        raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.dim()} dimension(s).")


def _masked_fill_(self, mask, value):
    _check_fill_value(value)
    mask = _check_mask(mask, "masked_fill_")
    from ._functional import where

    return self.copy_(where(mask, value, self))


def masked_fill(input: Tensor, mask: Tensor, value: TensorOrNumber) -> Tensor:
    """masked_fill(input, mask, value) -> Tensor: ``value`` where ``mask`` (broadcast) is True.

    >>> rustorch.masked_fill(rustorch.zeros(3), rustorch.tensor([True, False, True]), 2.0).tolist()
    [2.0, 0.0, 2.0]
    """
    _check_fill_value(value)
    mask = _check_mask(mask, "masked_fill_")
    from ._functional import where

    return where(mask, value, input).to(input.dtype)


@overload
def nonzero(input: Tensor, *, out: Tensor | None = None, as_tuple: Literal[False] = False) -> Tensor: ...
@overload
def nonzero(input: Tensor, *, out: Tensor | None = None, as_tuple: Literal[True]) -> tuple[Tensor, ...]: ...
def nonzero(input, *, out=None, as_tuple=False):
    """nonzero(input, *, out=None, as_tuple=False) -> Tensor or tuple of Tensors

    The indices of the non-zero elements: an [n, ndim] int64 tensor, or one 1-D tensor per dim.

    >>> rustorch.nonzero(rustorch.tensor([0, 3, 0, 4])).tolist()
    [[1], [3]]
    """
    r = _wrap(_C.nonzero(input._c))
    if as_tuple:
        if input.dim() == 0:  # PyTorch: (tensor([0]),) for a non-zero scalar, else one empty tensor
            return (_zeros_long(r.shape[0], input.device),)
        return tuple(r.select(1, j) for j in range(r.shape[1]))
    return r if out is None else out.copy_(r)


def _zeros_long(n, device):
    from ._creation import zeros

    return zeros(n, dtype=int64, device=device)


def argwhere(input: Tensor) -> Tensor:
    """argwhere(input) -> Tensor: ``nonzero(input)``.

    >>> rustorch.argwhere(rustorch.tensor([[0, 1], [1, 0]])).tolist()
    [[0, 1], [1, 0]]
    """
    return nonzero(input)


def _positions(mask):
    return nonzero(mask.reshape(-1)).view(-1)


def masked_select(input: Tensor, mask: Tensor, *, out: Tensor | None = None) -> Tensor:
    """masked_select(input, mask, *, out=None) -> Tensor: the elements where ``mask`` (broadcast) holds, 1-D.

    >>> rustorch.masked_select(rustorch.tensor([[1, 2], [3, 4]]), rustorch.tensor([True, False])).tolist()
    [1, 3]
    """
    if not isinstance(mask, Tensor):
        raise TypeError(f"masked_select(): argument 'mask' (position 2) must be Tensor, not {type(mask).__name__}")
    if mask.dtype != bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    from ._linalg import _broadcast_shapes

    shape = _broadcast_shapes(input.shape, mask.shape)
    x, m = input.expand(*shape), mask.expand(*shape)
    r = _wrap(_C.gather(x.reshape(-1)._c, 0, _positions(m)._c))
    return r if out is None else out.copy_(r)


def _masked_scatter_(self, mask, source):
    if not isinstance(mask, Tensor) or not isinstance(source, Tensor):
        bad, name = (mask, "mask") if not isinstance(mask, Tensor) else (source, "source")
        raise TypeError(f"masked_scatter_(): argument '{name}' must be Tensor, not {type(bad).__name__}")
    if self.dtype != source.dtype:  # (sic: no space after "got")
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got"
                           f"{TORCH_NAME[self.dtype.name]} and {TORCH_NAME[source.dtype.name]}")
    if mask.dtype is uint8:
        _user_warning("masked_scatter_ received a mask with dtype torch.uint8, this behavior is now deprecated,"
                      "please use a mask with dtype torch.bool instead.")
    if mask.dtype != bool_:
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with dtype "
                           f"{TORCH_NAME[mask.dtype.name]}")
    from ._shape import _expand

    m = _expand(mask, self.shape)
    pos = _positions(m)
    k = pos.shape[0]
    if source.numel() < k:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    flat = self.reshape(-1) if self.is_contiguous() else None
    target = flat if flat is not None else self.contiguous().reshape(-1)
    _C.scatter_(target._c, 0, pos._c, source.reshape(-1).narrow(0, 0, k).to(self.dtype)._c, "none", True)
    if flat is None:
        self.copy_(target.view(self.shape))
    return self


def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """masked_scatter(input, mask, source) -> Tensor: ``source``'s elements, in order, where ``mask`` holds.

    >>> rustorch.masked_scatter(rustorch.zeros(3), rustorch.tensor([True, False, True]), rustorch.ones(3)).tolist()
    [1.0, 0.0, 1.0]
    """
    if isinstance(mask, Tensor) and tuple(mask.shape) != tuple(input.shape):
        from ._linalg import _broadcast_shapes  # mask and input broadcast together (PyTorch's out-of-place rule)

        shape = _broadcast_shapes(mask.shape, input.shape)
        mask, input = mask.expand(*shape), input.expand(*shape)
    return _masked_scatter_(input.clone(), mask, source)


for _name, _fn in (("gather", gather), ("scatter", scatter), ("scatter_add", scatter_add),
                   ("scatter_reduce", scatter_reduce), ("index_select", index_select), ("index_add", index_add),
                   ("index_copy", index_copy), ("index_fill", index_fill), ("take", take),
                   ("masked_fill", masked_fill), ("nonzero", nonzero), ("argwhere", argwhere),
                   ("masked_select", masked_select), ("masked_scatter", masked_scatter)):
    setattr(Tensor, _name, _method(_fn))
Tensor.scatter_ = _scatter_
Tensor.scatter_add_ = _scatter_add_
Tensor.scatter_reduce_ = _scatter_reduce_
Tensor.index_add_ = _index_add_
Tensor.index_copy_ = _index_copy_
Tensor.index_fill_ = _index_fill_
Tensor.masked_fill_ = _masked_fill_
Tensor.masked_scatter_ = _masked_scatter_
del _name, _fn

__all__ = ["gather", "scatter", "scatter_add", "scatter_reduce", "index_select", "index_add", "index_copy",
           "index_fill", "take", "masked_fill", "nonzero", "argwhere", "masked_select", "masked_scatter"]
