"""``Tensor.__getitem__`` / ``__setitem__`` with PyTorch's semantics.

Basic indices (ints, slices with positive steps, None, Ellipsis) make a view: an int selects, a slice
narrows and strides, None inserts a dim. Advanced indices (integer tensors, lists, numpy arrays, bool
masks, Python bools) copy: they broadcast together, and their result dims go where the first one
stands when they are adjacent, else first (as in PyTorch and numpy). An advanced index becomes, for
every element of the result, its offset in the tensor's storage (int64 arithmetic on the device),
then one gather (read) or scatter (write) over the storage seen as 1-D: every device runs it with
the index kernels, and no index reaches a kernel before it is bounds-checked.
"""

import builtins
import warnings
import numbers

import numpy as np

from ._dtype import TORCH_NAME, bool_, int8, int16, int64, uint8
from ._tensor import Tensor

_int = builtins.int


def _is_int(i):
    return isinstance(i, (numbers.Integral, np.integer)) and not isinstance(i, builtins.bool)


def _byte_mask_warning():
    warnings.warn("indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool instead.",
                  UserWarning, stacklevel=4)


def _as_index_tensor(i, device):
    """A list / numpy array / tensor index as a tensor on ``device`` (bool stays bool)."""
    from ._creation import tensor

    if isinstance(i, Tensor):
        if i.is_floating_point() or i.dtype in (int16, int8):
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        if i.dtype is uint8:
            _byte_mask_warning()
            i = i.to(bool_)
        return i if i.device == device else i.to(device)
    arr = np.asarray(i)
    if arr.dtype == np.uint8:  # a byte array is a mask, as a uint8 tensor is
        _byte_mask_warning()
        arr = arr.astype(np.bool_)
    if arr.dtype == np.bool_:
        return tensor(arr, device=device)
    if arr.size and arr.dtype.kind not in "iu":
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    return tensor(arr.astype(np.int64), device=device)


def _parse(self, index):
    """The index as (basic index for the view, advanced entries as (view dim, tensor)), where
    advanced entries are kept as full slices in the basic index."""
    if not isinstance(index, tuple):
        index = (index,)
    entries = []
    for i in index:
        if i is None or i is Ellipsis or isinstance(i, slice) or _is_int(i):
            entries.append(i)
        elif isinstance(i, builtins.bool):
            entries.append(("bool", i))
        elif isinstance(i, Tensor) and i.dim() == 0 and i.dtype not in (bool_,) and not i.is_floating_point():
            entries.append(_int(i.item()))
        else:
            entries.append(("adv", _as_index_tensor(i, self.device)))
    # A bool mask of k dims indexes k dims; a Python bool indexes none (it adds one, like None).
    consumed = 0
    for e in entries:
        if e is None or e is Ellipsis:
            continue
        if isinstance(e, tuple):
            if e[0] == "bool":
                continue
            consumed += e[1].dim() if e[1].dtype == bool_ else 1
        else:
            consumed += 1
    if consumed > self.dim():
        raise IndexError(f"too many indices for tensor of dimension {self.dim()}")
    shape, stride, offset = list(self.shape), list(self.stride()), self.storage_offset()
    out_shape, out_stride, adv = [], [], []
    d, expanded = 0, False
    for e in entries:
        if e is Ellipsis:
            # The first ellipsis takes the dims no index names; PyTorch lets later ones take none.
            n = self.dim() - consumed if not expanded else 0
            expanded = True
            out_shape += shape[d:d + n]
            out_stride += stride[d:d + n]
            d += n
        elif e is None:
            out_shape.append(1)
            out_stride.append(0)
        elif isinstance(e, slice):
            size = shape[d]
            if e.step is not None and _int(e.step) <= 0:
                raise ValueError("step must be greater than zero")
            start, stop, step = e.indices(size) if size else (0, 0, 1)
            n = builtins.max(0, (stop - start + step - 1) // step)
            out_shape.append(n)
            out_stride.append(stride[d] * step)
            if n:
                offset += start * stride[d]
            d += 1
        elif isinstance(e, tuple) and e[0] == "bool":
            # A Python bool is a 0-d bool mask: a new dim of 1 (True) or 0 (False), advanced.
            out_shape.append(1)
            out_stride.append(0)
            from ._creation import zeros

            adv.append((len(out_shape) - 1, zeros(1 if e[1] else 0, dtype=int64, device=self.device)))
        elif isinstance(e, tuple):
            t = e[1]
            if t.dtype == bool_:
                k = t.dim()
                for j in range(k):
                    if t.shape[j] != shape[d + j]:
                        raise IndexError(f"The shape of the mask {list(t.shape)} at index {j} does not match the shape "
                                         f"of the indexed tensor {list(self.shape)} at index {d + j}")
                from ._index_ops import nonzero

                cols = nonzero(t, as_tuple=True) if k else ()
                for j in range(k):
                    out_shape.append(shape[d + j])
                    out_stride.append(stride[d + j])
                    adv.append((len(out_shape) - 1, cols[j]))
                if k == 0:  # a 0-d bool tensor: like a Python bool
                    out_shape.append(1)
                    out_stride.append(0)
                    from ._creation import zeros

                    adv.append((len(out_shape) - 1, zeros(_int(bool(t.item())), dtype=int64, device=self.device)))
                d += k
            else:
                out_shape.append(shape[d])
                out_stride.append(stride[d])
                adv.append((len(out_shape) - 1, t.to(int64)))
                d += 1
        else:
            v, size = _int(e), shape[d]
            if not -size <= v < size:
                raise IndexError(f"index {v} is out of bounds for dimension {d} with size {size}")
            offset += (v + size if v < 0 else v) * stride[d]
            d += 1
    out_shape += shape[d:]
    out_stride += stride[d:]
    return self.as_strided(out_shape, out_stride, offset), adv


def _offsets(view, adv, read=False):
    """(result shape, int64 storage offset of every result element) for the advanced entries. A ``read``
    (getitem) on a device checks the indices there, raising at the next synchronisation point: a bad
    offset can only read the wrong element or none (the gather skips offsets outside the storage). A
    write checks at the call (it would land beside the view)."""
    from ._creation import arange
    from ._linalg import _broadcast_shapes

    dims = [p for p, _ in adv]
    bshape = []
    for _, t in adv:
        bshape = _broadcast_shapes(bshape, t.shape)
    shape, stride = list(view.shape), list(view.stride())
    for p, t in adv:
        if t.numel() and read:
            from ._index_ops import _C as C

            C.check_range(t._c, -shape[p], shape[p], "index", "index",
                          f"index {{}} is out of bounds for dimension {p} with size {shape[p]}")
        elif t.numel():
            lo, hi = _int(t.amin().item()), _int(t.amax().item())
            if lo < -shape[p] or hi >= shape[p]:
                raise IndexError(f"index {lo if lo < -shape[p] else hi} is out of bounds for dimension {p} with "
                                 f"size {shape[p]}")
    adjacent = dims == list(range(dims[0], dims[0] + len(dims)))
    rest = [d for d in range(view.dim()) if d not in dims]
    if adjacent:
        before, after = [d for d in rest if d < dims[0]], [d for d in rest if d > dims[0]]
        layout = [("dim", d) for d in before] + [("adv", None)] + [("dim", d) for d in after]
    else:
        layout = [("adv", None)] + [("dim", d) for d in rest]
    result_shape = []
    for kind, d in layout:
        result_shape += bshape if kind == "adv" else [shape[d]]
    nd = len(result_shape)
    total = None
    pos = 0
    for kind, d in layout:
        if kind == "adv":
            lead, nb = pos, len(bshape)
            for p, t in adv:
                size = shape[p]
                idx = t + (t < 0).to(int64) * size if t.numel() else t
                idx = idx.reshape(*([1] * (nb - idx.dim()) + list(idx.shape)))
                term = idx.reshape(*([1] * lead + list(idx.shape) + [1] * (nd - lead - nb))) * stride[p]
                total = term if total is None else total + term
            pos += nb
        else:
            term = (arange(shape[d], device=view.device) * stride[d]).reshape(
                *([1] * pos + [shape[d]] + [1] * (nd - pos - 1)))
            total = term if total is None else total + term
            pos += 1
    total = (total + view.storage_offset()).expand(*result_shape)
    return result_shape, total


def _storage_1d(t, offsets):
    """``t``'s storage as a 1-D view long enough for every offset (as_strided checks it)."""
    n = _int(offsets.amax().item()) + 1 if offsets.numel() else 1
    return t.as_strided([n], [1], 0)


def getitem(self, index):
    view, adv = _parse(self, index)
    if not adv:
        return view
    from ._creation import empty
    from ._index_ops import _C as C, _wrap

    shape, offsets = _offsets(view, adv, read=True)
    if offsets.numel() == 0:
        return empty(shape, dtype=self.dtype, device=self.device)
    flat = offsets.reshape(-1)
    # The whole storage as 1-D (no read back of the largest offset): every valid offset lies in it.
    storage = self.as_strided([self._c.storage_nbytes() // self.element_size()], [1], 0)
    return _wrap(C.gather(storage._c, 0, flat._c)).view(shape)


def _type_name(value):
    """Python's C-level name of ``value``'s type, as PyTorch's messages print it (numpy.float32, list)."""
    t = type(value)
    heap = t.__flags__ & (1 << 9)  # a class defined in Python: its bare name
    return t.__name__ if heap or t.__module__ == "builtins" else f"{t.__module__}.{t.__name__}"


def _check_value(self, value):
    """PyTorch's values for x[...] = value: a tensor, a Python number, a numpy integer."""
    if not isinstance(value, (Tensor, numbers.Number)) or (isinstance(value, np.generic) and not isinstance(
            value, (np.integer, builtins.float))):
        raise TypeError(f"can't assign a {_type_name(value)} to a torch.{TORCH_NAME[self.dtype.name]}Tensor")


def _unpadded(value):
    """``value`` without its leading dims of size 1 (PyTorch drops them before broadcasting)."""
    shape = list(value.shape)
    while shape and shape[0] == 1:
        shape.pop(0)
    return value if len(shape) == value.dim() else value.reshape(*shape)


def setitem(self, index, value):
    _check_value(self, value)
    view, adv = _parse(self, index)
    if not adv:
        if not isinstance(value, Tensor):
            view.fill_(value.item() if isinstance(value, np.generic) else value)
        elif value.dim() == 0 and value.device != view.device:
            view.fill_(value.item())
        elif value.dim() == 0 or tuple(value.shape) == tuple(view.shape):
            view.copy_(value)
        else:
            from ._shape import _expand

            view.copy_(_expand(_unpadded(value), view.shape))
        return
    from ._index_ops import _C as C

    shape, offsets = _offsets(view, adv)
    if isinstance(value, Tensor):
        if value.dtype != self.dtype:
            raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                               f"{TORCH_NAME[self.dtype.name]} for the destination and "
                               f"{TORCH_NAME[value.dtype.name]} for the source.")
        src = _unpadded(value)
        vs = list(src.shape)
        if len(vs) > len(shape) or builtins.any(v not in (1, s) for v, s in zip(reversed(vs), reversed(shape))):
            raise RuntimeError(f"shape mismatch: value tensor of shape {vs} cannot be broadcast to indexing result "
                               f"of shape {shape}")
    if offsets.numel() == 0:
        return
    flat = offsets.reshape(-1)
    if isinstance(value, Tensor):
        if src.device != self.device:
            src = src.to(self.device)
        src = src.expand(*shape).reshape(-1)
        C.scatter_(_storage_1d(self, flat)._c, 0, flat._c, src._c, "none", True)
    else:
        v = value.item() if isinstance(value, np.generic) else value
        C.scatter_(_storage_1d(self, flat)._c, 0, flat._c, v, "none", True)


Tensor.__getitem__ = getitem
Tensor.__setitem__ = setitem
