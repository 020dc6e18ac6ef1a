"""Activation functions: ``relu``, ``gelu``, ``silu``, ``softplus``, ..., ``softmax``, ``log_softmax``.

Each elementwise activation is one recorded node (PyTorch's name: ``GeluBackward0``, ``SiluBackward0``...)
whose forward runs as plain tensor ops and whose derivative is written directly, with rustorch ops (so a
backward recorded with ``create_graph=True`` gives second derivatives). ``softmax`` and ``log_softmax``
are single nodes too: in a training step they cost one node instead of the five of their composition.
GELU runs as native ops (forward and backward one pass each); SiLU and Mish keep the transcendental part
of their forward (the sigmoid) with the node, so that their backward does not compute it again.
Compositions that would overflow are written stably (``softplus``, ``logsigmoid``, ``log_softmax``).
"""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING

import rustorch as R

from ... import _C, _dtype
from ..._tensor import Tensor, _wrap
from ...autograd.grad_mode import _state
from ...autograd.record import make_output, recorded, saved_out, tracked

if TYPE_CHECKING:
    from ..._typing import DTypeLike

__all__ = ["relu", "relu_", "relu6", "leaky_relu", "leaky_relu_", "elu", "elu_", "selu", "selu_", "celu",
           "celu_", "gelu", "silu", "mish", "softplus", "hardtanh", "hardtanh_", "hardswish", "hardsigmoid",
           "logsigmoid", "sigmoid", "tanh", "glu", "threshold", "threshold_", "softsign", "tanhshrink",
           "softmax", "log_softmax", "softmin"]

_SQRT1_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_TANH_K = math.sqrt(2.0 / math.pi)
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


# ---- shared helpers ----------------------------------------------------------------------------------

def _float_only(x, kernel):
    """PyTorch has no integer kernel for most activations: it names the kernel that is missing."""
    if not x.dtype.is_floating_point:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_dtype.TORCH_NAME[x.dtype.name]}'")


def _wrap_dim(dim, ndim):
    """``dim`` in ``[0, ndim)`` (a 0-d tensor takes -1 and 0), or IndexError with PyTorch's message."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def _inplace(input, fn, *args):
    """``fn(input, *args)`` written into ``input`` (the ``inplace=True`` forms). With autograd, recorded as
    PyTorch records an in-place op: ``input`` becomes the output of ``fn``'s node, applied to its old value
    (a leaf that requires grad refuses; a view's base follows its view)."""
    if not tracked((input,), {}):
        Tensor.copy_(input, fn(input, *args))
        return input
    from ...autograd.install import _LEAF_INPLACE, _VIEW_OF_LEAF, _rebase, _view_root

    if input.is_leaf:
        raise RuntimeError(_LEAF_INPLACE)
    root = _view_root(input)
    if root is not None and root.is_leaf and root.requires_grad:
        raise RuntimeError(_VIEW_OF_LEAF)
    res = fn(input.clone(), *args)
    _state.enabled = False
    try:
        Tensor.copy_(input, res)
    finally:
        _state.enabled = True
    if root is not None:
        _rebase(input, root, res)
    else:
        make_output(input, res._fn, res._out)
    return input


def _node(name, forward, backward, save="in"):
    """A recorded elementwise op: ``forward(x, *params)`` runs with grad mode off; the input's gradient is
    ``backward(g, v, *params)``, ``v`` the saved input (``save='out'``: the saved output)."""
    if save == "out":
        return recorded(name, forward, lambda c, g: (backward(g, saved_out(c), *c.args[1:]),), ("out",))
    return recorded(name, forward, lambda c, g: (backward(g, c.saved(0), *c.args[1:]),), (0,))


def _stable_softplus(x):
    """``log(1 + exp(x))`` without overflow: ``max(x, 0) + log1p(exp(-|x|))``."""
    return x.clamp(min=0) + (-x.abs()).exp().log1p()


# ---- elementwise nodes -------------------------------------------------------------------------------

def _hardtanh_grad(g, x, lo, hi):
    return g * ((x > lo) & (x < hi))


def _hardtanh_forward(x, lo, hi):
    if not x.dtype.is_floating_point:  # integer inputs keep their dtype: the bounds truncated to integers
        lo, hi = int(lo), int(hi)
    return x.clamp(lo, hi)


def _leaky_relu_forward(x, slope):
    return R.where(x > 0, x, x * slope)


def _leaky_relu_grad(g, x, slope):
    return R.where(x > 0, g, g * slope)


_hardtanh = _node("HardtanhBackward0", _hardtanh_forward, _hardtanh_grad)
# The in-place forms are recorded under the names PyTorch gives their nodes ("...Backward1").
_leaky_relu = _node("LeakyReluBackward0", _leaky_relu_forward, _leaky_relu_grad)
_leaky_relu_ = _node("LeakyReluBackward1", _leaky_relu_forward, _leaky_relu_grad)


def _elu_forward(x, alpha, scale, input_scale):
    neg = (x.clamp(max=0) * input_scale).expm1() * (alpha * scale)  # clamped: no inf where x > 0
    return R.where(x > 0, x * scale if scale != 1 else x, neg)


def _elu_grad(g, x, alpha, scale, input_scale):
    neg = (x.clamp(max=0) * input_scale).exp() * (alpha * scale * input_scale)
    return R.where(x > 0, g * scale if scale != 1 else g, g * neg)


_elu = _node("EluBackward0", _elu_forward, _elu_grad)
_elu_ = _node("EluBackward1", _elu_forward, _elu_grad)
_celu = _node("CeluBackward0", _elu_forward, _elu_grad)
_celu_ = _node("CeluBackward1", _elu_forward, _elu_grad)


def _shared_node(name, shared, forward, backward):
    """A recorded elementwise op whose forward and derivative share an intermediate ``a = shared(x, *params)``
    (GELU's normal CDF, SiLU's sigmoid): computed once, outside the graph, and kept with the node, so the
    backward does not evaluate the transcendental again. A backward that is itself recorded recomputes it
    from ``x``, so that second derivatives see its dependence on ``x``."""

    def formula(c, g):
        x, params = c.saved(0), c.args[2:]
        a = shared(x, *params) if _state.enabled else c.saved(1)
        return (backward(g, x, a, *params), None)

    node = recorded(name, forward, formula, (0, 1))

    def call(x, *params):
        return node(x, shared(x.detach(), *params), *params)

    return call


def _gelu_shared(x, approximate):
    if approximate == "tanh":
        return ((x + x * x * x * 0.044715) * _TANH_K).tanh()
    return (x * _SQRT1_2).erf() * 0.5 + 0.5


def _gelu_forward(x, a, approximate):
    return x * (a + 1) * 0.5 if approximate == "tanh" else x * a


def _gelu_grad(g, x, a, approximate):
    if approximate == "tanh":
        return g * ((a + 1) * 0.5 + x * 0.5 * (1 - a * a) * _TANH_K * (x * x * (3 * 0.044715) + 1))
    return g * (a + x * (x * x * -0.5).exp() * _INV_SQRT_2PI)


# The native ops: one pass forward, one pass backward (the composition above costs five and seven).
_GELU_OPS = {"none": ("gelu", "gelu_backward"), "tanh": ("gelu_tanh", "gelu_tanh_backward")}


def _gelu_native(x, approximate):
    return _wrap(_C.unary(_GELU_OPS[approximate][0], x._c))


def _gelu_formula(c, g):
    x, approximate = c.saved(0), c.args[1]
    if _state.enabled:  # a recorded backward (create_graph=True): the composition, differentiable again
        return (_gelu_grad(g, x, _gelu_shared(x, approximate), approximate),)
    return (_wrap(_C.binary(_GELU_OPS[approximate][1], g._c, x._c)),)


_gelu = recorded("GeluBackward0", _gelu_native, _gelu_formula, (0,))
_silu = _shared_node("SiluBackward0", lambda x: x.sigmoid(), lambda x, s: x * s,
                     lambda g, x, s: g * s * (x * (1 - s) + 1))
_mish = _shared_node("MishBackward0", lambda x: _stable_softplus(x).tanh(), lambda x, t: x * t,
                     lambda g, x, t: g * (t + x * x.sigmoid() * (1 - t * t)))


def _softplus_forward(x, beta, threshold):
    xb = x * beta
    return R.where(xb > threshold, x, xb.exp().log1p() / beta)


def _softplus_grad(g, x, beta, threshold):
    xb = x * beta
    return R.where(xb > threshold, g, g * xb.sigmoid())


_softplus = _node("SoftplusBackward0", _softplus_forward, _softplus_grad)


def _hardswish_grad(g, x):
    return R.where(x < -3, 0.0, R.where(x <= 3, g * (x / 3 + 0.5), g))


_hardswish = _node("HardswishBackward0", lambda x: x * (x + 3).clamp(0, 6) / 6, _hardswish_grad)
_hardsigmoid = _node("HardsigmoidBackward0", lambda x: (x + 3).clamp(0, 6) / 6,
                     lambda g, x: g * ((x > -3) & (x < 3)) / 6)
_logsigmoid = _node("LogSigmoidBackward0", lambda x: x.clamp(max=0) - (-x.abs()).exp().log1p(),
                    lambda g, x: g * (-x).sigmoid())
_threshold = _node("ThresholdBackward0", lambda x, th, v: R.where(x > th, x, v), lambda g, x, th, v: g * (x > th))
_threshold_ = _node("ThresholdBackward1", lambda x, th, v: R.where(x > th, x, v), lambda g, x, th, v: g * (x > th))


def _glu_forward(x, dim):
    a, b = x.chunk(2, dim)
    return a * b.sigmoid()


def _glu_grad(c, g):
    dim = c.args[1]
    a, b = c.saved(0).chunk(2, dim)
    s = b.sigmoid()
    return (R.cat([g * s, g * a * s * (1 - s)], dim),)


_glu = recorded("GluBackward0", _glu_forward, _glu_grad, (0,))


# ---- public elementwise activations ------------------------------------------------------------------

def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """``max(input, 0)``.

    >>> rustorch.nn.functional.relu(rustorch.tensor([-1., 2.]))
    tensor([0., 2.])
    """
    return input.relu_() if inplace else R.relu(input)


def relu_(input: Tensor) -> Tensor:
    """In-place ``relu``."""
    return relu(input, inplace=True)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """``input`` clamped to ``[min_val, max_val]``; the gradient is 1 strictly inside.

    >>> rustorch.nn.functional.hardtanh(rustorch.tensor([-3., 0.5, 3.]))
    tensor([-1.0000,  0.5000,  1.0000])
    """
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if input.dtype is R.bool:
        raise NotImplementedError("Bool inputs not supported for hardtanh")
    if inplace:
        return _inplace(input, _hardtanh, min_val, max_val)
    return _hardtanh(input, min_val, max_val)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """In-place ``hardtanh``."""
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """``min(max(input, 0), 6)``.

    >>> rustorch.nn.functional.relu6(rustorch.tensor([-1., 3., 9.]))
    tensor([0., 3., 6.])
    """
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """``input`` where positive, ``negative_slope * input`` elsewhere.

    >>> rustorch.nn.functional.leaky_relu(rustorch.tensor([-2., 2.]), 0.5)
    tensor([-1.,  2.])
    """
    _float_only(input, "leaky_relu_cpu")
    if inplace:
        return _inplace(input, _leaky_relu_, negative_slope)
    return _leaky_relu(input, negative_slope)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """In-place ``leaky_relu``."""
    return leaky_relu(input, negative_slope, inplace=True)


def _elu_call(nodes, input, inplace, alpha, scale, input_scale):
    _float_only(input, "elu_cpu")
    if inplace:
        return _inplace(input, nodes[1], alpha, scale, input_scale)
    return nodes[0](input, alpha, scale, input_scale)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``input`` where positive, ``alpha * (exp(input) - 1)`` elsewhere.

    >>> rustorch.nn.functional.elu(rustorch.tensor([0., 1.]))
    tensor([0., 1.])
    """
    return _elu_call((_elu, _elu_), input, inplace, float(alpha), 1.0, 1.0)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """In-place ``elu``."""
    return elu(input, alpha, inplace=True)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """``scale * elu(input, alpha)`` with the self-normalising constants (alpha 1.6733, scale 1.0507)."""
    return _elu_call((_elu, _elu_), input, inplace, _SELU_ALPHA, _SELU_SCALE, 1.0)


def selu_(input: Tensor) -> Tensor:
    """In-place ``selu``."""
    return selu(input, inplace=True)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``max(0, input) + min(0, alpha * (exp(input / alpha) - 1))``."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return _elu_call((_celu, _celu_), input, inplace, float(alpha), 1.0, 1.0 / alpha)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """In-place ``celu``."""
    return celu(input, alpha, inplace=True)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """``input * Phi(input)`` (Phi: the standard normal CDF), or its tanh approximation with
    ``approximate='tanh'``.

    >>> rustorch.nn.functional.gelu(rustorch.tensor([0., 1.]))
    tensor([0.0000, 0.8413])
    """
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    _float_only(input, "GeluKernelImpl")
    return _gelu(input, approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """``input * sigmoid(input)`` (swish).

    >>> rustorch.nn.functional.silu(rustorch.tensor([0.]))
    tensor([0.])
    """
    _float_only(input, "silu_cpu")
    return _inplace(input, _silu) if inplace else _silu(input)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """``input * tanh(softplus(input))``."""
    _float_only(input, "mish_cpu")
    return _inplace(input, _mish) if inplace else _mish(input)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + exp(beta * input)) / beta``, and ``input`` itself where ``beta * input > threshold``.

    >>> rustorch.nn.functional.softplus(rustorch.tensor([0., 30.]))
    tensor([ 0.6931, 30.0000])
    """
    _float_only(input, "softplus_cpu")
    return _softplus(input, beta, threshold)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """``input * relu6(input + 3) / 6``."""
    _float_only(input, "hardswish_cpu")
    return _inplace(input, _hardswish) if inplace else _hardswish(input)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """``relu6(input + 3) / 6``."""
    _float_only(input, "hardsigmoid_cpu")
    return _inplace(input, _hardsigmoid) if inplace else _hardsigmoid(input)


def logsigmoid(input: Tensor) -> Tensor:
    """``log(sigmoid(input))``, computed as ``min(input, 0) - log1p(exp(-|input|))`` (no overflow).

    >>> rustorch.nn.functional.logsigmoid(rustorch.tensor([-200., 0.]))
    tensor([-200.0000,   -0.6931])
    """
    _float_only(input, "log_sigmoid_cpu")
    return _logsigmoid(input)


def sigmoid(input: Tensor) -> Tensor:
    """``1 / (1 + exp(-input))``."""
    return R.sigmoid(input)


def tanh(input: Tensor) -> Tensor:
    """Hyperbolic tangent."""
    return R.tanh(input)


def _threshold_call(input, th, value, inplace):
    if inplace:
        return _inplace(input, _threshold_, th, value)
    return _threshold(input, th, value)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """``input`` where ``input > threshold``, ``value`` elsewhere.

    >>> rustorch.nn.functional.threshold(rustorch.tensor([0.5, 2.]), 1.0, 0.0)
    tensor([0., 2.])
    """
    return _threshold_call(input, threshold, value, inplace)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    """In-place ``threshold``."""
    return _threshold_call(input, threshold, value, True)


def softsign(input: Tensor) -> Tensor:
    """``input / (1 + |input|)``."""
    return input / (input.abs() + 1)


def tanhshrink(input: Tensor) -> Tensor:
    """``input - tanh(input)``."""
    return input - input.tanh()


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """Gated linear unit: ``a * sigmoid(b)`` where ``a, b`` are the halves of ``input`` along ``dim``.

    >>> rustorch.nn.functional.glu(rustorch.tensor([[1., 0.]]))
    tensor([[0.5000]])
    """
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = _wrap_dim(dim, input.dim())
    if input.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {input.shape[d]}")
    _float_only(input, "glu_cpu")
    return _glu(input, d)


# ---- softmax family ----------------------------------------------------------------------------------

def _softmax_forward(x, dim):
    if x.numel() == 0:
        return x.clone()
    half = x.dtype.itemsize == 2  # float16/bfloat16: computed in float32, rounded once
    xf = x.float() if half else x
    e = (xf - xf.amax(dim, keepdim=True)).exp()
    y = e / e.sum(dim, keepdim=True)
    return y.to(x.dtype) if half else y


def _softmax_grad(c, g):
    y, dim = saved_out(c), c.args[1]
    gy = g * y
    return (gy - y * gy.sum(dim, keepdim=True),)


def _log_softmax_forward(x, dim):
    if x.numel() == 0:
        return x.clone()
    half = x.dtype.itemsize == 2
    xf = x.float() if half else x
    s = xf - xf.amax(dim, keepdim=True)
    out = s - s.exp().sum(dim, keepdim=True).log_()
    return out.to(x.dtype) if half else out


def _log_softmax_grad(c, g):
    out, dim = saved_out(c), c.args[1]
    return (g - out.exp() * g.sum(dim, keepdim=True),)


_softmax = recorded("SoftmaxBackward0", _softmax_forward, _softmax_grad, ("out",))
_log_softmax = recorded("LogSoftmaxBackward0", _log_softmax_forward, _log_softmax_grad, ("out",))


def _get_softmax_dim(name, ndim, stacklevel):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. "
                  "Change the call to include dim=X as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def _softmax_call(name, node, input, dim, stacklevel, dtype):
    if dim is None:
        dim = _get_softmax_dim(name, input.dim(), stacklevel + 1)
    elif isinstance(dim, bool) or not isinstance(dim, int):
        raise TypeError(f"{name}(): argument 'dim' (position 1) must be int, not {type(dim).__name__}")
    d = _wrap_dim(dim, input.dim())
    if dtype is not None:
        input = input.to(dtype)
    if not input.dtype.is_floating_point:
        kernel = f"{name}_lastdim_kernel_impl" if d == max(input.dim() - 1, 0) else f"{name}_kernel_impl"
        _float_only(input, kernel)
    return node(input, d)


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: DTypeLike | None = None) -> Tensor:
    """``exp(input) / sum(exp(input), dim)``, with ``input`` first cast to ``dtype`` when given.

    >>> rustorch.nn.functional.softmax(rustorch.tensor([[0., 0.], [0., 1.]]), dim=1)
    tensor([[0.5000, 0.5000],
            [0.2689, 0.7311]])
    """
    return _softmax_call("softmax", _softmax, input, dim, _stacklevel, dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: DTypeLike | None = None) -> Tensor:
    """``input - logsumexp(input, dim)``: the log of ``softmax``, without its underflow.

    >>> rustorch.nn.functional.log_softmax(rustorch.tensor([0., 0.]), dim=0)
    tensor([-0.6931, -0.6931])
    """
    return _softmax_call("log_softmax", _log_softmax, input, dim, _stacklevel, dtype)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: DTypeLike | None = None) -> Tensor:
    """``softmax(-input, dim)``.

    >>> rustorch.nn.functional.softmin(rustorch.tensor([0., 1.]), dim=0)
    tensor([0.7311, 0.2689])
    """
    if dim is None:
        dim = _get_softmax_dim("softmin", input.dim(), _stacklevel)
    return _softmax_call("softmax", _softmax, -input, dim, _stacklevel, dtype)
