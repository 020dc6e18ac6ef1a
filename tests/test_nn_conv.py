"""Convolutions: ``F.conv1d/2d/3d``, ``F.conv_transpose1d/2d``, ``F.unfold``/``F.fold`` and the ``nn`` layers.

Forward results against numpy references written here (a loop over kernel offsets with einsum for the
convolutions, loops over blocks for unfold/fold) on cpu and wgpu, for strides, padding (numbers, 'same',
'valid'), dilation, groups, bias, batch 1 and 3, unbatched and non-contiguous inputs; gradients by float64
gradcheck (wgpu too), second derivatives by gradgradcheck; node names, PyTorch's errors, layer reprs, init
and padding modes. The file runs against PyTorch too (RUSTORCH_TEST_AGAINST=torch). test_nn_pool.py holds
pooling, interpolate and pad, and uses the helpers here."""
import itertools
import math
import re
import warnings

import numpy as np
import pytest

from _backend import torch
from _wgpu import require

F = torch.nn.functional
nn = torch.nn
DEVICES = ("cpu", "wgpu")
TOL = {"float32": dict(rtol=1e-5, atol=1e-5), "float64": dict(rtol=1e-10, atol=1e-12)}


# ---- shared helpers ------------------------------------------------------------------------------------

def on(device):
    if device == "wgpu":
        require()
    return device


def values(shape, seed=0):
    """Multiples of 1/8 plus 1/16 in [-2, 2): exact in float32, and so are short sums of their products."""
    rng = np.random.default_rng(seed)
    grid = np.arange(-2.0, 2.0, 0.125) + 0.0625
    return rng.choice(grid, size=math.prod(shape)).reshape(shape)


def make(arr, device="cpu", dtype="float64", layout="contiguous"):
    """``arr`` on ``device``: contiguous, a strided view (every other element of the last dim of a wider
    base), or a transposed view (last two dims swapped in memory)."""
    arr = np.asarray(arr)
    if layout == "strided":
        base = np.zeros(arr.shape[:-1] + (2 * arr.shape[-1],))
        base[..., ::2] = arr
        return make(base, device, dtype)[..., ::2]
    if layout == "transposed":
        return make(np.ascontiguousarray(np.swapaxes(arr, -1, -2)), device, dtype).transpose(-1, -2)
    t = torch.from_numpy(np.array(arr)).to(getattr(torch, dtype))
    return t.to(device) if device != "cpu" else t


def close(got, want, dtype="float64", tol=None):
    assert str(got.dtype).endswith(dtype), (got.dtype, dtype)
    g = got.detach().cpu().numpy().astype(np.float64)
    want = np.asarray(want, dtype=np.float64)
    assert g.shape == want.shape, (g.shape, want.shape)
    np.testing.assert_allclose(g, want, **(tol or TOL[dtype]))


def gradcheck(fn, *arrays, device="cpu"):
    leaves = tuple(make(a, device).requires_grad_() for a in arrays)
    assert torch.autograd.gradcheck(fn, leaves)


def gradgradcheck(fn, *arrays):
    leaves = tuple(make(a).requires_grad_() for a in arrays)
    assert torch.autograd.gradgradcheck(fn, leaves)


def raises(exc, msg, fn):
    with pytest.raises(exc, match=re.escape(msg)):
        fn()


def node(t):
    return type(t.grad_fn).__name__


def tup(v, n):
    return tuple(v) if isinstance(v, (list, tuple)) else (v,) * n


# ---- numpy references ------------------------------------------------------------------------------------

def ref_conv(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    """Cross-correlation by definition: for each kernel offset, the strided input slice times that weight tap."""
    nd = x.ndim - 2
    k = w.shape[2:]
    s, d = tup(stride, nd), tup(dilation, nd)
    if padding == "valid":
        lo = hi = (0,) * nd
    elif padding == "same":
        lo = tuple(dd * (kk - 1) // 2 for dd, kk in zip(d, k))
        hi = tuple(dd * (kk - 1) - a for dd, kk, a in zip(d, k, lo))
    else:
        lo = hi = tup(padding, nd)
    xp = np.pad(x, [(0, 0), (0, 0)] + list(zip(lo, hi)))
    out = [(xp.shape[2 + i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(nd)]
    o, cg = w.shape[0], w.shape[1]
    og = o // groups
    y = np.zeros((x.shape[0], o) + tuple(out))
    for offs in itertools.product(*(range(kk) for kk in k)):
        sl = tuple(slice(offs[i] * d[i], offs[i] * d[i] + s[i] * (out[i] - 1) + 1, s[i]) for i in range(nd))
        patch = xp[(slice(None), slice(None)) + sl]
        for g in range(groups):
            tap = w[(slice(g * og, (g + 1) * og), slice(None)) + offs]
            y[:, g * og:(g + 1) * og] += np.einsum("nc...,oc->no...", patch[:, g * cg:(g + 1) * cg], tap)
    if b is not None:
        y += b.reshape((1, o) + (1,) * nd)
    return y


def ref_conv_transpose(x, w, b=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Each input entry adds its value times the kernel at ``i * stride + tap * dilation``; then the
    padding is cut off both sides."""
    nd = x.ndim - 2
    k = w.shape[2:]
    s, p, op, d = tup(stride, nd), tup(padding, nd), tup(output_padding, nd), tup(dilation, nd)
    size = x.shape[2:]
    full = [(size[i] - 1) * s[i] + d[i] * (k[i] - 1) + 1 + op[i] for i in range(nd)]
    cig, cog = x.shape[1] // groups, w.shape[1]
    y = np.zeros((x.shape[0], cog * groups) + tuple(full))
    for offs in itertools.product(*(range(kk) for kk in k)):
        sl = tuple(slice(offs[i] * d[i], offs[i] * d[i] + s[i] * (size[i] - 1) + 1, s[i]) for i in range(nd))
        for g in range(groups):
            tap = w[(slice(g * cig, (g + 1) * cig), slice(None)) + offs]
            y[(slice(None), slice(g * cog, (g + 1) * cog)) + sl] += np.einsum("nc...,co->no...",
                                                                           x[:, g * cig:(g + 1) * cig], tap)
    y = y[(slice(None), slice(None)) + tuple(slice(p[i], full[i] - p[i]) for i in range(nd))]
    if b is not None:
        y = y + b.reshape((1, -1) + (1,) * nd)
    return y


def ref_unfold(x, k, d=1, p=0, s=1):
    k, d, p, s = tup(k, 2), tup(d, 2), tup(p, 2), tup(s, 2)
    xp = np.pad(x, [(0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])])
    oh = (xp.shape[2] - d[0] * (k[0] - 1) - 1) // s[0] + 1
    ow = (xp.shape[3] - d[1] * (k[1] - 1) - 1) // s[1] + 1
    n, c = x.shape[:2]
    cols = np.zeros((n, c, k[0], k[1], oh, ow))
    for i, j, a, bb in itertools.product(range(k[0]), range(k[1]), range(oh), range(ow)):
        cols[:, :, i, j, a, bb] = xp[:, :, a * s[0] + i * d[0], bb * s[1] + j * d[1]]
    return cols.reshape(n, c * k[0] * k[1], oh * ow)


def ref_fold(cols, size, k, d=1, p=0, s=1):
    k, d, p, s = tup(k, 2), tup(d, 2), tup(p, 2), tup(s, 2)
    h, w = size[0] + 2 * p[0], size[1] + 2 * p[1]
    oh = (h - d[0] * (k[0] - 1) - 1) // s[0] + 1
    ow = (w - d[1] * (k[1] - 1) - 1) // s[1] + 1
    n = cols.shape[0]
    c = cols.shape[1] // (k[0] * k[1])
    blocks = cols.reshape(n, c, k[0], k[1], oh, ow)
    out = np.zeros((n, c, h, w))
    for i, j, a, bb in itertools.product(range(k[0]), range(k[1]), range(oh), range(ow)):
        out[:, :, a * s[0] + i * d[0], bb * s[1] + j * d[1]] += blocks[:, :, i, j, a, bb]
    return out[:, :, p[0]:p[0] + size[0], p[1]:p[1] + size[1]]


# ---- conv1d / conv2d / conv3d forward -------------------------------------------------------------------

# (id, input shape, weight shape, bias, kwargs, layout)
CONV2D = [
    ("basic", (1, 2, 5, 5), (3, 2, 3, 3), True, {}, "contiguous"),
    ("pad1_batch3", (3, 2, 5, 4), (4, 2, 3, 3), True, dict(padding=1), "contiguous"),
    ("stride2_odd", (2, 3, 7, 6), (2, 3, 3, 2), False, dict(stride=2), "contiguous"),
    ("stride_pad_tuple", (1, 2, 6, 7), (3, 2, 2, 3), True, dict(stride=(2, 1), padding=(1, 2)), "contiguous"),
    ("dilation", (2, 2, 7, 7), (2, 2, 3, 3), True, dict(dilation=2, padding=1), "contiguous"),
    ("groups2", (2, 4, 5, 5), (6, 2, 3, 3), True, dict(groups=2, padding=1), "contiguous"),
    ("depthwise", (1, 3, 5, 6), (3, 1, 3, 3), False, dict(groups=3, stride=2), "contiguous"),
    ("same", (2, 2, 5, 6), (3, 2, 3, 3), True, dict(padding="same"), "contiguous"),
    ("same_dilated", (1, 2, 6, 5), (2, 2, 3, 3), False, dict(padding="same", dilation=2), "contiguous"),
    ("valid", (1, 2, 5, 5), (2, 2, 2, 2), True, dict(padding="valid"), "contiguous"),
    ("pointwise", (3, 4, 3, 5), (2, 4, 1, 1), True, {}, "contiguous"),
    ("kernel_covers_input", (2, 1, 3, 4), (2, 1, 3, 4), True, {}, "contiguous"),
    ("strided_input", (2, 2, 5, 4), (3, 2, 3, 3), True, dict(padding=1), "strided"),
    ("transposed_input", (1, 3, 4, 6), (2, 3, 2, 2), True, dict(stride=2), "transposed"),
]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("case", CONV2D, ids=[c[0] for c in CONV2D])
def test_conv2d_forward(case, device):
    _, xs, ws, with_bias, kw, layout = case
    x, w = values(xs, 1), values(ws, 2)
    b = values(ws[:1], 3) if with_bias else None
    got = F.conv2d(make(x, on(device), "float32", layout), make(w, device, "float32"),
                   make(b, device, "float32") if with_bias else None, **kw)
    close(got, ref_conv(x, w, b, **kw), "float32")
    assert got.device.type == device and got.is_contiguous()


def test_conv2d_unbatched_and_float64():
    x, w, b = values((2, 5, 4), 1), values((3, 2, 2, 2), 2), values((3,), 3)
    got = F.conv2d(make(x), make(w), make(b), padding=1)
    close(got, ref_conv(x[None], w, b, padding=1)[0])


def test_conv2d_even_kernel_same_padding():
    x, w = values((1, 2, 5, 6), 1), values((2, 2, 4, 2), 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # PyTorch warns once per process about the zero-padded copy
        got = F.conv2d(make(x), make(w), padding="same")
    close(got, ref_conv(x, w, padding="same"))
    assert tuple(got.shape) == (1, 2, 5, 6)


CONV1D = [
    ("basic", (2, 3, 9), (4, 3, 3), dict()),
    ("stride_pad", (1, 2, 8), (3, 2, 4), dict(stride=3, padding=2)),
    ("dilation_groups", (3, 4, 10), (4, 2, 3), dict(dilation=2, groups=2)),
    ("same", (2, 2, 7), (2, 2, 5), dict(padding="same")),
]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("case", CONV1D, ids=[c[0] for c in CONV1D])
def test_conv1d_forward(case, device):
    _, xs, ws, kw = case
    x, w, b = values(xs, 4), values(ws, 5), values(ws[:1], 6)
    got = F.conv1d(make(x, on(device), "float32"), make(w, device, "float32"), make(b, device, "float32"), **kw)
    close(got, ref_conv(x, w, b, **kw), "float32")


@pytest.mark.parametrize("device", DEVICES)
def test_conv3d_forward(device):
    x, w, b = values((2, 4, 4, 5, 3), 7), values((2, 2, 3, 2, 3), 8), values((2,), 9)
    kw = dict(stride=(1, 2, 1), padding=(1, 0, 1), groups=2)
    got = F.conv3d(make(x, on(device), "float32"), make(w, device, "float32"), make(b, device, "float32"), **kw)
    close(got, ref_conv(x, w, b, **kw), "float32")
    got = F.conv3d(make(x[0], device, "float32"), make(w, device, "float32"), None, padding="same", groups=2)
    close(got, ref_conv(x[:1], w, None, padding="same", groups=2)[0], "float32")


# ---- transposed convolutions ------------------------------------------------------------------------------

CONVT2D = [
    ("basic", (1, 2, 3, 4), (2, 3, 3, 3), dict()),
    ("stride2_pad_outpad", (2, 2, 3, 3), (2, 2, 3, 3), dict(stride=2, padding=1, output_padding=1)),
    ("groups", (1, 4, 3, 3), (4, 1, 2, 2), dict(stride=2, groups=2)),
    ("dilation", (2, 3, 4, 3), (3, 2, 3, 2), dict(dilation=2, padding=(1, 0))),
    ("outpad_below_dilation", (1, 2, 3, 3), (2, 2, 3, 3), dict(dilation=2, output_padding=1)),
]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("case", CONVT2D, ids=[c[0] for c in CONVT2D])
def test_conv_transpose2d_forward(case, device):
    _, xs, ws, kw = case
    x, w = values(xs, 10), values(ws, 11)
    b = values((ws[1] * kw.get("groups", 1),), 12)
    got = F.conv_transpose2d(make(x, on(device), "float32"), make(w, device, "float32"), make(b, device, "float32"),
                             **kw)
    close(got, ref_conv_transpose(x, w, b, **kw), "float32")


@pytest.mark.parametrize("device", DEVICES)
def test_conv_transpose1d_forward(device):
    x, w = values((2, 3, 5), 13), values((3, 2, 4), 14)
    kw = dict(stride=3, padding=1, output_padding=2)
    got = F.conv_transpose1d(make(x, on(device), "float32", "strided"), make(w, device, "float32"), None, **kw)
    close(got, ref_conv_transpose(x, w, None, **kw), "float32")
    got = F.conv_transpose1d(make(x[0], device, "float32"), make(w, device, "float32"))
    close(got, ref_conv_transpose(x[:1], w)[0], "float32")


# ---- gradients ------------------------------------------------------------------------------------------------

GRAD_CASES = {
    "conv2d": (lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1), (1, 2, 5, 4), (3, 2, 3, 3), 3),
    "conv2d_groups_dilation": (lambda x, w, b: F.conv2d(x, w, b, dilation=2, groups=2), (2, 4, 5, 5), (2, 2, 2, 2),
                               2),
    "conv2d_same": (lambda x, w, b: F.conv2d(x, w, b, padding="same"), (1, 1, 4, 3), (2, 1, 3, 3), 2),
    "conv1d": (lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1), (2, 2, 7), (3, 2, 3), 3),
    "conv3d": (lambda x, w, b: F.conv3d(x, w, b, padding=(0, 1, 0)), (1, 1, 3, 3, 2), (2, 1, 2, 2, 2), 2),
    "conv_transpose2d": (lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1),
                         (1, 2, 3, 2), (2, 2, 3, 3), 2),
    "conv_transpose1d_groups": (lambda x, w, b: F.conv_transpose1d(x, w, b, stride=2, groups=2, dilation=2),
                                (2, 4, 3), (4, 1, 2), 2),
}


def _grad_inputs(case):
    _, xs, ws, nb = GRAD_CASES[case]
    return values(xs, 20) / 2, values(ws, 21) / 2, values((nb,), 22)


@pytest.mark.parametrize("case", list(GRAD_CASES))
def test_conv_gradcheck(case):
    gradcheck(GRAD_CASES[case][0], *_grad_inputs(case))


@pytest.mark.parametrize("case", ["conv2d", "conv_transpose2d"])
def test_conv_gradcheck_wgpu(case):
    gradcheck(GRAD_CASES[case][0], *_grad_inputs(case), device=on("wgpu"))


@pytest.mark.parametrize("case", ["conv2d", "conv2d_groups_dilation", "conv_transpose2d"])
def test_conv_second_derivatives(case):
    gradgradcheck(GRAD_CASES[case][0], *_grad_inputs(case))


def test_conv_nodes_and_gradients_of_some_inputs():
    x = make(values((1, 2, 4, 4), 1)).requires_grad_()
    w = make(values((3, 2, 3, 3), 2)).requires_grad_()
    y = F.conv2d(x, w, padding=1)
    assert node(y) == "ConvolutionBackward0"
    assert node(F.conv_transpose2d(x, make(values((2, 3, 3, 3), 3)))) == "ConvolutionBackward0"
    assert node(F.conv2d(x[0], w)) == "SqueezeBackward1"
    # only the weight requires grad: its gradient is sum_n grad @ columns^T
    w2 = make(values((3, 2, 3, 3), 2)).requires_grad_()
    F.conv2d(make(values((1, 2, 4, 4), 1)), w2).sum().backward()
    cols = ref_unfold(values((1, 2, 4, 4), 1), 3)
    close(w2.grad, cols.sum(axis=(0, 2)).reshape(1, 2, 3, 3).repeat(3, axis=0))


def test_conv_gradient_of_non_contiguous_input():
    x = make(values((2, 2, 4, 5), 4), layout="transposed").requires_grad_()
    gradcheck(lambda a, w: F.conv2d(a.transpose(-1, -2), w, padding=1), values((2, 2, 5, 4), 4),
              values((2, 2, 3, 3), 5))
    y = F.conv2d(x, make(values((2, 2, 3, 3), 5)), stride=2)
    y.sum().backward()
    assert tuple(x.grad.shape) == (2, 2, 4, 5)


# ---- unfold / fold ----------------------------------------------------------------------------------------------

UNFOLD = [
    ("basic", (1, 2, 4, 4), dict(kernel_size=2)),
    ("all_args", (2, 3, 6, 7), dict(kernel_size=(2, 3), dilation=(2, 1), padding=1, stride=(1, 2))),
    ("stride_exceeds_kernel", (1, 1, 7, 7), dict(kernel_size=2, stride=3)),
]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("case", UNFOLD, ids=[c[0] for c in UNFOLD])
def test_unfold_and_fold(case, device):
    _, xs, kw = case
    x = values(xs, 30)
    cols = F.unfold(make(x, on(device), "float32"), **kw)
    want = ref_unfold(x, kw["kernel_size"], kw.get("dilation", 1), kw.get("padding", 0), kw.get("stride", 1))
    close(cols, want, "float32")
    c = values(want.shape, 31)
    back = F.fold(make(c, device, "float32"), xs[2:], **kw)
    close(back, ref_fold(c, xs[2:], kw["kernel_size"], kw.get("dilation", 1), kw.get("padding", 0),
                         kw.get("stride", 1)), "float32")


def test_unfold_fold_unbatched_nodes_and_gradcheck():
    x = values((2, 4, 5), 32)
    close(F.unfold(make(x), 2, padding=1), ref_unfold(x[None], 2, p=1)[0])
    xt = make(values((1, 2, 4, 4), 33)).requires_grad_()
    assert node(F.unfold(xt, 2)) == "Im2ColBackward0"
    assert node(F.fold(F.unfold(xt, 2), (4, 4), 2)) == "Col2ImBackward0"
    gradcheck(lambda a: F.unfold(a, (2, 3), padding=1, stride=(2, 1)), values((1, 2, 4, 4), 34))
    gradcheck(lambda a: F.fold(a, (4, 5), 2, dilation=(1, 2)), values((1, 8, 9), 35))
    gradgradcheck(lambda a: F.fold(a * a, (3, 3), 2), values((1, 4, 4), 36))


# ---- errors ---------------------------------------------------------------------------------------------------------

def _t(*shape, dtype="float32"):
    return torch.zeros(*shape, dtype=getattr(torch, dtype))


ERRORS = [
    (lambda: F.conv2d(_t(2, 3), _t(8, 2, 3, 3)), RuntimeError,
     "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [2, 3]"),
    (lambda: F.conv1d(_t(1, 4, 5, 5), _t(8, 2, 3)), RuntimeError,
     "Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: [1, 4, 5, 5]"),
    (lambda: F.conv2d(_t(1, 3, 5, 5), _t(8, 2, 3, 3)), RuntimeError,
     "Given groups=1, weight of size [8, 2, 3, 3], expected input[1, 3, 5, 5] to have 2 channels, but got 3 "
     "channels instead"),
    (lambda: F.conv2d(_t(3, 5, 5), _t(8, 2, 3, 3)), RuntimeError,
     "Given groups=1, weight of size [8, 2, 3, 3], expected input[1, 3, 5, 5] to have 2 channels, but got 3 "
     "channels instead"),
    (lambda: F.conv2d(_t(1, 3, 5, 5), _t(8, 3, 7, 7)), RuntimeError,
     "Calculated padded input size per channel: (5 x 5). Kernel size: (7 x 7). Kernel size can't be greater than "
     "actual input size"),
    (lambda: F.conv2d(_t(1, 4, 5, 5), _t(8, 4, 3, 3), dilation=3), RuntimeError,
     "Calculated padded input size per channel: (5 x 5). Kernel size: (7 x 7)."),
    (lambda: F.conv1d(_t(1, 4, 5), _t(8, 4, 7)), RuntimeError, "Calculated padded input size per channel: (5). "
     "Kernel size: (7). Kernel size can't be greater than actual input size"),
    (lambda: F.conv2d(_t(1, 4, 5, 5), _t(8, 2, 3, 3), groups=3), RuntimeError,
     "Given groups=3, expected weight to be divisible by 3 at dimension 0, but got weight of size [[8, 2, 3, 3]] "
     "instead"),
    (lambda: F.conv2d(_t(2, 4, 5, 5), _t(0, 4, 3, 3)), RuntimeError,
     "Given groups=1, expected weight to be at least 1 at dimension 0, but got weight of size [0, 4, 3, 3] instead"),
    (lambda: F.conv2d(_t(1, 4, 5, 5), _t(8, 2, 3, 3), _t(3), groups=2), RuntimeError,
     "Given weight of size [8, 2, 3, 3], expected bias to be 1-dimensional with 8 elements, but got bias of size "
     "[3] instead"),
    (lambda: F.conv2d(_t(1, 4, 5, 5), _t(8, 2, 3, 3), stride=2, padding="same", groups=2), RuntimeError,
     "padding='same' is not supported for strided convolutions"),
    (lambda: F.conv2d(_t(1, 4, 5, 5), _t(8, 4, 3, 3), padding="foo"), RuntimeError, "Invalid padding string: 'foo'"),
    (lambda: F.conv2d(_t(1, 4, 5, 5), _t(8, 4, 3, 3), padding=-1), RuntimeError, "negative padding is not supported"),
    (lambda: F.conv2d(_t(1, 4, 5, 5), _t(8, 4, 3, 3), stride=0), RuntimeError, "non-positive stride is not supported"),
    (lambda: F.conv2d(_t(1, 4, 5, 5), _t(8, 4, 3, 3), dilation=0), RuntimeError,
     "dilation should be greater than zero, but got [0, 0]"),
    (lambda: F.conv2d(_t(1, 4, 5, 5), _t(8, 4, 3, 3), groups=0), RuntimeError, "non-positive groups is not supported"),
    (lambda: F.conv2d(_t(1, 4, 5, 5), _t(8, 4, 3, 3), stride=(1, 1, 1)), RuntimeError,
     "expected stride to be a single integer value or a list of 2 values to match the convolution dimensions, but "
     "got stride=[1, 1, 1]"),
    (lambda: F.conv2d(_t(1, 4, 5, 5), _t(8, 4, 3, 3), padding=(1, 2, 3)), RuntimeError,
     "expected padding to be a single integer value or a list of 2 values to match the convolution dimensions, but "
     "got padding=[1, 2, 3]"),
    (lambda: F.conv2d(_t(1, 4, 5, 5), _t(8, 4, 3, 3, dtype="float64")), RuntimeError,
     "expected scalar type Float but found Double"),
    (lambda: F.conv2d(_t(1, 4, 5, 5, dtype="float64"), _t(8, 4, 3, 3)), RuntimeError,
     "expected scalar type Double but found Float"),
    (lambda: F.conv2d(_t(1, 4, 5, 5), _t(8, 4, 3, 3), _t(8, dtype="float64")), RuntimeError,
     "Input type (float) and bias type (double) should be the same"),
    (lambda: F.conv_transpose2d(_t(1, 4, 5, 5), _t(3, 4, 3, 3)), RuntimeError,
     "Given transposed=1, weight of size [3, 4, 3, 3], expected input[1, 4, 5, 5] to have 3 channels, but got 4 "
     "channels instead"),
    (lambda: F.conv_transpose2d(_t(1, 4, 5, 5), _t(4, 4, 3, 3), stride=2, output_padding=2), RuntimeError,
     "output padding must be smaller than either stride or dilation, but got output_padding_height: 2 "
     "output_padding_width: 2 stride_height: 2 stride_width: 2 dilation_height: 1 dilation_width: 1"),
    (lambda: F.conv_transpose1d(_t(1, 4, 5), _t(4, 2, 3), stride=2, output_padding=2), RuntimeError,
     "output padding must be smaller than either stride or dilation, but got output_padding_height: 0 "
     "output_padding_width: 2 stride_height: 1 stride_width: 2 dilation_height: 1 dilation_width: 1"),
    (lambda: F.conv_transpose2d(_t(2, 3), _t(4, 4, 3, 3)), RuntimeError,
     "Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of size: [2, 3]"),
    (lambda: F.conv_transpose2d(_t(1, 4, 5, 5), _t(4, 2, 3, 3), groups=3), RuntimeError,
     "Given groups=3, expected weight to be divisible by 3 at dimension 0, but got weight of size [[4, 2, 3, 3]] "
     "instead"),
    (lambda: F.conv_transpose2d(_t(1, 4, 5, 5), _t(4, 2, 3, 3), _t(3)), RuntimeError,
     "Given transposed=1, weight of size [4, 2, 3, 3], expected bias to be 1-dimensional with 2 elements, but got "
     "bias of size [3] instead"),
    (lambda: F.conv_transpose2d(_t(1, 4, 1, 1), _t(4, 2, 3, 3), padding=2), RuntimeError,
     "Given input size per channel: (1 x 1). Calculated output size per channel: (-1 x -1). Output size is too small"),
    (lambda: F.conv_transpose2d(_t(1, 4, 5, 5), _t(4, 2, 3, 3), output_padding=-1), RuntimeError,
     "negative output_padding is not supported"),
    (lambda: F.conv_transpose2d(_t(1, 4, 5, 5), _t(4, 2, 3, 3), dilation=0), RuntimeError,
     "dilation should be greater than zero, but got dilation_height: 0, dilation_width: 0"),
    (lambda: F.conv_transpose2d(_t(1, 4, 5, 5), _t(4, 2, 3, 3), padding="same"), TypeError,
     "conv_transpose2d(): argument 'padding' must be tuple of ints, not str"),
    (lambda: F.unfold(_t(2, 3, 4, 4, 4), 2), RuntimeError,
     "Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but "
     "got: [2, 3, 4, 4, 4]"),
    (lambda: F.unfold(_t(1, 3, 4, 4), 0), RuntimeError,
     "kernel size should be greater than zero, but got kernel_height: 0 kernel_width: 0"),
    (lambda: F.unfold(_t(1, 3, 4, 4), 2, stride=0), RuntimeError,
     "stride should be greater than zero, but got stride_height: 0 stride_width: 0"),
    (lambda: F.unfold(_t(1, 3, 4, 4), 2, padding=-1), RuntimeError,
     "padding should be non-negative, but got pad_height: -1 pad_width: -1"),
    (lambda: F.unfold(_t(1, 1, 2, 2), 3), RuntimeError,
     "Given input with spatial size (2, 2), kernel_size=(3, 3), dilation=(1, 1), padding=(0, 0), calculated shape of "
     "the array of sliding blocks as (0, 0), but its components must be at least one."),
    (lambda: F.unfold(_t(1, 3, 4, 4), (2, 2, 2)), RuntimeError, "It is expected kernel_size equals to 2, but got size 3"),
    (lambda: F.fold(_t(2, 12, 9, 1), (4, 4), 2), RuntimeError,
     "Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, "
     "but got: [2, 12, 9, 1]"),
    (lambda: F.fold(_t(1, 8, 4), (4, 4), 3), RuntimeError,
     "Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=8 "
     "and kernel_size=(3, 3)."),
    (lambda: F.fold(_t(1, 9, 5), (4, 4), 3), RuntimeError,
     "Given output_size=(4, 4), kernel_size=(3, 3), dilation=(1, 1), padding=(0, 0), stride=(1, 1), expected size of "
     "input's dimension 2 to match the calculated number of sliding blocks 2 * 2 = 4, but got input.size(2)=5."),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_conv_errors(i):
    fn, exc, msg = ERRORS[i]
    raises(exc, msg, fn)


def test_conv_errors_on_wgpu_match_cpu():
    on("wgpu")
    raises(RuntimeError, "Given groups=1, weight of size [8, 2, 3, 3], expected input[1, 3, 5, 5] to have 2 channels",
           lambda: F.conv2d(_t(1, 3, 5, 5).to("wgpu"), _t(8, 2, 3, 3).to("wgpu")))


def test_conv_empty_batch_and_channels():
    assert tuple(F.conv2d(_t(0, 4, 5, 5), _t(8, 4, 3, 3)).shape) == (0, 8, 3, 3)
    # no input channels: PyTorch's result has no channels either
    assert tuple(F.conv2d(_t(2, 0, 5, 5), _t(3, 0, 3, 3), _t(3)).shape) == (2, 0, 3, 3)
    assert tuple(F.conv2d(_t(2, 0, 5, 5), _t(8, 0, 2, 2), groups=2, padding=1).shape) == (2, 0, 6, 6)


# ---- layers --------------------------------------------------------------------------------------------------------

REPRS = [
    (lambda: nn.Conv2d(1, 8, 3, padding=1), "Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))"),
    (lambda: nn.Conv2d(1, 8, 3, padding=1, bias=False, dilation=2, padding_mode="reflect", stride=2),
     "Conv2d(1, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), dilation=(2, 2), bias=False, "
     "padding_mode=reflect)"),
    (lambda: nn.Conv2d(2, 8, (3, 5), padding="same", groups=2),
     "Conv2d(2, 8, kernel_size=(3, 5), stride=(1, 1), padding=same, groups=2)"),
    (lambda: nn.Conv1d(2, 8, 3, padding="valid"), "Conv1d(2, 8, kernel_size=(3,), stride=(1,), padding=valid)"),
    (lambda: nn.Conv1d(2, 8, 3), "Conv1d(2, 8, kernel_size=(3,), stride=(1,))"),
    (lambda: nn.Conv3d(2, 8, 3, stride=2), "Conv3d(2, 8, kernel_size=(3, 3, 3), stride=(2, 2, 2))"),
    (lambda: nn.ConvTranspose2d(2, 8, 3, stride=2, output_padding=1),
     "ConvTranspose2d(2, 8, kernel_size=(3, 3), stride=(2, 2), output_padding=(1, 1))"),
    (lambda: nn.ConvTranspose1d(2, 8, 3, stride=2, output_padding=1, dilation=2, bias=False),
     "ConvTranspose1d(2, 8, kernel_size=(3,), stride=(2,), dilation=(2,), output_padding=(1,), bias=False)"),
    (lambda: nn.Fold((4, 4), 2), "Fold(output_size=(4, 4), kernel_size=2, dilation=1, padding=0, stride=1)"),
    (lambda: nn.Unfold(2, padding=1), "Unfold(kernel_size=2, dilation=1, padding=1, stride=1)"),
]


@pytest.mark.parametrize("i", range(len(REPRS)))
def test_layer_repr(i):
    make_layer, text = REPRS[i]
    assert repr(make_layer()) == text


def test_conv_layer_parameters_and_init():
    torch.manual_seed(0)
    m = nn.Conv2d(3, 4, (3, 2), groups=1)
    assert [(n, tuple(p.shape)) for n, p in m.named_parameters()] == [("weight", (4, 3, 3, 2)), ("bias", (4,))]
    bound = 1 / math.sqrt(3 * 3 * 2)  # kaiming_uniform_(a=sqrt(5)) and the bias share 1/sqrt(fan_in)
    for p in (m.weight, m.bias):
        v = p.detach().numpy()
        assert np.abs(v).max() <= bound and np.unique(v).size == v.size
    assert (m.stride, m.padding, m.dilation, m.output_padding, m.transposed) == ((1, 1), (0, 0), (1, 1), (0, 0), False)
    t = nn.ConvTranspose2d(4, 6, 3, groups=2, bias=False)
    assert tuple(t.weight.shape) == (4, 3, 3, 3) and t.bias is None and t.transposed
    assert np.abs(t.weight.detach().numpy()).max() <= 1 / math.sqrt(3 * 9)
    assert sorted(nn.Conv1d(2, 2, 3).state_dict()) == ["bias", "weight"]


def test_conv_layer_forward_matches_functional():
    m = nn.Conv2d(2, 3, 3, stride=2, padding=1, dilation=1, groups=1)
    x = values((2, 2, 5, 6), 40)
    w, b = m.weight.detach().numpy().astype(np.float64), m.bias.detach().numpy().astype(np.float64)
    close(m(make(x, dtype="float32")), ref_conv(x, w, b, stride=2, padding=1), "float32")
    assert node(m(make(x, dtype="float32"))) == "ConvolutionBackward0"


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_conv_layer_padding_modes(mode):
    m = nn.Conv2d(2, 2, 3, padding=(1, 2), padding_mode=mode, bias=False)
    assert m._reversed_padding_repeated_twice in ((2, 2, 1, 1), [2, 2, 1, 1])
    x = values((1, 2, 4, 5), 41)
    w = m.weight.detach().numpy().astype(np.float64)
    padded = np.pad(x, [(0, 0), (0, 0), (1, 1), (2, 2)], mode={"replicate": "edge", "circular": "wrap"}.get(mode, mode))
    close(m(make(x, dtype="float32")), ref_conv(padded, w), "float32")


def test_conv_transpose_layer_output_size():
    m = nn.ConvTranspose2d(3, 4, 3, stride=2)
    x = make(values((1, 3, 5, 5), 42), dtype="float32")
    assert tuple(m(x, output_size=(12, 12)).shape) == (1, 4, 12, 12)
    assert tuple(m(x, output_size=[1, 4, 11, 12]).shape) == (1, 4, 11, 12)
    with pytest.raises(ValueError, match=re.escape("requested an output size of [14, 14], but valid sizes range from "
                                                   "[11, 11] to [12, 12] (for an input of ")):
        m(x, output_size=[14, 14])
    raises(ValueError, "ConvTranspose2D: for 4D input, output_size must have 2 or 4 elements (got 3)",
           lambda: m(x, output_size=(1, 12, 12)))


def test_conv_layer_argument_errors():
    raises(ValueError, "padding='same' is not supported for strided convolutions",
           lambda: nn.Conv2d(3, 4, 3, padding="same", stride=2))
    raises(ValueError, "Invalid padding string 'foo', should be one of ", lambda: nn.Conv2d(3, 4, 3, padding="foo"))
    raises(ValueError, "in_channels must be divisible by groups", lambda: nn.Conv2d(3, 4, 3, groups=2))
    raises(ValueError, "out_channels must be divisible by groups", lambda: nn.Conv2d(4, 3, 3, groups=2))
    raises(ValueError, "groups must be a positive integer", lambda: nn.Conv2d(4, 4, 3, groups=0))
    with pytest.raises(ValueError, match=r"padding_mode must be one of \{.*\}, but got padding_mode='foo'"):
        nn.Conv2d(4, 4, 3, padding_mode="foo")
    raises(ValueError, 'Only "zeros" padding mode is supported for ConvTranspose2d',
           lambda: nn.ConvTranspose2d(4, 4, 3, padding_mode="reflect"))


def test_fold_layers_round_trip():
    x = make(values((2, 3, 4, 4), 43), dtype="float32")
    cols = nn.Unfold(2, stride=2)(x)
    assert tuple(cols.shape) == (2, 12, 4)
    close(nn.Fold((4, 4), 2, stride=2)(cols), values((2, 3, 4, 4), 43), "float32")  # disjoint blocks: exact inverse


def test_small_network_trains_on_cpu_and_wgpu():
    require_wgpu = torch.__name__ != "torch"
    devices = ["cpu"] + (["wgpu"] if require_wgpu else [])
    grads = {}
    for device in devices:
        on(device)
        torch.manual_seed(1)
        net = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.MaxPool2d(2), nn.Conv2d(4, 2, 3), nn.Flatten())
        net = net.to(device) if device != "cpu" else net
        x = make(values((3, 1, 6, 6), 44), device, "float32")
        loss = (net(x) ** 2).sum()
        loss.backward()
        grads[device] = [p.grad.cpu().numpy() for p in net.parameters()]
        assert all(np.isfinite(g).all() and np.abs(g).sum() > 0 for g in grads[device])
    for a, b in zip(grads["cpu"], grads.get("wgpu", grads["cpu"])):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
