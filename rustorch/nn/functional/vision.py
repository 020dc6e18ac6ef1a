"""Resampling and padding: ``interpolate`` (nearest, nearest-exact, linear, bilinear, bicubic, trilinear, area)
and ``pad`` (constant, reflect, replicate, circular).

Every mode but ``area`` and ``constant`` is separable: along each spatial dim, an output entry is a weighted
sum of a few input entries named by small index tables (computed here with PyTorch's arithmetic, in the
input's precision). One node per call (PyTorch's names: ``UpsampleBilinear2DBackward0``,
``ReflectionPad2DBackward0``...) applies the tables dim by dim with ``index_select`` (or a broadcast view
where every entry repeats a whole number of times); its derivative applies the adjoint tables in reverse
(``index_add``, or a sum over the repeats), with recorded ops, so second derivatives work too. On wgpu the
float64 adjoint adds through sorted positions (WGSL has no 64-bit atomics). ``constant`` padding is one
fill and one copy; its derivative is the opposite padding (a crop)."""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING

import numpy as np

import rustorch as R

from ... import _dtype
from ..._tensor import Tensor
from ...autograd.derivatives import _flat_add
from ...autograd.record import recorded
from .pooling import _node, adaptive_avg_pool1d, adaptive_avg_pool2d

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..._typing import _size_arg

__all__ = ["interpolate", "pad"]


# ---- separable resampling -------------------------------------------------------------------------------------

# A plan: one step per spatial dim, (dim, n_in, n_out, kind, data): kind "rep" (each entry repeated
# ``data`` times) or "taps" (``data`` = ((index, weight or None), ...): out[j] = sum_t w_t[j] * in[i_t[j]]).

def _repeat(x, d, f):
    shape = list(x.shape)
    return x.unsqueeze(d + 1).expand(shape[:d + 1] + [f] + shape[d + 1:]).reshape(shape[:d] + [shape[d] * f] +
                                                                                   shape[d + 1:])


def _along(w, x, d):
    """Weights ``[n_out]`` shaped to broadcast along dim ``d`` of ``x``."""
    return w.view([w.shape[0]] + [1] * (x.dim() - d - 1))


def _apply(x, plan):
    if not plan:
        return x.clone()
    for d, _, _, kind, data in reversed(plan):
        if kind == "rep":
            x = _repeat(x, d, data)
            continue
        out = None
        for idx, w in data:
            t = x.index_select(d, idx)
            if w is not None:
                t = t * _along(w, t, d)
            out = t if out is None else out + t
        x = out
    return x


def _select_adjoint(g, d, idx, n):
    """The adjoint of ``index_select(d, idx)`` from a dim of ``n``: ``g``'s slices added at ``idx``."""
    shape = list(g.shape)
    shape[d] = n
    if g.device.type == "wgpu" and g.dtype is R.float64:
        pos = R.arange(math.prod(shape), device=g.device).view(shape).index_select(d, idx)
        return _flat_add(math.prod(shape), pos.reshape(-1), g.reshape(-1)).view(shape)
    return R.zeros(shape, dtype=g.dtype, device=g.device).index_add(d, idx, g)


def _resample_grad(c, g, *_):
    for d, n, _, kind, data in c.extra["plan"]:
        if kind == "rep":
            shape = list(g.shape)
            g = g.reshape(shape[:d] + [n, data] + shape[d + 1:]).sum(d + 1)
            continue
        acc = None
        for idx, w in data:
            t = _select_adjoint(g if w is None else g * _along(w, g, d), d, idx, n)
            acc = t if acc is None else acc + t
        g = acc
    return (g,)


def _resample(x, plan, name):
    return _node(name, _resample_grad, x, (), lambda need: (_apply(x, plan), {"plan": plan}))


@functools.lru_cache(maxsize=256)
def _tensors(key, device, dtype_name):
    """The device tensors of one dim's tables (``key``: (kind, data) with numpy data as tuples)."""
    kind, data = key
    if kind == "rep":
        return data
    dtype = _dtype._by_name(dtype_name)
    return tuple((R.tensor(list(i), dtype=R.int64, device=device),
                  None if w is None else R.tensor(list(w), dtype=dtype, device=device)) for i, w in data)


def _step(d, n, out, kind, data, x):
    return (d, n, out, kind, _tensors((kind, data), x.device, x.dtype.name))


def _as_repeat(idx, n):
    """The repeat count when ``idx`` reads every entry a whole number of times in order, else None."""
    out = len(idx)
    if out % n == 0 and np.array_equal(idx, np.arange(out) // (out // n)):
        return out // n
    return None


def _scale(n, out, sf, align_corners, ft):
    """PyTorch's source-index scale (``area_pixel_compute_scale``) in the float type ``ft``."""
    if align_corners:
        return ft(n - 1) / ft(out - 1) if out > 1 else ft(0)
    if sf is not None and sf > 0:
        return ft(1.0 / sf)
    return ft(n) / ft(out)


def _nearest_index(n, out, sf, exact):
    if not exact and out == n:
        return None
    if not exact and out == 2 * n:
        return np.arange(out) >> 1
    scale = _scale(n, out, sf, False, np.float32)
    j = np.arange(out)
    if exact:
        src = np.floor(((j + 0.5) * np.float64(scale)).astype(np.float32))
    else:
        src = np.floor(j.astype(np.float32) * scale)
    return np.minimum(src.astype(np.int64), n - 1)


def _cubic(t, a=-0.75):
    """The four weights of PyTorch's cubic convolution at fraction ``t`` (its operation order)."""
    def near(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    u = 1 - t
    return far(t + 1), near(t), near(u), far(u + 1)


def _taps(n, out, sf, mode, align_corners, ft):
    """((index, weight), ...) for linear (2 taps) or cubic (4 taps) interpolation along one dim."""
    scale = _scale(n, out, sf, align_corners, ft)
    j = np.arange(out).astype(ft)
    if align_corners:
        src = scale * j
    else:
        src = scale * (j + ft(0.5)) - ft(0.5)
        if mode != "bicubic":
            src = np.maximum(src, ft(0))
    i0 = np.minimum(np.floor(src).astype(np.int64), n - 1)
    l1 = np.minimum(np.maximum(src - i0.astype(ft), ft(0)), ft(1)).astype(ft)
    if mode == "bicubic":
        i = i0
        ws = _cubic(l1)
        return tuple((tuple(np.clip(i - 1 + k, 0, n - 1).tolist()), tuple(ws[k].astype(ft).tolist()))
                     for k in range(4))
    l0 = (ft(1) - l1).astype(ft)
    i1 = i0 + (i0 < n - 1)
    return ((tuple(i0.tolist()), tuple(l0.tolist())), (tuple(i1.tolist()), tuple(l1.tolist())))


_NAMES = {"nearest": "UpsampleNearest{}DBackward0", "nearest-exact": "UpsampleNearestExact{}DBackward0",
          "linear": "UpsampleLinear1DBackward0", "bilinear": "UpsampleBilinear2DBackward0",
          "bicubic": "UpsampleBicubic2DBackward0", "trilinear": "UpsampleTrilinear3DBackward0"}
_NEEDS = {"linear": 3, "bilinear": 4, "bicubic": 4, "trilinear": 5}
_AXES = {1: ("W",), 2: ("H", "W"), 3: ("D", "H", "W")}
_MODES = "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact"


def _output_size(input, size, scale_factor, dim):
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError("Input and output must have the same number of spatial dimensions, but got input with "
                                 f"spatial dimensions of {list(input.shape[2:])} and output size of {size}. Please "
                                 "provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, "
                                 "...,oK) format.")
            if not all(isinstance(s, int) or (isinstance(s, Tensor) and not s.dtype.is_floating_point) for s in size):
                raise TypeError("expected size to be one of int or Tuple[int] or Tuple[int, int] or Tuple[int, int, "
                                f"int], but got size with types {[type(s) for s in size]}")
            return [int(s) for s in size], None
        return [int(size)] * dim, None
    if scale_factor is not None:
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError("Input and scale_factor must have the same number of spatial dimensions, but got input "
                                 f"with spatial dimensions of {list(input.shape[2:])} and scale_factor of shape "
                                 f"{scale_factor}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                                 "scale_factor in (s1, s2, ...,sK) format.")
            return None, [float(s) for s in scale_factor]
        return None, [float(scale_factor)] * dim
    raise ValueError("either size or scale_factor should be defined")


def interpolate(input: Tensor, size: _size_arg | None = None, scale_factor: float | Sequence[float] | None = None,
                mode: str = "nearest", align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resizes ``(N, C, *spatial)`` to ``size`` or by ``scale_factor``. Modes: ``nearest``, ``nearest-exact``,
    ``linear`` (3-D input), ``bilinear``/``bicubic`` (4-D), ``trilinear`` (5-D), ``area`` (adaptive average).

    >>> x = rustorch.tensor([[[1., 2.]]])
    >>> rustorch.nn.functional.interpolate(x, scale_factor=2).tolist()
    [[[1.0, 1.0, 2.0, 2.0]]]
    >>> rustorch.nn.functional.interpolate(x, size=3, mode="linear", align_corners=True).tolist()
    [[[1.0, 1.5, 2.0]]]
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"interpolate(): argument 'input' must be Tensor, not {type(input).__name__}")
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: linear | bilinear | "
                             "bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dim = input.dim() - 2
    out, factors = _output_size(input, size, scale_factor, dim)
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if mode == "area" and out is None:
        recompute_scale_factor = True
    if recompute_scale_factor:
        out = [math.floor(float(input.shape[i + 2]) * factors[i]) for i in range(dim)]
        factors = None
    if antialias:
        if not (mode in ("bilinear", "bicubic") and input.dim() == 4):
            raise ValueError("Anti-alias option is restricted to bilinear and bicubic modes and requires a 4-D tensor "
                             "as input")
        raise NotImplementedError("interpolate(): antialias=True is not supported")
    known = mode in _NEEDS or mode in ("nearest", "nearest-exact", "area")
    if not known or input.dim() not in (3, 4, 5):
        if known and mode in _NEEDS:
            need = _NEEDS[mode]
            raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs {need}D input")
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D) for "
                                  f"the modes: {_MODES} (got {mode})")
    if mode in _NEEDS and input.dim() != _NEEDS[mode]:
        raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs {_NEEDS[mode]}D input")
    if out is None:
        out = [int(float(n) * f) for n, f in zip(input.shape[2:], factors)]
    if mode == "area":
        if dim == 3:
            raise NotImplementedError("interpolate(): mode 'area' is supported for 3-D and 4-D inputs")
        return (adaptive_avg_pool1d if dim == 1 else adaptive_avg_pool2d)(input, out if dim == 2 else out[0])
    return _interpolate(input, out, factors, mode, align_corners, dim)


def _interpolate(x, out, factors, mode, align_corners, dim):
    axes = _AXES[dim]
    spatial = list(x.shape[2:])
    if any(n <= 0 for n in spatial + out):
        ins = ", ".join(f"{a}: {n}" for a, n in zip(axes, spatial))
        outs = ", ".join(f"{a}: {n}" for a, n in zip(axes, out))
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ({ins}) output ({outs})")
    if x.shape[1] == 0:
        raise RuntimeError(f"Non-empty {x.dim()}D data tensor expected but got a tensor with sizes {list(x.shape)}")
    linear = mode not in ("nearest", "nearest-exact")
    if linear and not x.dtype.is_floating_point:
        raise NotImplementedError(f"\"upsample_{mode}{dim}d\" not implemented for '{_dtype.TORCH_NAME[x.dtype.name]}'")
    ft = np.float64 if x.dtype is R.float64 else np.float32
    plan = []
    for i, (n, o) in enumerate(zip(spatial, out)):
        sf = factors[i] if factors is not None else None
        if linear:
            plan.append(_step(2 + i, n, o, "taps", _taps(n, o, sf, mode, align_corners, ft), x))
            continue
        idx = _nearest_index(n, o, sf, mode == "nearest-exact")
        if idx is None:
            continue
        f = _as_repeat(idx, n)
        plan.append(_step(2 + i, n, o, "rep", f, x) if f else
                    _step(2 + i, n, o, "taps", ((tuple(idx.tolist()), None),), x))
    return _resample(x, plan, _NAMES[mode].format(dim))


# ---- padding -------------------------------------------------------------------------------------------------

def _constant_pad_impl(x, pads, value):
    nd = len(pads) // 2
    shape = list(x.shape)
    for i in range(nd):
        d = x.dim() - 1 - i
        shape[d] += pads[2 * i] + pads[2 * i + 1]
    out = R.full(shape, value, dtype=x.dtype, device=x.device)
    src, dst = x, out
    for i in range(nd):
        d = x.dim() - 1 - i
        lo, hi = pads[2 * i], pads[2 * i + 1]
        n = x.shape[d] - max(-lo, 0) - max(-hi, 0)
        if n <= 0:
            return out
        src = src.narrow(d, max(-lo, 0), n)
        dst = dst.narrow(d, max(lo, 0), n)
    dst.copy_(src)
    return out


def _constant_pad_grad(c, g):
    return (_constant_pad_node(g, tuple(-p for p in c.args[1]), 0),)


_constant_pad_node = recorded("ConstantPadNdBackward0", _constant_pad_impl, _constant_pad_grad)


def _source(mode, n, lo, hi):
    """The input entry each output entry of one padded dim reads."""
    j = np.arange(n + lo + hi) - lo
    if mode == "reflect":
        j = np.abs(j)
        return np.where(j > n - 1, 2 * (n - 1) - j, j)
    if mode == "replicate":
        return np.clip(j, 0, n - 1)
    start, m = max(-lo, 0), n - max(-lo, 0) - max(-hi, 0)  # circular: wraps within the cropped entries
    return start + np.mod(np.arange(n + lo + hi) - max(lo, 0), m)


_PAD_NAMES = {"reflect": "ReflectionPad{}DBackward0", "replicate": "ReplicationPad{}DBackward0",
              "circular": "CopySlices"}
_PAD_HELP = ("Supported combinations for non-constant padding:\n  - 2D or 3D input: padding size = 2 (pads last "
             "dimension)\n  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n  - 4D or 5D input: padding "
             "size = 6 (pads last 3 dimensions)")


def _check_reflect(x, pads, k):
    for i in range(k):
        d = x.dim() - 1 - i
        lo, hi = pads[2 * i], pads[2 * i + 1]
        if lo >= x.shape[d] or hi >= x.shape[d]:
            raise RuntimeError(f"Argument #{4 + 2 * i}: Padding size should be less than the corresponding input "
                               f"dimension, but got: padding ({lo}, {hi}) at dimension {d} of input {list(x.shape)}")


def pad(input: Tensor, pad: Sequence[int], mode: str = "constant", value: float | None = None) -> Tensor:
    """Pads the last ``len(pad) // 2`` dims of ``input``: ``pad = (left, right, top, bottom, ...)``, last dim
    first; negative amounts crop. Modes: ``constant`` (with ``value``, default 0), ``reflect``,
    ``replicate``, ``circular``.

    >>> x = rustorch.tensor([[[1., 2., 3.]]])
    >>> rustorch.nn.functional.pad(x, (1, 2), value=9.).tolist()
    [[[9.0, 1.0, 2.0, 3.0, 9.0, 9.0]]]
    >>> rustorch.nn.functional.pad(x, (2, 1), mode="reflect").tolist()
    [[[3.0, 2.0, 1.0, 2.0, 3.0, 2.0]]]
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"pad(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    pads = tuple(int(p) for p in pad)
    if len(pads) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pads) // 2 > input.dim():
        raise RuntimeError("Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pads)} and input of dimension {input.dim()}")
    if mode == "constant":
        for i in range(len(pads) // 2):
            d = input.dim() - 1 - i
            if input.shape[d] + pads[2 * i] + pads[2 * i + 1] < 0:
                raise RuntimeError("narrow(): length must be non-negative.")
        return _constant_pad_node(input, pads, 0 if value is None else value)
    if mode not in _PAD_NAMES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument")
    k = len(pads) // 2
    if k not in (1, 2, 3) or input.dim() not in (k + 1, k + 2):
        raise NotImplementedError(f"Padding size {len(pads)} is not supported for {input.dim()}D input tensor.\n"
                                  + _PAD_HELP)
    if mode == "reflect":
        if any(n == 0 for n in input.shape[1:]):
            raise RuntimeError(f"Expected {k + 1}D or {k + 2}D (batch mode) tensor with possibly 0 batch size and "
                               f"other non-zero dimensions for input, but got: {list(input.shape)}")
        _check_reflect(input, pads, k)
    if mode == "circular":
        for i in range(k):
            if max(pads[2 * i], pads[2 * i + 1]) > input.shape[input.dim() - 1 - i]:
                raise RuntimeError("Padding value causes wrapping around more than once.")
    plan = []
    for i in range(k):
        d = input.dim() - 1 - i
        n, lo, hi = input.shape[d], pads[2 * i], pads[2 * i + 1]
        if lo == 0 and hi == 0:
            continue
        idx = _source(mode, n, lo, hi)
        plan.append(_step(d, n, len(idx), "taps", ((tuple(idx.tolist()), None),), input))
    plan.sort(key=lambda s: s[0])
    return _resample(input, plan, _PAD_NAMES[mode].format(k))
