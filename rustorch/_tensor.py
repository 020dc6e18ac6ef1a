"""The Python ``Tensor``: a thin wrapper over the native handle (``_C.TensorImpl``).

Arithmetic dunders call the native functions directly: they are the per-op
overhead every small-tensor program pays.
"""

import builtins
import numbers

import numpy as np

from . import _C, _dtype
from ._device import _BY_NATIVE, device as _device_cls, native_name as _native_device, resolve as _resolve_device
from ._size import Size
from ._tensor_str import format_tensor

_new = object.__new__
_binary = _C.binary
_binary_out = _C.binary_out
# Op codes: the native functions take an op's index in its table (cheaper than a str).
_UNARY_NAMES, _BINARY_NAMES, _ = _C.op_names()
UNARY_CODE = {n: i for i, n in enumerate(_UNARY_NAMES)}
BINARY_CODE = {n: i for i, n in enumerate(_BINARY_NAMES)}
_Impl = _C.TensorImpl
_dt = _dtype._BY_NAME
_NUMBER = (builtins.int, builtins.float, builtins.bool)


def _wrap(c):
    t = _new(Tensor)
    t._c = c
    return t


def _other(x):
    """The native operand for a binary op: a handle, a Python number, or NotImplemented."""
    if type(x) is Tensor:
        return x._c
    if isinstance(x, _NUMBER):
        return x
    if isinstance(x, Tensor):
        return x._c
    if isinstance(x, np.generic) and not isinstance(x, np.complexfloating):
        return x.item()
    if isinstance(x, numbers.Integral):
        return builtins.int(x)
    if isinstance(x, numbers.Real):
        return builtins.float(x)
    return NotImplemented


def _is_int(a):
    return isinstance(a, (builtins.int, np.integer)) and not isinstance(a, builtins.bool)


def _dims(args, fn="size", arg="size"):
    """Sizes given as varargs or one sequence: ``f(2, 3)`` or ``f((2, 3))``."""
    if len(args) == 1 and not _is_int(args[0]):
        args = args[0]
        if isinstance(args, Tensor):
            args = args.tolist()
        if not isinstance(args, (tuple, list)):
            raise TypeError(
                f"{fn}(): argument '{arg}' (position 1) must be tuple of ints, not {type(args).__name__}"
            )
    out = []
    for i, a in enumerate(args):
        if isinstance(a, Tensor) and a.numel() == 1 and not a.is_floating_point():
            a = a.item()
        if not _is_int(a):
            raise TypeError(
                f"{fn}(): argument '{arg}' must be tuple of ints, but found element of type "
                f"{type(a).__name__} at pos {i}"
            )
        out.append(builtins.int(a))
    return out


def _empty_like(t, dtype_name, device=None):
    """An uninitialised tensor laid out as PyTorch's ``empty_like(t)`` (preserve_format): ``t``'s strides
    where ``t`` is dense, else dense in ``t``'s dim order; on ``device`` (a native name; default: ``t``'s)."""
    return _wrap(_C.empty_like(t._c, dtype_name, device))


class _ArrayView:
    """Exposes a handle's memory through ``__array_interface__``; numpy keeps
    this object (and so the tensor's storage) alive as the array's base."""

    __slots__ = ("_c", "__array_interface__")

    def __init__(self, c):
        self._c = c
        self.__array_interface__ = c.array_interface()


class Tensor:
    """A multi-dimensional array with PyTorch's API.

    >>> import rustorch as torch
    >>> torch.tensor([[1., 2.], [3., 4.]]).sum(dim=0)
    tensor([4., 6.])
    """

    # _c: the native handle. The others are autograd's, set only on GradTensor instances (see
    # rustorch/autograd/graph.py): _fn grad_fn, _out its output index, _rg requires grad (leaves), _g
    # .grad, _hooks tensor hooks, _acc the leaf's AccumulateGrad.
    __slots__ = ("_c", "_fn", "_out", "_rg", "_g", "_hooks", "_acc", "__weakref__")

    def __init__(self, *args, **kwargs):
        raise TypeError("use rustorch.tensor(data) or a creation function to make a Tensor")

    # ---- attributes ----------------------------------------------------------
    @property
    def shape(self):
        return Size(self._c.shape)

    def size(self, dim=None):
        s = self._c.shape
        if dim is None:
            return Size(s)
        return s[_wrap_dim(dim, len(s))]

    def dim(self):
        return self._c.ndim

    ndimension = dim

    @property
    def ndim(self):
        return self._c.ndim

    def numel(self):
        return self._c.numel()

    nelement = numel

    @property
    def dtype(self):
        return _dt[self._c.dtype]

    @property
    def device(self):
        return _BY_NATIVE[self._c.device]

    @property
    def is_cpu(self):
        return self._c.device == "cpu"

    def stride(self, dim=None):
        s = self._c.strides
        if dim is None:
            return s
        return s[_wrap_dim(dim, len(s))]

    def storage_offset(self):
        return self._c.offset

    def is_contiguous(self, memory_format=None):
        return self._c.is_contiguous()

    def element_size(self):
        return self.dtype.itemsize

    @property
    def itemsize(self):
        return self.dtype.itemsize

    @property
    def nbytes(self):
        return self._c.numel() * self.dtype.itemsize

    def is_floating_point(self):
        return self.dtype.is_floating_point

    def is_complex(self):
        return False

    def is_signed(self):
        return self.dtype.is_signed

    def data_ptr(self):
        return self._c.data_ptr()

    @property
    def _version(self):
        return self._c.version

    @property
    def data(self):
        """The same memory as a plain tensor that autograd does not track (PyTorch's ``.data``)."""
        c = self._c
        return _wrap(c.as_strided(list(c.shape), list(c.strides), c.offset))

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, not {type(value).__name__}")
        self._c = value._c  # the tensor now is ``value``'s memory (shape and dtype may change)

    @property
    def requires_grad(self):
        return False

    @requires_grad.setter
    def requires_grad(self, flag):
        self.requires_grad_(flag)

    @property
    def grad(self):
        return None

    @grad.setter
    def grad(self, value):
        if value is not None:
            _to_grad(self, False)
            self.grad = value

    @property
    def is_leaf(self):
        return True

    @property
    def grad_fn(self):
        return None

    def requires_grad_(self, requires_grad=True):
        """Marks a leaf as requiring grad: ops on it are recorded and ``backward`` fills its ``.grad``."""
        if requires_grad:
            if not (self.dtype.is_floating_point or self.dtype.is_complex):
                raise RuntimeError("only Tensors of floating point dtype can require gradients")
            _to_grad(self, True)
        return self

    def retain_grad(self):
        raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")

    @property
    def retains_grad(self):
        """Whether backward fills this non-leaf tensor's ``.grad`` (``retain_grad()`` was called)."""
        if self.__class__ not in _GRAD or self._fn is None:
            return False
        kept = self._fn._retain
        return bool(kept) and self._out in kept and kept[self._out]() is self

    def register_hook(self, hook):
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")

    def detach_(self):
        return self

    # ---- conversion ------------------------------------------------------------
    def to(self, *args, **kwargs):
        """``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(other)``; ``copy=True`` forces a copy."""
        dtype = kwargs.pop("dtype", None)
        dev = kwargs.pop("device", None)
        copy = kwargs.pop("copy", False)
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)
        if kwargs:
            raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
        for a in args:
            if isinstance(a, Tensor):
                dtype, dev = a.dtype, a.device
            elif type(a) is _dtype.dtype or a in (builtins.float, builtins.int, builtins.bool):
                dtype = a
            elif isinstance(a, (str, _device_cls)):
                dev = a
            elif isinstance(a, builtins.bool):
                copy = a
            else:
                raise TypeError(f"to() received an invalid combination of arguments - got ({type(a).__name__})")
        t = self
        if dev is not None:
            target = _native_device(_resolve_device(dev))
            if target != self._c.device:
                t = _wrap(_C.to_device(self._c, target))
                copy = False  # already a new tensor
        d = _dtype.resolve(dtype, t.dtype)
        if d is t.dtype:
            return t.clone() if copy else t
        return _wrap(_C.to_dtype(t._c, d.name))  # laid out as t, as PyTorch's preserve_format

    def type(self, dtype=None):
        if dtype is None:
            return "rustorch." + {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
                                  "bfloat16": "BFloat16Tensor", "int64": "LongTensor", "int32": "IntTensor",
                                  "int16": "ShortTensor", "int8": "CharTensor", "uint8": "ByteTensor",
                                  "bool": "BoolTensor"}[self._c.dtype]
        return self.to(dtype)

    def float(self):
        return self.to(_dtype.float32)

    def double(self):
        return self.to(_dtype.float64)

    def half(self):
        return self.to(_dtype.float16)

    def bfloat16(self):
        return self.to(_dtype.bfloat16)

    def long(self):
        return self.to(_dtype.int64)

    def int(self):
        return self.to(_dtype.int32)

    def short(self):
        return self.to(_dtype.int16)

    def char(self):
        return self.to(_dtype.int8)

    def byte(self):
        return self.to(_dtype.uint8)

    def bool(self):
        return self.to(_dtype.bool_)

    def cpu(self):
        if self._c.device == "cpu":
            return self
        return _wrap(_C.to_device(self._c, "cpu"))

    def numpy(self, *, force=False):
        """A numpy array sharing this tensor's memory (no copy)."""
        if self._c.device != "cpu":
            if force:
                return self.cpu().numpy()
            raise TypeError(
                f"can't convert {self._c.device} device type tensor to numpy. Use Tensor.cpu() to copy the tensor to "
                "host memory first."
            )
        if self._c.dtype == "bfloat16":
            raise TypeError("Got unsupported ScalarType BFloat16")
        return np.asarray(_ArrayView(self._c))

    def __array__(self, dtype=None, copy=None):
        a = self.numpy()
        if dtype is not None and a.dtype != dtype:
            return a.astype(dtype)
        if copy:
            return a.copy()
        return a

    def _values(self):
        """Values as numpy, for printing and conversion (bfloat16 widened to float32)."""
        t = (self.detach() if self.__class__ is not Tensor else self).cpu()
        return t.float().numpy() if t._c.dtype == "bfloat16" else t.numpy()

    def tolist(self):
        return self._values().tolist()

    def item(self):
        if self._c.numel() != 1:
            raise RuntimeError(
                f"a Tensor with {self._c.numel()} elements cannot be converted to Scalar"
            )
        return self._values().reshape(()).item()

    def is_nonzero(self):
        if self._c.numel() == 0:
            raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
        return self.__bool__()

    def __bool__(self):
        if self._c.numel() != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return builtins.bool(self.item())

    def __float__(self):
        if self._c.numel() != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return builtins.float(self.item())

    def __int__(self):
        if self._c.numel() != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return builtins.int(self.item())

    def __index__(self):
        if self.dtype.is_floating_point or self._c.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return builtins.int(self.item())

    def __len__(self):
        if self._c.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._c.shape[0]

    def __iter__(self):
        if self._c.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self.select(0, i) for i in range(self._c.shape[0]))

    __hash__ = object.__hash__

    def __repr__(self, *, tensor_contents=None):
        if self.__class__ in _GRAD:
            fn = self._fn
            return format_tensor(self._values(), self._c.dtype, self._c.device,
                                 type(fn).__name__ if fn is not None else None, self._rg)
        return format_tensor(self._values(), self._c.dtype, self._c.device)

    __str__ = __repr__

    def __format__(self, spec):
        if self._c.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __reduce_ex__(self, proto):
        return (_from_pickle, (self._values().copy(), self._c.dtype))

    def __deepcopy__(self, memo):
        return self.clone()

    # ---- views -------------------------------------------------------------------
    def view(self, *shape):
        return _wrap(self._c.view(_dims(shape, "view", "size")))

    def view_as(self, other):
        return self.view(other._c.shape)

    def reshape(self, *shape):
        return _wrap(self._c.reshape(_dims(shape, "reshape", "shape")))

    def reshape_as(self, other):
        return self.reshape(other._c.shape)

    def permute(self, *dims):
        return _wrap(self._c.permute(_dims(dims, "permute", "dims")))

    def transpose(self, dim0, dim1):
        return _wrap(self._c.transpose(dim0, dim1))

    swapaxes = swapdims = transpose

    def t(self):
        n = self._c.ndim
        if n > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {n}D")
        return self if n < 2 else _wrap(self._c.transpose(0, 1))

    @property
    def T(self):
        n = self._c.ndim
        return _wrap(self._c.permute(list(range(n - 1, -1, -1))))

    @property
    def mT(self):
        if self._c.ndim < 2:
            raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.")
        return _wrap(self._c.transpose(-2, -1))

    def expand(self, *sizes):
        return _wrap(self._c.expand(_dims(sizes, "expand", "size")))

    def expand_as(self, other):
        return self.expand(other._c.shape)

    def broadcast_to(self, size):
        return self.expand(size)

    def squeeze(self, dim=None):
        if dim is None:
            return _wrap(self._c.squeeze(None))
        dims = [dim] if isinstance(dim, builtins.int) else list(dim)
        return _wrap(self._c.squeeze(dims))

    def unsqueeze(self, dim):
        return _wrap(self._c.unsqueeze(dim))

    def flatten(self, start_dim=0, end_dim=-1):
        return _wrap(self._c.flatten(start_dim, end_dim))

    def ravel(self):
        return self.reshape(-1)

    def unflatten(self, dim, sizes):
        return _wrap(self._c.unflatten(dim, _dims(sizes, "unflatten", "sizes")))

    def narrow(self, dim, start, length):
        return _wrap(self._c.narrow(dim, builtins.int(start), length))

    def select(self, dim, index):
        return _wrap(self._c.select(dim, builtins.int(index)))

    def movedim(self, source, destination):
        src = [source] if isinstance(source, builtins.int) else list(source)
        dst = [destination] if isinstance(destination, builtins.int) else list(destination)
        return _wrap(self._c.movedim(src, dst))

    moveaxis = movedim

    def as_strided(self, size, stride, storage_offset=None):
        return _wrap(self._c.as_strided(_dims(size, "as_strided"), _dims(stride, "as_strided", "stride"), storage_offset))

    def contiguous(self, memory_format=None):
        if self._c.is_contiguous():
            return self
        return _wrap(self._c.contiguous())

    def clone(self, *, memory_format=None):
        """A copy with its own memory, laid out as PyTorch's preserve_format: the strides where the tensor is
        dense, else dense in its dim order."""
        return _wrap(self._c.clone_preserve())

    def detach(self):
        return _wrap(self._c.as_strided(list(self._c.shape), list(self._c.strides), self._c.offset))

    # ---- in-place basics ------------------------------------------------------------
    def copy_(self, src, non_blocking=False):
        if not isinstance(src, Tensor):
            raise TypeError(f"copy_(): argument 'src' (position 1) must be Tensor, not {type(src).__name__}")
        _C.copy_(self._c, src._c)
        return self

    def fill_(self, value):
        if isinstance(value, Tensor):
            if value.dim() != 0:
                raise RuntimeError(
                    f"fill_ only supports 0-dimension value tensor but got tensor with {value.dim()} dimensions."
                )
            value = value.item()
        _C.fill_(self._c, value)
        return self

    def zero_(self):
        _C.fill_(self._c, 0)
        return self

    # Binary operators (__add__, __radd__, __iadd__, ...) are generated below the class.

    def __neg__(self):
        return _wrap(_C.unary("neg", self._c))

    def __pos__(self):
        if self._c.dtype == "bool":
            raise NotImplementedError("The `+` operator, on a bool tensor is not supported.")
        return self

    def __abs__(self):
        return _wrap(_C.unary("abs", self._c))

    def __invert__(self):
        if self.dtype.is_floating_point:
            raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
        if self._c.dtype == "bool":
            return _wrap(_C.unary("logical_not", self._c))
        return _wrap(_C.unary("bitwise_not", self._c))


def _to_grad(t, requires_grad):
    """Makes plain tensor ``t`` a GradTensor leaf (requiring grad or not)."""
    if t.__class__ not in _GRAD:
        t.__class__ = GradTensor
        _to_grad_fields(t, requires_grad)
    t._rg = requires_grad


def _to_grad_fields(t, requires_grad):
    """The autograd fields of a fresh leaf."""
    t._fn = None
    t._out = 0
    t._g = None
    t._hooks = None
    t._acc = None
    t._rg = requires_grad


class GradTensor(Tensor):
    """A tensor autograd tracks: a leaf that requires grad, an op's output (``grad_fn``), or a tensor
    holding a ``.grad``. Same storage model as Tensor; the differentiable ops are recorded on it."""

    __slots__ = ()

    @property
    def requires_grad(self):
        return self._fn is not None or self._rg

    @requires_grad.setter
    def requires_grad(self, flag):
        self.requires_grad_(flag)

    def __deepcopy__(self, memo):
        """A leaf's copy: its own memory, the same requires_grad, a copy of ``.grad`` (as PyTorch)."""
        if self._fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                               "protocol at the moment.  If you were attempting to deepcopy a module, this may be "
                               "because of a torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        if id(self) in memo:
            return memo[id(self)]
        new = _new(self.__class__)
        new._c = _wrap(self._c).clone()._c
        _to_grad_fields(new, self._rg)
        if self._g is not None:
            new._g = self._g.__deepcopy__(memo)
        memo[id(self)] = new
        return new

    @property
    def grad(self):
        if self._fn is not None and self._g is None:
            import warnings

            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute "
                "won't be populated during autograd.backward(). If you indeed want the .grad field to be populated "
                "for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor.", UserWarning, stacklevel=2)
        return self._g

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}")
            if value.shape != self.shape:
                raise RuntimeError("assigned grad has data of a different size")
        self._g = value

    @grad.deleter
    def grad(self):
        self._g = None

    @property
    def is_leaf(self):
        return self._fn is None

    @property
    def grad_fn(self):
        return self._fn

    def requires_grad_(self, requires_grad=True):
        if self._fn is not None:
            if not requires_grad:
                raise RuntimeError("you can only change requires_grad flags of leaf variables. If you want to use a "
                                   "computed variable in a subgraph that doesn't require differentiation use "
                                   "var_no_grad = var.detach().")
            return self
        if requires_grad and not (self.dtype.is_floating_point or self.dtype.is_complex):
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._rg = builtins.bool(requires_grad)
        return self

    def retain_grad(self):
        """Keeps this non-leaf's gradient in ``.grad`` during backward."""
        if self._fn is None:
            if not self._rg:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        import weakref

        node = self._fn
        if node._retain is None:
            node._retain = {}
        node._retain[self._out] = weakref.ref(self)

    def register_hook(self, hook):
        """``hook(grad)`` runs when this tensor's gradient is computed; it may return a replacement."""
        from .autograd.graph import _Handle

        if self._fn is None:
            if not self._rg:
                raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
            if self._hooks is None:
                self._hooks = []
            self._hooks.append(hook)
            return _Handle(self._hooks, hook)
        return self._fn._add_pre(self._out, hook)

    def numpy(self, *, force=False):
        if self.requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self.detach().numpy(force=force)

    def __array__(self, dtype=None, copy=None):
        if self.requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self.detach().__array__(dtype, copy)

    def detach_(self):
        """Makes this tensor a leaf that does not require grad, in place."""
        self._fn = None
        self._rg = False
        return self

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Computes the gradient of this tensor with respect to the leaves, adding it into their ``.grad``."""
        from .autograd import backward

        backward(self, gradient, retain_graph, create_graph, inputs=inputs)


# The classes autograd tracks: GradTensor and its subclasses (nn.Parameter), checked by class membership
# on the hot paths (cheaper than isinstance, and false for plain tensors and non-tensors alike).
_GRAD = {GradTensor}


def _binary_dunders(code):
    """Forward, reflected and in-place operators for one binary op: the per-op hot
    path, so they call the native function directly and build the result inline."""

    def forward(self, other):
        if type(other) is Tensor:
            c = _binary(code, self._c, other._c)
        else:
            o = _other(other)
            if o is NotImplemented:
                return o
            c = _binary(code, self._c, o)
        t = _new(Tensor)
        t._c = c
        return t

    def reflected(self, other):
        o = _other(other)
        if o is NotImplemented:
            return o
        t = _new(Tensor)
        t._c = _binary(code, o, self._c)
        return t

    def inplace(self, other):
        _binary_out(code, self._c, _other(other), self._c)
        return self

    return forward, reflected, inplace


# Python operator -> op name; comparisons have no reflected/in-place forms of their own.
_OPERATORS = {"add": "add", "sub": "sub", "mul": "mul", "truediv": "div", "floordiv": "floor_divide",
              "mod": "remainder", "pow": "pow", "and": "bitwise_and", "or": "bitwise_or", "xor": "bitwise_xor",
              "lshift": "bitwise_left_shift", "rshift": "bitwise_right_shift"}
_COMPARISONS = ("eq", "ne", "lt", "le", "gt", "ge")
for _py, _op in _OPERATORS.items():
    _f, _r, _i = _binary_dunders(BINARY_CODE[_op])
    setattr(Tensor, f"__{_py}__", _f)
    setattr(Tensor, f"__r{_py}__", _r)
    setattr(Tensor, f"__i{_py}__", _i)
for _op in _COMPARISONS:
    setattr(Tensor, f"__{_op}__", _binary_dunders(BINARY_CODE[_op])[0])
Tensor.__hash__ = object.__hash__  # defining __eq__ would otherwise drop it
del _py, _op, _f, _r, _i


def _wrap_dim(dim, ndim):
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim + n if dim < 0 else dim


def _from_pickle(values, dtype_name):
    from ._creation import tensor

    return tensor(values, dtype=_dt[dtype_name])


def is_tensor(obj):
    """True when ``obj`` is a rustorch Tensor."""
    return isinstance(obj, Tensor)
