"""The float32 CPU convolution kernels (``rustorch._C.conv_forward`` / ``conv_backward_input`` /
``conv_backward_weight``, src/cpu/conv.rs): forward and both gradients against the general path computed
in float64 (which the native kernels never take), for strides, padding (asymmetric 'same' too), dilation,
groups, 1x1 kernels (the image is its own columns), conv1d/2d/3d, non-contiguous inputs and gradients,
a weight of one input channel (its gradient takes the transposed product). Where the CPU has AVX-512 the
test asserts the native kernel served the call; the kernels' own argument checks raise, never crash.
The comparisons also run against PyTorch (RUSTORCH_TEST_AGAINST=torch); the native-path checks are
rustorch's own."""

import numpy as np
import pytest

from _backend import torch

IS_REFERENCE = torch.__name__ == "torch"
F = torch.nn.functional

# (id, conv dims, input shape, weight shape, kwargs)
CASES = [
    ("3x3_pad1", 2, (4, 3, 9, 9), (8, 3, 3, 3), dict(padding=1)),
    ("one_channel", 2, (4, 1, 12, 12), (32, 1, 3, 3), dict(padding=1)),
    ("stride_dilation_groups", 2, (3, 6, 10, 11), (8, 3, 3, 2), dict(stride=(2, 1), dilation=(1, 2), groups=2,
                                                                    padding=(1, 0))),
    ("pointwise", 2, (4, 4, 8, 8), (16, 4, 1, 1), {}),
    ("pointwise_strided", 2, (4, 4, 9, 9), (16, 4, 1, 1), dict(stride=2)),
    ("same_even_kernel", 2, (4, 16, 8, 8), (16, 16, 4, 4), dict(padding="same")),
    ("kernel_in_padding", 2, (2, 3, 5, 5), (8, 3, 3, 3), dict(padding=4, dilation=2)),
    ("conv1d", 1, (4, 5, 64), (20, 5, 5), dict(stride=3, padding=2)),
    ("conv3d", 3, (2, 3, 6, 7, 8), (16, 3, 3, 2, 3), dict(padding=1, stride=(1, 2, 1))),
]


def _run(nd, x, w, b, kw, gy, dtype, layout):
    xt = torch.tensor(x, dtype=dtype)
    if layout == "transposed":  # the same values, held transposed in memory
        xt = torch.tensor(np.ascontiguousarray(np.swapaxes(x, -1, -2)), dtype=dtype).transpose(-1, -2)
    xt.requires_grad_()
    wt = torch.tensor(w, dtype=dtype, requires_grad=True)
    bt = torch.tensor(b, dtype=dtype, requires_grad=True)
    y = getattr(F, f"conv{nd}d")(xt, wt, bt, **kw)
    g = torch.tensor(gy, dtype=dtype)
    if layout == "transposed":
        g = torch.tensor(np.ascontiguousarray(np.swapaxes(gy, -1, -2)), dtype=dtype).transpose(-1, -2)
    y.backward(g)
    return [t.detach().numpy().astype(np.float64) for t in (y, xt.grad, wt.grad, bt.grad)]


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("layout", ["contiguous", "transposed"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_float32_against_float64(case, layout):
    _, nd, xs, ws, kw = case
    rng = np.random.default_rng(7)
    x, w, b = rng.standard_normal(xs), rng.standard_normal(ws), rng.standard_normal(ws[0])
    with torch.no_grad():
        ys = getattr(F, f"conv{nd}d")(torch.tensor(x), torch.tensor(w), None, **kw).shape
    gy = rng.standard_normal(tuple(ys))
    got = _run(nd, x, w, b, kw, gy, torch.float32, layout)
    want = _run(nd, x, w, b, kw, gy, torch.float64, "contiguous")
    for name, a, e in zip(("output", "input grad", "weight grad", "bias grad"), got, want):
        scale = np.abs(e).max()
        assert np.abs(a - e).max() <= 2e-6 * scale * np.sqrt(max(1, e.size)) ** 0.5, name


def _geom(nd, xs, ws, kw, ys):
    k = list(ws[2:])
    d = [kw.get("dilation", 1)] * nd if isinstance(kw.get("dilation", 1), int) else list(kw["dilation"])
    s = [kw.get("stride", 1)] * nd if isinstance(kw.get("stride", 1), int) else list(kw["stride"])
    p = kw.get("padding", 0)
    p = [p] * nd if isinstance(p, int) else list(p)
    return (k, d, p, s, list(xs[2:]), list(ys[2:]))


NATIVE = [c for c in CASES if c[0] not in ("same_even_kernel",)]


@pytest.mark.skipif(IS_REFERENCE, reason="rustorch's own kernels")
@pytest.mark.parametrize("case", NATIVE, ids=[c[0] for c in NATIVE])
def test_native_kernels_serve_these_shapes(case):
    """Where the CPU has AVX-512, the float32 kernels take these calls (and agree with the layer)."""
    _, nd, xs, ws, kw = case
    C = torch._C
    x, w = torch.randn(xs), torch.randn(ws)
    y = getattr(F, f"conv{nd}d")(x, w, None, **kw)
    geom, groups = _geom(nd, xs, ws, kw, tuple(y.shape)), kw.get("groups", 1)
    got = C.conv_forward(x._c, w._c, geom, groups)
    gx = C.conv_backward_input(y._c, w._c, geom, groups, xs[1])
    gw = C.conv_backward_weight(y._c, x._c, geom, groups, list(ws))
    if not C.has_avx512:
        assert got is None and gx is None and gw is None
        return
    assert got is not None and gx is not None and gw is not None
    np.testing.assert_allclose(torch._tensor._wrap(got).numpy(), y.numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.skipif(IS_REFERENCE, reason="rustorch's own kernels")
def test_native_kernels_decline_what_they_do_not_serve():
    C = torch._C
    geom = ([3, 3], [1, 1], [1, 1], [1, 1], [8, 8], [8, 8])
    x, w = torch.randn(4, 3, 8, 8), torch.randn(8, 3, 3, 3)
    assert C.conv_forward(x.double()._c, w.double()._c, geom, 1) is None  # float64: the general path
    assert C.conv_forward(x.transpose(2, 3)._c, w._c, geom, 1) is None  # non-contiguous
    assert C.conv_forward(x._c, torch.randn(1, 3, 3, 3)._c, geom, 1) is None  # one output channel


@pytest.mark.skipif(IS_REFERENCE, reason="rustorch's own kernels")
def test_native_kernels_check_their_arguments():
    C = torch._C
    geom = ([3, 3], [1, 1], [1, 1], [1, 1], [8, 8], [8, 8])
    x, w = torch.randn(4, 3, 8, 8), torch.randn(8, 3, 3, 3)
    with pytest.raises(RuntimeError, match="does not match"):
        C.conv_forward(torch.randn(4, 3, 9, 8)._c, w._c, geom, 1)  # input size against the geometry
    with pytest.raises(RuntimeError, match="do not match"):
        C.conv_forward(x._c, torch.randn(8, 3, 2, 3)._c, geom, 1)  # weight size against the kernel
    with pytest.raises(RuntimeError, match="do not match"):
        C.conv_forward(x._c, w._c, geom, 2)  # 3 channels in 2 groups
    with pytest.raises(RuntimeError, match="do not match"):
        C.conv_backward_input(torch.randn(4, 8, 7, 8)._c, w._c, geom, 1, 3)  # gradient of the wrong size
    with pytest.raises(RuntimeError, match="do not match"):
        C.conv_backward_weight(torch.randn(4, 8, 8, 8)._c, x._c, geom, 1, [8, 3, 3, 2])
    with pytest.raises(ValueError, match="positive"):
        C.conv_forward(x._c, w._c, ([3, 3], [1, 1], [1, 1], [0, 1], [8, 8], [8, 8]), 1)
    with pytest.raises(ValueError, match="1 to 3"):
        C.conv_forward(x._c, w._c, ([3, 3], [1], [1, 1], [1, 1], [8, 8], [8, 8]), 1)
    # an output larger than the input allows reads only padding: zeros, no out-of-bounds access
    y = C.conv_forward(x._c, w._c, ([3, 3], [1, 1], [1, 1], [1, 1], [8, 8], [12, 12]), 1)
    if y is not None:
        assert torch._tensor._wrap(y).shape == (4, 8, 12, 12)
