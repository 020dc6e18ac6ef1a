"""The ``rustorch.*`` op functions and their Tensor method / in-place forms.

Each op family is one table; functions, methods and in-place methods are
generated from it so the three forms cannot drift apart.
"""

import builtins
import math

from . import _C, _dtype, return_types
from ._tensor import BINARY_CODE, UNARY_CODE, Tensor, _other, _wrap

_unary = _C.unary
_binary = _C.binary


def _tensor_arg(x, fn, name="input", pos=1):
    if isinstance(x, Tensor):
        return x
    raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be Tensor, not {type(x).__name__}")


def _operand(x, fn):
    o = _other(x)
    if o is NotImplemented:
        raise TypeError(f"{fn}(): argument 'other' must be Tensor or Number, not {type(x).__name__}")
    return o


def _dimlist(dim):
    if dim is None:
        return None
    dims = dim if isinstance(dim, (tuple, list)) else [dim]
    out = []
    for d in dims:
        if isinstance(d, builtins.bool) or not hasattr(d, "__index__"):
            raise TypeError(f"argument 'dim' must be int or tuple of ints, not {type(d).__name__}")
        out.append(d.__index__())
    return out


# ---- unary ---------------------------------------------------------------------------

# name -> (one-line description, has an in-place form)
UNARY = {
    "abs": ("absolute value", True), "neg": ("negation", True), "exp": ("e ** x", True),
    "exp2": ("2 ** x", True), "expm1": ("e ** x - 1", True), "log": ("natural logarithm", True),
    "log2": ("base-2 logarithm", True), "log10": ("base-10 logarithm", True), "log1p": ("log(1 + x)", True),
    "sqrt": ("square root", True), "rsqrt": ("1 / sqrt(x)", True), "sin": ("sine", True), "cos": ("cosine", True),
    "tan": ("tangent", True), "asin": ("arcsine", True), "acos": ("arccosine", True), "atan": ("arctangent", True),
    "sinh": ("hyperbolic sine", True), "cosh": ("hyperbolic cosine", True), "tanh": ("hyperbolic tangent", True),
    "sigmoid": ("1 / (1 + e ** -x)", True), "relu": ("max(x, 0)", True), "erf": ("error function", True),
    "floor": ("round down", True), "ceil": ("round up", True), "round": ("round half to even", True),
    "trunc": ("round toward zero", True), "frac": ("x - trunc(x)", True), "sign": ("-1, 0 or 1", True),
    "reciprocal": ("1 / x", True), "square": ("x * x", True), "bitwise_not": ("bitwise NOT", True),
    "logical_not": ("logical NOT (bool result)", True), "isnan": ("True where NaN", False),
    "isinf": ("True where +-inf", False), "isfinite": ("True where finite", False),
    "signbit": ("True where the sign bit is set", False),
}
UNARY_ALIASES = {"absolute": "abs", "negative": "neg", "arcsin": "asin", "arccos": "acos", "arctan": "atan",
                 "arcsinh": None, "fix": "trunc"}


def _make_unary(name, desc):
    code = UNARY_CODE[name]

    def fn(input, *, out=None):
        input = _tensor_arg(input, name)
        if out is None:
            return _wrap(_unary(code, input._c))
        _C.unary_out(code, input._c, _tensor_arg(out, name, "out")._c)
        return out

    fn.__name__ = fn.__qualname__ = name
    example = "[1, 2]" if name == "bitwise_not" else "[0.5, 2.0]"  # bitwise ops take integers
    fn.__doc__ = f"""{name}(input, *, out=None) -> Tensor

    Elementwise {desc}.

    >>> rustorch.{name}(rustorch.tensor({example})).shape
    rustorch.Size([2])
    """
    return fn


def _make_unary_method(name):
    code = UNARY_CODE[name]

    def method(self):
        return _wrap(_unary(code, self._c))

    method.__name__ = name
    return method


def _make_unary_inplace(name):
    code = UNARY_CODE[name]

    def method(self):
        _C.unary_out(code, self._c, self._c)
        return self

    method.__name__ = name + "_"
    return method


# ---- binary ----------------------------------------------------------------------------

BINARY = {
    "mul": "product", "remainder": "Python-style modulus (sign of the divisor)", "fmod": "C-style modulus (sign of the dividend)",
    "pow": "power", "atan2": "arctangent of input / other", "maximum": "elementwise maximum (NaN propagates)",
    "minimum": "elementwise minimum (NaN propagates)", "floor_divide": "floor division",
    "eq": "equality (bool result)", "ne": "inequality", "lt": "less than", "le": "less or equal", "gt": "greater than",
    "ge": "greater or equal", "bitwise_and": "bitwise AND", "bitwise_or": "bitwise OR", "bitwise_xor": "bitwise XOR",
    "bitwise_left_shift": "left shift", "bitwise_right_shift": "right shift", "logical_and": "logical AND",
    "logical_or": "logical OR", "logical_xor": "logical XOR",
}
# Ops whose in-place form is not spelled name_ or does not exist.
_NO_INPLACE = {"maximum", "minimum"}
# Ops whose `other` must be a tensor (no Python numbers).
_TENSOR_OTHER = {"maximum", "minimum"}
BINARY_ALIASES = {"multiply": "mul", "arctan2": "atan2", "greater": "gt", "greater_equal": "ge", "less": "lt",
                  "less_equal": "le", "not_equal": "ne"}


def _binary_call(native, name, input, other, out, alpha=None):
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    a, b = _operand(input, name), _operand(other, name)
    code = BINARY_CODE[native]
    if out is None:
        return _wrap(_binary(code, a, b, alpha))
    _C.binary_out(code, a, b, _tensor_arg(out, name, "out")._c, alpha)
    return out


def _make_binary(name, desc, arg="other"):
    def fn(input, other, *, out=None):
        if name in _TENSOR_OTHER:
            _tensor_arg(other, name, "other", 2)
        return _binary_call(name, name, input, other, out)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"""{name}(input, {arg}, *, out=None) -> Tensor

    Elementwise {desc}, with broadcasting and type promotion.

    >>> rustorch.{name}(rustorch.tensor([1, 2]), rustorch.tensor([2, 2])).shape
    rustorch.Size([2])
    """
    return fn


def _make_binary_method(name):
    code = BINARY_CODE[name]

    def method(self, other):
        if name in _TENSOR_OTHER:
            _tensor_arg(other, name, "other", 2)
        return _wrap(_binary(code, self._c, _operand(other, name)))

    method.__name__ = name
    return method


def _make_binary_inplace(name):
    code = BINARY_CODE[name]

    def method(self, other):
        _C.binary_out(code, self._c, _operand(other, name), self._c)
        return self

    method.__name__ = name + "_"
    return method


def add(input, other, *, alpha=1, out=None):
    """add(input, other, *, alpha=1, out=None) -> Tensor

    ``input + alpha * other`` with broadcasting and type promotion.

    >>> rustorch.add(rustorch.tensor([1., 2.]), 1, alpha=2)
    tensor([3., 4.])
    """
    return _binary_call("add", "add", input, other, out, alpha)


def sub(input, other, *, alpha=1, out=None):
    """sub(input, other, *, alpha=1, out=None) -> Tensor

    ``input - alpha * other``.

    >>> rustorch.sub(rustorch.tensor([3, 4]), 1)
    tensor([2, 3])
    """
    return _binary_call("sub", "sub", input, other, out, alpha)


_ROUNDING = {None: "div", "trunc": "div_trunc", "floor": "floor_divide"}


def _div_native(rounding_mode):
    try:
        return _ROUNDING[rounding_mode]
    except (KeyError, TypeError):
        raise RuntimeError(
            f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'"
        ) from None


def div(input, other, *, rounding_mode=None, out=None):
    """div(input, other, *, rounding_mode=None, out=None) -> Tensor

    True division (integers give floats), or rounded with ``rounding_mode='trunc'``/``'floor'``.

    >>> rustorch.div(rustorch.tensor([7, -7]), 2, rounding_mode='floor')
    tensor([ 3, -4])
    """
    return _binary_call(_div_native(rounding_mode), "div", input, other, out)


# ---- three-input ops ----------------------------------------------------------------------


def where(condition, input=None, other=None, *, out=None):
    """where(condition, input, other) -> Tensor

    ``input`` where ``condition`` holds, else ``other`` (either may be a number).

    >>> rustorch.where(rustorch.tensor([True, False]), 1., 0.)
    tensor([1., 0.])
    """
    if input is None and other is None:
        from ._index_ops import nonzero

        return nonzero(_tensor_arg(condition, "where", "condition"), as_tuple=True)
    condition = _tensor_arg(condition, "where", "condition")
    r = _wrap(_C.where_(condition._c, _operand(input, "where"), _operand(other, "where")))
    if out is not None:
        out.copy_(r)
        return out
    return r


def clamp(input, min=None, max=None, *, out=None):
    """clamp(input, min=None, max=None, *, out=None) -> Tensor

    Limits values to ``[min, max]``; bounds are numbers or tensors.

    >>> rustorch.clamp(rustorch.tensor([-2., 0.5, 3.]), min=-1, max=1)
    tensor([-1.0000,  0.5000,  1.0000])
    """
    input = _tensor_arg(input, "clamp")
    lo = None if min is None else _operand(min, "clamp")
    hi = None if max is None else _operand(max, "clamp")
    if out is None:
        return _wrap(_C.clamp(input._c, lo, hi, None))
    _C.clamp(input._c, lo, hi, out._c)
    return out


clip = clamp


def clamp_min(input, min):
    """``clamp(input, min=min)``."""
    return clamp(input, min=min)


def clamp_max(input, max):
    """``clamp(input, max=max)``."""
    return clamp(input, max=max)


def lerp(input, end, weight, *, out=None):
    """lerp(input, end, weight) -> Tensor

    ``input + weight * (end - input)``.

    >>> rustorch.lerp(rustorch.tensor([0., 10.]), rustorch.tensor([10., 20.]), 0.5)
    tensor([ 5., 15.])
    """
    for name, t in (("end", end), ("weight", weight)):
        if isinstance(input, Tensor) and isinstance(t, Tensor) and t.dtype is not input.dtype:
            raise RuntimeError(
                f"expected dtype {_dtype.C_NAME[input.dtype.name]} for `{name}` but got dtype {_dtype.C_NAME[t.dtype.name]}"
            )
    return _ternary("lerp", input, end, weight, 1, out)


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """addcmul(input, tensor1, tensor2, *, value=1) -> Tensor

    ``input + value * tensor1 * tensor2``.

    >>> rustorch.addcmul(rustorch.zeros(2), rustorch.ones(2), rustorch.ones(2), value=3)
    tensor([3., 3.])
    """
    return _ternary("addcmul", input, tensor1, tensor2, value, out)


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    """addcdiv(input, tensor1, tensor2, *, value=1) -> Tensor

    ``input + value * tensor1 / tensor2``.

    >>> rustorch.addcdiv(rustorch.zeros(2), rustorch.ones(2), rustorch.full((2,), 4.), value=2)
    tensor([0.5000, 0.5000])
    """
    return _ternary("addcdiv", input, tensor1, tensor2, value, out)


def _ternary(name, a, b, c, value, out):
    a = _tensor_arg(a, name)
    return _wrap(_C.ternary(name, a._c, _operand(b, name), _operand(c, name), value,
                            None if out is None else out._c))


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    """nan_to_num(input, nan=0.0, posinf=None, neginf=None) -> Tensor

    Replaces NaN with ``nan`` and infinities with ``posinf``/``neginf`` (default: the dtype's extremes).

    >>> rustorch.nan_to_num(rustorch.tensor([float('nan'), 1.]))
    tensor([0., 1.])
    """
    input = _tensor_arg(input, "nan_to_num")
    return _wrap(_C.nan_to_num(input._c, nan, posinf, neginf, None if out is None else out._c))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> Tensor

    ``|input - other| <= atol + rtol * |other|`` elementwise (infinities must be equal).

    >>> rustorch.isclose(rustorch.tensor([1., 2.]), rustorch.tensor([1., 2.1]))
    tensor([ True, False])
    """
    input, other = _tensor_arg(input, "isclose"), _tensor_arg(other, "isclose", "other", 2)
    if input.dtype is not other.dtype:
        raise RuntimeError(
            f"{_dtype.TORCH_NAME[input.dtype.name]} did not match {_dtype.TORCH_NAME[other.dtype.name]}"
        )
    if rtol < 0:
        raise RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol}")
    if atol < 0:
        raise RuntimeError(f"atol must be greater than or equal to zero, but got {atol}")
    close = input == other
    if equal_nan and input.is_floating_point():
        close = close | (input.isnan() & other.isnan())
    if not input.is_floating_point() and rtol == 0 and atol == 0:
        return close
    a, b = input, other
    if not input.is_floating_point():
        a, b = input.to(_dtype.get_default_dtype()), other.to(_dtype.get_default_dtype())
    diff = (a - b).abs()
    allowed = b.abs() * rtol + atol
    return close | (diff.isfinite() & (diff <= allowed))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool

    >>> rustorch.allclose(rustorch.tensor([1., 2.]), rustorch.tensor([1., 2.000001]))
    True
    """
    return builtins.bool(isclose(input, other, rtol, atol, equal_nan).all().item())


def equal(input, other):
    """equal(input, other) -> bool: same shape and same values.

    >>> rustorch.equal(rustorch.tensor([1, 2]), rustorch.tensor([1, 2]))
    True
    """
    input, other = _tensor_arg(input, "equal"), _tensor_arg(other, "equal", "other", 2)
    if input.shape != other.shape:
        return False
    return builtins.bool((input == other).all().item())


# ---- reductions -------------------------------------------------------------------------------


def _reduce(name, input, dim=None, keepdim=False, dtype=None, correction=1.0, sqrt=False):
    input = _tensor_arg(input, name)
    d = None if dtype is None else _dtype.resolve(dtype).name
    return _wrap(_C.reduce(name, input._c, _dimlist(dim), keepdim, d, builtins.float(correction), sqrt))


def sum(input, dim=None, keepdim=False, *, dtype=None):
    """sum(input, dim=None, keepdim=False, *, dtype=None) -> Tensor

    Sum over all elements or over ``dim`` (an int or a tuple). Integers sum to int64.

    >>> rustorch.sum(rustorch.tensor([[1, 2], [3, 4]]), dim=1)
    tensor([3, 7])
    """
    return _reduce("sum", input, dim, keepdim, dtype)


def mean(input, dim=None, keepdim=False, *, dtype=None):
    """mean(input, dim=None, keepdim=False, *, dtype=None) -> Tensor

    >>> rustorch.mean(rustorch.tensor([1., 2., 3., 4.]))
    tensor(2.5000)
    """
    return _reduce("mean", input, dim, keepdim, dtype)


def prod(input, dim=None, keepdim=False, *, dtype=None):
    """prod(input, dim=None, keepdim=False, *, dtype=None) -> Tensor

    >>> rustorch.prod(rustorch.tensor([1, 2, 3, 4]))
    tensor(24)
    """
    return _reduce("prod", input, dim, keepdim, dtype)


def amax(input, dim=(), keepdim=False):
    """amax(input, dim=(), keepdim=False) -> Tensor: the maximum over ``dim`` (all dims by default).

    >>> rustorch.amax(rustorch.tensor([[1, 5], [7, 2]]), dim=0)
    tensor([7, 5])
    """
    return _reduce("amax", input, dim, keepdim)


def amin(input, dim=(), keepdim=False):
    """amin(input, dim=(), keepdim=False) -> Tensor: the minimum over ``dim``.

    >>> rustorch.amin(rustorch.tensor([[1, 5], [7, 2]]), dim=1)
    tensor([1, 2])
    """
    return _reduce("amin", input, dim, keepdim)


def _extremum(is_max, input, dim, keepdim):
    name = "max" if is_max else "min"
    input = _tensor_arg(input, name)
    if isinstance(dim, Tensor):
        return maximum(input, dim) if is_max else minimum(input, dim)
    if dim is None:
        return _reduce("amax" if is_max else "amin", input)
    v, i = _C.extremum(input._c, builtins.int(dim), keepdim, is_max)
    cls = return_types.max if is_max else return_types.min
    return cls(_wrap(v), _wrap(i))


def max(input, dim=None, keepdim=False):
    """max(input) -> Tensor; max(input, dim, keepdim=False) -> (values, indices); max(input, other) -> maximum.

    >>> rustorch.max(rustorch.tensor([[1, 5], [7, 2]]), dim=1).indices
    tensor([1, 0])
    """
    if dim is None and input.numel() == 0:
        raise RuntimeError(
            "max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument."
        )
    return _extremum(True, input, dim, keepdim)


def min(input, dim=None, keepdim=False):
    """min(input) -> Tensor; min(input, dim, keepdim=False) -> (values, indices); min(input, other) -> minimum.

    >>> rustorch.min(rustorch.tensor([3, 1, 2]))
    tensor(1)
    """
    if dim is None and input.numel() == 0:
        raise RuntimeError(
            "min(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument."
        )
    return _extremum(False, input, dim, keepdim)


def argmax(input, dim=None, keepdim=False):
    """argmax(input, dim=None, keepdim=False) -> Tensor: index of the first maximum (flattened when dim is None).

    >>> rustorch.argmax(rustorch.tensor([1, 9, 9, 3]))
    tensor(1)
    """
    return _reduce("argmax", input, dim, keepdim)


def argmin(input, dim=None, keepdim=False):
    """argmin(input, dim=None, keepdim=False) -> Tensor.

    >>> rustorch.argmin(rustorch.tensor([4, 0, 7]))
    tensor(1)
    """
    return _reduce("argmin", input, dim, keepdim)


def _var_args(name, dim, unbiased, keepdim, correction):
    if isinstance(dim, builtins.bool):  # var(x, True): the old positional `unbiased`
        dim, unbiased = None, dim
    if correction is not None and unbiased is not None:
        raise RuntimeError(f"{name}: can't specify both unbiased and correction")
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    return dim, keepdim, correction


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """var(input, dim=None, *, correction=1, keepdim=False) -> Tensor

    Variance with ``correction`` degrees of freedom removed (``unbiased=False`` means 0).

    >>> rustorch.var(rustorch.tensor([1., 2., 3., 4.]))
    tensor(1.6667)
    """
    dim, keepdim, correction = _var_args("var", dim, unbiased, keepdim, correction)
    return _reduce("var", input, dim, keepdim, None, correction)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """std(input, dim=None, *, correction=1, keepdim=False) -> Tensor

    >>> rustorch.std(rustorch.tensor([1., 2., 3., 4.]))
    tensor(1.2910)
    """
    dim, keepdim, correction = _var_args("std", dim, unbiased, keepdim, correction)
    return _reduce("var", input, dim, keepdim, None, correction, True)


def all(input, dim=None, keepdim=False):
    """all(input, dim=None, keepdim=False) -> Tensor: True when every element is nonzero.

    >>> rustorch.all(rustorch.tensor([True, False]))
    tensor(False)
    """
    return _reduce("all", input, dim, keepdim)


def any(input, dim=None, keepdim=False):
    """any(input, dim=None, keepdim=False) -> Tensor: True when some element is nonzero.

    >>> rustorch.any(rustorch.tensor([0, 3]))
    tensor(True)
    """
    return _reduce("any", input, dim, keepdim)


def count_nonzero(input, dim=None):
    """count_nonzero(input, dim=None) -> Tensor (int64).

    >>> rustorch.count_nonzero(rustorch.tensor([0, 1, 2]))
    tensor(2)
    """
    return _reduce("count_nonzero", input, dim, False)


def logsumexp(input, dim, keepdim=False):
    """logsumexp(input, dim, keepdim=False) -> Tensor: ``log(sum(exp(input)))`` computed stably.

    >>> rustorch.logsumexp(rustorch.tensor([0., 0.]), dim=0)
    tensor(0.6931)
    """
    input = _tensor_arg(input, "logsumexp")
    if not input.is_floating_point():
        input = input.to(_dtype.get_default_dtype())
    if input.numel() == 0:
        return (input.exp().sum(dim, keepdim)).log()
    m = input.amax(dim, keepdim=True)
    # An infinite max would give inf - inf = nan; shifting by 0 there is exact.
    m = where(m.isinf(), 0.0, m)
    r = (input - m).exp().sum(dim, keepdim=True).log() + m
    if not keepdim:
        r = r.squeeze(_dimlist(dim) if dim is not None and _dimlist(dim) else None) if input.dim() > 0 else r
    return r


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """norm(input, p='fro', dim=None, keepdim=False, dtype=None) -> Tensor

    Vector p-norm over ``dim`` (all elements by default); ``'fro'`` is the 2-norm.

    >>> rustorch.norm(rustorch.tensor([3., 4.]))
    tensor(5.)
    """
    input = _tensor_arg(input, "norm")
    if dtype is not None:
        input = input.to(dtype)
    if not input.is_floating_point():
        raise NotImplementedError(
            f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got {_dtype.TORCH_NAME[input.dtype.name]}"
        )
    if input.dtype.itemsize == 2:  # half types: accumulate squares in float32, as PyTorch
        return norm(input.float(), p, dim, keepdim).to(input.dtype)
    if p == "fro" or p is None:
        p = 2
    if p == "nuc":
        raise NotImplementedError("nuclear norm needs the linear algebra ops")
    a = input.abs()
    if p == math.inf:
        return a.amax(dim if dim is not None else (), keepdim)
    if p == -math.inf:
        return a.amin(dim if dim is not None else (), keepdim)
    if p == 0:
        return (a != 0).to(input.dtype).sum(dim, keepdim)
    if p == 1:
        return a.sum(dim, keepdim)
    if p == 2:
        return (a * a).sum(dim, keepdim).sqrt()
    return (a ** p).sum(dim, keepdim) ** (1.0 / p)


# ---- generation and attachment ------------------------------------------------------------------

_g = globals()
for _name, (_desc, _inplace) in UNARY.items():
    _g[_name] = _make_unary(_name, _desc)
    setattr(Tensor, _name, _make_unary_method(_name))
    if _inplace:
        setattr(Tensor, _name + "_", _make_unary_inplace(_name))
for _name, _desc in BINARY.items():
    _g[_name] = _make_binary(_name, _desc)
    setattr(Tensor, _name, _make_binary_method(_name))
    if _name not in _NO_INPLACE:
        setattr(Tensor, _name + "_", _make_binary_inplace(_name))
for _alias, _target in {**UNARY_ALIASES, **BINARY_ALIASES}.items():
    if _target is not None:
        _g[_alias] = _g[_target]
        setattr(Tensor, _alias, getattr(Tensor, _target))

true_divide = divide = div
subtract = sub
def _inplace_fn(name):
    def fn(input):
        return getattr(input, name + "_")()

    fn.__name__ = name + "_"
    return fn


relu_ = _inplace_fn("relu")
sigmoid_ = _inplace_fn("sigmoid")


def _method(fn):
    """The method form of a function whose first parameter is the tensor."""

    def method(self, *args, **kwargs):
        return fn(self, *args, **kwargs)

    method.__name__ = fn.__name__
    method.__doc__ = fn.__doc__
    return method


for _fn in (add, sub, div, where, clamp, clamp_min, clamp_max, lerp, addcmul, addcdiv, nan_to_num, isclose,
            allclose, equal, sum, mean, prod, amax, amin, max, min, argmax, argmin, var, std, all, any,
            count_nonzero, logsumexp, norm):
    setattr(Tensor, _fn.__name__, _method(_fn))
Tensor.clip = Tensor.clamp
Tensor.divide = Tensor.true_divide = Tensor.div
Tensor.subtract = Tensor.sub


def _where_method(self, condition, other):
    return where(condition, self, other)


Tensor.where = _where_method


def _inplace_binary(native_name, fn_name):
    def method(self, other, *, alpha=1):
        _C.binary_out(native_name, self._c, _operand(other, fn_name), self._c, alpha)
        return self

    method.__name__ = fn_name + "_"
    return method


Tensor.add_ = _inplace_binary("add", "add")
Tensor.sub_ = Tensor.subtract_ = _inplace_binary("sub", "sub")


def _div_(self, other, *, rounding_mode=None):
    _C.binary_out(_div_native(rounding_mode), self._c, _operand(other, "div_"), self._c)
    return self


Tensor.div_ = Tensor.true_divide_ = Tensor.divide_ = _div_


def _clamp_(self, min=None, max=None):
    lo = None if min is None else _operand(min, "clamp_")
    hi = None if max is None else _operand(max, "clamp_")
    _C.clamp(self._c, lo, hi, self._c)
    return self


Tensor.clamp_ = Tensor.clip_ = _clamp_
Tensor.clamp_min_ = lambda self, min: _clamp_(self, min=min)
Tensor.clamp_max_ = lambda self, max: _clamp_(self, max=max)


def _ternary_(name):
    def method(self, b, c, *, value=1):
        _C.ternary(name, self._c, _operand(b, name), _operand(c, name), value, self._c)
        return self

    method.__name__ = name + "_"
    return method


Tensor.addcmul_ = _ternary_("addcmul")
Tensor.addcdiv_ = _ternary_("addcdiv")


def _lerp_(self, end, weight):
    _C.ternary("lerp", self._c, _operand(end, "lerp_"), _operand(weight, "lerp_"), 1, self._c)
    return self


Tensor.lerp_ = _lerp_


def _nan_to_num_(self, nan=0.0, posinf=None, neginf=None):
    _C.nan_to_num(self._c, nan, posinf, neginf, self._c)
    return self


Tensor.nan_to_num_ = _nan_to_num_
del _g, _name, _desc, _inplace, _alias, _target, _fn


def _function_of(method_name):
    """``rustorch.name(input, ...)`` for a Tensor method ``input.name(...)``."""
    method = getattr(Tensor, method_name)

    def fn(input, *args, **kwargs):
        return method(_tensor_arg(input, method_name), *args, **kwargs)

    fn.__name__ = fn.__qualname__ = method_name
    fn.__doc__ = f"""{method_name}(input, ...) -> Tensor: same as ``input.{method_name}(...)``.

    >>> rustorch.{method_name} is not None
    True
    """
    return fn


for _m in ("is_floating_point", "is_complex", "is_nonzero", "reshape", "permute", "transpose", "swapaxes", "swapdims", "t", "squeeze", "unsqueeze", "flatten",
           "unflatten", "narrow", "select", "movedim", "moveaxis", "as_strided", "clone", "detach", "ravel",
           "broadcast_to", "numel"):
    globals()[_m] = _function_of(_m)
del _m
