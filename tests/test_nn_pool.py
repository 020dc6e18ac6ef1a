"""Pooling, resampling and padding: ``F.max_pool1d/2d``, ``F.avg_pool1d/2d``, the adaptive pools,
``F.interpolate``, ``F.pad`` and their ``nn`` layers.

Forward results against numpy references written here (loops over output positions with PyTorch's window,
divisor and index rules; per-pixel interpolation formulas; ``np.pad``) on cpu and wgpu, for strides, padding,
dilation, ceil_mode, count_include_pad, divisor_override, odd sizes, unbatched and non-contiguous inputs;
gradients by float64 gradcheck (wgpu too), second derivatives by gradgradcheck; node names, PyTorch's
errors and layer reprs. The file runs against PyTorch too (RUSTORCH_TEST_AGAINST=torch)."""
import itertools
import math

import numpy as np
import pytest

from _backend import torch
from test_nn_conv import close, gradcheck, gradgradcheck, make, node, on, raises, tup, values

F = torch.nn.functional
nn = torch.nn
DEVICES = ("cpu", "wgpu")


def distinct(shape, seed=0):
    """Distinct multiples of 1/16 (no ties: max pooling is differentiable there)."""
    n = math.prod(shape)
    return (np.random.default_rng(seed).permutation(n) - n / 2).reshape(shape) / 16


# ---- references --------------------------------------------------------------------------------------------

def out_size(n, k, p, s, d, ceil_mode):
    span = n + 2 * p - d * (k - 1) - 1
    o = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (o - 1) * s >= n + p:
        o -= 1
    return o


def ref_max_pool2d(x, k, s=None, p=0, d=1, ceil_mode=False):
    """(values, flat indices): the first largest valid entry of each window."""
    k = tup(k, 2)
    s, p, d = tup(s if s is not None else k, 2), tup(p, 2), tup(d, 2)
    h, w = x.shape[-2:]
    oh, ow = (out_size(n, kk, pp, ss, dd, ceil_mode) for n, kk, pp, ss, dd in zip((h, w), k, p, s, d))
    vals = np.zeros(x.shape[:-2] + (oh, ow))
    idx = np.zeros(x.shape[:-2] + (oh, ow), dtype=np.int64)
    for i, j in itertools.product(range(oh), range(ow)):
        pos = [(a, b) for a in range(i * s[0] - p[0], i * s[0] - p[0] + d[0] * k[0], d[0])
               for b in range(j * s[1] - p[1], j * s[1] - p[1] + d[1] * k[1], d[1]) if 0 <= a < h and 0 <= b < w]
        window = np.stack([x[..., a, b] for a, b in pos], -1)
        best = window.argmax(-1)
        vals[..., i, j] = np.take_along_axis(window, best[..., None], -1)[..., 0]
        idx[..., i, j] = np.array([a * w + b for a, b in pos])[best]
    return vals, idx


def ref_avg_pool2d(x, k, s=None, p=0, ceil_mode=False, count_include_pad=True, divisor_override=None):
    k = tup(k, 2)
    s, p = tup(s if s is not None else k, 2), tup(p, 2)
    h, w = x.shape[-2:]
    oh, ow = (out_size(n, kk, pp, ss, 1, ceil_mode) for n, kk, pp, ss in zip((h, w), k, p, s))
    out = np.zeros(x.shape[:-2] + (oh, ow))
    for i, j in itertools.product(range(oh), range(ow)):
        h0, w0 = i * s[0] - p[0], j * s[1] - p[1]
        h1, w1 = min(h0 + k[0], h + p[0]), min(w0 + k[1], w + p[1])
        size = (h1 - h0) * (w1 - w0)
        a0, b0, a1, b1 = max(h0, 0), max(w0, 0), min(h1, h), min(w1, w)
        total = x[..., a0:a1, b0:b1].sum((-2, -1))
        div = divisor_override or (size if count_include_pad else (a1 - a0) * (b1 - b0))
        out[..., i, j] = total / div
    return out


def windows(n, o):
    return [(i * n // o, -(-(i + 1) * n // o)) for i in range(o)]


def ref_adaptive(x, out, reduce):
    oh, ow = out
    res = np.zeros(x.shape[:-2] + (oh, ow))
    idx = np.zeros(x.shape[:-2] + (oh, ow), dtype=np.int64)
    w = x.shape[-1]
    for (i, (a0, a1)), (j, (b0, b1)) in itertools.product(enumerate(windows(x.shape[-2], oh)),
                                                          enumerate(windows(w, ow))):
        block = x[..., a0:a1, b0:b1]
        if reduce == "mean":
            res[..., i, j] = block.mean((-2, -1))
        else:
            flat = block.reshape(block.shape[:-2] + (-1,))
            best = flat.argmax(-1)
            res[..., i, j] = flat.max(-1)
            idx[..., i, j] = (a0 + best // (b1 - b0)) * w + b0 + best % (b1 - b0)
    return res, idx


# ---- max pooling ------------------------------------------------------------------------------------------

MAX2D = [
    ("k2", (1, 2, 4, 4), dict(kernel_size=2), "contiguous"),
    ("k3_s2_p1_batch3", (3, 2, 7, 6), dict(kernel_size=3, stride=2, padding=1), "contiguous"),
    ("ceil_mode", (2, 1, 7, 5), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True), "contiguous"),
    ("ceil_k2", (1, 2, 5, 7), dict(kernel_size=2, ceil_mode=True), "contiguous"),
    ("rect_dilation", (2, 2, 7, 6), dict(kernel_size=(2, 3), stride=(1, 2), padding=(1, 1), dilation=(2, 1)),
     "contiguous"),
    ("overlap_stride1", (1, 3, 5, 5), dict(kernel_size=3, stride=1), "contiguous"),
    ("strided_input", (2, 2, 5, 6), dict(kernel_size=2, stride=1), "strided"),
    ("transposed_input", (1, 2, 6, 5), dict(kernel_size=3, stride=2, padding=1), "transposed"),
    ("large_window", (1, 2, 6, 6), dict(kernel_size=5, stride=1, padding=2), "contiguous"),
]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("case", MAX2D, ids=[c[0] for c in MAX2D])
def test_max_pool2d_forward_and_indices(case, device):
    _, xs, kw, layout = case
    x = values(xs, 1)  # ties included: the first largest entry wins
    got, idx = F.max_pool2d(make(x, on(device), "float32", layout), return_indices=True, **kw)
    want, want_idx = ref_max_pool2d(x, **{("k" if a == "kernel_size" else a[0]): v for a, v in kw.items()
                                          if a != "ceil_mode"}, ceil_mode=kw.get("ceil_mode", False))
    close(got, want, "float32")
    assert idx.dtype == torch.int64 and idx.device.type == device
    np.testing.assert_array_equal(idx.cpu().numpy(), want_idx)
    close(F.max_pool2d(make(x, device, "float32", layout), **kw), want, "float32")


@pytest.mark.parametrize("device", DEVICES)
def test_max_pool1d_and_unbatched(device):
    x = values((2, 3, 9), 2)
    got, idx = F.max_pool1d(make(x, on(device), "float32"), 3, 2, 1, return_indices=True)
    want, want_idx = ref_max_pool2d(x[:, :, None], (1, 3), (1, 2), (0, 1))
    close(got, want[:, :, 0], "float32")
    np.testing.assert_array_equal(idx.cpu().numpy(), want_idx[:, :, 0])
    close(F.max_pool1d(make(x[0], device, "float32"), 2, ceil_mode=True),
          ref_max_pool2d(x[:1, :, None], (1, 2), ceil_mode=True)[0][0, :, 0], "float32")
    close(F.max_pool2d(make(x[0, :, None].repeat(3, 1), device, "float32"), 2),
          ref_max_pool2d(x[0, :, None].repeat(3, 1)[None], 2)[0][0], "float32")


def test_max_pool2d_nan_and_integer_input():
    x = np.array([[[[1.0, np.nan, 3.0, 0.0], [2.0, 5.0, np.nan, np.nan]]]])
    got, idx = F.max_pool2d(make(x), 2, return_indices=True)
    assert np.isnan(got.numpy()).all()
    assert idx.numpy().tolist() == [[[[1, 7]]]]  # the last NaN of each window, as PyTorch's kernel scans
    # windows whose entries are all -inf point at their first entry inside the input, not at the padding
    _, idx = F.max_pool2d(make(np.full((1, 1, 3, 3), -np.inf)), 3, 1, 1, return_indices=True)
    assert idx.tolist() == [[[[0, 0, 1], [0, 0, 1], [3, 3, 4]]]]
    ints = torch.arange(16).view(1, 1, 4, 4)
    assert F.max_pool2d(ints, 2).tolist() == [[[[5, 7], [13, 15]]]]


# ---- average pooling -----------------------------------------------------------------------------------

AVG2D = [
    ("k2", (1, 2, 4, 4), dict(kernel_size=2)),
    ("k3_s2_p1", (3, 2, 7, 6), dict(kernel_size=3, stride=2, padding=1)),
    ("exclude_pad", (2, 1, 7, 6), dict(kernel_size=3, stride=2, padding=1, count_include_pad=False)),
    ("ceil_include_pad", (1, 2, 5, 5), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ("ceil_exclude_pad", (1, 2, 5, 5), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True,
                                            count_include_pad=False)),
    ("divisor_override", (2, 2, 5, 6), dict(kernel_size=(2, 3), stride=(2, 1), padding=(1, 1), divisor_override=4)),
    ("large_window", (1, 1, 6, 6), dict(kernel_size=5, stride=1)),
]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("case", AVG2D, ids=[c[0] for c in AVG2D])
def test_avg_pool2d_forward(case, device):
    _, xs, kw = case
    x = values(xs, 3)
    args = {("k" if a == "kernel_size" else "s" if a == "stride" else "p" if a == "padding" else a): v
            for a, v in kw.items()}
    got = F.avg_pool2d(make(x, on(device), "float32", "strided"), **kw)
    close(got, ref_avg_pool2d(x, **args), "float32")


@pytest.mark.parametrize("device", DEVICES)
def test_avg_pool1d_and_unbatched(device):
    x = values((2, 3, 8), 4)
    got = F.avg_pool1d(make(x, on(device), "float32"), 3, 2, 1, ceil_mode=True, count_include_pad=False)
    close(got, ref_avg_pool2d(x[:, :, None], (1, 3), (1, 2), (0, 1), True, False)[:, :, 0], "float32")
    close(F.avg_pool2d(make(x, device, "float32"), 2), ref_avg_pool2d(x[None], 2)[0], "float32")


def test_avg_pool2d_integer_input_truncates():
    got = F.avg_pool2d(torch.arange(16).view(1, 1, 4, 4), 3, 1, 1)
    assert got.dtype == torch.int64
    assert got.tolist() == [[[[1, 2, 2, 2], [3, 5, 6, 4], [5, 9, 10, 7], [4, 7, 8, 5]]]]


# ---- adaptive pooling -----------------------------------------------------------------------------------

ADAPTIVE = [(1, (2, 3, 5, 7)), (2, (2, 3, 5, 7)), (3, (1, 2, 5, 7)), ((3, 2), (2, 2, 5, 7)), ((5, None), (1, 3, 5, 7)),
            ((7, 9), (1, 1, 5, 7)), ((2, 4), (3, 8, 8))]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("out,shape", ADAPTIVE, ids=[str(a[0]) for a in ADAPTIVE])
def test_adaptive_pool2d_forward(out, shape, device):
    x = values(shape, 5)
    o = tup(out, 2)
    o = tuple(n if v is None else v for v, n in zip(o, shape[-2:]))
    want_avg, _ = ref_adaptive(x, o, "mean")
    want_max, want_idx = ref_adaptive(x, o, "max")
    close(F.adaptive_avg_pool2d(make(x, on(device), "float32"), out), want_avg, "float32")
    got, idx = F.adaptive_max_pool2d(make(x, device, "float32", "transposed"), out, return_indices=True)
    close(got, want_max, "float32")
    np.testing.assert_array_equal(idx.cpu().numpy(), want_idx)


@pytest.mark.parametrize("device", DEVICES)
def test_adaptive_pool1d_forward(device):
    x = values((2, 3, 7), 6)
    close(F.adaptive_avg_pool1d(make(x, on(device), "float32"), 3), ref_adaptive(x[:, :, None], (1, 3), "mean")[0][:, :, 0],
          "float32")
    got, idx = F.adaptive_max_pool1d(make(x[0], device, "float32"), 4, return_indices=True)
    want, want_idx = ref_adaptive(x[:1, :, None], (1, 4), "max")
    close(got, want[0, :, 0], "float32")
    np.testing.assert_array_equal(idx.cpu().numpy(), want_idx[0, :, 0])


# ---- gradients and nodes ----------------------------------------------------------------------------------

POOL_GRADS = {
    "max_pool2d": lambda x: F.max_pool2d(x, 3, 2, 1),
    "max_pool2d_dilation_ceil": lambda x: F.max_pool2d(x, 2, 2, 1, dilation=2, ceil_mode=True),
    "max_pool1d": lambda x: F.max_pool1d(x.flatten(2), 3, 2, 1),
    "avg_pool2d": lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False),
    "avg_pool2d_divisor": lambda x: F.avg_pool2d(x, 2, 1, divisor_override=3),
    "avg_pool1d": lambda x: F.avg_pool1d(x.flatten(2), 4, 3, 2),
    "adaptive_avg_pool2d": lambda x: F.adaptive_avg_pool2d(x, (3, 2)),
    "adaptive_max_pool2d": lambda x: F.adaptive_max_pool2d(x, (3, 4)),
    "adaptive_max_pool1d": lambda x: F.adaptive_max_pool1d(x.flatten(2), 7),
}


@pytest.mark.parametrize("name", list(POOL_GRADS))
def test_pool_gradcheck(name):
    gradcheck(POOL_GRADS[name], distinct((2, 2, 5, 5), 7))


@pytest.mark.parametrize("name", ["max_pool2d", "avg_pool2d", "adaptive_max_pool2d"])
def test_pool_gradcheck_wgpu(name):
    gradcheck(POOL_GRADS[name], distinct((1, 2, 5, 5), 8), device=on("wgpu"))


@pytest.mark.parametrize("name", ["max_pool2d", "avg_pool2d", "adaptive_max_pool2d"])
def test_pool_second_derivatives(name):
    gradgradcheck(lambda x: POOL_GRADS[name](x * x), distinct((1, 2, 5, 5), 9) + 4)  # positive: distinct squares


def test_pool_nodes():
    x = make(values((1, 2, 4, 4))).requires_grad_()
    assert node(F.max_pool2d(x, 2)) == "MaxPool2DWithIndicesBackward0"
    assert node(F.max_pool2d(x, 2, return_indices=True)[0]) == "MaxPool2DWithIndicesBackward0"
    assert node(F.max_pool2d(x[0], 2)) == "MaxPool2DWithIndicesBackward0"
    assert node(F.avg_pool2d(x, 2)) == "AvgPool2DBackward0"
    assert node(F.max_pool1d(x[0], 2)) == node(F.avg_pool1d(x[0], 2)) == "SqueezeBackward1"
    assert node(F.adaptive_avg_pool2d(x, 3)) == "AdaptiveAvgPool2DBackward0"
    assert node(F.adaptive_avg_pool2d(x, 1)) == "MeanBackward1"
    assert node(F.adaptive_max_pool2d(x, 3)) == "AdaptiveMaxPool2DBackward0"
    idx = F.max_pool2d(x, 2, return_indices=True)[1]
    assert not idx.requires_grad


def test_max_pool_gradient_goes_to_the_first_max():
    x = make(np.array([[[[1.0, 3.0, 3.0], [0.0, 3.0, 2.0]]]])).requires_grad_()
    F.max_pool2d(x, 2, stride=1).sum().backward()
    assert x.grad.numpy().tolist() == [[[[0.0, 2.0, 0.0], [0.0, 0.0, 0.0]]]]


# ---- interpolate -------------------------------------------------------------------------------------------

def _src_linear(n, out, align, sf=None):
    j = np.arange(out, dtype=np.float64)
    if align:
        return j * ((n - 1) / (out - 1) if out > 1 else 0.0)
    scale = 1.0 / sf if sf else n / out
    return np.maximum((j + 0.5) * scale - 0.5, 0.0)


def ref_linear_1d(x, out, align, sf=None):
    """Along the last dim: each output between its two nearest inputs."""
    n = x.shape[-1]
    src = _src_linear(n, out, align, sf)
    i0 = np.minimum(np.floor(src).astype(int), n - 1)
    i1 = np.minimum(i0 + 1, n - 1)
    lam = src - i0
    return x[..., i0] * (1 - lam) + x[..., i1] * lam


def ref_bilinear(x, size, align, sf=(None, None)):
    return np.swapaxes(ref_linear_1d(np.swapaxes(ref_linear_1d(x, size[1], align, sf[1]), -1, -2), size[0], align,
                                     sf[0]), -1, -2)


def ref_bicubic(x, size, align):
    """Sixteen taps per output pixel, PyTorch's cubic kernel (A = -0.75), edges clamped."""
    def weights(t, a=-0.75):
        t = abs(t)
        return ((a + 2) * t - (a + 3)) * t * t + 1 if t <= 1 else ((a * t - 5 * a) * t + 8 * a) * t - 4 * a

    def src(n, o, j):
        if align:
            return j * ((n - 1) / (o - 1) if o > 1 else 0.0)
        return (j + 0.5) * n / o - 0.5
    h, w = x.shape[-2:]
    out = np.zeros(x.shape[:-2] + tuple(size))
    for i, j in itertools.product(range(size[0]), range(size[1])):
        sy, sx = src(h, size[0], i), src(w, size[1], j)
        fy, fx = math.floor(sy), math.floor(sx)
        for a, b in itertools.product(range(-1, 3), range(-1, 3)):
            wgt = weights(sy - (fy + a)) * weights(sx - (fx + b))
            out[..., i, j] += wgt * x[..., min(max(fy + a, 0), h - 1), min(max(fx + b, 0), w - 1)]
    return out


def ref_nearest(x, size, sfs=None, exact=False):
    for k, o in enumerate(size):
        n = x.shape[2 + k]
        sf = sfs[k] if sfs else None
        scale = np.float32(1.0 / sf) if sf else np.float32(n) / np.float32(o)
        j = np.arange(o)
        src = np.floor(((j + 0.5) * np.float64(scale)).astype(np.float32)) if exact else np.floor(j.astype(np.float32) * scale)
        x = np.take(x, np.minimum(src.astype(int), n - 1), axis=2 + k)
    return x


INTERP = [
    ("nearest_x2", (2, 3, 5), dict(scale_factor=2), lambda x: np.repeat(x, 2, -1)),
    ("nearest_size", (2, 3, 5), dict(size=7), lambda x: ref_nearest(x, (7,))),
    ("nearest_down", (2, 3, 5), dict(scale_factor=0.6), lambda x: ref_nearest(x, (3,), (0.6,))),
    ("nearest_2d", (1, 2, 4, 5), dict(size=(3, 7)), lambda x: ref_nearest(x, (3, 7))),
    ("nearest_2d_scale", (1, 2, 4, 5), dict(scale_factor=(1.5, 2.5)), lambda x: ref_nearest(x, (6, 12), (1.5, 2.5))),
    ("nearest_exact", (1, 2, 4, 5), dict(size=(7, 3), mode="nearest-exact"),
     lambda x: ref_nearest(x, (7, 3), exact=True)),
    ("nearest_3d", (1, 2, 2, 3, 2), dict(scale_factor=2), lambda x: x.repeat(2, 2).repeat(2, 3).repeat(2, 4)),
    ("linear", (2, 3, 5), dict(size=8, mode="linear"), lambda x: ref_linear_1d(x, 8, False)),
    ("linear_align", (2, 3, 5), dict(size=3, mode="linear", align_corners=True), lambda x: ref_linear_1d(x, 3, True)),
    ("linear_scale", (2, 3, 5), dict(scale_factor=1.7, mode="linear"), lambda x: ref_linear_1d(x, 8, False, 1.7)),
    ("bilinear", (2, 2, 4, 5), dict(size=(7, 3), mode="bilinear"), lambda x: ref_bilinear(x, (7, 3), False)),
    ("bilinear_align", (1, 3, 4, 5), dict(size=(6, 9), mode="bilinear", align_corners=True),
     lambda x: ref_bilinear(x, (6, 9), True)),
    ("bilinear_x2", (1, 2, 3, 4), dict(scale_factor=2, mode="bilinear"), lambda x: ref_bilinear(x, (6, 8), False)),
    ("bicubic", (1, 2, 4, 5), dict(size=(6, 3), mode="bicubic"), lambda x: ref_bicubic(x, (6, 3), False)),
    ("bicubic_align", (1, 1, 4, 4), dict(size=(5, 7), mode="bicubic", align_corners=True),
     lambda x: ref_bicubic(x, (5, 7), True)),
    ("area", (2, 2, 5, 7), dict(size=(3, 2), mode="area"), lambda x: ref_adaptive(x, (3, 2), "mean")[0]),
]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("case", INTERP, ids=[c[0] for c in INTERP])
def test_interpolate_forward(case, device):
    _, xs, kw, ref = case
    x = values(xs, 10)
    got = F.interpolate(make(x, on(device), "float32", "strided"), **kw)
    close(got, ref(x), "float32", dict(rtol=1e-5, atol=2e-5))
    close(F.interpolate(make(x), **kw), ref(x), "float64", dict(rtol=1e-12, atol=1e-12))


INTERP_GRADS = {
    "nearest_x2": (lambda x: F.interpolate(x, scale_factor=2), "UpsampleNearest2DBackward0"),
    "nearest": (lambda x: F.interpolate(x, size=(3, 5)), "UpsampleNearest2DBackward0"),
    "bilinear": (lambda x: F.interpolate(x, size=(5, 3), mode="bilinear"), "UpsampleBilinear2DBackward0"),
    "bilinear_align": (lambda x: F.interpolate(x, scale_factor=1.5, mode="bilinear", align_corners=True),
                       "UpsampleBilinear2DBackward0"),
    "bicubic": (lambda x: F.interpolate(x, size=(5, 6), mode="bicubic"), "UpsampleBicubic2DBackward0"),
    "linear": (lambda x: F.interpolate(x.flatten(2), size=11, mode="linear"), "UpsampleLinear1DBackward0"),
    "nearest_exact": (lambda x: F.interpolate(x, size=(3, 7), mode="nearest-exact"),
                      "UpsampleNearestExact2DBackward0"),
}


@pytest.mark.parametrize("name", list(INTERP_GRADS))
def test_interpolate_gradcheck_and_node(name):
    fn, expected = INTERP_GRADS[name]
    gradcheck(fn, values((1, 2, 3, 4), 11))
    assert node(fn(make(values((1, 2, 3, 4))).requires_grad_())) == expected


@pytest.mark.parametrize("name", ["nearest", "bilinear"])
def test_interpolate_gradcheck_wgpu(name):
    gradcheck(INTERP_GRADS[name][0], values((1, 2, 3, 4), 12), device=on("wgpu"))


def test_interpolate_second_derivatives():
    gradgradcheck(lambda x: F.interpolate(x * x, size=(4, 5), mode="bilinear"), values((1, 1, 3, 3), 13))


# ---- pad -----------------------------------------------------------------------------------------------------

NP_MODE = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}
PAD = [((2, 3, 5), (1, 2)), ((2, 3, 4, 5), (1, 2, 2, 1)), ((3, 4, 5), (0, 3, 1, 1)), ((1, 2, 3, 3, 3), (1, 1, 2, 0, 1, 2))]


def ref_pad(x, pads, mode, value=0.0):
    widths = [(0, 0)] * x.ndim
    for i in range(len(pads) // 2):
        widths[x.ndim - 1 - i] = (pads[2 * i], pads[2 * i + 1])
    if mode == "constant":
        return np.pad(x, widths, constant_values=value)
    return np.pad(x, widths, mode=NP_MODE[mode])


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("mode", list(NP_MODE))
@pytest.mark.parametrize("shape,pads", PAD, ids=[str(p[1]) for p in PAD])
def test_pad_forward(shape, pads, mode, device):
    x = values(shape, 14)
    got = F.pad(make(x, on(device), "float32", "strided"), pads, mode=mode)
    close(got, ref_pad(x, pads, mode), "float32")


def test_pad_value_and_negative_amounts():
    x = values((2, 3, 4), 15)
    close(F.pad(make(x), (1, 2, 0, 1), value=2.5), ref_pad(x, (1, 2, 0, 1), "constant", 2.5))
    close(F.pad(make(x), (-1, 2, 1, -2)), np.pad(x[:, :1, 1:], [(0, 0), (1, 0), (0, 2)]))
    row = make(np.arange(4.0).reshape(1, 1, 4))
    assert F.pad(row, (-1, 2), mode="circular").tolist() == [[[1.0, 2.0, 3.0, 1.0, 2.0]]]
    assert F.pad(row, (2, -1), mode="circular").tolist() == [[[1.0, 2.0, 0.0, 1.0, 2.0]]]
    assert F.pad(row, (-1, 2), mode="reflect").tolist() == [[[1.0, 2.0, 3.0, 2.0, 1.0]]]
    assert F.pad(row, (-1, 2), mode="replicate").tolist() == [[[1.0, 2.0, 3.0, 3.0, 3.0]]]


PAD_NODES = {"constant": "ConstantPadNdBackward0", "reflect": "ReflectionPad2DBackward0",
             "replicate": "ReplicationPad2DBackward0", "circular": "CopySlices"}


@pytest.mark.parametrize("mode", list(NP_MODE))
def test_pad_gradcheck_and_node(mode):
    fn = (lambda x: F.pad(x, (2, 1, 1, 2), mode=mode))
    gradcheck(fn, values((1, 2, 3, 4), 16))
    assert node(fn(make(values((1, 2, 3, 4))).requires_grad_())) == PAD_NODES[mode]


def test_pad_gradcheck_wgpu_and_second_derivatives():
    gradcheck(lambda x: F.pad(x, (2, 1, 1, 2), mode="reflect"), values((1, 2, 3, 4), 17), device=on("wgpu"))
    gradgradcheck(lambda x: F.pad(x * x, (2, 1, -1, 2), mode="replicate"), values((1, 1, 3, 3), 18))
    gradgradcheck(lambda x: F.pad(x * x, (1, -1)), values((2, 3), 19))


# ---- errors ----------------------------------------------------------------------------------------------

def _t(*shape):
    return torch.zeros(*shape)


_NON_CONST = ("Supported combinations for non-constant padding:\n  - 2D or 3D input: padding size = 2 (pads last "
              "dimension)\n  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n  - 4D or 5D input: "
              "padding size = 6 (pads last 3 dimensions)")

ERRORS = [
    (lambda: F.max_pool2d(_t(1, 2, 5, 5), (2, 2, 2)), RuntimeError,
     "max_pool2d: kernel_size must either be a single int, or a tuple of two ints"),
    (lambda: F.max_pool2d(_t(1, 2, 5, 5), 2, (1, 1, 1)), RuntimeError,
     "max_pool2d: stride must either be omitted, a single int, or a tuple of two ints"),
    (lambda: F.max_pool2d(_t(1, 2, 5, 5), 2, 2, (1, 1, 1)), RuntimeError,
     "max_pool2d: padding must either be a single int, or a tuple of two ints"),
    (lambda: F.max_pool2d(_t(1, 2, 5, 5), 2, 2, 0, (1, 1, 1)), RuntimeError,
     "max_pool2d: dilation must be either a single int, or a tuple of two ints"),
    (lambda: F.max_pool2d(_t(1, 2, 5, 5), 2, 2, 0, 0), RuntimeError,
     "dilation should be greater than zero, but got dilationH: 0 dilationW: 0"),
    (lambda: F.max_pool2d(_t(1, 2, 5, 5), 2, 2, -1), RuntimeError, "pad must be non-negative, but got pad: -1"),
    (lambda: F.max_pool2d(_t(1, 4, 5, 5), 3, padding=2), RuntimeError,
     "pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and dilation=1"),
    (lambda: F.max_pool2d(_t(1, 4, 2, 2), 3), RuntimeError,
     "Given input size: (4x2x2). Calculated output size: (4x0x0). Output size is too small"),
    (lambda: F.max_pool2d(_t(4, 2), 3), RuntimeError, "non-empty 3D or 4D (batch mode) tensor expected for input"),
    (lambda: F.max_pool2d(_t(1, 4, 5, 5), 2, stride=0), RuntimeError, "stride should not be zero"),
    (lambda: F.max_pool2d(_t(2, 0, 4, 4), 2), RuntimeError,
     "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:[2, 0, 4, 4]"),
    (lambda: F.max_pool1d(_t(1, 2, 5), (2, 2)), RuntimeError,
     "max_pool1d() kernel_size must be an int, list of ints or tuple of ints of size 1 but got size 2"),
    (lambda: F.max_pool1d(_t(1, 2, 5), 2, (2, 2)), RuntimeError,
     "max_pool1d() stride must be None, an int, list of ints, or tuple of ints of size 1 but got size 2"),
    (lambda: F.max_pool1d(_t(1, 2, 5), 2, 2, 2), RuntimeError,
     "max_pool1d() padding should be at most half of kernel size, but got padding=2 and kernel_size=2"),
    (lambda: F.max_pool1d(_t(1, 2, 5), 0), RuntimeError, "max_pool1d() kernel_size must be greater than zero, but got 0"),
    (lambda: F.max_pool1d(_t(1, 2, 5), 7), RuntimeError, "max_pool1d() Invalid computed output size: 0"),
    (lambda: F.max_pool1d(_t(4, 2, 4, 4), 3), RuntimeError,
     "max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:[4, 2, 4, 4]"),
    (lambda: F.avg_pool2d(_t(1, 2, 5, 5), (2, 2, 2)), RuntimeError,
     "avg_pool2d: kernel_size must either be a single int, or a tuple of two ints"),
    (lambda: F.avg_pool2d(_t(1, 2, 5, 5), 2, divisor_override=0), RuntimeError, "divisor must be not zero"),
    (lambda: F.avg_pool2d(_t(1, 2, 5, 5), 0), RuntimeError, "stride should not be zero"),
    (lambda: F.avg_pool2d(_t(1, 4, 2, 2), 3), RuntimeError,
     "Given input size: (4x2x2). Calculated output size: (4x0x0). Output size is too small"),
    (lambda: F.avg_pool1d(_t(1, 2, 5), (2, 2)), RuntimeError, "avg_pool1d() argument 'kernel_size' should contain one "
     "int (got 2)"),
    (lambda: F.avg_pool1d(_t(1, 2, 5), 7), RuntimeError,
     "Given input size: (2x1x5). Calculated output size: (2x1x0). Output size is too small"),
    (lambda: F.avg_pool1d(_t(4, 2, 4, 4), 3), RuntimeError,
     "Expected 2 to 3 dimensions, but got 4-dimensional tensor for argument #1 'self' (while checking arguments for "
     "avg_pool1d)"),
    (lambda: F.adaptive_avg_pool2d(_t(1, 2, 5, 5), (2, 2, 2)), RuntimeError, "adaptive_avg_pool2d: output_size must be 2"),
    (lambda: F.adaptive_avg_pool2d(_t(4, 2), 3), RuntimeError,
     "adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [4, 2]"),
    (lambda: F.adaptive_max_pool2d(_t(4, 2), 3), RuntimeError,
     "adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: [4, 2]"),
    (lambda: F.adaptive_avg_pool2d(_t(2, 3, 0, 4), 2), RuntimeError,
     "adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes "
     "[2, 3, 0, 4] with dimension 2 being empty"),
    (lambda: F.adaptive_avg_pool1d(_t(1, 2, 5), (2, 2)), RuntimeError,
     "adaptive_avg_pool1d() argument 'output_size' should contain one int (got 2)"),
    (lambda: F.adaptive_max_pool1d(_t(1, 2, 5, 5), 2), RuntimeError,
     "Expected 2 to 3 dimensions, but got 4-dimensional tensor for argument #1 'self' (while checking arguments for "
     "adaptive_max_pool1d)"),
    (lambda: F.adaptive_avg_pool2d(torch.zeros(1, 2, 5, 5, dtype=torch.int64), 2), NotImplementedError,
     "\"adaptive_avg_pool2d\" not implemented for 'Long'"),
    (lambda: F.interpolate(_t(1, 2, 4, 4), size=3, scale_factor=2), ValueError,
     "only one of size or scale_factor should be defined"),
    (lambda: F.interpolate(_t(1, 2, 4, 4)), ValueError, "either size or scale_factor should be defined"),
    (lambda: F.interpolate(_t(1, 2, 4, 4), size=(3, 3, 3)), ValueError,
     "Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of "
     "[4, 4] and output size of (3, 3, 3). Please provide input tensor in (N, C, d1, d2, ...,dK) format and output "
     "size in (o1, o2, ...,oK) format."),
    (lambda: F.interpolate(_t(1, 2, 4, 4), scale_factor=(3,), mode="bilinear"), ValueError,
     "Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions "
     "of [4, 4] and scale_factor of shape (3,)."),
    (lambda: F.interpolate(_t(1, 2, 4, 4), size=3, mode="linear"), NotImplementedError,
     "Got 4D input, but linear mode needs 3D input"),
    (lambda: F.interpolate(_t(1, 2, 4), size=3, mode="bilinear"), NotImplementedError,
     "Got 3D input, but bilinear mode needs 4D input"),
    (lambda: F.interpolate(_t(1, 2, 4), size=3, align_corners=True), ValueError,
     "align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear"),
    (lambda: F.interpolate(_t(1, 2, 4), size=3, mode="foo"), NotImplementedError,
     "Input Error: Only 3D, 4D and 5D input Tensors supported (got 3D) for the modes: nearest | linear | bilinear | "
     "bicubic | trilinear | lanczos | area | nearest-exact (got foo)"),
    (lambda: F.interpolate(_t(2, 3), scale_factor=1.5), NotImplementedError,
     "Input Error: Only 3D, 4D and 5D input Tensors supported (got 2D)"),
    (lambda: F.interpolate(_t(1, 2, 4, 4), size=3, recompute_scale_factor=True), ValueError,
     "recompute_scale_factor is not meaningful with an explicit size."),
    (lambda: F.interpolate(_t(1, 2, 4, 4), scale_factor=0.1), RuntimeError,
     "Input and output sizes should be greater than 0, but got input (H: 4, W: 4) output (H: 0, W: 0)"),
    (lambda: F.interpolate(_t(1, 0, 2, 2), size=(3, 2), mode="bilinear"), RuntimeError,
     "Non-empty 4D data tensor expected but got a tensor with sizes [1, 0, 2, 2]"),
    (lambda: F.pad(_t(1, 2, 4), (1,)), RuntimeError, "Padding length must be divisible by 2"),
    (lambda: F.pad(_t(1, 2, 4), (1, 1, 1, 1, 1, 1, 1, 1)), RuntimeError,
     "Padding length should be less than or equal to two times the input dimension but got padding length 8 and "
     "input of dimension 3"),
    (lambda: F.pad(_t(1, 2, 4), (4, 4), mode="reflect"), RuntimeError,
     "Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (4, 4) at "
     "dimension 2 of input [1, 2, 4]"),
    (lambda: F.pad(_t(1, 1, 4, 4), (0, 0, 5, 5), mode="reflect"), RuntimeError,
     "Argument #6: Padding size should be less than the corresponding input dimension, but got: padding (5, 5) at "
     "dimension 2 of input [1, 1, 4, 4]"),
    (lambda: F.pad(_t(1, 2, 4), (1, 1, 1, 1, 1, 1), mode="reflect"), NotImplementedError,
     "Padding size 6 is not supported for 3D input tensor.\n" + _NON_CONST),
    (lambda: F.pad(_t(4), (1, 1), mode="replicate"), NotImplementedError,
     "Padding size 2 is not supported for 1D input tensor.\n" + _NON_CONST),
    (lambda: F.pad(_t(1, 2, 4), (1, 1), mode="foo"), NotImplementedError, "Unrecognised padding mode foo"),
    (lambda: F.pad(_t(1, 2, 4), (5, 5), mode="circular"), RuntimeError,
     "Padding value causes wrapping around more than once."),
    (lambda: F.pad(_t(1, 2, 4), (1, 1), mode="reflect", value=3.0), RuntimeError,
     "Padding mode \"reflect\" doesn't take in value argument"),
    (lambda: F.pad(_t(1, 2, 4), (-3, -3)), RuntimeError, "narrow(): length must be non-negative."),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_pool_resample_pad_errors(i):
    fn, exc, msg = ERRORS[i]
    raises(exc, msg, fn)


# ---- layers -------------------------------------------------------------------------------------------------

REPRS = [
    (lambda: nn.MaxPool2d(2), "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"),
    (lambda: nn.MaxPool2d(3, 2, 1, 2, True, True),
     "MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=2, ceil_mode=True)"),
    (lambda: nn.MaxPool1d(2), "MaxPool1d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"),
    (lambda: nn.AvgPool2d(2), "AvgPool2d(kernel_size=2, stride=2, padding=0)"),
    (lambda: nn.AvgPool2d(3, 2, 1, True, False, 3), "AvgPool2d(kernel_size=3, stride=2, padding=1)"),
    (lambda: nn.AvgPool1d(3), "AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))"),
    (lambda: nn.AdaptiveAvgPool2d((3, None)), "AdaptiveAvgPool2d(output_size=(3, None))"),
    (lambda: nn.AdaptiveAvgPool1d(3), "AdaptiveAvgPool1d(output_size=3)"),
    (lambda: nn.AdaptiveMaxPool2d(3, True), "AdaptiveMaxPool2d(output_size=3)"),
    (lambda: nn.AdaptiveMaxPool1d(2), "AdaptiveMaxPool1d(output_size=2)"),
    (lambda: nn.Upsample(scale_factor=2), "Upsample(scale_factor=2.0, mode='nearest')"),
    (lambda: nn.Upsample(size=(3, 4), mode="bilinear", align_corners=True), "Upsample(size=(3, 4), mode='bilinear')"),
    (lambda: nn.UpsamplingBilinear2d(scale_factor=2), "UpsamplingBilinear2d(scale_factor=2.0, mode='bilinear')"),
    (lambda: nn.UpsamplingNearest2d(size=3), "UpsamplingNearest2d(size=3, mode='nearest')"),
]


@pytest.mark.parametrize("i", range(len(REPRS)))
def test_layer_repr(i):
    make_layer, text = REPRS[i]
    assert repr(make_layer()) == text


def test_layers_forward():
    x = values((2, 3, 6, 5), 20)
    t = make(x, dtype="float32")
    close(nn.MaxPool2d(3, 2, 1)(t), ref_max_pool2d(x, 3, 2, 1)[0], "float32")
    got, idx = nn.MaxPool2d(2, return_indices=True)(t)
    np.testing.assert_array_equal(idx.numpy(), ref_max_pool2d(x, 2)[1])
    close(nn.AvgPool2d(3, 2, 1, count_include_pad=False)(t), ref_avg_pool2d(x, 3, 2, 1, count_include_pad=False),
          "float32")
    close(nn.AdaptiveAvgPool2d((2, None))(t), ref_adaptive(x, (2, 5), "mean")[0], "float32")
    close(nn.AdaptiveMaxPool2d(2)(t), ref_adaptive(x, (2, 2), "max")[0], "float32")
    close(nn.Upsample(scale_factor=2)(t), x.repeat(2, 2).repeat(2, 3), "float32")
    close(nn.UpsamplingBilinear2d(size=(4, 7))(t), ref_bilinear(x, (4, 7), True), "float32")
    seq = x.reshape(2, 3, 30)
    close(nn.MaxPool1d(4, 3)(make(seq, dtype="float32")), ref_max_pool2d(seq[:, :, None], (1, 4), (1, 3))[0][:, :, 0],
          "float32")
    close(nn.AvgPool1d(4, 3, 1)(make(seq, dtype="float32")), ref_avg_pool2d(seq[:, :, None], (1, 4), (1, 3),
                                                                              (0, 1))[:, :, 0], "float32")
    close(nn.AdaptiveAvgPool1d(4)(make(seq, dtype="float32")), ref_adaptive(seq[:, :, None], (1, 4), "mean")[0][:, :, 0],
          "float32")
