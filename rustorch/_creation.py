"""Creation functions: tensor, as_tensor, from_numpy, zeros/ones/full/empty, ranges, eye."""

from __future__ import annotations

import builtins
import functools
import inspect
import warnings
from typing import TYPE_CHECKING

import numpy as np

from . import _C, _dtype
from ._device import native_name as _native_device, resolve as _resolve_device
from ._tensor import Tensor, _dims, _empty_like, _wrap

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    from numpy.typing import NDArray

    from ._typing import ArrayLike, DeviceLike, DTypeLike, TensorOrNumber, _bool, _float, _int, _size, _size_arg

    _F = TypeVar("_F", bound=Callable[..., Any])  # _placed keeps the signature it wraps

_NP_OF = {d.name: d._np for d in _dtype.ALL}


def _check_grad(requires_grad):
    """requires_grad=True is applied by the wrapper autograd puts around each creation function."""


_warned_not_writable = []


def from_numpy(ndarray: NDArray[Any]) -> Tensor:
    """A tensor sharing memory with a numpy array (writes show on both sides).

    >>> a = np.zeros(3); t = rustorch.from_numpy(a); _ = t.fill_(1.); float(a[0])
    1.0
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    d = _dtype.from_numpy_dtype(ndarray.dtype)  # (non-native byte order: ValueError)
    item = ndarray.itemsize
    if any(s < 0 for s in ndarray.strides):
        raise ValueError(
            "At least one stride in the given numpy array is negative, and tensors with negative strides are not "
            "currently supported. (You can probably work around this by making a copy of your array  with array.copy().) "
        )
    if any(s % item for s in ndarray.strides):
        raise ValueError(
            "given numpy array strides not a multiple of the element byte size. Copy the numpy array to reallocate the memory."
        )
    if not ndarray.flags.writeable and not _warned_not_writable:
        _warned_not_writable.append(True)  # once per process, as PyTorch warns
        warnings.warn(
            "The given NumPy array is not writable, and PyTorch does not support non-writable tensors. This means "
            "writing to this tensor will result in undefined behavior. You may want to copy the array to protect its "
            "data or make it writable before converting it to a tensor. This type of warning will be suppressed for "
            "the rest of this program.",
            UserWarning,
            stacklevel=2,
        )
    ptr = ndarray.__array_interface__["data"][0]
    strides = [s // item for s in ndarray.strides]
    extent = 0 if ndarray.size == 0 else (builtins.sum((n - 1) * s for n, s in zip(ndarray.shape, strides)) + 1) * item
    return _wrap(_C.from_buffer(ptr, extent, list(ndarray.shape), strides, 0, d.name, ndarray))


def _leaf_dtype(x):
    """The dtype PyTorch infers for one element of ``tensor(data)``."""
    if isinstance(x, (np.generic, np.ndarray)) and x.dtype.kind in "biuf":
        return _dtype.from_numpy_dtype(x.dtype)  # before float: np.float64 is a float
    if isinstance(x, builtins.bool):
        return _dtype.bool_
    if isinstance(x, builtins.int):
        return _dtype.int64
    if isinstance(x, builtins.float):
        return _dtype.get_default_dtype()
    if isinstance(x, Tensor):
        return x.dtype
    if isinstance(x, (str, bytes)):
        raise TypeError("new(): invalid data type 'str'")
    raise RuntimeError(f"Could not infer dtype of {type(x).__name__}")


def _infer(data):
    """(shape, dtype) of nested sequences, with PyTorch's checks on ragged input."""
    shape = []
    d = data
    while isinstance(d, (list, tuple)):
        shape.append(len(d))
        if not d:
            break
        d = d[0]
    if isinstance(d, (Tensor, np.ndarray)) and d.ndim > 0:
        return None, _leaf_dtype(d)  # sequences of arrays: numpy works out the shape
    found = None

    def walk(x, dim):
        nonlocal found
        if dim == len(shape):
            if isinstance(x, (list, tuple)):
                raise ValueError(f"expected a number at dim {dim}, got a sequence")
            t = _leaf_dtype(x)
            found = t if found is None else _dtype.promote_types(found, t)
            return
        if not isinstance(x, (list, tuple)):
            raise TypeError(f"not a sequence: expected sequence of length {shape[dim]} at dim {dim}")
        if len(x) != shape[dim]:
            raise ValueError(f"expected sequence of length {shape[dim]} at dim {dim} (got {len(x)})")
        for e in x:
            walk(e, dim + 1)

    walk(data, 0)
    return shape, found if found is not None else _dtype.get_default_dtype()


def _checked_int_array(data, d):
    """Python numbers -> an integer dtype with PyTorch's overflow check (unsigned
    types also accept negatives down to -max, which wrap)."""
    wide = np.asarray(data)
    if wide.dtype.kind == "f" and np.isnan(wide).any():
        raise RuntimeError(f"value cannot be converted to type {d.name} without overflow")
    info = np.iinfo(d._np)
    lo = -info.max if info.min == 0 else info.min
    if wide.size and (wide.max() > info.max or wide.min() < lo):
        raise RuntimeError(f"value cannot be converted to type {d.name} without overflow")
    return np.ascontiguousarray(wide.astype(np.int64).astype(d._np)).reshape(wide.shape)


def tensor(data: ArrayLike, *, dtype: DTypeLike | None = None, device: DeviceLike | None = None,
           requires_grad: _bool = False, pin_memory: _bool = False) -> Tensor:
    """A new tensor holding a copy of ``data`` (nested lists, numbers, numpy arrays, tensors).

    >>> rustorch.tensor([[1, 2], [3, 4]]).dtype
    rustorch.int64
    """
    _resolve_device(device)
    _check_grad(requires_grad)
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() or "
            "sourceTensor.clone().detach().requires_grad_(True), rather than torch.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
        return data.to(_dtype.resolve(dtype, data.dtype), copy=True)
    if isinstance(data, (np.ndarray, np.generic)):
        src = _dtype.from_numpy_dtype(data.dtype)
    else:
        _, src = _infer(data)
    target = _dtype.resolve(dtype, src)
    # numpy converts to every dtype but bfloat16, which goes through float32 here.
    staging = target if target._np is not None else _dtype.float32
    try:
        with np.errstate(over="ignore", invalid="ignore"):  # 1e40 -> float32 is inf, as in PyTorch
            if isinstance(data, (np.ndarray, np.generic)) or not staging.name.startswith(("int", "uint")):
                arr = np.asarray(data, dtype=staging._np, order="C")
            else:
                arr = _checked_int_array(data, staging)
    except OverflowError:
        raise RuntimeError("Overflow when unpacking long") from None
    t = from_numpy(arr).clone() if arr.flags.writeable else from_numpy(arr.copy()).clone()
    return t if staging is target else t.to(target)


def as_tensor(data: ArrayLike, dtype: DTypeLike | None = None, device: DeviceLike | None = None) -> Tensor:
    """Like ``tensor`` but shares memory when it can (tensors, numpy arrays of the same dtype).

    >>> a = np.arange(3); rustorch.as_tensor(a).data_ptr() == a.ctypes.data
    True
    """
    _resolve_device(device)
    if isinstance(data, Tensor):
        return data.to(_dtype.resolve(dtype, data.dtype))
    if isinstance(data, np.ndarray):
        src = _dtype.from_numpy_dtype(data.dtype)
        t = from_numpy(data) if all(s >= 0 for s in data.strides) else from_numpy(data.copy())
        return t if dtype is None else t.to(_dtype.resolve(dtype, src))
    return tensor(data, dtype=dtype)


def _creation(fn, size, dtype, device, requires_grad):
    _resolve_device(device)
    _check_grad(requires_grad)
    return _dims(size, fn), _dtype.resolve(dtype, _dtype.get_default_dtype())


def empty(*size: _size_arg, dtype: DTypeLike | None = None, device: DeviceLike | None = None,
          requires_grad: _bool = False, out: Tensor | None = None, memory_format: object = None,
          pin_memory: _bool = False) -> Tensor:
    """Uninitialised tensor of the given size.

    >>> rustorch.empty(2, 3).shape
    rustorch.Size([2, 3])
    """
    shape, d = _creation("empty", size, dtype, device, requires_grad)
    return _wrap(_C.empty(shape, d.name, _on(device)))


def zeros(*size: _size_arg, dtype: DTypeLike | None = None, device: DeviceLike | None = None,
          requires_grad: _bool = False, out: Tensor | None = None) -> Tensor:
    """Tensor of zeros: ``rustorch.zeros(2, 3)`` or ``rustorch.zeros((2, 3))``.

    >>> rustorch.zeros(2)
    tensor([0., 0.])
    """
    shape, d = _creation("zeros", size, dtype, device, requires_grad)
    if any(s < 0 for s in shape):
        raise RuntimeError("zeros: Dimension size must be non-negative.")
    return _wrap(_C.full(shape, 0, d.name, _on(device)))


def ones(*size: _size_arg, dtype: DTypeLike | None = None, device: DeviceLike | None = None,
         requires_grad: _bool = False, out: Tensor | None = None) -> Tensor:
    """Tensor of ones.

    >>> rustorch.ones(2, dtype=rustorch.int32)
    tensor([1, 1], dtype=rustorch.int32)
    """
    shape, d = _creation("ones", size, dtype, device, requires_grad)
    return _wrap(_C.full(shape, 1, d.name, _on(device)))


def _scalar_dtype(v):
    if isinstance(v, builtins.bool):
        return _dtype.bool_
    if isinstance(v, (builtins.int, np.integer)):
        return _dtype.int64
    return _dtype.get_default_dtype()


def full(size: _size, fill_value: TensorOrNumber, *, dtype: DTypeLike | None = None, device: DeviceLike | None = None,
         requires_grad: _bool = False, out: Tensor | None = None) -> Tensor:
    """Tensor filled with ``fill_value`` (dtype inferred from it: bool, int64 or the default float).

    >>> rustorch.full((2,), 7)
    tensor([7, 7])
    """
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    _resolve_device(device)
    _check_grad(requires_grad)
    d = _dtype.resolve(dtype, _scalar_dtype(fill_value))
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not {type(size).__name__}")
    return _wrap(_C.full(_dims((size,), "full"), fill_value, d.name, _on(device)))


def _like(input, dtype, device=None, requires_grad=False):
    """An empty tensor like ``input`` (same strides where it is dense, as preserve_format), on
    ``device`` (default: ``input``'s)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    _check_grad(requires_grad)
    return _empty_like(input, _dtype.resolve(dtype, input.dtype).name, None if device is None else _on(device))


def empty_like(input: Tensor, *, dtype: DTypeLike | None = None, device: DeviceLike | None = None,
               requires_grad: _bool = False, memory_format: object = None) -> Tensor:
    """``empty`` with ``input``'s shape, dtype and layout."""
    return _like(input, dtype, device, requires_grad)


def zeros_like(input: Tensor, *, dtype: DTypeLike | None = None, device: DeviceLike | None = None,
               requires_grad: _bool = False, memory_format: object = None) -> Tensor:
    """``zeros`` with ``input``'s shape, dtype and layout.

    >>> rustorch.zeros_like(rustorch.ones(2, dtype=rustorch.int8))
    tensor([0, 0], dtype=rustorch.int8)
    """
    return _like(input, dtype, device, requires_grad).fill_(0)


def ones_like(input: Tensor, *, dtype: DTypeLike | None = None, device: DeviceLike | None = None,
              requires_grad: _bool = False, memory_format: object = None) -> Tensor:
    """``ones`` with ``input``'s shape, dtype and layout."""
    return _like(input, dtype, device, requires_grad).fill_(1)


def full_like(input: Tensor, fill_value: TensorOrNumber, *, dtype: DTypeLike | None = None,
              device: DeviceLike | None = None, requires_grad: _bool = False, memory_format: object = None) -> Tensor:
    """``full`` with ``input``'s shape, dtype and layout."""
    return _like(input, dtype, device, requires_grad).fill_(fill_value)


def _num(x):
    return x.item() if isinstance(x, Tensor) else x


def arange(start: TensorOrNumber = 0, end: TensorOrNumber | None = None, step: TensorOrNumber = 1, *,
           dtype: DTypeLike | None = None, device: DeviceLike | None = None, requires_grad: _bool = False,
           out: Tensor | None = None) -> Tensor:
    """Values from ``start`` to ``end`` (exclusive) by ``step``; int64 unless an argument is a float.

    >>> rustorch.arange(5)
    tensor([0, 1, 2, 3, 4])
    """
    _resolve_device(device)
    _check_grad(requires_grad)
    if end is None:
        start, end = 0, start
    start, end, step = _num(start), _num(end), _num(step)
    is_float = any(isinstance(v, (builtins.float, np.floating)) for v in (start, end, step))
    d = _dtype.resolve(dtype, _dtype.get_default_dtype() if is_float else _dtype.int64)
    return _wrap(_C.arange(start, end, step, d.name, _on(device)))


def linspace(start: TensorOrNumber, end: TensorOrNumber, steps: _int, *, dtype: DTypeLike | None = None,
             device: DeviceLike | None = None, requires_grad: _bool = False, out: Tensor | None = None) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive.

    >>> rustorch.linspace(0, 1, 5)
    tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    _resolve_device(device)
    _check_grad(requires_grad)
    d = _dtype.resolve(dtype, _dtype.get_default_dtype())
    return _wrap(_C.linspace(builtins.float(_num(start)), builtins.float(_num(end)), builtins.int(steps), d.name,
                             _on(device)))


def logspace(start: TensorOrNumber, end: TensorOrNumber, steps: _int, base: _float = 10.0, *,
             dtype: DTypeLike | None = None, device: DeviceLike | None = None, requires_grad: _bool = False,
             out: Tensor | None = None) -> Tensor:
    """``base ** linspace(start, end, steps)``.

    >>> rustorch.logspace(0, 2, 3)
    tensor([  1.,  10., 100.])
    """
    d = _dtype.resolve(dtype, _dtype.get_default_dtype())
    exps = _wrap(_C.linspace(builtins.float(_num(start)), builtins.float(_num(end)), builtins.int(steps), "float64"))
    return (builtins.float(base) ** exps).to(d)


def eye(n: _int, m: _int | None = None, *, dtype: DTypeLike | None = None, device: DeviceLike | None = None,
        requires_grad: _bool = False, out: Tensor | None = None) -> Tensor:
    """Identity matrix of ``n`` rows (and ``m`` columns).

    >>> rustorch.eye(2)
    tensor([[1., 0.],
            [0., 1.]])
    """
    _resolve_device(device)
    _check_grad(requires_grad)
    d = _dtype.resolve(dtype, _dtype.get_default_dtype())
    return _wrap(_C.eye(builtins.int(n), builtins.int(n if m is None else m), d.name, _on(device)))


def _on(device):
    """The native name of a creation function's device."""
    return _native_device(_resolve_device(device))


def _placed(fn: _F, like: _bool = False) -> _F:
    """``device=`` for a creation function: functions that make their values on the device
    get it (``_on``); the others (data from Python, ``logspace``) are made on the CPU and
    moved. The ``*_like`` functions default to their input's device."""

    takes_device = "device" in inspect.signature(fn).parameters

    @functools.wraps(fn)
    def wrapper(*args, device=None, **kwargs):
        if device is None and like and args and isinstance(args[0], Tensor):
            dev = args[0].device
        else:
            dev = _resolve_device(device)
        out = fn(*args, device=dev, **kwargs) if takes_device else fn(*args, **kwargs)
        return out.to(dev)

    return wrapper


tensor = _placed(tensor)
as_tensor = _placed(as_tensor)
empty = _placed(empty)
zeros = _placed(zeros)
ones = _placed(ones)
full = _placed(full)
arange = _placed(arange)
linspace = _placed(linspace)
logspace = _placed(logspace)
eye = _placed(eye)
empty_like = _placed(empty_like, like=True)
zeros_like = _placed(zeros_like, like=True)
ones_like = _placed(ones_like, like=True)
full_like = _placed(full_like, like=True)
