"""Convolutions: ``conv1d``/``conv2d``/``conv3d``, ``conv_transpose1d``/``2d``/``3d``, and the sliding-block
maps ``unfold`` (im2col) and ``fold`` (col2im) they are built on.

A convolution reads its input through a strided view of the (padded) input, ``[N, C, *kernel, *blocks]``,
made contiguous once (the columns), and multiplies it by the weight in one native batched product, the
groups being a batch dim. Its node (``ConvolutionBackward0``) computes the input's gradient as ``fold`` of
``weight^T @ grad``, the weight's as ``grad @ columns^T`` and the bias's as a sum. ``unfold`` and ``fold``
are each other's adjoint, hence each other's derivative (``Im2ColBackward0``, ``Col2ImBackward0``): a
backward recorded with ``create_graph=True`` is differentiable again. ``fold`` adds the blocks back with one
strided in-place add per kernel offset (one copy when the blocks do not overlap): no scatter, so float64
works on every device.

On the CPU in float32 the convolution and both its gradients run as native kernels instead
(``_C.conv_forward``/``conv_backward_input``/``conv_backward_weight``, src/cpu/conv.rs), image by image with
each image's columns kept in cache, wherever their product shapes suit; a backward recorded with
``create_graph=True`` keeps the path above, which is differentiable again.

The geometry travels as ``geom = (kernel, dilation, pad_before, pad_after, stride)``, a tuple of
per-dim tuples (padding may be asymmetric: ``padding='same'`` with an even kernel)."""

from __future__ import annotations

import itertools
import math
import os
import sys
import warnings
from typing import TYPE_CHECKING

import rustorch as R

from ... import _C, _dtype
from ..._linalg import _product
from ..._tensor import Tensor, _wrap
from ...autograd.grad_mode import _state
from ...autograd.record import recorded

if TYPE_CHECKING:
    from ..._typing import _size_arg

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "unfold",
           "fold"]


# ---- geometry ----------------------------------------------------------------------------------------

def _blocks(size, geom):
    """The number of blocks (windows) along each spatial dim."""
    k, d, lo, hi, s = geom
    return tuple((n + a + b - dd * (kk - 1) - 1) // ss + 1 for n, kk, dd, a, b, ss in zip(size, k, d, lo, hi, s))


def _padded(x, lo, hi, value=0):
    """``x`` with ``lo``/``hi`` entries of ``value`` before/after each of its last dims (no autograd)."""
    if not any(lo) and not any(hi):
        return x
    nd = len(lo)
    lead = x.dim() - nd
    shape = list(x.shape[:lead]) + [n + a + b for n, a, b in zip(x.shape[lead:], lo, hi)]
    out = R.full(shape, value, dtype=x.dtype, device=x.device)
    inner = out
    for i in range(nd):
        inner = inner.narrow(lead + i, lo[i], x.shape[lead + i])
    inner.copy_(x)
    return out


def _windows(xp, geom, blocks):
    """The blocks of ``xp`` (padded already) as a view ``[*lead, *kernel, *blocks]``: no copy."""
    k, d, _, _, s = geom
    nd = len(k)
    st = xp.stride()
    lead = len(st) - nd
    size = list(xp.shape[:lead]) + list(k) + list(blocks)
    stride = list(st[:lead]) + [a * b for a, b in zip(st[lead:], d)] + [a * b for a, b in zip(st[lead:], s)]
    return xp.as_strided(size, stride, xp.storage_offset())


def _columns(x, geom, blocks, fresh=False):
    """The columns of ``x`` ``[N, C, *spatial]``: a contiguous ``[N, C, *kernel, *blocks]`` tensor (``x``'s own
    memory when its blocks already lie that way, unless ``fresh``)."""
    w = _windows(_padded(x, geom[2], geom[3]), geom, blocks)
    if w.is_contiguous():
        return w.clone() if fresh else w
    return w.contiguous()


def _disjoint(geom, blocks):
    """Whether no two (block, kernel offset) pairs land on one position along any dim."""
    k, d, _, _, s = geom
    return all(kk == 1 or b <= 1 or dd * (kk - 1) < ss for kk, dd, ss, b in zip(k, d, s, blocks))


def _col2im(cols, size, geom, blocks):
    """``[N, C, *size]`` with each block of ``cols`` (``[N, C * K, L]`` or ``[N, C, *kernel, *blocks]``)
    added at its place; padding cut off."""
    k, d, lo, hi, s = geom
    nd = len(k)
    kk = math.prod(k)
    n = cols.shape[0]
    c = cols.shape[1] // kk if cols.dim() == 3 else cols.shape[1]
    if cols.dim() == 3:
        cols = cols.reshape([n, c] + list(k) + list(blocks))
    res = R.zeros([n, c] + list(size), dtype=cols.dtype, device=cols.device)
    if res.numel() == 0 or cols.numel() == 0:
        return res
    if not any(lo) and not any(hi) and _disjoint(geom, blocks):
        _windows(res, geom, blocks).copy_(cols)
        return res
    rst, cst, coff = res.stride(), cols.stride(), cols.storage_offset()
    lead_r, lead_c = [rst[0], rst[1]], [cst[0], cst[1]]
    for offs in itertools.product(*(range(x) for x in k)):
        first, count = [], []
        for i in range(nd):
            shift = offs[i] * d[i] - lo[i]  # where block 0 reads along dim i at this offset
            o0 = max(0, -(shift // s[i]))
            o1 = min(blocks[i], (size[i] - 1 - shift) // s[i] + 1)
            if o1 <= o0:
                break
            first.append(o0)
            count.append(o1 - o0)
        else:
            at = sum(rst[2 + i] * (first[i] * s[i] + offs[i] * d[i] - lo[i]) for i in range(nd))
            target = res.as_strided([n, c] + count, lead_r + [rst[2 + i] * s[i] for i in range(nd)], at)
            src_at = coff + sum(cst[2 + i] * offs[i] + cst[2 + nd + i] * first[i] for i in range(nd))
            target.add_(cols.as_strided([n, c] + count, lead_c + list(cst[2 + nd:]), src_at))
    return res


def _im2col_impl(x, geom, blocks):
    n, c = x.shape[0], x.shape[1]
    cols = _columns(x, geom, blocks, fresh=True)
    return cols.view(n, c * math.prod(geom[0]), math.prod(blocks))


def _im2col_grad(c, g):
    size = tuple(c.extra["in"][0][0][2:])
    return (_fold_node(g, size, c.args[1], c.args[2]),)


def _col2im_grad(c, g):
    shape = tuple(c.extra["in"][0][0])
    cols = _unfold_node(g, c.args[2], c.args[3])
    return (cols if tuple(cols.shape) == shape else cols.reshape(shape),)


# im2col(x, geom, blocks) -> [N, C * K, L]; col2im(cols, size, geom, blocks) -> [N, C, *size]
_unfold_node = recorded("Im2ColBackward0", _im2col_impl, _im2col_grad)
_fold_node = recorded("Col2ImBackward0", _col2im, _col2im_grad)


# ---- convolution nodes ---------------------------------------------------------------------------------

def _bias_add(y, b):
    if b is not None:
        y.add_(b.view([b.shape[0]] + [1] * (y.dim() - 2)))
    return y


def _native_geom(x, geom, blocks):
    """The geometry as the native float32 CPU kernels take it, or None where they do not apply."""
    if x.device.type != "cpu" or x.dtype != _dtype.float32 or x.numel() == 0 or 0 in blocks:
        return None
    k, d, lo, _, s = geom
    return (list(k), list(d), list(lo), list(s), list(x.shape[2:]), list(blocks))


def _conv_impl(x, w, b, geom, groups):
    n, c, o = x.shape[0], x.shape[1], w.shape[0]
    blocks = _blocks(x.shape[2:], geom)
    kk, ll = math.prod(geom[0]), math.prod(blocks)
    if c == 0:  # (PyTorch's result has no channels then, whatever the weight)
        return R.zeros([n, 0] + list(blocks), dtype=x.dtype, device=x.device)
    native = _native_geom(x, geom, blocks)
    if native is not None and w.dtype == x.dtype:
        y = _C.conv_forward(x.contiguous()._c, w.contiguous()._c, native, groups)
        if y is not None:
            return _bias_add(_wrap(y), b)
    cg, og = c // groups, o // groups
    cols = _columns(x, geom, blocks).view(n * groups, cg * kk, ll)
    wb = w.reshape(groups, og, cg * kk).unsqueeze(0).expand(n, groups, og, cg * kk).reshape(n * groups, og, cg * kk)
    return _bias_add(_product(wb, cols, "bmm").view([n, o] + list(blocks)), b)


def _sum_but_channels(g):
    # (one reduction at a time: the native reduction is much faster over one dim than over several)
    return g.flatten(2).sum(2).sum(0) if g.dim() > 2 else g.sum(0)


def _conv_grad(c, g):
    x, w = c.saved(0), c.saved(1)
    geom, groups = c.args[3], c.args[4]
    n, ch, o = x.shape[0], x.shape[1], w.shape[0]
    blocks = tuple(g.shape[2:])
    kk, ll = math.prod(geom[0]), math.prod(blocks)
    cg, og = ch // groups, o // groups
    if ch == 0:
        res = [R.zeros_like(x), R.zeros_like(w)]
        return tuple(res + ([R.zeros(o, dtype=g.dtype, device=g.device)] if c.extra["tensor_args"][2] else []))
    res = [None, None]
    # The native kernels where they apply, unless this backward is itself recorded (create_graph).
    native = None if _state.enabled else _native_geom(x, geom, blocks)
    if native is not None and w.dtype == x.dtype == g.dtype:
        gc = g.contiguous()
        if c.needs[0]:
            dx = _C.conv_backward_input(gc._c, w.contiguous()._c, native, groups, ch)
            res[0] = _wrap(dx) if dx is not None else None
        if c.needs[1]:
            dw = _C.conv_backward_weight(gc._c, x.contiguous()._c, native, groups, list(w.shape))
            res[1] = _wrap(dw) if dw is not None else None
    gv = g.reshape(n, groups, og, ll)
    if c.needs[0] and res[0] is None:
        wt = w.reshape(groups, og, cg * kk).transpose(1, 2)
        res[0] = _fold_node((wt @ gv).reshape(n, ch * kk, ll), tuple(x.shape[2:]), geom, blocks)
    if c.needs[1] and res[1] is None:
        cols = _unfold_node(x, geom, blocks).view(n, groups, cg * kk, ll)
        res[1] = (cols @ gv.transpose(2, 3)).sum(0).transpose(1, 2).reshape(w.shape)
    if c.extra["tensor_args"][2]:
        res.append(_sum_but_channels(g) if c.needs[2] else None)
    return tuple(res)


def _conv_t_impl(x, w, b, geom, groups, size):
    n, ci = x.shape[0], x.shape[1]
    cog = w.shape[1]
    blocks = tuple(x.shape[2:])
    kk, ll = math.prod(geom[0]), math.prod(blocks)
    cig = ci // groups
    wt = w.reshape(groups, cig, cog * kk).transpose(1, 2).unsqueeze(0)
    wt = wt.expand(n, groups, cog * kk, cig).reshape(n * groups, cog * kk, cig)
    cols = _product(wt, x.reshape(n * groups, cig, ll), "bmm")
    cols = cols.view([n, cog * groups] + list(geom[0]) + list(blocks))
    return _bias_add(_col2im(cols, size, geom, blocks), b)


def _conv_t_grad(c, g):
    x, w = c.saved(0), c.saved(1)
    geom, groups = c.args[3], c.args[4]
    n, ci = x.shape[0], x.shape[1]
    blocks = tuple(x.shape[2:])
    kk, ll = math.prod(geom[0]), math.prod(blocks)
    cig, cog = ci // groups, w.shape[1]
    res = [None, None]
    if c.needs[0] or c.needs[1]:
        cols = _unfold_node(g, geom, blocks).view(n, groups, cog * kk, ll)
        if c.needs[0]:
            res[0] = (w.reshape(groups, cig, cog * kk) @ cols).reshape(x.shape)
        if c.needs[1]:
            res[1] = (cols @ x.reshape(n, groups, cig, ll).transpose(2, 3)).sum(0).transpose(1, 2).reshape(w.shape)
    if c.extra["tensor_args"][2]:
        res.append(_sum_but_channels(g) if c.needs[2] else None)
    return tuple(res)


# conv(x, w, b, geom, groups); conv_t(x, w, b, geom, groups, output size)
_conv_node = recorded("ConvolutionBackward0", _conv_impl, _conv_grad, (0, 1))
_conv_t_node = recorded("ConvolutionBackward0", _conv_t_impl, _conv_t_grad, (0, 1))


# ---- argument checks -------------------------------------------------------------------------------------

def _check_tensor(x, fn, name, pos):
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be Tensor, not {type(x).__name__}")


def _expand(value, name, nd, kd):
    """A conv parameter as ``kd`` ints (``kd``: the weight's spatial dims), with PyTorch's error."""
    vals = [int(v) for v in value] if isinstance(value, (list, tuple)) else [int(value)] * nd
    if len(vals) == 1:
        vals = vals * kd
    if len(vals) != kd:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {kd} values to match the "
                           f"convolution dimensions, but got {name}={vals}")
    return tuple(vals)


_warned_same = []


def _warn_once(msg):
    if _warned_same:
        return
    _warned_same.append(True)
    here, level, f = os.path.dirname(os.path.dirname(os.path.dirname(__file__))), 2, sys._getframe(1)
    while f is not None and f.f_code.co_filename.startswith(here):
        f, level = f.f_back, level + 1
    warnings.warn(msg, UserWarning, stacklevel=level)


def _same_padding(k, d, s):
    if any(x != 1 for x in s):
        raise RuntimeError("padding='same' is not supported for strided convolutions")
    total = [dd * (kk - 1) for kk, dd in zip(k, d)]
    if any(t % 2 for t in total):
        _warn_once("Using padding='same' with even kernel lengths and odd dilation may require a zero-padded copy "
                   "of the input be created")
    lo = tuple(t // 2 for t in total)
    return lo, tuple(t - a for t, a in zip(total, lo))


def _check_dtypes(x, w, b):
    if x.dtype != w.dtype:
        raise RuntimeError(f"expected scalar type {_dtype.TORCH_NAME[x.dtype.name]} but found "
                           f"{_dtype.TORCH_NAME[w.dtype.name]}")
    if b is not None and b.dtype != x.dtype:
        raise RuntimeError(f"Input type ({_dtype.C_NAME[x.dtype.name]}) and bias type ({_dtype.C_NAME[b.dtype.name]}) "
                           "should be the same")


def _sizes(v):
    return " x ".join(str(int(x)) for x in v)


def _batched(input, nd, name):
    if input.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {name}, but got input of "
                           f"size: {list(input.shape)}")
    return input.dim() == nd + 1


def _check_groups(weight, groups):
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if weight.shape[0] == 0:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least 1 at dimension 0, but got weight of "
                           f"size {list(weight.shape)} instead")
    if weight.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but "
                           f"got weight of size [{list(weight.shape)}] instead")


def _check_bias(bias, weight, count, transposed):
    if bias is not None and (bias.dim() != 1 or bias.shape[0] != count):
        prefix = "Given transposed=1, weight" if transposed else "Given weight"
        raise RuntimeError(f"{prefix} of size {list(weight.shape)}, expected bias to be 1-dimensional with {count} "
                           f"elements, but got bias of size {list(bias.shape)} instead")


def _conv(nd, name, input, weight, bias, stride, padding, dilation, groups):
    _check_tensor(input, name, "input", 1)
    _check_tensor(weight, name, "weight", 2)
    if bias is not None:
        _check_tensor(bias, name, "bias", 3)
    unbatched = _batched(input, nd, name)
    x = input.unsqueeze(0) if unbatched else input
    kd = weight.dim() - 2
    s = _expand(stride, "stride", nd, kd)
    d = _expand(dilation, "dilation", nd, kd)
    k = tuple(weight.shape[2:])
    if isinstance(padding, str):
        if padding == "valid":
            lo = hi = (0,) * kd
        elif padding == "same":
            lo, hi = _same_padding(k, d, s)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        lo = hi = _expand(padding, "padding", nd, kd)
    if any(p < 0 for p in lo):
        raise RuntimeError("negative padding is not supported")
    if any(v <= 0 for v in s):
        raise RuntimeError("non-positive stride is not supported")
    if any(v <= 0 for v in d):
        raise RuntimeError(f"dilation should be greater than zero, but got {list(d)}")
    _check_groups(weight, groups)
    if x.shape[1] != weight.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, expected input"
                           f"{list(x.shape)} to have {weight.shape[1] * groups} channels, but got {x.shape[1]} "
                           "channels instead")
    _check_bias(bias, weight, weight.shape[0], False)
    padded = [n + a + b for n, a, b in zip(x.shape[2:], lo, hi)]
    dilated = [dd * (kk - 1) + 1 for kk, dd in zip(k, d)]
    if any(p < q for p, q in zip(padded, dilated)):
        raise RuntimeError(f"Calculated padded input size per channel: ({_sizes(padded)}). Kernel size: "
                           f"({_sizes(dilated)}). Kernel size can't be greater than actual input size")
    _check_dtypes(x, weight, bias)
    y = _conv_node(x, weight, bias, (k, d, lo, hi, s), groups)
    return y.squeeze(0) if unbatched else y


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: _size_arg = 1,
           padding: _size_arg | str = 0, dilation: _size_arg = 1, groups: int = 1) -> Tensor:
    """1-D convolution (cross-correlation) of ``input`` ``(N, C_in, L)`` or ``(C_in, L)`` with ``weight``
    ``(C_out, C_in / groups, k)``; ``padding`` may be ``'valid'`` or ``'same'``.

    >>> rustorch.nn.functional.conv1d(rustorch.ones(1, 1, 4), rustorch.ones(1, 1, 2)).tolist()
    [[[2.0, 2.0, 2.0]]]
    """
    return _conv(1, "conv1d", input, weight, bias, stride, padding, dilation, groups)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: _size_arg = 1,
           padding: _size_arg | str = 0, dilation: _size_arg = 1, groups: int = 1) -> Tensor:
    """2-D convolution (cross-correlation) of ``input`` ``(N, C_in, H, W)`` or ``(C_in, H, W)`` with ``weight``
    ``(C_out, C_in / groups, kH, kW)``; ``padding`` may be ``'valid'`` or ``'same'``.

    >>> x = rustorch.arange(16.).view(1, 1, 4, 4)
    >>> rustorch.nn.functional.conv2d(x, rustorch.ones(1, 1, 2, 2), stride=2).tolist()
    [[[[10.0, 18.0], [42.0, 50.0]]]]
    """
    return _conv(2, "conv2d", input, weight, bias, stride, padding, dilation, groups)


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: _size_arg = 1,
           padding: _size_arg | str = 0, dilation: _size_arg = 1, groups: int = 1) -> Tensor:
    """3-D convolution (cross-correlation) of ``input`` ``(N, C_in, D, H, W)`` or ``(C_in, D, H, W)`` with
    ``weight`` ``(C_out, C_in / groups, kD, kH, kW)``; ``padding`` may be ``'valid'`` or ``'same'``.

    >>> rustorch.nn.functional.conv3d(rustorch.ones(1, 1, 3, 3, 3), rustorch.ones(2, 1, 2, 2, 2)).shape
    rustorch.Size([1, 2, 2, 2, 2])
    """
    return _conv(3, "conv3d", input, weight, bias, stride, padding, dilation, groups)


# ---- transposed convolutions ---------------------------------------------------------------------------

_AXES = {1: ("width",), 2: ("height", "width"), 3: ("depth", "height", "width")}


def _check_output_padding(op, s, d):
    if all(p < a or p < b for p, a, b in zip(op, s, d)):
        return
    if len(op) == 1:  # the 1-D kernel is the 2-D one with a height of 1
        op, s, d = (0,) + op, (1,) + s, (1,) + d
    axes = _AXES[len(op)]
    parts = [f"output_padding_{a}: {v}" for a, v in zip(axes, op)] + [f"stride_{a}: {v}" for a, v in zip(axes, s)]
    parts += [f"dilation_{a}: {v}" for a, v in zip(axes, d)]
    raise RuntimeError("output padding must be smaller than either stride or dilation, but got " + " ".join(parts))


def _conv_transpose(nd, name, input, weight, bias, stride, padding, output_padding, groups, dilation):
    _check_tensor(input, name, "input", 1)
    _check_tensor(weight, name, "weight", 2)
    if isinstance(padding, str):
        raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
    unbatched = _batched(input, nd, name)
    x = input.unsqueeze(0) if unbatched else input
    kd = weight.dim() - 2
    s = _expand(stride, "stride", nd, kd)
    p = _expand(padding, "padding", nd, kd)
    op = _expand(output_padding, "output_padding", nd, kd)
    d = _expand(dilation, "dilation", nd, kd)
    k = tuple(weight.shape[2:])
    if any(v <= 0 for v in s):
        raise RuntimeError("non-positive stride is not supported")
    if any(v < 0 for v in p):
        raise RuntimeError("negative padding is not supported")
    if any(v < 0 for v in op):
        raise RuntimeError("negative output_padding is not supported")
    if any(v <= 0 for v in d):
        axes = _AXES[len(d)]
        raise RuntimeError("dilation should be greater than zero, but got " +
                           ", ".join(f"dilation_{a}: {v}" for a, v in zip(axes, d)))
    _check_groups(weight, groups)
    if x.shape[1] != weight.shape[0]:
        raise RuntimeError(f"Given transposed=1, weight of size {list(weight.shape)}, expected input{list(x.shape)} "
                           f"to have {weight.shape[0]} channels, but got {x.shape[1]} channels instead")
    _check_bias(bias, weight, weight.shape[1] * groups, True)
    _check_output_padding(op, s, d)
    size = tuple((n - 1) * ss - 2 * pp + dd * (kk - 1) + oo + 1 for n, ss, pp, dd, kk, oo in zip(x.shape[2:], s, p, d, k, op))
    if any(v <= 0 for v in size):
        raise RuntimeError(f"Given input size per channel: ({_sizes(x.shape[2:])}). Calculated output size per "
                           f"channel: ({_sizes(size)}). Output size is too small")
    _check_dtypes(x, weight, bias)
    y = _conv_t_node(x, weight, bias, (k, d, p, p, s), groups, size)
    return y.squeeze(0) if unbatched else y


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: _size_arg = 1,
                     padding: _size_arg = 0, output_padding: _size_arg = 0, groups: int = 1,
                     dilation: _size_arg = 1) -> Tensor:
    """1-D transposed convolution (the gradient of ``conv1d`` with respect to its input): ``weight`` is
    ``(C_in, C_out / groups, k)``.

    >>> rustorch.nn.functional.conv_transpose1d(rustorch.ones(1, 1, 3), rustorch.ones(1, 1, 2)).tolist()
    [[[1.0, 2.0, 2.0, 1.0]]]
    """
    return _conv_transpose(1, "conv_transpose1d", input, weight, bias, stride, padding, output_padding, groups,
                           dilation)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: _size_arg = 1,
                     padding: _size_arg = 0, output_padding: _size_arg = 0, groups: int = 1,
                     dilation: _size_arg = 1) -> Tensor:
    """2-D transposed convolution (the gradient of ``conv2d`` with respect to its input): ``weight`` is
    ``(C_in, C_out / groups, kH, kW)``.

    >>> rustorch.nn.functional.conv_transpose2d(rustorch.ones(1, 1, 2, 2), rustorch.ones(1, 3, 2, 2), stride=2).shape
    rustorch.Size([1, 3, 4, 4])
    """
    return _conv_transpose(2, "conv_transpose2d", input, weight, bias, stride, padding, output_padding, groups,
                           dilation)


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: _size_arg = 1,
                     padding: _size_arg = 0, output_padding: _size_arg = 0, groups: int = 1,
                     dilation: _size_arg = 1) -> Tensor:
    """3-D transposed convolution (the gradient of ``conv3d`` with respect to its input): ``weight`` is
    ``(C_in, C_out / groups, kD, kH, kW)``.

    >>> rustorch.nn.functional.conv_transpose3d(rustorch.ones(1, 1, 2, 2, 2), rustorch.ones(1, 1, 2, 2, 2)).shape
    rustorch.Size([1, 1, 3, 3, 3])
    """
    return _conv_transpose(3, "conv_transpose3d", input, weight, bias, stride, padding, output_padding, groups,
                           dilation)


# ---- unfold / fold -----------------------------------------------------------------------------------------

def _pair(v, name):
    vals = tuple(int(x) for x in v) if isinstance(v, (list, tuple)) else (int(v),) * 2
    if len(vals) != 2:
        raise RuntimeError(f"It is expected {name} equals to 2, but got size {len(vals)}")
    return vals


def _block_args(kernel_size, dilation, padding, stride):
    k, d = _pair(kernel_size, "kernel_size"), _pair(dilation, "dilation")
    p, s = _pair(padding, "padding"), _pair(stride, "stride")
    for vals, what, short in ((k, "kernel size", "kernel"), (s, "stride", "stride"), (d, "dilation", "dilation")):
        if any(v <= 0 for v in vals):
            raise RuntimeError(f"{what} should be greater than zero, but got {short}_height: {vals[0]} "
                               f"{short}_width: {vals[1]}")
    if any(v < 0 for v in p):
        raise RuntimeError(f"padding should be non-negative, but got pad_height: {p[0]} pad_width: {p[1]}")
    return k, d, p, p, s


def unfold(input: Tensor, kernel_size: _size_arg, dilation: _size_arg = 1, padding: _size_arg = 0,
           stride: _size_arg = 1) -> Tensor:
    """Extracts sliding blocks (im2col): ``(N, C, H, W)`` -> ``(N, C * kH * kW, L)``, ``L`` the number of
    blocks; ``(C, H, W)`` -> ``(C * kH * kW, L)``.

    >>> rustorch.nn.functional.unfold(rustorch.arange(9.).view(1, 1, 3, 3), 2).tolist()
    [[[0.0, 1.0, 3.0, 4.0], [1.0, 2.0, 4.0, 5.0], [3.0, 4.0, 6.0, 7.0], [4.0, 5.0, 7.0, 8.0]]]
    """
    _check_tensor(input, "unfold", "input", 1)
    geom = _block_args(kernel_size, dilation, padding, stride)
    if input.dim() not in (3, 4) or any(n == 0 for n in input.shape[1:]):
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
                           f"dimensions for input, but got: {list(input.shape)}")
    x = input.unsqueeze(0) if input.dim() == 3 else input
    blocks = _blocks(x.shape[2:], geom)
    if any(b < 1 for b in blocks):
        k, d, p, _, _ = geom
        raise RuntimeError(f"Given input with spatial size {tuple(x.shape[2:])}, kernel_size={k}, dilation={d}, "
                           f"padding={p}, calculated shape of the array of sliding blocks as {blocks}, but its "
                           "components must be at least one.")
    y = _unfold_node(x, geom, blocks)
    return y.squeeze(0) if input.dim() == 3 else y


def fold(input: Tensor, output_size: _size_arg, kernel_size: _size_arg, dilation: _size_arg = 1, padding: _size_arg = 0,
         stride: _size_arg = 1) -> Tensor:
    """Combines sliding blocks into a tensor (col2im), adding where blocks overlap: ``(N, C * kH * kW, L)``
    -> ``(N, C, *output_size)``; the inverse arrangement of ``unfold``.

    >>> cols = rustorch.ones(1, 4, 4)
    >>> rustorch.nn.functional.fold(cols, (3, 3), 2).tolist()
    [[[[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]]]
    """
    _check_tensor(input, "fold", "input", 1)
    size = _pair(output_size, "output_size")
    geom = _block_args(kernel_size, dilation, padding, stride)
    if input.dim() not in (2, 3) or any(n == 0 for n in input.shape[1:]):
        raise RuntimeError("Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero "
                           f"dimensions for input, but got: {list(input.shape)}")
    x = input.unsqueeze(0) if input.dim() == 2 else input
    k, d, p, _, s = geom
    kk = k[0] * k[1]
    if x.shape[1] % kk:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
                           f"got input.size(1)={x.shape[1]} and kernel_size={k}.")
    blocks = _blocks(size, geom)
    if blocks[0] * blocks[1] != x.shape[2] or any(b < 1 for b in blocks):
        raise RuntimeError(f"Given output_size={size}, kernel_size={k}, dilation={d}, padding={p}, stride={s}, "
                           f"expected size of input's dimension 2 to match the calculated number of sliding blocks "
                           f"{blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, but got input.size(2)={x.shape[2]}.")
    y = _fold_node(x, size, geom, blocks)
    return y.squeeze(0) if input.dim() == 2 else y
