"""Pooling: ``max_pool1d``/``2d``, ``avg_pool1d``/``2d``, ``adaptive_avg_pool1d``/``2d`` and
``adaptive_max_pool1d``/``2d``.

A pool reads its input through the same strided window view as a convolution (``conv._windows``, no copy)
and reduces the windows one kernel offset at a time (an elementwise max or sum per offset; the running
argmax kept by ``where``); beyond 16 offsets the windows are copied once and reduced along one dim. Each
pool is one node with PyTorch's name (``MaxPool2DWithIndicesBackward0``, ``AvgPool2DBackward0``...): the
max pool's gradient goes back to each window's argmax, the average pool's is spread over the window, both
through ``fold`` (one strided add per kernel offset: float64 works on every device), so second derivatives
work too. The 1-D pools are the 2-D ones on a height of 1, as in PyTorch. Adaptive average pooling is two
products with averaging matrices; adaptive max pooling gathers each output's (clamped) window."""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, overload

import numpy as np

import rustorch as R

from ... import _dtype
from ..._tensor import Tensor
from ...autograd.derivatives import _flat_add
from ...autograd.record import record, tracked
from .conv import _fold_node, _padded, _windows

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Literal

    from ..._typing import _size_arg

__all__ = ["max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool2d",
           "adaptive_max_pool1d", "adaptive_max_pool2d"]

_CHAIN = 16  # up to this many kernel offsets a pool reduces offset by offset


def _check_tensor(x, fn):
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")


def _node(name, formula, x, params, compute):
    """``compute(need_grad)`` -> (result, extra) run without recording; recorded as a ``name`` node on ``x``
    when ``x`` requires grad."""
    if not tracked((x,), None):
        return compute(False)[0]
    with R.no_grad():
        result, extra = compute(True)
    return record(name, formula, (x,) + params, {}, result, extra=extra)


def _batch4(x):
    """``x`` as ``[N, C, *spatial]`` (an unbatched input gets a batch of 1)."""
    return x.unsqueeze(0) if x.dim() == 3 else x


def _lowest(dtype):
    if dtype.is_floating_point:
        return float("-inf")
    return int(np.iinfo(np.dtype(dtype.name)).min) if dtype.name != "bool" else 0


def _offsets(win, nd):
    """The windows' values at each kernel offset, in row-major kernel order: contiguous ``[*lead, *blocks]``
    slices of one copy (the kernels run much faster on contiguous operands than on the windows' strides)."""
    lead = win.dim() - 2 * nd
    order = list(range(lead, lead + nd)) + list(range(lead)) + list(range(lead + nd, lead + 2 * nd))
    per = win.permute(order).contiguous()
    flat = per.view([math.prod(per.shape[:nd])] + list(per.shape[nd:]))
    return [flat[i] for i in range(flat.shape[0])]


def _window_max(win, nd, k, want_arg):
    """(max over each window, the kernel ordinal of the max or None). Ties go to the first offset, NaN to the
    last NaN, as PyTorch's kernels."""
    kk = math.prod(k)
    floating = win.dtype.is_floating_point
    if kk > _CHAIN:
        lead = win.dim() - 2 * nd
        order = list(range(lead)) + list(range(lead + nd, lead + 2 * nd)) + list(range(lead, lead + nd))
        flat = win.permute(order).reshape(list(win.shape[:lead]) + list(win.shape[lead + nd:]) + [kk])
        if not want_arg:
            return flat.amax(-1), None
        arg = flat.argmax(-1)
        return flat.gather(-1, arg.unsqueeze(-1)).squeeze(-1), arg
    views = _offsets(win, nd)
    best = views[0]
    if kk == 1:
        return best, (R.zeros(best.shape, dtype=R.int64, device=best.device) if want_arg else None)
    if not want_arg:
        for v in views[1:]:
            best = R.maximum(best, v)
        return best, None
    arg = None
    for i, v in enumerate(views[1:], 1):
        up = v > best
        if floating:
            up = up | (v != v)
        best = R.where(up, v, best)
        arg = R.where(up, i, 0) if arg is None else R.where(up, i, arg)
    return best, arg


# ---- output sizes and argument checks ----------------------------------------------------------------------

def _pool_out(size, k, pad, s, d, ceil_mode):
    n = size + 2 * pad - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)
    out = n // s + 1
    if ceil_mode and (out - 1) * s >= size + pad:
        out -= 1
    return out


def _geometry(size, k, s, p, d, ceil_mode):
    """(geom, blocks): the padding after each dim covers the last (ceil mode) window."""
    blocks = tuple(_pool_out(n, kk, pp, ss, dd, ceil_mode) for n, kk, pp, ss, dd in zip(size, k, p, s, d))
    hi = tuple(max(pp, (b - 1) * ss + dd * (kk - 1) + 1 - n - pp)
               for n, kk, pp, ss, dd, b in zip(size, k, p, s, d, blocks))
    return (tuple(k), tuple(d), tuple(p), hi, tuple(s)), blocks


def _blocks_of(x, k, s, p, d, ceil_mode):
    if 0 in s:
        return (0, 0)  # (refused by the checks)
    return [_pool_out(n, kk, pp, ss, dd, ceil_mode) for n, kk, pp, ss, dd in zip(x.shape[-2:], k, p, s, d)]


def _pair_arg(v, fn, what, omit=False):
    if isinstance(v, (list, tuple)):
        if len(v) == 1:
            return (int(v[0]),) * 2
        if len(v) == 2:
            return (int(v[0]), int(v[1]))
        if omit and len(v) == 0:
            return None
        form = "omitted, a single int" if omit else "a single int"
        verb = "be either" if what == "dilation" else "either be"
        raise RuntimeError(f"{fn}: {what} must {verb} {form}, or a tuple of two ints")
    return (int(v),) * 2


def _check_pool(x, k, s, p, d, blocks):
    """PyTorch's checks of a 2-D pool, in its order (``x`` has 3 or 4 dims)."""
    if 0 in s:
        raise RuntimeError("stride should not be zero")
    if any(v < 0 for v in p):
        raise RuntimeError(f"pad must be non-negative, but got pad: {min(p)}")
    for kk, pp, dd in zip(k, p, d):
        if pp > (dd * (kk - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={pp}, "
                               f"kernel_size={kk} and dilation={dd}")
    if any(v <= 0 for v in k):
        raise RuntimeError(f"kernel size should be greater than zero, but got kH: {k[0]} kW: {k[1]}")
    if any(v <= 0 for v in s):
        raise RuntimeError(f"stride should be greater than zero, but got dH: {s[0]} dW: {s[1]}")
    if any(v <= 0 for v in d):
        raise RuntimeError(f"dilation should be greater than zero, but got dilationH: {d[0]} dilationW: {d[1]}")
    if any(n == 0 for n in x.shape[-3:]):
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but "
                           f"got:{list(x.shape)}")
    if any(b < 1 for b in blocks):
        shape_in = "x".join(str(v) for v in x.shape[-3:])
        shape_out = "x".join(str(v) for v in [x.shape[-3]] + list(blocks))
        raise RuntimeError(f"Given input size: ({shape_in}). Calculated output size: ({shape_out}). Output size is "
                           "too small")


def _check_input_2d(x):
    if x.dim() not in (3, 4):
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")


# ---- max pooling -----------------------------------------------------------------------------------------------

def _max_pool_grad(c, g, *_):
    geom, blocks = c.args[1], c.args[2]
    arg = c.extra["arg"]
    k = geom[0]
    kk = math.prod(k)
    unbatched = len(c.extra["in"][0][0]) == 3
    if unbatched:
        g, arg = g.unsqueeze(0), arg.unsqueeze(0)
    n, ch = g.shape[0], g.shape[1]
    ks = R.arange(kk, device=g.device).view([kk] + [1] * len(k))
    mask = (arg.unsqueeze(2) == ks).view([n, ch] + list(k) + list(blocks))
    contrib = g.view([n, ch] + [1] * len(k) + list(blocks)) * mask
    gx = _fold_node(contrib, tuple(c.extra["in"][0][0][-len(k):]), geom, blocks)
    return (gx.squeeze(0) if unbatched else gx,)


def _flat_indices(arg, size, geom, blocks):
    """Each max's position in the flattened (unpadded) spatial dims of the input."""
    k, d, lo, _, s = geom
    nd = len(k)
    dev = arg.device
    idx = None
    for i in range(nd):
        mult = math.prod(size[i + 1:])
        inner = math.prod(k[i + 1:])
        ki = (arg // inner) % k[i] if i < nd - 1 else arg % k[i]
        base = (R.arange(blocks[i], device=dev) * s[i] - lo[i]) * mult
        part = base.view([blocks[i]] + [1] * (nd - 1 - i)) + ki * (d[i] * mult)
        idx = part if idx is None else idx + part
    return idx


@functools.lru_cache(maxsize=128)
def _first_valid(size, geom, blocks, device):
    """The kernel ordinal of each window's first entry inside the input (PyTorch's index for a window whose
    entries are all the lowest value, which the padding holds too)."""
    k, d, lo, _, s = geom
    first = [np.maximum(0, -(-(lo[i] - np.arange(blocks[i]) * s[i]) // d[i])) for i in range(len(k))]
    ordinal = first[0][:, None] * k[1] + first[1][None, :]
    return R.tensor(np.minimum(ordinal, k[0] * k[1] - 1), dtype=R.int64, device=device)


def _max_pool(x, k, s, p, d, ceil_mode, return_indices, name):
    geom, blocks = _geometry(x.shape[-2:], k, s, p, d, ceil_mode)

    def compute(need):
        x4 = _batch4(x)
        low = _lowest(x.dtype)
        win = _windows(_padded(x4, geom[2], geom[3], low), geom, blocks)
        out, arg = _window_max(win, 2, k, need or return_indices)
        if arg is not None and (any(geom[2]) or any(geom[3])):
            arg = R.where(out == low, _first_valid(tuple(x.shape[-2:]), geom, blocks, x.device), arg)
        if x.dim() == 3:
            out = out.squeeze(0)
            arg = arg.squeeze(0) if arg is not None else None
        result = (out, _flat_indices(arg, tuple(x.shape[-2:]), geom, blocks)) if return_indices else out
        return result, {"arg": arg}

    return _node(name, _max_pool_grad, x, (geom, blocks), compute)


@overload
def max_pool2d(input: Tensor, kernel_size: _size_arg, stride: _size_arg | None = None, padding: _size_arg = 0,
               dilation: _size_arg = 1, ceil_mode: bool = False, return_indices: Literal[False] = False) -> Tensor: ...
@overload
def max_pool2d(input: Tensor, kernel_size: _size_arg, stride: _size_arg | None = None, padding: _size_arg = 0,
               dilation: _size_arg = 1, ceil_mode: bool = False, *,
               return_indices: Literal[True]) -> tuple[Tensor, Tensor]: ...
@overload
def max_pool2d(input: Tensor, kernel_size: _size_arg, stride: _size_arg | None = None, padding: _size_arg = 0,
               dilation: _size_arg = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]: ...
def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """2-D max pooling over ``(N, C, H, W)`` or ``(C, H, W)``; ``stride`` defaults to ``kernel_size``.
    With ``return_indices``, also each max's flat index in its ``H * W`` plane.

    >>> x = rustorch.arange(16.).view(1, 1, 4, 4)
    >>> rustorch.nn.functional.max_pool2d(x, 2).tolist()
    [[[[5.0, 7.0], [13.0, 15.0]]]]
    """
    _check_tensor(input, "max_pool2d")
    k = _pair_arg(kernel_size, "max_pool2d", "kernel_size")
    s = _pair_arg(stride, "max_pool2d", "stride", omit=True) if stride is not None else None
    s = k if s is None else s
    p = _pair_arg(padding, "max_pool2d", "padding")
    d = _pair_arg(dilation, "max_pool2d", "dilation")
    _check_input_2d(input)
    _check_pool(input, k, s, p, d, _blocks_of(input, k, s, p, d, ceil_mode))
    return _max_pool(input, k, s, p, d, ceil_mode, return_indices, "MaxPool2DWithIndicesBackward0")


def _one(v, fn, what, omit=False):
    """A 1-D pool parameter as an int (``max_pool1d``'s checks)."""
    if isinstance(v, (list, tuple)):
        if len(v) != 1 and not (omit and len(v) == 0):
            kinds = {"kernel_size": "an int, list of ints or tuple of ints", "stride": "None, an int, list of ints, "
                     "or tuple of ints", "padding": "an int, list of ints, or tuple of ints"}[what]
            raise RuntimeError(f"{fn}() {what} must be {kinds} of size 1 but got size {len(v)}")
        return int(v[0]) if v else None
    return int(v)


def _unsqueezed_1d(input, fn):
    if input.dim() not in (2, 3) or any(n == 0 for n in input.shape[-2:]):
        raise RuntimeError(f"{fn}: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, "
                           f"but got:{list(input.shape)}")
    return input.unsqueeze(-2)


@overload
def max_pool1d(input: Tensor, kernel_size: _size_arg, stride: _size_arg | None = None, padding: _size_arg = 0,
               dilation: _size_arg = 1, ceil_mode: bool = False, return_indices: Literal[False] = False) -> Tensor: ...
@overload
def max_pool1d(input: Tensor, kernel_size: _size_arg, stride: _size_arg | None = None, padding: _size_arg = 0,
               dilation: _size_arg = 1, ceil_mode: bool = False, *,
               return_indices: Literal[True]) -> tuple[Tensor, Tensor]: ...
@overload
def max_pool1d(input: Tensor, kernel_size: _size_arg, stride: _size_arg | None = None, padding: _size_arg = 0,
               dilation: _size_arg = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]: ...
def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """1-D max pooling over ``(N, C, L)`` or ``(C, L)``; ``stride`` defaults to ``kernel_size``.

    >>> rustorch.nn.functional.max_pool1d(rustorch.tensor([[[1., 3., 2., 0.]]]), 2).tolist()
    [[[3.0, 2.0]]]
    """
    _check_tensor(input, "max_pool1d")
    k = _one(kernel_size, "max_pool1d", "kernel_size")
    s = _one(stride, "max_pool1d", "stride", omit=True) if stride is not None else None
    s = k if s is None else s
    p = _one(padding, "max_pool1d", "padding")
    d = _one(dilation, "max_pool1d", "dilation")
    x = _unsqueezed_1d(input, "max_pool1d")
    if k <= 0:
        raise RuntimeError(f"max_pool1d() kernel_size must be greater than zero, but got {k}")
    if s <= 0:
        raise RuntimeError(f"max_pool1d() stride must be greater than zero, but got {s}")
    if p < 0:
        raise RuntimeError(f"max_pool1d() padding must be non-negative, but got {p}")
    if d <= 0:
        raise RuntimeError(f"max_pool1d() dilation must be greater than zero, but got {d}")
    if p > k // 2:
        raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, but got padding={p} and "
                           f"kernel_size={k}")
    out = _pool_out(input.shape[-1], k, p, s, d, ceil_mode)
    if out < 1:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {out}")
    r = _max_pool(x, (1, k), (1, s), (0, p), (1, d), ceil_mode, return_indices, "MaxPool2DWithIndicesBackward0")
    if return_indices:
        return r[0].squeeze(-2), r[1].squeeze(-2)
    return r.squeeze(-2)


# ---- average pooling -------------------------------------------------------------------------------------------

def _counts(n, k, s, p, blocks, include_pad):
    """The divisor of each output along one dim (PyTorch's: the window clipped to the padded input, or to
    the input itself)."""
    start = np.arange(blocks) * s - p
    end = np.minimum(start + k, n + p)
    if include_pad:
        return end - start
    return np.minimum(end, n) - np.maximum(start, 0)


def _divisor(size, geom, blocks, count_include_pad, divisor_override, x):
    if divisor_override is not None:
        return divisor_override
    k, _, lo, _, s = geom
    per_dim = [_counts(n, kk, ss, pp, b, count_include_pad) for n, kk, ss, pp, b in zip(size, k, s, lo, blocks)]
    table = functools.reduce(np.multiply.outer, per_dim)
    if (table == table.flat[0]).all():
        return int(table.flat[0])
    return R.tensor(table.astype(np.float64), dtype=x.dtype if x.dtype.is_floating_point else R.float64,
                    device=x.device)


def _divide(total, div):
    if total.dtype.is_floating_point:
        return total / div
    if isinstance(div, Tensor):
        return R.div(total, div.to(total.dtype), rounding_mode="trunc")
    return R.div(total, div, rounding_mode="trunc")


def _avg_pool_grad(c, g):
    geom, blocks = c.args[1], c.args[2]
    div = c.extra["div"]
    k = geom[0]
    unbatched = len(c.extra["in"][0][0]) == 3
    if unbatched:
        g = g.unsqueeze(0)
    n, ch = g.shape[0], g.shape[1]
    share = (g / div).view([n, ch] + [1] * len(k) + list(blocks)).expand([n, ch] + list(k) + list(blocks))
    gx = _fold_node(share, tuple(c.extra["in"][0][0][-len(k):]), geom, blocks)
    return (gx.squeeze(0) if unbatched else gx,)


def _avg_pool(x, k, s, p, ceil_mode, count_include_pad, divisor_override):
    geom, blocks = _geometry(x.shape[-2:], k, s, p, (1, 1), ceil_mode)
    div = _divisor(tuple(x.shape[-2:]), geom, blocks, count_include_pad, divisor_override, x)

    def compute(need):
        x4 = _batch4(x)
        win = _windows(_padded(x4, geom[2], geom[3], 0), geom, blocks)
        kk = math.prod(k)
        if kk > _CHAIN:
            total = win.sum(list(range(2, 4)))
        else:
            views = _offsets(win, 2)
            total = views[0]
            for v in views[1:]:
                total = total + v
        out = _divide(total, div)
        return (out.squeeze(0) if x.dim() == 3 else out), {"div": div}

    return _node("AvgPool2DBackward0", _avg_pool_grad, x, (geom, blocks), compute)


def avg_pool2d(input: Tensor, kernel_size: _size_arg, stride: _size_arg | None = None, padding: _size_arg = 0,
               ceil_mode: bool = False, count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """2-D average pooling over ``(N, C, H, W)`` or ``(C, H, W)``; ``stride`` defaults to ``kernel_size``.
    ``count_include_pad`` counts the zero padding in each window's divisor; ``divisor_override`` replaces it.

    >>> x = rustorch.arange(16.).view(1, 1, 4, 4)
    >>> rustorch.nn.functional.avg_pool2d(x, 2).tolist()
    [[[[2.5, 4.5], [10.5, 12.5]]]]
    """
    _check_tensor(input, "avg_pool2d")
    k = _pair_arg(kernel_size, "avg_pool2d", "kernel_size")
    s = _pair_arg(stride, "avg_pool2d", "stride", omit=True) if stride is not None else None
    s = k if s is None else s
    p = _pair_arg(padding, "avg_pool2d", "padding")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    _check_input_2d(input)
    _check_pool(input, k, s, p, (1, 1), _blocks_of(input, k, s, p, (1, 1), ceil_mode))
    return _avg_pool(input, k, s, p, ceil_mode, count_include_pad, divisor_override)


def avg_pool1d(input: Tensor, kernel_size: _size_arg, stride: _size_arg | None = None, padding: _size_arg = 0,
               ceil_mode: bool = False, count_include_pad: bool = True) -> Tensor:
    """1-D average pooling over ``(N, C, L)`` or ``(C, L)``; ``stride`` defaults to ``kernel_size``.

    >>> rustorch.nn.functional.avg_pool1d(rustorch.tensor([[[1., 3., 2., 0.]]]), 2).tolist()
    [[[2.0, 1.0]]]
    """
    _check_tensor(input, "avg_pool1d")
    vals = []
    for v, what in ((kernel_size, "kernel_size"), (stride, "stride"), (padding, "padding")):
        if isinstance(v, (list, tuple)) and not (what == "stride" and len(v) == 0):
            if len(v) != 1:
                raise RuntimeError(f"avg_pool1d() argument '{what}' should contain one int (got {len(v)})")
            v = v[0]
        vals.append(None if v is None or isinstance(v, (list, tuple)) else int(v))
    k, s, p = vals
    s = k if s is None else s
    if input.dim() not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.dim()}-dimensional tensor for argument #1 "
                           "'self' (while checking arguments for avg_pool1d)")
    x = input.unsqueeze(-2)
    _check_pool(x, (1, k), (1, s), (0, p), (1, 1), _blocks_of(x, (1, k), (1, s), (0, p), (1, 1), ceil_mode))
    return _avg_pool(x, (1, k), (1, s), (0, p), ceil_mode, count_include_pad, None).squeeze(-2)


# ---- adaptive pooling ------------------------------------------------------------------------------------------

def _bounds(n, out):
    """Each output's window ``[start, end)`` along a dim of ``n`` entries (PyTorch's rounding)."""
    i = np.arange(out)
    return (i * n) // out, -((-(i + 1) * n) // out)


@functools.lru_cache(maxsize=128)
def _averaging(n, out, dtype_name, device):
    """``[out, n]``: row i averages window i."""
    start, end = _bounds(n, out)
    m = np.zeros((out, n))
    for i in range(out):
        m[i, start[i]:end[i]] = 1.0 / (end[i] - start[i])
    return R.tensor(m, dtype=_dtype._by_name(dtype_name), device=device)


def _adaptive_sizes(output_size, size, fn, nd):
    out = list(output_size) if isinstance(output_size, (list, tuple)) else [output_size] * nd
    if len(out) != nd:
        if nd == 1:
            raise RuntimeError(f"{fn}() argument 'output_size' should contain one int (got {len(out)})")
        if fn == "adaptive_max_pool2d":
            raise RuntimeError("adaptive_max_pool2d(): internal error: output_size.size() must be 2")
        raise RuntimeError(f"{fn}: output_size must be 2")
    out = [n if o is None else int(o) for o, n in zip(out, size)]
    if any(o < 0 for o in out):
        raise RuntimeError(f"{fn}: elements of output_size must be greater than or equal to 0 but received "
                           "{" + ", ".join(str(o) for o in out) + "}")
    return tuple(out)


def _check_adaptive(x, fn, colon=""):
    if x.dim() not in (3, 4):
        raise RuntimeError(f"{fn}(): Expected 3D or 4D tensor, but got{colon} {list(x.shape)}")
    for i in range(x.dim() - 3, x.dim()):
        if x.shape[i] == 0:
            raise RuntimeError(f"{fn}(): Expected input to have non-zero size for non-batch dimensions, but input has "
                               f"sizes {list(x.shape)} with dimension {i} being empty")


def _adaptive_avg_grad(c, g):
    mh, mw = c.extra["mats"]
    return (mh.t() @ g @ mw,)


def _adaptive_avg(x, out):
    if not x.dtype.is_floating_point:
        raise NotImplementedError(f"\"adaptive_avg_pool2d\" not implemented for '{_dtype.TORCH_NAME[x.dtype.name]}'")
    if out == (1, 1):
        return x.mean((-2, -1), keepdim=True)
    h, w = x.shape[-2:]
    mats = (_averaging(h, out[0], x.dtype.name, x.device), _averaging(w, out[1], x.dtype.name, x.device))

    def compute(need):
        return mats[0] @ x @ mats[1].t(), {"mats": mats}

    return _node("AdaptiveAvgPool2DBackward0", _adaptive_avg_grad, x, (out,), compute)


def adaptive_avg_pool2d(input: Tensor, output_size: _size_arg | Sequence[int | None]) -> Tensor:
    """2-D adaptive average pooling to ``output_size`` (an int, or a pair whose ``None`` keeps that size):
    output ``i`` averages inputs ``floor(i * n / out)`` to ``ceil((i + 1) * n / out)``.

    >>> rustorch.nn.functional.adaptive_avg_pool2d(rustorch.arange(16.).view(1, 1, 4, 4), 1).tolist()
    [[[[7.5]]]]
    """
    _check_tensor(input, "adaptive_avg_pool2d")
    out = _adaptive_sizes(output_size, input.shape[-2:], "adaptive_avg_pool2d", 2)
    _check_adaptive(input, "adaptive_avg_pool2d")
    return _adaptive_avg(input, out)


def _check_1d(input, fn):
    if input.dim() not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.dim()}-dimensional tensor for argument #1 "
                           f"'self' (while checking arguments for {fn})")


def adaptive_avg_pool1d(input: Tensor, output_size: _size_arg) -> Tensor:
    """1-D adaptive average pooling of ``(N, C, L)`` or ``(C, L)`` to ``output_size`` entries.

    >>> rustorch.nn.functional.adaptive_avg_pool1d(rustorch.tensor([[[1., 3., 2.]]]), 2).tolist()
    [[[2.0, 2.5]]]
    """
    _check_tensor(input, "adaptive_avg_pool1d")
    (o,) = _adaptive_sizes(output_size, input.shape[-1:], "adaptive_avg_pool1d", 1)
    _check_1d(input, "adaptive_avg_pool1d")
    x = input.unsqueeze(-2)
    _check_adaptive(x, "adaptive_avg_pool2d")
    return _adaptive_avg(x, (1, o)).squeeze(-2)


def _adaptive_max_grad(c, g, *_):
    shape = c.extra["in"][0][0]
    pos = c.extra["pos"]
    n = math.prod(shape)
    return (_flat_add(n, pos, g.reshape(-1)).reshape(shape),)


@functools.lru_cache(maxsize=128)
def _window_table(h, w, oh, ow, device):
    """(positions [K, oh, ow] of each window's entries in the H * W plane, the rows and the columns the
    windows read, kh, kw): windows padded to the largest one by repeating their last entry."""
    sh, eh = _bounds(h, oh)
    sw, ew = _bounds(w, ow)
    kh, kw = int((eh - sh).max()), int((ew - sw).max())
    rows = np.minimum(sh[:, None] + np.arange(kh)[None, :], eh[:, None] - 1)  # [oh, kh]
    cols = np.minimum(sw[:, None] + np.arange(kw)[None, :], ew[:, None] - 1)  # [ow, kw]
    pos = rows.T[:, None, :, None] * w + cols.T[None, :, None, :]  # [kh, kw, oh, ow]
    return (R.tensor(pos.reshape(kh * kw, oh, ow), dtype=R.int64, device=device),
            R.tensor(rows.reshape(-1), dtype=R.int64, device=device),
            R.tensor(cols.reshape(-1), dtype=R.int64, device=device), kh, kw)


def _adaptive_max(x, out, return_indices):
    h, w = x.shape[-2:]
    if 0 in out:
        empty = R.zeros(list(x.shape[:-2]) + list(out), dtype=x.dtype, device=x.device)
        return (empty, empty.to(R.int64)) if return_indices else empty
    table, rows, cols, kh, kw = _window_table(h, w, out[0], out[1], x.device)

    def compute(need):
        lead = list(x.shape[:-2])
        g = x.index_select(-2, rows).index_select(-1, cols).view(lead + [out[0], kh, out[1], kw])
        win = g.permute(list(range(len(lead))) + [len(lead) + 1, len(lead) + 3, len(lead), len(lead) + 2])
        best, arg = _window_max(win, 2, (kh, kw), True)
        idx = table.view(kh * kw, out[0] * out[1]).t().gather(1, arg.reshape(-1, out[0] * out[1]).t()).t()
        idx = idx.reshape(best.shape)
        extra = {}
        if need:
            planes = math.prod(lead)
            base = R.arange(planes, device=x.device).view(lead + [1, 1]) * (h * w)
            extra["pos"] = (idx + base).reshape(-1)
        return ((best, idx) if return_indices else best), extra

    return _node("AdaptiveMaxPool2DBackward0", _adaptive_max_grad, x, (out,), compute)


@overload
def adaptive_max_pool2d(input: Tensor, output_size: _size_arg, return_indices: Literal[False] = False) -> Tensor: ...
@overload
def adaptive_max_pool2d(input: Tensor, output_size: _size_arg,
                        return_indices: Literal[True]) -> tuple[Tensor, Tensor]: ...
@overload
def adaptive_max_pool2d(input: Tensor, output_size: _size_arg,
                        return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]: ...
def adaptive_max_pool2d(input, output_size, return_indices=False):
    """2-D adaptive max pooling to ``output_size`` (an int, or a pair whose ``None`` keeps that size);
    with ``return_indices``, also each max's flat index in its ``H * W`` plane.

    >>> rustorch.nn.functional.adaptive_max_pool2d(rustorch.arange(16.).view(1, 1, 4, 4), 2).tolist()
    [[[[5.0, 7.0], [13.0, 15.0]]]]
    """
    _check_tensor(input, "adaptive_max_pool2d")
    out = _adaptive_sizes(output_size, input.shape[-2:], "adaptive_max_pool2d", 2)
    _check_adaptive(input, "adaptive_max_pool2d", ":")
    return _adaptive_max(input, out, return_indices)


@overload
def adaptive_max_pool1d(input: Tensor, output_size: _size_arg, return_indices: Literal[False] = False) -> Tensor: ...
@overload
def adaptive_max_pool1d(input: Tensor, output_size: _size_arg,
                        return_indices: Literal[True]) -> tuple[Tensor, Tensor]: ...
@overload
def adaptive_max_pool1d(input: Tensor, output_size: _size_arg,
                        return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]: ...
def adaptive_max_pool1d(input, output_size, return_indices=False):
    """1-D adaptive max pooling of ``(N, C, L)`` or ``(C, L)`` to ``output_size`` entries.

    >>> rustorch.nn.functional.adaptive_max_pool1d(rustorch.tensor([[[1., 3., 2.]]]), 2).tolist()
    [[[3.0, 3.0]]]
    """
    _check_tensor(input, "adaptive_max_pool1d")
    (o,) = _adaptive_sizes(output_size, input.shape[-1:], "adaptive_max_pool1d", 1)
    _check_1d(input, "adaptive_max_pool1d")
    x = input.unsqueeze(-2)
    _check_adaptive(x, "adaptive_max_pool2d", ":")
    r = _adaptive_max(x, (1, o), return_indices)
    if return_indices:
        return r[0].squeeze(-2), r[1].squeeze(-2)
    return r.squeeze(-2)
